// Node's per-thread state in a release binary (no C++ debug info): the
// node::Environment of the main thread and of each Worker, found through the
// native contexts of the V8 heaps, and the facts about them that need no
// JavaScript (which thread, which libuv loop).
//
// Finding native contexts, first from each isolate's global handles
// (core/v8/isolate_handles.h: every Environment holds its contexts by
// v8::Global, a vm context's ContextifyContext by a weak one), which costs the same whatever the core's size: the handle
// blocks of each Heap the page search finds. When they give no
// Environment (no heap pages, handles not found), by a scan:
// every native context has a Map of its own, of
// type NATIVE_CONTEXT_TYPE, whose Map::native_context field points back to
// it. Scanning writable, non-executable memory for words that look like such
// a Map (the instance type at its offset, tagged map word and native_context
// field), then checking the map's map is a Map, the field's object has this
// map, and it decodes as a native context, finds every one. Node stores its Environment* in embedder data slot
// nodedbg_const_ContextEmbedderIndex__kEnvironment__int of each context it
// creates (vm contexts share their creator's Environment).
//
// This does not depend on a JavaScript frame being on the stack: it works on
// an idle process, on Node 20 (whose JS frames sit under the symbolized
// Builtins_InterpreterEntryTrampoline), and finds Workers' Environments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/platform/memory.h"

#include "core/v8/heap.h"

namespace nodegdb {

class Program;

// Where V8's heap pages can be: writable, non-executable memory with
// contents. From a core file's PT_LOAD segments, or /proc/PID/maps.
std::vector<MemoryRange> CoreFileHeapRanges(const std::string& core_path);
std::vector<MemoryRange> ProcessHeapRanges(int pid);
// From lines of /proc/PID/maps (or GDB's `info proc mappings` reduced to
// "start-end perms"): rw and not x, leaving out [vvar]-like kernel pages.
std::vector<MemoryRange> ParseMaps(const std::string& maps_text);

// Node's class offsets (nodedbg_*, in memory since Node fills them in at
// start-up) and the binary's symbols used to name things.
struct NodeLayout {
  int64_t environment_index = -1;        // ContextEmbedderIndex::kEnvironment
  int64_t env_handle_queue = -1;         // Environment::handle_wrap_queue_
  int64_t env_req_queue = -1;            // Environment::req_wrap_queue_
  int64_t handle_queue_head = 0;         // Environment::HandleWrapQueue::head_
  int64_t req_queue_head = 0;            // Environment::ReqWrapQueue::head_
  int64_t handle_wrap_node = -1;         // HandleWrap::handle_wrap_queue_
  int64_t req_wrap_node = -1;            // ReqWrap<uv_req_t>::req_wrap_queue_
  int64_t handle_next = 8, handle_prev = 0;  // ListNode<HandleWrap>::next_ / prev_
  int64_t req_next = 8, req_prev = 0;        // ListNode<ReqWrap>::next_ / prev_
  int64_t persistent_handle = -1;        // BaseObject::persistent_handle_
  uint64_t default_loop = 0;             // runtime address of libuv's default loop (0: unknown)

  // Reads every constant; throws MissingConstant naming the first absent one.
  static NodeLayout Read(Program& target);
};

struct EnvironmentInfo {
  uint64_t address = 0;               // node::Environment*
  std::vector<uint64_t> contexts;     // tagged native contexts holding it
  enum class Thread { kMain, kWorker, kUnknown };
  Thread thread = Thread::kUnknown;
  uint64_t loop = 0;                  // its uv_loop_t*, 0 if not found
};
const char* ThreadName(EnvironmentInfo::Thread thread);  // "main thread", "worker thread", "thread unknown"

struct EnvironmentSearch {
  // Found from the isolates' global handles (no memory scanned), and the
  // objects those handles hold strongly (tagged; node_worker.h looks for
  // Workers' wrappers among them).
  bool from_handles = false;
  size_t isolates = 0;
  std::vector<uint64_t> handle_objects;
  uint64_t bytes_scanned = 0;
  size_t ranges = 0, unreadable_ranges = 0;
  std::vector<MemoryRange> scanned;     // the ranges scanned (node_worker.h scans them again)
  size_t maps = 0;                      // Maps of type NATIVE_CONTEXT_TYPE found
  std::vector<uint64_t> native_contexts;  // tagged, validated, in address order
  size_t contexts_without_environment = 0;
  std::vector<EnvironmentInfo> environments;  // main thread first
  // Native contexts whose Environment* does not hold Node's queues: left out.
  std::vector<std::string> rejected;
  // One line: "2 Environments (main thread, 1 worker) in 3 native contexts,
  // found from the global handles of 2 isolates" (or "..., found by
  // scanning 81.2 MB of writable memory for their maps").
  std::string Summary() const;
};

// Finds every native context in `ranges` and the Environments they hold.
// Bounded: at most `max_contexts` native contexts are examined.
EnvironmentSearch FindEnvironments(Program& target, const std::vector<MemoryRange>& ranges,
                                   size_t max_contexts = 4096);

// The native contexts alone (tagged), and how many native-context Maps led to them.
std::vector<uint64_t> FindNativeContexts(Heap& heap, const std::vector<MemoryRange>& ranges,
                                         size_t max_contexts, size_t* maps, uint64_t* bytes_scanned,
                                         size_t* unreadable_ranges);

// Checks that an Environment* holds Node's two queues: each head linked
// with its first or last node (or with itself when empty); a damaged
// element next to a head leaves the Environment listed. "" if so, else why
// not.
std::string CheckEnvironment(Program& target, const NodeLayout& layout, uint64_t env);
std::string CheckEnvironment(Memory& memory, const NodeLayout& layout, uint64_t env);

// The uv_loop_t* an Environment runs: the loop field of the libuv handles it
// owns (its handle wraps', or failing that a loop pointer in its own first
// bytes that equals libuv's default loop). 0 if unknown.
uint64_t EnvironmentLoop(Program& target, const NodeLayout& layout, uint64_t env);

}  // namespace nodegdb
