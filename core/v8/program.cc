#include "core/v8/program.h"
#include "core/arch/arch.h"

#include <elf.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace nodegdb {

std::shared_ptr<const LoadedBinary> LoadedBinary::Get(const std::string& path) {
  struct Entry {
    time_t mtime;
    off_t size;
    std::shared_ptr<const LoadedBinary> binary;
  };
  static std::mutex mutex;
  static std::map<std::string, Entry> cache;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(path);
  if (it != cache.end() && it->second.mtime == st.st_mtime && it->second.size == st.st_size) {
    return it->second.binary;
  }
  auto binary = std::make_shared<const LoadedBinary>(path);
  cache[path] = Entry{st.st_mtime, st.st_size, binary};
  return binary;
}

const Arch& Program::arch() const { return ArchOf(binary_); }

Program::Program(const std::string& binary, std::shared_ptr<Memory> memory, uint64_t load_bias)
    : loaded_(LoadedBinary::Get(binary)),
      binary_(loaded_->elf),
      metadata_(loaded_->metadata),
      memory_(std::move(memory)),
      load_bias_(load_bias),
      heap_(std::make_unique<Heap>(*memory_, metadata_)) {
  if (const Arch* arch = ArchForMachine(binary_.machine())) {
    heap_->set_machine(arch->code_alignment, arch->swiss_group_width);
  }
  try {
    heap_->set_environment_index(NodeConstant("const", "ContextEmbedderIndex", "kEnvironment"));
  } catch (const Error&) {
    // An embedder without Node's constants: native contexts show no Environment.
  }
}

int Program::NodeMajor() {
  if (node_major_ < 0) {
    std::string v = NodeVersion();  // "v22.1.0"
    node_major_ = v.size() > 1 ? std::atoi(v.c_str() + 1) : 0;
    // Unknown: util.inspect's rules of the newest version we know.
    if (node_major_ <= 0) node_major_ = 26;
  }
  return node_major_;
}

namespace {
// A libstdc++ std::string in target memory: {char* data; size_t size; ...}.
std::string ReadStdString(Memory& memory, uint64_t address, size_t max_size) {
  uint64_t data, size;
  if (!memory.Read(address, &data, 8) || !memory.Read(address + 8, &size, 8)) return "";
  if (size == 0 || size > max_size) return "";
  std::string s(size, '\0');
  if (!memory.Read(data, s.data(), size)) return "";
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return "";
  }
  return s;
}
}  // namespace

std::string Program::NodeVersion() {
  // node::per_process::metadata.versions.node is the first std::string of
  // node::Metadata (NODE_VERSIONS_KEYS starts with node).
  uint64_t address = 0;
  binary_.ForEachSymbol("_ZN4node11per_process8metadataE", [&](const ElfSymbol& sym) {
    if (sym.name == "_ZN4node11per_process8metadataE") address = sym.value;
  });
  if (!address) return "";
  std::string v = ReadStdString(*memory_, address + load_bias_, 32);
  if (v.empty() || v[0] < '0' || v[0] > '9') return "";
  return "v" + v;
}

std::string Program::V8Version() const { return metadata_.v8_version(); }

std::string Program::Banner() {
  std::string node = NodeVersion();
  std::string v8 = V8Version();
  return "Node " + (node.empty() ? std::string("(version unknown)") : node) + ", V8 " +
         (v8.empty() ? std::string("(version unknown)") : v8) + ", " +
         std::to_string(metadata_.v8dbg_count()) + " v8dbg / " + std::to_string(metadata_.nodedbg_count()) +
         " nodedbg constants";
}

std::string Program::CheckBuildId(const std::function<bool(uint64_t, void*, size_t)>& read) const {
  std::string expected = binary_.BuildId();
  if (expected.empty()) return "";
  // The running binary's ELF header and program headers sit at its load
  // address (cores keep that first page); its PT_NOTE holds the build-id.
  const uint64_t base = binary_.FirstLoadAddress() + load_bias_;
  Elf64_Ehdr eh;
  if (!read(base, &eh, sizeof eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return "";
  if (eh.e_phnum > 64 || eh.e_phentsize != sizeof(Elf64_Phdr)) return "";
  const uint64_t runtime_bias = eh.e_type == ET_DYN ? load_bias_ : 0;
  for (unsigned i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    if (!read(base + eh.e_phoff + i * sizeof ph, &ph, sizeof ph)) return "";
    if (ph.p_type != PT_NOTE || ph.p_filesz == 0 || ph.p_filesz > 4096) continue;
    std::vector<uint8_t> notes(ph.p_filesz);
    if (!read(ph.p_vaddr + runtime_bias, notes.data(), notes.size())) continue;
    std::string actual = FindGnuBuildId(notes.data(), notes.size());
    if (actual.empty()) continue;
    if (actual == expected) return "";
    return "the process ran another node binary (build-id " + actual + ") than " + binary_.path() +
           " (build-id " + expected + "): give GDB the binary that made the core, or values read will be wrong";
  }
  return "";
}

int64_t Program::NodeConstant(const std::string& kind, const std::string& cls, const std::string& field) {
  return metadata_.ReadNode(*memory_, load_bias_, kind, cls, field);
}

uint64_t Program::SymbolRuntimeAddress(const std::string& name) const {
  uint64_t address = 0;
  binary_.ForEachSymbol(name, [&](const ElfSymbol& sym) {
    if (sym.name == name && sym.value) address = sym.value;
  });
  return address ? address + load_bias_ : 0;
}

}  // namespace nodegdb
