#include "core/arch/switch_table.h"

namespace nodegdb {

std::optional<uint64_t> JumpTarget(const ElfFile& binary, const IndexedLoad& load, size_t i) {
  if (!load.jump_targets.empty()) {
    if (i < load.jump_targets.size()) return load.jump_targets[i];
    return std::nullopt;
  }
  uint64_t entry;
  if (!binary.ReadVirtual(load.table + 8 * i, &entry, 8)) return std::nullopt;
  return entry;
}

std::optional<std::string> ReadCString(const ElfFile& binary, uint64_t address, size_t max) {
  std::string s;
  char chunk[32];
  while (s.size() < max) {
    // Read byte by byte near the end of a section, in chunks elsewhere.
    size_t n = sizeof chunk;
    if (!binary.ReadVirtual(address + s.size(), chunk, n)) {
      n = 1;
      if (!binary.ReadVirtual(address + s.size(), chunk, 1)) return std::nullopt;
    }
    for (size_t i = 0; i < n; i++) {
      if (chunk[i] == '\0') return s;
      if (chunk[i] < 0x20 || chunk[i] > 0x7e) return std::nullopt;
      s += chunk[i];
      if (s.size() >= max) return std::nullopt;
    }
  }
  return std::nullopt;
}

std::vector<uint8_t> FunctionBytes(const ElfFile& binary, const std::string& mangled, uint64_t* address) {
  std::vector<uint8_t> bytes;
  binary.ForEachSymbol(mangled, [&](const ElfSymbol& sym) {
    if (!bytes.empty() || sym.name != mangled || sym.size == 0 || sym.size > (1u << 20)) return;
    std::vector<uint8_t> b(sym.size);
    if (!binary.ReadVirtual(sym.value, b.data(), b.size())) return;
    bytes = std::move(b);
    if (address) *address = sym.value;
  });
  return bytes;
}

}  // namespace nodegdb
