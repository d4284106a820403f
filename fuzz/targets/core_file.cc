// Core files and ELF files: the raw input is the file. ELF and program
// headers, PT_LOAD segments (truncated or overlapping), notes (NT_FILE,
// NT_PRSTATUS, the build-id), symbols, and reads through all of them; the
// same bytes as a node binary (symbols, initialised data, v8dbg_ metadata).
// This target has its own entry point: no heap image.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "core/platform/core_file.h"
#include "core/platform/elf_file.h"
#include "core/errors.h"
#include "core/meta/metadata.h"

using namespace nodegdb;

namespace {

// The input as a file (the decoders map files by path).
class MemFile {
 public:
  MemFile(const uint8_t* data, size_t size) {
    fd_ = memfd_create("node-gdb-fuzz", MFD_CLOEXEC);
    if (fd_ < 0) return;
    size_t done = 0;
    while (done < size) {
      ssize_t n = write(fd_, data + done, size - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() {
    if (fd_ >= 0) close(fd_);
  }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

void ReadAround(CoreFileMemory& core, uint64_t address) {
  uint8_t buf[64];
  for (uint64_t delta : {uint64_t{0}, uint64_t{8}, uint64_t{4090}}) {
    core.Read(address + delta, buf, sizeof buf);
    core.ReadCoreOnly(address + delta, buf, 8);
    core.Read(address - delta, buf, 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MemFile file(data, size);
  if (file.path().empty()) return 0;
  try {
    ElfFile elf(file.path());
    elf.BuildId();
    elf.FirstLoadAddress();
    elf.ForEachNote([](std::string_view, uint32_t, const uint8_t*, uint64_t) {});
    elf.ForEachSymbol("", [&](const ElfSymbol& sym) {
      uint64_t v;
      elf.ReadVirtual(sym.value, &v, sym.size < 8 ? sym.size : 8);
    });
    for (const auto& seg : elf.segments()) {
      uint8_t buf[16];
      elf.ReadVirtual(seg.vaddr, buf, sizeof buf);
      elf.ReadVirtual(seg.vaddr + seg.filesz - 1, buf, 1);
    }
    try {
      Metadata md = Metadata::FromBinary(elf);
      md.Find("v8dbg_SmiTag");
    } catch (const Error&) {
    }
  } catch (const Error&) {
  }
  try {
    CoreFileMemory core(file.path());
    core.Describe();
    core.LoadBaseOf("node");
    core.LoadBaseOf("/usr/bin/node");
    core.SubstituteFile("node", "/nonexistent/node");
    for (const auto& m : core.file_mappings()) {
      ReadAround(core, m.start);
      ReadAround(core, m.end - 1);
    }
    ElfFile elf(file.path());
    for (const auto& seg : elf.segments()) {
      ReadAround(core, seg.vaddr);
      ReadAround(core, seg.vaddr + seg.memsz - 1);
    }
    ReadAround(core, 0);
    ReadAround(core, UINT64_MAX - 16);
    ReadAround(core, 0x400000);
  } catch (const Error&) {
  }
  return 0;
}
