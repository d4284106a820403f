#include "core/node/node_env.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "core/heap/heap_pages.h"
#include "core/v8/context.h"
#include "core/v8/isolate_handles.h"
#include "core/platform/core_file.h"
#include "core/platform/elf_file.h"
#include "core/node/node_handles.h"
#include "core/v8/program.h"

namespace nodegdb {

namespace {

constexpr uint64_t kChunk = 1 << 20;
constexpr uint64_t kPage = 4096;

std::string Megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

}  // namespace

std::vector<MemoryRange> CoreFileHeapRanges(const std::string& core_path) {
  ElfFile core(core_path);
  if (!core.is_core()) throw Error(core_path + " is not a core file");
  const uint64_t file_size = core.file().size();
  std::vector<MemoryRange> out;
  for (const auto& seg : core.segments()) {
    if (seg.type != PT_LOAD || !(seg.flags & PF_W) || (seg.flags & PF_X) || seg.filesz == 0) continue;
    if (seg.offset >= file_size) continue;  // truncated core
    uint64_t size = std::min(seg.filesz, file_size - seg.offset);
    out.push_back({seg.vaddr, seg.vaddr + size});
  }
  std::sort(out.begin(), out.end(), [](const MemoryRange& a, const MemoryRange& b) { return a.start < b.start; });
  return out;
}

std::vector<MemoryRange> ParseMaps(const std::string& maps_text) {
  std::vector<MemoryRange> out;
  std::istringstream in(maps_text);
  std::string line;
  while (std::getline(in, line)) {
    unsigned long long start = 0, end = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), " %llx-%llx %7s", &start, &end, perms) != 3) continue;
    if (perms[0] != 'r' || perms[1] != 'w' || perms[2] == 'x') continue;
    if (line.find("[vvar") != std::string::npos || line.find("[vsyscall]") != std::string::npos) continue;
    if (end > start) out.push_back({start, end});
  }
  return out;
}

std::vector<MemoryRange> ProcessHeapRanges(int pid) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  if (!maps) throw Error("cannot read /proc/" + std::to_string(pid) + "/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return ParseMaps(text.str());
}

NodeLayout NodeLayout::Read(Program& target) {
  NodeLayout l;
  auto offset = [&](const char* cls, const char* field) { return target.NodeConstant("offset", cls, field); };
  l.environment_index = target.NodeConstant("const", "ContextEmbedderIndex", "kEnvironment");
  l.env_handle_queue = offset("Environment", "handle_wrap_queue_");
  l.env_req_queue = offset("Environment", "req_wrap_queue_");
  l.handle_queue_head = offset("Environment_HandleWrapQueue", "head_");
  l.req_queue_head = offset("Environment_ReqWrapQueue", "head_");
  l.handle_wrap_node = offset("HandleWrap", "handle_wrap_queue_");
  l.req_wrap_node = offset("ReqWrap", "req_wrap_queue_");
  l.handle_next = offset("ListNode_HandleWrap", "next_");
  l.req_next = offset("ListNode_ReqWrap", "next_");
  // prev_ has no constant in every version; it is the other word of the node.
  try {
    l.handle_prev = offset("ListNode_HandleWrap", "prev_");
  } catch (const Error&) {
    l.handle_prev = l.handle_next == 0 ? 8 : 0;
  }
  try {
    l.req_prev = offset("ListNode_ReqWrap", "prev_");
  } catch (const Error&) {
    l.req_prev = l.req_next == 0 ? 8 : 0;
  }
  l.persistent_handle = offset("BaseObject", "persistent_handle_");
  // libuv's `static uv_loop_t default_loop_struct` (uv-common.c): the main
  // thread's loop. A local symbol; absent from stripped binaries.
  l.default_loop = target.SymbolRuntimeAddress("default_loop_struct");
  return l;
}

const char* ThreadName(EnvironmentInfo::Thread thread) {
  switch (thread) {
    case EnvironmentInfo::Thread::kMain: return "main thread";
    case EnvironmentInfo::Thread::kWorker: return "worker thread";
    case EnvironmentInfo::Thread::kUnknown: break;
  }
  return "thread unknown";
}

std::vector<uint64_t> FindNativeContexts(Heap& heap, const std::vector<MemoryRange>& ranges, size_t max_contexts,
                                         size_t* maps_found, uint64_t* bytes_scanned, size_t* unreadable_ranges) {
  const Metadata& md = heap.metadata();
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  const uint64_t tag_mask = heap.layout().tagging.heap_object_tag_mask;
  const int map_type = heap.layout().map_type;
  const int64_t type_offset = heap.layout().map_instance_type;
  std::optional<int> native_type = NativeContextType(heap);
  std::optional<int64_t> map_native_context = md.FindField("Map", {"native_context", "native_context_or_null"});
  if (map_type < 0) throw MissingConstant("v8dbg_type_Map__MAP_TYPE");
  if (!native_type) throw MissingConstant("v8dbg_FirstContextType / v8dbg_LastContextType");
  if (!map_native_context) throw MissingConstant("v8dbg_class_Map__native_context__*");
  if (type_offset < 0 || type_offset % 2 || *map_native_context < 8 || *map_native_context % 8) {
    throw CorruptObject("unexpected Map layout in the metadata");
  }
  std::set<uint64_t> found;
  size_t maps = 0;
  uint64_t scanned = 0;
  size_t unreadable = 0;
  // A chunk plus the bytes a Map at its last word may need.
  const uint64_t reach = static_cast<uint64_t>(std::max<int64_t>(*map_native_context, type_offset)) + 8;
  std::vector<uint64_t> buffer((kChunk + reach) / 8 + 1);
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(buffer.data());

  // `map` has NATIVE_CONTEXT_TYPE; its native_context must be an object whose
  // map is `map`, and that object must decode as a native context.
  auto consider = [&](uint64_t map, uint64_t native_context) {
    try {
      Tagged meta = heap.ReadTagged(map);
      if (meta.kind != Tagged::Kind::kStrong || heap.MapInstanceType(meta.address) != map_type) return;
      maps++;
      Tagged nc = heap.Decode(native_context);
      if (nc.kind != Tagged::Kind::kStrong || heap.ReadWord(nc.address) != map + tag) return;
      ContextInfo c = ReadContext(heap, nc.address);
      if (c.kind != ContextKind::kNative) return;
      found.insert(nc.address + tag);
    } catch (const Error&) {
      // A word that only looked like a native context's map: not one.
    }
  };

  // Bulk reads: a core's pages read by pread do not stay in GDB's resident
  // memory, so scanning all writable memory costs no more than a buffer.
  for (const MemoryRange& range : ranges) {
    bool range_unreadable = false;
    for (uint64_t at = range.start & ~7ull; at < range.end && found.size() < max_contexts;) {
      uint64_t size = std::min<uint64_t>(kChunk - (at % kPage), range.end - at) & ~7ull;
      if (size == 0) break;
      if (!heap.memory().ReadBulk(at, buffer.data(), size)) {
        // Part of the range may be missing (a truncated core): go on page by page.
        size = std::min<uint64_t>(kPage - (at % kPage), range.end - at) & ~7ull;
        if (size == 0) break;
        if (!heap.memory().ReadBulk(at, buffer.data(), size)) {
          range_unreadable = true;
          at += size;
          continue;
        }
      }
      // The words just past the chunk, when readable (a Map may straddle).
      uint64_t extra = std::min<uint64_t>(reach, range.end - at - size) & ~7ull;
      if (extra && !heap.memory().ReadBulk(at + size, buffer.data() + size / 8, extra)) extra = 0;
      std::memset(reinterpret_cast<uint8_t*>(buffer.data()) + size + extra, 0, reach - extra);
      scanned += size;
      const uint64_t words = size / 8;
      for (uint64_t i = 0; i < words; i++) {
        // Cheap tests on the buffer first: the instance type, then the map
        // word and the native_context field being tagged pointers.
        uint16_t type;
        std::memcpy(&type, bytes + i * 8 + static_cast<uint64_t>(type_offset), 2);
        if (type != *native_type) continue;
        uint64_t map_word = buffer[i];
        uint64_t nc_word = buffer[i + static_cast<uint64_t>(*map_native_context) / 8];
        if ((map_word & tag_mask) != tag || (nc_word & tag_mask) != tag) continue;
        consider(at + i * 8, nc_word);
      }
      at += size;
    }
    if (range_unreadable) unreadable++;
  }
  if (maps_found) *maps_found = maps;
  if (bytes_scanned) *bytes_scanned = scanned;
  if (unreadable_ranges) *unreadable_ranges = unreadable;
  return std::vector<uint64_t>(found.begin(), found.end());
}

std::string CheckEnvironment(Program& target, const NodeLayout& layout, uint64_t env) {
  return CheckEnvironment(target.memory(), layout, env);
}

std::string CheckEnvironment(Memory& memory, const NodeLayout& layout, uint64_t env) {
  if (env == 0 || env % 8 != 0) return "not an aligned pointer";
  struct Queue {
    const char* name;
    uint64_t head;
    int64_t next, prev;
  } queues[] = {
      {"handle_wrap_queue_", env + static_cast<uint64_t>(layout.env_handle_queue + layout.handle_queue_head),
       layout.handle_next, layout.handle_prev},
      {"req_wrap_queue_", env + static_cast<uint64_t>(layout.env_req_queue + layout.req_queue_head), layout.req_next,
       layout.req_prev},
  };
  // Each head is linked with its neighbours (an empty list points to
  // itself). Only the first step is checked: a corrupt element further on
  // is for node-handles to show, not a reason to hide the Environment. A
  // damaged first or last element breaks one direction only, so one
  // direction per head is enough (in random memory, even that is a
  // coincidence of two pointers per queue, behind a native context's
  // Environment slot).
  for (const Queue& q : queues) {
    uint64_t next = 0, prev = 0, back = 0, forward = 0;
    const uint64_t next_at = q.head + static_cast<uint64_t>(q.next), prev_at = q.head + static_cast<uint64_t>(q.prev);
    if (!memory.Read(next_at, &next, 8) || !memory.Read(prev_at, &prev, 8)) {
      return std::string(q.name) + " at " + Hex(q.head) + " cannot be read";
    }
    const bool forward_ok = next != 0 && next % 8 == 0 && memory.Read(next + static_cast<uint64_t>(q.prev), &back, 8) &&
                            back == q.head;
    const bool backward_ok = prev != 0 && prev % 8 == 0 &&
                             memory.Read(prev + static_cast<uint64_t>(q.next), &forward, 8) && forward == q.head;
    if (!forward_ok && !backward_ok) {
      return std::string(q.name) + " at " + Hex(q.head) + " is not a linked list head (next_ " + Hex(next) +
             ", prev_ " + Hex(prev) + ")";
    }
  }
  return "";
}

uint64_t EnvironmentLoop(Program& target, const NodeLayout& layout, uint64_t env) {
  Memory& memory = target.memory();
  // The loop of a libuv handle it owns (uv_handle_t::loop, offset 8),
  // trusting only handles whose data points back to their wrap.
  HandleList handles = ReadHandleWraps(target, layout, env, 64);
  for (const HandleWrapInfo& h : handles.items) {
    uint64_t loop;
    if (h.data_matches && memory.Read(h.uv_handle + 8, &loop, 8) && loop) return loop;
  }
  // Without handle wraps: the Environment embeds libuv handles of its own
  // (its timer, immediate check and idle handles, the task queue async...),
  // somewhere between its start and just past its queues. A uv_handle_t
  // there is recognised by its type and by its handle_queue node being
  // linked both ways with its neighbours; its loop field is the loop.
  const uint64_t end = static_cast<uint64_t>(std::max(layout.env_handle_queue, layout.env_req_queue)) + 2048;
  std::vector<uint64_t> words(end / 8);
  if (!memory.Read(env, words.data(), words.size() * 8)) return 0;
  for (size_t i = 0; i + 6 < words.size(); i++) {
    const uint64_t handle = env + i * 8;
    const uint64_t loop = words[i + 1];
    const uint32_t type = static_cast<uint32_t>(words[i + 2]);
    // uv_handle_type: ASYNC 1, CHECK 2, IDLE 6, PREPARE 9, TIMER 13.
    if (type != 1 && type != 2 && type != 6 && type != 9 && type != 13) continue;
    if (loop == 0 || loop % 8) continue;
    const uint64_t node = handle + 32, next = words[i + 4], prev = words[i + 5];
    uint64_t back = 0, forward = 0;
    if (next == 0 || prev == 0 || next % 8 || prev % 8) continue;
    if (!memory.Read(next + 8, &back, 8) || !memory.Read(prev, &forward, 8) || back != node || forward != node) continue;
    return loop;
  }
  if (layout.default_loop) {
    for (uint64_t w : words) {
      if (w == layout.default_loop) return w;
    }
  }
  return 0;
}

namespace {

// The native contexts every isolate's global handles hold, and the
// objects they hold strongly (for the Worker lookup): nothing if the heap pages
// or the handles cannot be found.
std::vector<uint64_t> NativeContextsFromHandles(Heap& heap, EnvironmentSearch& search) {
  std::vector<uint64_t> contexts;
  const std::optional<int> native_context_type = NativeContextType(heap);
  if (!native_context_type) return contexts;
  HeapPageSet pages;
  try {
    pages = FindHeapPages(heap);
  } catch (const Error&) {
    return contexts;
  }
  for (uint64_t h : pages.heaps) {
    IsolateHandles handles = FindIsolateHandles(heap.memory(), h);
    if (handles.global_handles) search.isolates++;
    // A vm context's ContextifyContext holds it weakly (its sandbox
    // object keeps it alive): contexts are looked for among both.
    std::vector<uint64_t> all = handles.strong;
    all.insert(all.end(), handles.weak.begin(), handles.weak.end());
    for (size_t i = 0; i < all.size(); ++i) {
      const uint64_t w = all[i];
      Tagged t = heap.Decode(w);
      if (t.kind != Tagged::Kind::kStrong) continue;
      if (i < handles.strong.size()) search.handle_objects.push_back(w);
      try {
        if (heap.InstanceTypeOf(t.address) != *native_context_type) continue;
        ReadContext(heap, t.address);  // decodes as a context
        contexts.push_back(w);
      } catch (const Error&) {
      }
    }
  }
  std::sort(contexts.begin(), contexts.end());
  contexts.erase(std::unique(contexts.begin(), contexts.end()), contexts.end());
  return contexts;
}

// The Environments of search.native_contexts, checked; main thread first.
void CollectEnvironments(Program& target, const NodeLayout& layout, EnvironmentSearch& search) {
  Heap& heap = target.heap();
  std::map<uint64_t, std::vector<uint64_t>> by_env;
  search.contexts_without_environment = 0;
  search.rejected.clear();
  search.environments.clear();
  for (uint64_t nc : search.native_contexts) {
    uint64_t env = 0;
    try {
      ContextInfo c = ReadContext(heap, heap.Decode(nc).address);
      env = NodeEnvironment(heap, c, layout.environment_index);
    } catch (const Error&) {
      // Unreadable embedder data: counted below as a context without one.
    }
    if (env == 0) {
      search.contexts_without_environment++;
      continue;
    }
    by_env[env].push_back(nc);
  }
  for (auto& [env, contexts] : by_env) {
    std::string problem = CheckEnvironment(target, layout, env);
    if (!problem.empty()) {
      search.rejected.push_back(Hex(env) + " (from native context " + Hex(contexts.front()) + "): " + problem);
      continue;
    }
    EnvironmentInfo info;
    info.address = env;
    info.contexts = contexts;
    info.loop = EnvironmentLoop(target, layout, env);
    if (layout.default_loop && info.loop) {
      info.thread = info.loop == layout.default_loop ? EnvironmentInfo::Thread::kMain : EnvironmentInfo::Thread::kWorker;
    }
    search.environments.push_back(std::move(info));
  }
  std::stable_sort(search.environments.begin(), search.environments.end(),
                   [](const EnvironmentInfo& a, const EnvironmentInfo& b) {
                     return (a.thread == EnvironmentInfo::Thread::kMain) > (b.thread == EnvironmentInfo::Thread::kMain);
                   });
}

}  // namespace

EnvironmentSearch FindEnvironments(Program& target, const std::vector<MemoryRange>& ranges, size_t max_contexts) {
  EnvironmentSearch search;
  NodeLayout layout = NodeLayout::Read(target);
  Heap& heap = target.heap();
  search.ranges = ranges.size();
  search.scanned = ranges;
  search.native_contexts = NativeContextsFromHandles(heap, search);
  if (search.native_contexts.size() > max_contexts) search.native_contexts.resize(max_contexts);
  CollectEnvironments(target, layout, search);
  if (!search.environments.empty()) {
    search.from_handles = true;
    return search;
  }
  // The fallback: every native context in writable memory.
  search.native_contexts = FindNativeContexts(heap, ranges, max_contexts, &search.maps, &search.bytes_scanned,
                                              &search.unreadable_ranges);
  CollectEnvironments(target, layout, search);
  return search;
}

std::string EnvironmentSearch::Summary() const {
  size_t workers = 0, main = 0;
  for (const EnvironmentInfo& e : environments) {
    if (e.thread == EnvironmentInfo::Thread::kMain) main++;
    if (e.thread == EnvironmentInfo::Thread::kWorker) workers++;
  }
  std::string s = std::to_string(environments.size()) + (environments.size() == 1 ? " Environment" : " Environments");
  std::vector<std::string> parts;
  if (main) parts.push_back("main thread");
  if (workers) parts.push_back(std::to_string(workers) + (workers == 1 ? " worker" : " workers"));
  size_t unknown = environments.size() - main - workers;
  if (unknown) parts.push_back(std::to_string(unknown) + " on unknown threads");
  if (!parts.empty()) {
    s += " (";
    for (size_t i = 0; i < parts.size(); i++) s += (i ? ", " : "") + parts[i];
    s += ")";
  }
  s += " in " + std::to_string(native_contexts.size()) + " native context" + (native_contexts.size() == 1 ? "" : "s");
  if (from_handles) {
    s += ", found from the global handles of " + std::to_string(isolates) + (isolates == 1 ? " isolate" : " isolates");
  } else {
    s += ", found by scanning " + Megabytes(bytes_scanned) + " of writable memory for their maps";
    s += isolates == 0 ? " (the isolates' global handles were not found)"
                       : " (the global handles of " + std::to_string(isolates) + " isolate" + (isolates == 1 ? "" : "s") +
                             " held none)";
  }
  if (contexts_without_environment) {
    s += "; " + std::to_string(contexts_without_environment) + " native context" +
         (contexts_without_environment == 1 ? " holds" : "s hold") + " no Environment";
  }
  if (!rejected.empty()) {
    s += "; " + std::to_string(rejected.size()) + " Environment pointer" + (rejected.size() == 1 ? "" : "s") +
         " ignored (unreadable, or no queues of Node's there: node-environments says why)";
  }
  if (unreadable_ranges) s += "; " + std::to_string(unreadable_ranges) + " memory ranges partly unreadable";
  return s;
}

}  // namespace nodegdb
