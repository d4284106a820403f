#include "core/node/base_object.h"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "core/errors.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"

namespace nodegdb {

namespace {

// The binary's vtables ("_ZTV" symbols), sorted by link-time address, read
// once per Heap.
struct VtableIndex {
  struct Entry {
    uint64_t start, end;
    std::string mangled;
  };
  bool loaded = false;
  std::vector<Entry> entries;

  void Load(const ElfFile& binary) {
    loaded = true;
    binary.ForEachSymbol("_ZTV", [&](const ElfSymbol& s) {
      if (s.value && s.size) entries.push_back({s.value, s.value + s.size, std::string(s.name)});
    });
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.start < b.start; });
  }

  const Entry* Find(uint64_t link_address) const {
    auto it = std::upper_bound(entries.begin(), entries.end(), link_address,
                               [](uint64_t a, const Entry& e) { return a < e.start; });
    if (it == entries.begin()) return nullptr;
    --it;
    return link_address < it->end ? &*it : nullptr;
  }
};

std::string Demangled(const std::string& mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> text(abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status),
                                                   &std::free);
  if (status != 0 || !text) return "";
  std::string name = text.get();
  const std::string prefix = "vtable for ";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : "";
}

}  // namespace

std::string VtableClass(Program& program, uint64_t vtable_pointer) {
  VtableIndex& index = program.heap().MemoOf<VtableIndex>();
  if (!index.loaded) index.Load(program.binary());
  const VtableIndex::Entry* entry = index.Find(vtable_pointer - program.load_bias());
  return entry ? Demangled(entry->mangled) : "";
}

std::vector<WrappedCppObject> WrappedCppObjects(Program& program, uint64_t object) {
  Heap& heap = program.heap();
  MapInfo map = ReadMap(heap, heap.MapOf(object));
  std::vector<WrappedCppObject> found;
  std::vector<uint64_t> fields = ReadEmbedderFields(heap, object, map);
  for (size_t i = 0; i < fields.size(); i++) {
    const uint64_t pointer = fields[i];
    if (pointer == 0 || (pointer & 7) != 0) continue;  // not an aligned pointer
    uint64_t vptr = 0;
    int64_t offset_to_top = 0;
    if (!heap.memory().Read(pointer, &vptr, sizeof vptr)) continue;
    // A base-class part (a StreamBase* inside a TCPWrap) has a secondary
    // vtable, whose offset-to-top leads to the whole object.
    if (!heap.memory().Read(vptr - 16, &offset_to_top, sizeof offset_to_top)) continue;
    const uint64_t whole = pointer + static_cast<uint64_t>(offset_to_top);
    if (whole != pointer && !heap.memory().Read(whole, &vptr, sizeof vptr)) continue;
    std::string cls = VtableClass(program, vptr);
    bool seen = std::any_of(found.begin(), found.end(), [&](const WrappedCppObject& o) { return o.address == whole; });
    if (!cls.empty() && !seen) found.push_back({i, whole, cls});
  }
  return found;
}

}  // namespace nodegdb
