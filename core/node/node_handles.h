// What keeps a Node process alive, from raw memory: the HandleWraps of an
// Environment's handle_wrap_queue_ and the ReqWraps of its req_wrap_queue_,
// each with its libuv handle or request and its JavaScript wrapper.
//
// Node's intrusive lists (node::ListHead<T, M> of node::ListNode<T>) are
// circular: the head's next_ is the first element's node, the last element's
// next_ is the head. An element is its node's address minus the member's
// offset (nodedbg_offset_HandleWrap__handle_wrap_queue_..., as Node's own
// postmortem cctest does).
//
// libuv's structures (uv_handle_t, uv_stream_t, uv_req_t, uv_fs_t, ...) are
// public ABI; the handle flags (closing 0x1, closed 0x2, active 0x4, ref 0x8)
// are libuv-internal but unchanged in every libuv 1.x. Offsets are those of
// x86-64 and arm64 Linux, checked with offsetof against the uv.h of libuv
// 1.46 (Node 20), 1.51 (Node 22) and 1.52 (Node 24, 26): identical.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/platform/memory.h"
#include "core/node/node_env.h"
#include "core/platform/proc_sockets.h"

namespace nodegdb {

class Program;

// A circular intrusive list from its head node. `next` / `prev`: offsets of
// the links in a node. Stops after `limit` nodes, at a repeated node (a
// cycle that misses the head), at a null or misaligned link, at an
// unreadable link, or at a node whose prev_ does not point back; `error`
// then says so with the words read.
struct ListWalk {
  std::vector<uint64_t> nodes;  // node addresses in list order (the head excluded)
  std::string error;            // "" if the walk came back to the head
};
ListWalk WalkList(Memory& memory, uint64_t head, int64_t next, int64_t prev, size_t limit);

// The C++ class of a polymorphic object from its vtable pointer and the
// binary's _ZTV symbols: "node::TCPWrap"; "" if the word is no vtable.
std::string CppClassOf(Program& target, uint64_t object);

struct HandleWrapInfo {
  uint64_t wrap = 0;        // node::HandleWrap*
  std::string cpp_class;    // "node::TCPWrap"
  uint64_t js_object = 0;   // tagged JS wrapper (0: the persistent handle is empty)
  std::string js_class;     // "TCP" (the wrapper's constructor name)
  uint64_t uv_handle = 0;   // uv_handle_t*
  int uv_type = 0;          // uv_handle_type
  uint32_t flags = 0;       // libuv's handle flags
  bool data_matches = false;  // uv_handle_t::data points back to the wrap
  uint64_t owner = 0;       // tagged JS object owning the wrap (wrap[owner_symbol]: net.Socket...), 0 if none
  std::string local, peer;  // a connected stream's endpoints, where known ("127.0.0.1:8080")
  // As Node counts them: process._getActiveHandles() lists handles that
  // are not closed and hold a reference on the loop.
  bool ref() const { return (flags & 0x8) && !(flags & 0x2); }
  bool active() const { return flags & 0x4; }
  bool closing() const { return flags & 0x1; }
  bool closed() const { return flags & 0x2; }
  std::string state() const;  // "active", "inactive", "closing", "closed"
  std::vector<std::string> details;  // "fd 21", "listening 127.0.0.1:40123", "pid 8326", "GET /x", ...
  std::string error;        // what could not be read about it
};

struct ReqWrapInfo {
  uint64_t wrap = 0;        // node::ReqWrap<T>*
  std::string cpp_class;    // "node::fs::FSReqCallback"
  uint64_t js_object = 0;
  std::string js_class;     // "FSReqCallback"
  uint64_t uv_req = 0;      // uv_req_t* (inside the wrap)
  int uv_type = 0;          // uv_req_type
  bool dispatched = false;  // uv_req_t::data points back to the wrap
  std::string what;         // "read", "getaddrinfo", "connect", "write", ...
  uint64_t stream = 0;      // connect, write, shutdown, send: the uv handle it works on
  std::vector<std::string> details;  // "fd 27", "16 bytes", "localhost", ...
  std::string error;
};

struct HandleList {
  std::vector<HandleWrapInfo> items;
  std::string error;  // the list walk's error, if any
  size_t ref_count() const;
};
struct RequestList {
  std::vector<ReqWrapInfo> items;
  std::string error;
};

// `sockets` (a live process's, from the kernel: proc_sockets.h) fills in
// what memory cannot say: the port a listen(0) got, a connection's peer.
HandleList ReadHandleWraps(Program& target, const NodeLayout& layout, uint64_t env, size_t limit = 100000,
                           const std::map<int, SocketEndpoints>* sockets = nullptr);

// The Environment's libuv loop: what uv_run counts (active ref'd handles,
// active requests: the loop runs while either is non-zero), and the active
// ref'd handles of the loop that no HandleWrap owns: the Environment's own
// (its timer handle runs JS timers, its idle handle pending setImmediate
// callbacks) and others (V8 platform tasks...).
struct LoopHandle {
  uint64_t address = 0;
  int type = 0;
  uint32_t flags = 0;
  std::string what;  // "the Environment's timer handle: JS timers (setTimeout, setInterval)", ...
};
struct LoopInfo {
  uint64_t address = 0;
  uint32_t active_handles = 0, active_reqs = 0;
  size_t handles = 0;              // handles in the loop's handle queue
  std::vector<LoopHandle> others;  // active and ref'd, not owned by a HandleWrap
  std::string error;               // why the loop could not be read or walked
};
// uv_loop_t::time: the loop's clock in ms (uv_now), as of its last update;
// nullopt if unreadable.
std::optional<uint64_t> ReadLoopTime(Program& target, uint64_t loop);

// Every handle in the loop's handle queue, in queue order: what uv_walk
// visits and Node's diagnostic report lists (its `libuv` section), with
// what memory says of each type. Unreadable handles are left out and
// counted in `error`.
struct UvHandleFacts {
  uint64_t address = 0;
  int type = 0;
  uint32_t flags = 0;
  std::optional<int64_t> fd;                  // streams, UDP, poll
  std::optional<uint64_t> write_queue_size;   // streams
  std::optional<uint64_t> timeout, repeat;    // timers: due on the loop clock (ms), repeat (ms)
  std::optional<int64_t> pid, signum;         // processes, signals
  // libuv's handle flags (src/uv-common.h).
  bool active() const { return flags & 0x4; }
  bool referenced() const { return flags & 0x8; }
  bool internal() const { return flags & 0x10; }  // uv_walk skips these
  bool readable() const { return flags & 0x4000; }
  bool writable() const { return flags & 0x8000; }
};
struct LoopHandles {
  std::vector<UvHandleFacts> handles;
  std::optional<uint64_t> now;         // uv_loop_t::time, ms
  std::optional<bool> alive;           // uv_loop_alive(): active handles or requests, or handles closing
  std::string error;
};
LoopHandles ReadLoopHandles(Program& target, uint64_t loop, size_t limit = 100000);
// uv_handle_type_name(): "tcp", "pipe", "timer", ...
const char* UvHandleTypeShortName(int type);

LoopInfo ReadLoop(Program& target, const NodeLayout& layout, const EnvironmentInfo& env, const HandleList& handles,
                  size_t limit = 100000);
RequestList ReadReqWraps(Program& target, const NodeLayout& layout, uint64_t env, size_t limit = 100000);

// The text of `node-handles` / `node-requests` for one Environment: a
// header line ("Environment 0x... (main thread): 8 handles, 6 ref'd") and
// one line per element. `verbose` adds the C++ class, the libuv structure's
// address, type and flags. With `requests`, a handle's line also says which
// requests are in flight on it ("write pending 1024 bytes left").
std::string FormatHandles(const EnvironmentInfo& env, const HandleList& handles, bool verbose,
                          const RequestList* requests = nullptr, const LoopInfo* loop = nullptr);
std::string FormatRequests(const EnvironmentInfo& env, const RequestList& requests, bool verbose);

// Text pieces the node-* answers share: a column, a JS object's short form
// ("<TCP 0x...>"), an Environment's header, non-empty parts joined.
std::string Pad(const std::string& s, size_t width);
std::string Brief(uint64_t js_object, const std::string& js_class);
std::string EnvHeader(const EnvironmentInfo& env);
std::string Join(const std::vector<std::string>& parts, const char* sep);

// libuv names.
const char* UvHandleTypeName(int type);  // "TCP", "NAMED_PIPE", ...
const char* UvReqTypeName(int type);     // "FS", "GETADDRINFO", ...
const char* UvFsTypeName(int type);      // "read", "open", ... ("" if unknown)
std::string SignalName(int signum);      // "SIGUSR2"

}  // namespace nodegdb
