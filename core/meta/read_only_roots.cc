#include "core/meta/read_only_roots.h"

#include <algorithm>
#include <vector>

#include "core/platform/memory.h"
#include "core/arch/switch_table.h"

namespace nodegdb {

namespace {

std::vector<std::string> RootNames(const ElfFile& binary) {
  const std::string name = "_ZN2v88internal10RootsTable11root_names_E";
  uint64_t address = 0, size = 0;
  binary.ForEachSymbol(name, [&](const ElfSymbol& sym) {
    if (sym.name == name) {
      address = sym.value;
      size = sym.size;
    }
  });
  std::vector<std::string> names;
  if (!address || size % 8 || size > 8 * 8192) return names;
  for (uint64_t i = 0; i < size / 8; i++) {
    uint64_t p;
    if (!binary.ReadVirtual(address + 8 * i, &p, 8)) return {};
    std::optional<std::string> s = ReadCString(binary, p, 128);
    names.push_back(s ? *s : "");
  }
  return names;
}

uint64_t GlobalPointer(const ElfFile& binary, Memory& memory, uint64_t bias, const char* mangled) {
  uint64_t address = 0;
  binary.ForEachSymbol(mangled, [&](const ElfSymbol& sym) {
    if (sym.name == mangled) address = sym.value;
  });
  uint64_t value = 0;
  if (!address || !memory.Read(address + bias, &value, 8)) return 0;
  return value;
}

}  // namespace

ReadOnlyRoots::ReadOnlyRoots(const ElfFile& binary, Memory& memory, uint64_t bias, uint64_t undefined,
                             uint64_t symbol_map) {
  std::vector<std::string> names = RootNames(binary);
  int undefined_index = -1;
  std::vector<int> symbols;
  for (size_t i = 0; i < names.size(); i++) {
    if (names[i] == "undefined_value") undefined_index = static_cast<int>(i);
    if (names[i].size() > 7 && names[i].compare(names[i].size() - 7, 7, "_symbol") == 0) {
      symbols.push_back(static_cast<int>(i));
    }
  }
  if (undefined_index < 0 || symbols.size() < 8) return;

  // Objects that may hold the roots array, and how many words to search.
  std::vector<std::pair<uint64_t, int>> containers;
  if (uint64_t heap = GlobalPointer(binary, memory, bias, "_ZN2v88internal16SoleReadOnlyHeap15shared_ro_heap_E")) {
    containers.push_back({heap, 4096});
  }
  if (uint64_t group = GlobalPointer(binary, memory, bias, "_ZN2v88internal12IsolateGroup22default_isolate_group_E")) {
    containers.push_back({group, 65536});  // V8 14 keeps the array inside the IsolateGroup
    for (int i = 0; i < 64; i++) {
      uint64_t p;
      if (memory.Read(group + 8 * i, &p, 8) && p > 0x10000 && (p & 7) == 0) containers.push_back({p, 4096});
    }
  }
  for (auto [c, scan_words] : containers) {
    // Read page by page up to the first unreadable one.
    std::vector<uint64_t> words(scan_words);
    int readable = 0;
    while (readable < scan_words) {
      const int n = std::min(512, scan_words - readable);
      if (!memory.Read(c + 8 * readable, &words[readable], 8 * n)) break;
      readable += n;
    }
    for (int k = undefined_index; k < readable; k++) {
      if (words[k] != undefined) continue;
      const uint64_t table = c + 8 * (k - undefined_index);
      // Every *_symbol root must be a Symbol.
      bool ok = true;
      for (size_t s = 0; ok && s < symbols.size(); s++) {
        uint64_t value, map;
        ok = memory.Read(table + 8 * symbols[s], &value, 8) && (value & 3) == 1 &&
             memory.Read(value - 1, &map, 8) && map == symbol_map;
      }
      if (!ok) continue;
      for (size_t i = 0; i < names.size(); i++) {
        uint64_t value;
        if (!memory.Read(table + 8 * i, &value, 8)) break;
        if ((value & 3) == 1 && !names[i].empty()) by_address_.emplace(value, names[i]);
      }
      return;
    }
  }
}

std::optional<std::string> ReadOnlyRoots::NameOf(uint64_t tagged) const {
  auto it = by_address_.find(tagged);
  if (it == by_address_.end()) return std::nullopt;
  return it->second;
}

}  // namespace nodegdb
