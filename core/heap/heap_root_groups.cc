#include "core/heap/heap_root_groups.h"

#include <algorithm>
#include <iterator>

#include "core/v8/isolate_handles.h"

namespace nodegdb {

namespace {

// The roots V8's generator makes no edge to (V8HeapExplorer::IsEssentialObject):
// besides the oddballs and empty arrays (Inessential), the maps every
// FixedArray, Cell, PropertyCell, SharedFunctionInfo and filler has.
bool IsInessentialRoot(const std::string& name) {
  static const char* const kNames[] = {"fixed_array_map", "cell_map", "global_property_cell_map",
                                       "shared_function_info_map", "free_space_map", "one_pointer_filler_map",
                                       "two_pointer_filler_map", "empty_byte_array", "empty_fixed_array",
                                       "empty_weak_fixed_array", "empty_descriptor_array", "the_hole_value"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

RootGroup& GroupNamed(std::vector<RootGroup>& groups, const std::string& name) {
  for (RootGroup& g : groups) {
    if (g.name == name) return g;
  }
  groups.push_back({name, {}, {}});
  return groups.back();
}

void AddValues(RootGroup& group, const std::vector<uint64_t>& words) {
  for (uint64_t w : words) group.values.push_back({w, false});
}

// An isolate's roots table (read-only and strong roots) and builtins.
void AddRootTables(HeapWalker& walker, const RootNames& names, const IsolateRoots& r, std::vector<RootGroup>& groups,
                   RootFacts& facts, GraphReport* report) {
  const uint64_t tag = walker.heap().layout().tagging.heap_object_tag;
  const V8Rules& rules = walker.heap().rules();
  std::vector<uint64_t> table = r.read_only;
  table.insert(table.end(), r.strong.begin(), r.strong.end());
  for (size_t i = 0; i < table.size() && i < names.roots.size(); ++i) {
    facts.root_names.emplace(table[i], names.roots[i]);
    if (IsInessentialRoot(names.roots[i]) && (table[i] & 1)) facts.inessential.push_back(table[i] - tag);
  }
  if (r.roots_table) {
    AddValues(GroupNamed(groups, "(Read-only roots)"), r.read_only);
    AddValues(GroupNamed(groups, rules.snapshot_strong_root_list_name()), r.strong);
  }
  if (r.builtin_table) {
    RootGroup& b = GroupNamed(groups, "(Builtins)");
    for (size_t i = 0; i < r.builtins.size(); ++i) {
      const size_t id = i < r.builtin_count ? i : i - r.builtin_count;  // the tier-0 ones are the first ids again
      const std::string name = id < names.builtins.size() ? names.builtins[id] : "";
      b.values.push_back({r.builtins[i], false});
      b.descriptions.push_back(name);
      if (!name.empty()) {
        facts.builtin_code.emplace(r.builtins[i] - tag, "(" + name + rules.snapshot_builtin_code_suffix() + ")");
      }
    }
  }
  report->read_only_roots += r.read_only.size();
  report->strong_roots += r.strong.size();
  report->builtins += r.builtins.size();
}

void AddObjectCaches(const IsolateRoots& r, std::vector<RootGroup>& groups, GraphReport* report) {
  if (!r.caches_found) return;
  AddValues(GroupNamed(groups, "(Startup object cache)"), r.startup_object_cache);
  AddValues(GroupNamed(groups, "(Shareable object cache)"), r.shared_heap_object_cache);
  report->object_caches += r.startup_object_cache.size() + r.shared_heap_object_cache.size();
}

}  // namespace

// The string table (every internalized string the walk found), each of
// `heaps`' own roots (isolate_roots.h) and global and eternal handles
// (isolate_handles.h), counted into `report`; in V8's order of root groups.
std::vector<RootGroup> ReadRootGroups(HeapWalker& walker, const std::vector<uint64_t>& heaps,
                                      const std::vector<uint64_t>& internalized,
                                      const std::vector<uint64_t>& external, const RootNames& names,
                                      RootFacts& facts, GraphReport* report) {
  const uint64_t tag = walker.heap().layout().tagging.heap_object_tag;
  std::vector<RootGroup> groups;
  if (!internalized.empty()) {
    RootGroup& strings = GroupNamed(groups, "(Internalized strings)");
    for (uint64_t a : internalized) strings.values.push_back({a + tag, false});
  }
  report->internalized = internalized.size();
  if (!external.empty()) {
    RootGroup& strings = GroupNamed(groups, "(External strings)");
    for (uint64_t a : external) strings.values.push_back({a + tag, false});
  }
  report->external_strings = external.size();
  std::vector<IsolateRoots> roots;
  for (uint64_t heap : heaps) {
    roots.push_back(FindIsolateRoots(walker.heap(), walker.pages(), heap));
    AddRootTables(walker, names, roots.back(), groups, facts, report);
    report->root_notes.insert(report->root_notes.end(), roots.back().notes.begin(), roots.back().notes.end());
  }
  RootGroup global{"(Global handles)", {}, {}}, eternal{"(Eternal handles)", {}, {}};
  bool global_found = false, eternal_found = false;
  for (uint64_t heap : heaps) {
    IsolateHandles h = FindIsolateHandles(walker.heap().memory(), heap);
    global_found |= h.global_handles != 0;
    eternal_found |= h.eternal_handles != 0;
    for (uint64_t w : h.strong) global.values.push_back({w, false});
    for (uint64_t w : h.weak) global.values.push_back({w, true});
    for (uint64_t w : h.eternal) eternal.values.push_back({w, false});
    report->global_strong += h.strong.size();
    report->global_weak += h.weak.size();
    report->eternal += h.eternal.size();
    report->root_notes.insert(report->root_notes.end(), h.notes.begin(), h.notes.end());
  }
  if (global_found) groups.push_back(std::move(global));
  if (eternal_found) groups.push_back(std::move(eternal));
  for (const IsolateRoots& r : roots) AddObjectCaches(r, groups, report);
  return groups;
}

RootGroup ReadStackRoots(Memory& memory, const std::vector<uint64_t>& stack_pointers, uint64_t tag,
                         GraphReport* report) {
  RootGroup group{"(Stack roots)", {}, {}};
  std::vector<MemoryRange> ranges;
  try {
    ranges = memory.Ranges();
  } catch (const Error&) {
    report->root_notes.push_back("the threads' stacks not read: the target's memory ranges are unknown");
    return group;
  }
  std::vector<uint64_t> words(8192);
  // By address, whoever listed the threads (GDB, the core's notes): the same
  // graph from every source.
  std::vector<uint64_t> sorted = stack_pointers;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (uint64_t sp : sorted) {
    sp &= ~uint64_t{7};
    auto range = std::find_if(ranges.begin(), ranges.end(), [&](const MemoryRange& r) { return r.start <= sp && sp < r.end; });
    if (range == ranges.end()) {
      report->root_notes.push_back("a thread's stack pointer " + Hex(sp) + " is in no readable memory: its stack not read");
      continue;
    }
    const uint64_t end = std::min(range->end, sp + kMaxStackBytes);
    for (uint64_t at = sp; at < end;) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(words.size() * 8, end - at));
      if (!memory.ReadBulk(at, words.data(), n)) break;
      for (size_t i = 0; i < n / 8; ++i) {
        if ((words[i] & 3) == tag) group.values.push_back({words[i], false});
      }
      at += n;
    }
    ++report->stacks;
  }
  return group;
}


}  // namespace nodegdb
