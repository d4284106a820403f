#include "core/arch/arch.h"
#include "core/node/node_handles.h"

#include <cxxabi.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "core/node/node_http.h"
#include "core/node/node_js.h"
#include "core/v8/string.h"
#include "core/v8/program.h"

namespace nodegdb {

namespace {

// ---- libuv layouts (see the header: checked against uv.h of Node 20-26) ----
namespace uv {
// uv_handle_t
constexpr uint64_t kHandleData = 0, kHandleLoop = 8, kHandleType = 16, kHandleFlags = 88;
// uv_stream_t (TCP, pipes, TTYs): io_watcher.fd and connection_cb (set by
// uv_listen), uv_pipe_t::pipe_fname (set by uv_pipe_bind).
constexpr uint64_t kStreamFd = 184, kStreamConnectionCb = 224, kPipeName = 256;
constexpr uint64_t kUdpFd = 176, kPollFd = 152;
constexpr uint64_t kProcessPid = 104, kSignalNum = 104;
constexpr uint64_t kFsEventPath = 96, kFsPollCtx = 96;
// fs-poll.c's struct poll_ctx: parent_handle first, the path at the end.
constexpr uint64_t kPollCtxPath = 800;
// uv_req_t
constexpr uint64_t kReqData = 0, kReqType = 8;
// uv_fs_t
constexpr uint64_t kFsType = 64, kFsPath = 104, kFsNewPath = 272, kFsFile = 280, kFsNbufs = 292, kFsBufs = 296,
                   kFsOff = 304;
constexpr uint64_t kGetAddrInfoHost = 128, kGetAddrInfoService = 136, kGetNameInfoStorage = 120;
constexpr uint64_t kConnectHandle = 72, kWriteHandle = 80, kShutdownHandle = 64, kUdpSendHandle = 64;
constexpr uint64_t kWriteIndex = 104, kWriteBufs = 112, kWriteNbufs = 120;
// uv_loop_t: active_handles, the handle queue ({next, prev} nodes at
// uv_handle_t::handle_queue), active_reqs.count; uv_timer_t::timer_cb.
constexpr uint64_t kLoopActiveHandles = 8, kLoopHandleQueue = 16, kLoopActiveReqs = 32;
// uv_loop_t::time and ::closing_handles come after a pthread_mutex_t, whose
// size is the machine's: Arch::uv_loop_time, Arch::uv_loop_closing_handles.
// uv_stream_t::write_queue_size; uv_timer_t::timeout and repeat.
constexpr uint64_t kStreamWriteQueueSize = 96, kTimerTimeout = 128, kTimerRepeat = 136;
constexpr uint64_t kHandleQueueNode = 32, kTimerCb = 96;

enum HandleType {
  kUnknownHandle = 0, kAsync, kCheck, kFsEvent, kFsPoll, kHandle, kIdle, kNamedPipe, kPoll, kPrepare, kProcess,
  kStream, kTcp, kTimer, kTty, kUdp, kSignal, kFile
};
enum ReqType { kUnknownReq = 0, kReq, kConnect, kWrite, kShutdown, kUdpSend, kFs, kWork, kGetAddrInfo, kGetNameInfo, kRandom };
}  // namespace uv

// ReqWrap<T>: AsyncWrap, then ReqWrapBase (vtable pointer and the list
// node), then original_callback_, then `T req_`: the request starts 24
// bytes after the node (two links and the callback pointer). Checked on
// Node 20-26 by req_.data pointing back to the wrap once dispatched.
constexpr uint64_t kReqAfterNode = 24;
// HandleWrap: `uv_handle_t* const handle_` follows the list node in the
// release binaries of Node 20-26 (16 bytes after it; state_ sits before the
// node); Node's header has had state_ between the two, which puts it 24
// bytes after. Both are tried; the one whose uv handle's data points back to
// the wrap (HandleWrap's constructor sets it) wins.
constexpr uint64_t kHandleAfterNode[] = {16, 24};

int32_t ReadI32(Memory& m, uint64_t address) { return static_cast<int32_t>(m.ReadU32(address)); }

// A NUL-terminated string of at most `max` bytes; nullopt if unreadable or
// not terminated in time.
std::optional<std::string> ReadCString(Memory& memory, uint64_t address, size_t max = 4096) {
  if (address == 0) return std::nullopt;
  std::string out;
  uint64_t at = address;
  while (out.size() < max) {
    size_t n = std::min<uint64_t>(64, 4096 - (at % 4096));
    char buf[64];
    if (!memory.Read(at, buf, n)) {
      // The page end may be unreadable: byte by byte up to it.
      if (!memory.Read(at, buf, 1)) return std::nullopt;
      n = 1;
    }
    for (size_t i = 0; i < n; i++) {
      if (buf[i] == '\0') return out;
      out.push_back(buf[i]);
    }
    at += n;
  }
  return std::nullopt;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

// ---- symbols (vtables to class names, callbacks to function names) ----
struct SymbolIndex {
  struct Entry {
    uint64_t start, end;
    std::string name;
  };
  std::vector<Entry> entries;  // sorted by start
  const Entry* Find(uint64_t link_address) const {
    auto it = std::upper_bound(entries.begin(), entries.end(), link_address,
                               [](uint64_t a, const Entry& e) { return a < e.start; });
    if (it == entries.begin()) return nullptr;
    --it;
    return link_address < it->end ? &*it : nullptr;
  }
};

std::string Demangle(const std::string& mangled) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
  std::string name = status == 0 && demangled ? demangled : mangled;
  std::free(demangled);
  return name;
}

// Every sized symbol of the binary, demangled: built once per binary, only
// when a callback needs naming.
std::shared_ptr<const SymbolIndex> AllSymbolsOf(const ElfFile& binary) {
  static std::mutex mutex;
  static std::map<std::pair<const ElfFile*, std::string>, std::shared_ptr<const SymbolIndex>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto key = std::make_pair(&binary, binary.path());
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  auto index = std::make_shared<SymbolIndex>();
  binary.ForEachSymbol("", [&](const ElfSymbol& sym) {
    if (sym.size == 0 || sym.value == 0) return;
    index->entries.push_back({sym.value, sym.value + sym.size, std::string(sym.name)});
  });
  std::sort(index->entries.begin(), index->entries.end(),
            [](const SymbolIndex::Entry& a, const SymbolIndex::Entry& b) { return a.start < b.start; });
  cache[key] = index;
  return index;
}

// "node::PerIsolatePlatformData::RunForegroundTask" for a code address of
// the binary (runtime), "" if none.
std::string FunctionAt(Program& target, uint64_t address) {
  if (address < target.load_bias()) return "";
  const SymbolIndex::Entry* e = AllSymbolsOf(target.binary())->Find(address - target.load_bias());
  if (!e) return "";
  std::string name = Demangle(e->name);
  size_t paren = name.find('(');
  return paren == std::string::npos ? name : name.substr(0, paren);
}

// ---- vtables to class names ----
struct VtableIndex {
  struct Entry {
    uint64_t start, end;
    std::string name;
  };
  std::vector<Entry> entries;  // sorted by start
};

std::shared_ptr<const VtableIndex> VtablesOf(const ElfFile& binary) {
  static std::mutex mutex;
  static std::map<std::pair<const ElfFile*, std::string>, std::shared_ptr<const VtableIndex>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto key = std::make_pair(&binary, binary.path());
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  auto index = std::make_shared<VtableIndex>();
  std::unordered_set<uint64_t> seen;
  binary.ForEachSymbol("_ZTV", [&](const ElfSymbol& sym) {
    if (sym.size == 0 || !seen.insert(sym.value).second) return;
    std::string name = Demangle(std::string(sym.name));
    const std::string prefix = "vtable for ";
    if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
    index->entries.push_back({sym.value, sym.value + sym.size, name});
  });
  std::sort(index->entries.begin(), index->entries.end(),
            [](const VtableIndex::Entry& a, const VtableIndex::Entry& b) { return a.start < b.start; });
  cache[key] = index;
  return index;
}

std::string Truncate(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  return s.substr(0, max) + "...";
}

// "4:127.0.0.1:8080" (net.Server's _connectionKey: address type, address,
// port as asked for in listen()).
std::optional<std::string> ListenKeyText(const std::string& key) {
  size_t first = key.find(':');
  size_t last = key.rfind(':');
  if (first == std::string::npos || last == first) return std::nullopt;
  std::string address = key.substr(first + 1, last - first - 1);
  std::string port = key.substr(last + 1);
  if (address.find(':') != std::string::npos && port != "-1") address = "[" + address + "]";
  // listen(0): the kernel chose the port; only the kernel knows it.
  if (port == "0") return address + " (kernel-chosen port)";
  if (port == "-1") return address;  // pipes
  return address + ":" + port;
}

int32_t StreamFd(Memory& memory, uint64_t stream) {
  int type = ReadI32(memory, stream + uv::kHandleType);
  if (type == uv::kTcp || type == uv::kNamedPipe || type == uv::kTty) return ReadI32(memory, stream + uv::kStreamFd);
  if (type == uv::kUdp) return ReadI32(memory, stream + uv::kUdpFd);
  return -1;
}

std::string SockaddrText(const uint8_t* sa) {
  uint16_t family = static_cast<uint16_t>(sa[0] | (sa[1] << 8));
  char text[64];
  if (family == 2) {  // AF_INET
    std::snprintf(text, sizeof text, "%u.%u.%u.%u:%u", sa[4], sa[5], sa[6], sa[7], (sa[2] << 8) | sa[3]);
    return text;
  }
  if (family == 10) {  // AF_INET6: hex groups, uncompressed
    std::string s = "[";
    for (int i = 0; i < 8; i++) {
      std::snprintf(text, sizeof text, "%s%x", i ? ":" : "", (sa[8 + 2 * i] << 8) | sa[9 + 2 * i]);
      s += text;
    }
    std::snprintf(text, sizeof text, "]:%u", (sa[2] << 8) | sa[3]);
    return s + text;
  }
  return "";
}

}  // namespace

ListWalk WalkList(Memory& memory, uint64_t head, int64_t next, int64_t prev, size_t limit) {
  ListWalk walk;
  std::unordered_set<uint64_t> seen{head};
  uint64_t previous = head;
  uint64_t node = 0;
  if (!memory.Read(head + static_cast<uint64_t>(next), &node, 8)) {
    walk.error = "cannot read the list head's next_ at " + Hex(head + static_cast<uint64_t>(next));
    return walk;
  }
  while (node != head) {
    const uint64_t link_at = previous + static_cast<uint64_t>(next);
    if (walk.nodes.size() >= limit) {
      walk.error = "stopped after " + std::to_string(limit) + " entries without coming back to the head";
      return walk;
    }
    if (node == 0 || node % 8 != 0) {
      walk.error = "next_ at " + Hex(link_at) + " holds " + Hex(node) + ", not a list node";
      return walk;
    }
    if (!seen.insert(node).second) {
      walk.error = "next_ at " + Hex(link_at) + " leads back to " + Hex(node) + " (a cycle that misses the head)";
      return walk;
    }
    uint64_t back = 0, following = 0;
    if (!memory.Read(node + static_cast<uint64_t>(prev), &back, 8) ||
        !memory.Read(node + static_cast<uint64_t>(next), &following, 8)) {
      walk.error = "next_ at " + Hex(link_at) + " holds " + Hex(node) + ", which cannot be read";
      return walk;
    }
    if (back != previous) {
      walk.error = "node " + Hex(node) + " (from next_ at " + Hex(link_at) + ") has prev_ " + Hex(back) +
                   ", expected " + Hex(previous) + ": the list is corrupt";
      return walk;
    }
    walk.nodes.push_back(node);
    previous = node;
    node = following;
  }
  return walk;
}

std::string CppClassOf(Program& target, uint64_t object) {
  uint64_t vptr = 0;
  if (!target.memory().Read(object, &vptr, 8) || vptr < target.load_bias()) return "";
  const uint64_t link = vptr - target.load_bias();
  std::shared_ptr<const VtableIndex> index = VtablesOf(target.binary());
  auto it = std::upper_bound(index->entries.begin(), index->entries.end(), link,
                             [](uint64_t a, const VtableIndex::Entry& e) { return a < e.start; });
  if (it == index->entries.begin()) return "";
  --it;
  if (link < it->start || link >= it->end) return "";
  return it->name;
}

std::string HandleWrapInfo::state() const {
  if (closed()) return "closed";
  if (closing()) return "closing";
  return active() ? "active" : "inactive";
}

size_t HandleList::ref_count() const {
  return static_cast<size_t>(std::count_if(items.begin(), items.end(), [](const HandleWrapInfo& h) { return h.ref(); }));
}

namespace {

// One HandleWrap of the queue: its C++ class, the uv handle whose data points
// back to it (type, flags) and its JS wrapper. What cannot be read is the
// item's error. `wrapper_read`: the JS wrapper and its class were read.
HandleWrapInfo ReadHandleWrap(Program& target, JsObjects& js, const NodeLayout& layout, uint64_t node,
                              bool& wrapper_read) {
  Memory& memory = target.memory();
  HandleWrapInfo h;
  h.wrap = node - static_cast<uint64_t>(layout.handle_wrap_node);
  try {
    h.cpp_class = CppClassOf(target, h.wrap);
    for (uint64_t after : kHandleAfterNode) {
      uint64_t candidate = 0, data = 0;
      if (!memory.Read(node + after, &candidate, 8) || candidate == 0 || candidate % 8) continue;
      if (!memory.Read(candidate + uv::kHandleData, &data, 8) || data != h.wrap) continue;
      h.uv_handle = candidate;
      h.data_matches = true;
      break;
    }
    if (!h.data_matches) {
      throw CorruptObject("no uv handle pointing back to the wrap at " + Hex(node + kHandleAfterNode[0]) + " (" +
                          Hex(memory.ReadU64(node + kHandleAfterNode[0])) + ") or " +
                          Hex(node + kHandleAfterNode[1]) + " (" + Hex(memory.ReadU64(node + kHandleAfterNode[1])) +
                          ")");
    }
    h.uv_type = ReadI32(memory, h.uv_handle + uv::kHandleType);
    h.flags = memory.ReadU32(h.uv_handle + uv::kHandleFlags);
  } catch (const Error& e) {
    h.error = e.what();
  }
  try {
    h.js_object = js.Wrapper(h.wrap, layout.persistent_handle);
    if (h.js_object) {
      h.js_class = js.ClassName(h.js_object);
      wrapper_read = true;
    }
  } catch (const Error&) {
    // An unreadable wrapper: the handle is listed without its JS side.
  }
  return h;
}

// What a describer reads from: memory, the JS objects, the handles listed
// so far (a connection names the server that accepted it) and, for a live
// process, the kernel's sockets.
struct HandleContext {
  Memory& memory;
  JsObjects& js;
  const std::vector<HandleWrapInfo>& items;
  const std::unordered_map<uint64_t, size_t>& by_wrapper;  // JS wrapper -> index in items
  const std::map<int, SocketEndpoints>* sockets;           // nullptr: not a live local process
};

// Adds what identifies the handle `h` (uv handle at h.uv_handle) to
// h.details; `owner` is the JS object that owns the wrap (a net.Server,
// net.Socket, ChildProcess...), 0 if none. Throws Error from reads.
using HandleDescriber = void (*)(const HandleContext& c, HandleWrapInfo& h, uint64_t owner);

std::string FdText(int32_t fd) { return fd >= 0 ? "fd " + std::to_string(fd) : "no fd"; }

// A listening stream: where (the pipe's name, the server's connection key or
// pipe name, or the kernel's local address for a kernel-chosen port).
std::string ListeningText(const HandleContext& c, uint64_t owner, const std::optional<std::string>& pipe_name,
                          const SocketEndpoints* kernel) {
  std::optional<std::string> where;
  if (pipe_name) where = *pipe_name;
  if (!where && owner) {
    if (auto key = c.js.String(c.js.Get(owner, "_connectionKey"))) where = ListenKeyText(*key);
  }
  if (!where && owner) where = c.js.String(c.js.Get(owner, "_pipeName"));
  if (kernel && (!where || where->find("(kernel-chosen port)") != std::string::npos)) where = kernel->local;
  return where ? "listening " + *where : "listening";
}

// A connection a server accepted: the server's handle, by its listening text.
std::optional<std::string> AcceptedByText(const HandleContext& c, uint64_t owner) {
  auto server = c.js.Get(owner, "server");
  if (!server) return std::nullopt;
  auto server_handle = c.js.Get(server->raw, "_handle");
  if (!server_handle) return std::nullopt;
  auto it = c.by_wrapper.find(server_handle->raw);
  if (it == c.by_wrapper.end()) return std::nullopt;
  const HandleWrapInfo& s = c.items[it->second];
  std::string text = "accepted by " + Hex(s.wrap);
  for (const std::string& d : s.details) {
    if (d.rfind("listening ", 0) == 0) text = "accepted by server " + d.substr(10);
  }
  return text;
}

// TCP, pipes and TTYs: the fd, then where it listens, or its pipe name and
// endpoints (cached by the socket object, else the kernel's), who accepted
// it, or the host a client was asked to connect to.
void DescribeStream(const HandleContext& c, HandleWrapInfo& h, uint64_t owner) {
  const uint64_t u = h.uv_handle;
  int32_t fd = ReadI32(c.memory, u + uv::kStreamFd);
  h.details.push_back(FdText(fd));
  const SocketEndpoints* kernel = nullptr;  // a live process's socket, as the kernel knows it
  if (c.sockets && fd >= 0 && h.uv_type == uv::kTcp) {
    auto it = c.sockets->find(fd);
    if (it != c.sockets->end()) kernel = &it->second;
  }
  bool listening = c.memory.ReadU64(u + uv::kStreamConnectionCb) != 0;
  std::optional<std::string> pipe_name;
  if (h.uv_type == uv::kNamedPipe) pipe_name = ReadCString(c.memory, c.memory.ReadU64(u + uv::kPipeName));
  if (listening) {
    h.details.push_back(ListeningText(c, owner, pipe_name, kernel));
    return;
  }
  if (pipe_name) h.details.push_back(*pipe_name);
  if (!owner) return;
  // Addresses the socket object has cached (address(), remoteAddress, ...).
  auto local = c.js.Endpoint(c.js.Get(owner, "_sockname"));
  auto peer = c.js.Endpoint(c.js.Get(owner, "_peername"));
  if (kernel && !kernel->remote.empty()) {
    if (!local) local = kernel->local;
    if (!peer) peer = kernel->remote;
  }
  if (local || peer) {
    h.local = local.value_or("");
    h.peer = peer.value_or("");
    h.details.push_back((local ? *local : std::string("?")) + " -> " + (peer ? *peer : std::string("?")));
  }
  if (auto accepted = AcceptedByText(c, owner)) {
    h.details.push_back(*accepted);
    if (auto in = ReadIncoming(c.js, owner)) h.details.push_back("serving " + in->method + " " + in->url);
    return;
  }
  // A client: where it was asked to connect, and the HTTP request it carries.
  if (auto request = ReadClientRequest(c.js, owner)) {
    h.details.push_back("client of " + request->endpoint);
    h.details.push_back("request " + request->method + " " + request->path);
  } else if (!local && !peer) {
    if (auto host = c.js.String(c.js.Get(owner, "_host"))) h.details.push_back("host " + *host);
  }
}

void DescribeUdp(const HandleContext& c, HandleWrapInfo& h, uint64_t) {
  int32_t fd = ReadI32(c.memory, h.uv_handle + uv::kUdpFd);
  h.details.push_back(FdText(fd));
  if (!c.sockets || fd < 0) return;
  auto it = c.sockets->find(fd);
  if (it == c.sockets->end()) return;
  h.details.push_back("bound " + it->second.local + (it->second.remote.empty() ? "" : " -> " + it->second.remote));
}

void DescribePoll(const HandleContext& c, HandleWrapInfo& h, uint64_t) {
  h.details.push_back("fd " + std::to_string(ReadI32(c.memory, h.uv_handle + uv::kPollFd)));
}

// The child's pid, and the command line the ChildProcess was spawned with.
void DescribeProcess(const HandleContext& c, HandleWrapInfo& h, uint64_t owner) {
  h.details.push_back("pid " + std::to_string(ReadI32(c.memory, h.uv_handle + uv::kProcessPid)));
  if (!owner) return;
  if (auto args = c.js.Strings(c.js.Get(owner, "spawnargs"), 16)) {
    std::string command;
    for (const std::string& a : *args) command += (command.empty() ? "" : " ") + a;
    h.details.push_back(Quoted(Truncate(command, 80)));
  }
}

void DescribeSignal(const HandleContext& c, HandleWrapInfo& h, uint64_t) {
  int32_t signum = ReadI32(c.memory, h.uv_handle + uv::kSignalNum);
  if (signum > 0) h.details.push_back(SignalName(signum));
}

void DescribeFsEvent(const HandleContext& c, HandleWrapInfo& h, uint64_t) {
  if (auto path = ReadCString(c.memory, c.memory.ReadU64(h.uv_handle + uv::kFsEventPath))) {
    h.details.push_back("watching " + *path);
  }
}

// fs.watchFile: the path at the end of fs-poll.c's poll_ctx, once the
// context's parent_handle points back to the handle.
void DescribeFsPoll(const HandleContext& c, HandleWrapInfo& h, uint64_t) {
  const uint64_t u = h.uv_handle;
  uint64_t ctx = c.memory.ReadU64(u + uv::kFsPollCtx);
  if (ctx && c.memory.ReadU64(ctx) == u) {
    if (auto path = ReadCString(c.memory, ctx + uv::kPollCtxPath)) h.details.push_back("polling " + *path);
  }
}

// By uv_handle_type; other types (timers, async, idle...) have no details.
const std::unordered_map<int, HandleDescriber>& HandleDescribers() {
  static const std::unordered_map<int, HandleDescriber> describers = {
      {uv::kTcp, DescribeStream},     {uv::kNamedPipe, DescribeStream}, {uv::kTty, DescribeStream},
      {uv::kUdp, DescribeUdp},        {uv::kPoll, DescribePoll},        {uv::kProcess, DescribeProcess},
      {uv::kSignal, DescribeSignal},  {uv::kFsEvent, DescribeFsEvent},  {uv::kFsPoll, DescribeFsPoll},
  };
  return describers;
}

}  // namespace

HandleList ReadHandleWraps(Program& target, const NodeLayout& layout, uint64_t env, size_t limit,
                           const std::map<int, SocketEndpoints>* sockets) {
  HandleList list;
  JsObjects js(target.heap());
  const uint64_t head = env + static_cast<uint64_t>(layout.env_handle_queue + layout.handle_queue_head);
  ListWalk walk = WalkList(target.memory(), head, layout.handle_next, layout.handle_prev, limit);
  list.error = walk.error;
  std::unordered_map<uint64_t, size_t> by_wrapper;  // JS wrapper -> index
  for (uint64_t node : walk.nodes) {
    bool wrapper_read = false;
    HandleWrapInfo h = ReadHandleWrap(target, js, layout, node, wrapper_read);
    if (wrapper_read) by_wrapper[h.js_object] = list.items.size();
    list.items.push_back(std::move(h));
  }

  // What identifies each handle, from libuv's memory and the JS objects.
  const HandleContext context{target.memory(), js, list.items, by_wrapper, sockets};
  for (HandleWrapInfo& h : list.items) {
    if (h.uv_handle == 0) continue;
    // The JS object that owns the wrap: wrap[owner_symbol]; 0 if none.
    uint64_t owner = 0;
    if (h.js_object) {
      if (auto o = js.Get(h.js_object, "owner_symbol", true)) owner = o->raw;
    }
    h.owner = owner;
    auto describer = HandleDescribers().find(h.uv_type);
    if (describer == HandleDescribers().end()) continue;
    try {
      describer->second(context, h, owner);
    } catch (const Error& e) {
      if (h.error.empty()) h.error = e.what();
    }
  }
  return list;
}

std::optional<uint64_t> ReadLoopTime(Program& target, uint64_t loop) {
  uint64_t time = 0;
  if (!loop || !target.memory().Read(loop + target.arch().uv_loop_time, &time, 8)) return std::nullopt;
  return time;
}

LoopInfo ReadLoop(Program& target, const NodeLayout& layout, const EnvironmentInfo& env, const HandleList& handles,
                  size_t limit) {
  LoopInfo info;
  info.address = env.loop;
  if (!env.loop) {
    info.error = "its libuv loop was not found";
    return info;
  }
  Memory& memory = target.memory();
  try {
    info.active_handles = memory.ReadU32(env.loop + uv::kLoopActiveHandles);
    info.active_reqs = memory.ReadU32(env.loop + uv::kLoopActiveReqs);
  } catch (const Error& e) {
    info.error = e.what();
    return info;
  }
  std::unordered_set<uint64_t> wrapped;
  for (const HandleWrapInfo& h : handles.items) wrapped.insert(h.uv_handle);
  // The Environment object's extent, roughly: its embedded handles sit
  // before and around its queues.
  const uint64_t env_end =
      env.address + static_cast<uint64_t>(std::max(layout.env_handle_queue, layout.env_req_queue)) + 2048;
  ListWalk walk = WalkList(memory, env.loop + uv::kLoopHandleQueue, 0, 8, limit);
  if (!walk.error.empty()) info.error = "the loop's handle queue: " + walk.error;
  info.handles = walk.nodes.size();
  for (uint64_t node : walk.nodes) {
    LoopHandle h;
    h.address = node - uv::kHandleQueueNode;
    if (wrapped.count(h.address)) continue;
    try {
      h.type = ReadI32(memory, h.address + uv::kHandleType);
      h.flags = memory.ReadU32(h.address + uv::kHandleFlags);
    } catch (const Error&) {
      continue;
    }
    // What keeps the loop alive: active, ref'd, not closing.
    if ((h.flags & 0xf) != (0x4 | 0x8)) continue;
    const bool in_env = h.address >= env.address && h.address < env_end;
    if (in_env && h.type == uv::kTimer) {
      h.what = "the Environment's timer handle: JS timers (setTimeout, setInterval)";
    } else if (in_env && h.type == uv::kIdle) {
      // Started while ref'd immediates are queued, so that the loop does
      // not block in poll.
      h.what = "the Environment's idle handle: immediates pending (setImmediate or Node's own)";
    } else if (in_env && h.type == uv::kAsync) {
      // task_queues_async_: ref'd while other threads' immediates are queued.
      h.what = "the Environment's task queue async handle: work from other threads pending";
    } else if (in_env) {
      h.what = "the Environment's own " + std::string(UvHandleTypeName(h.type)) + " handle";
    } else if (h.type == uv::kTimer) {
      uint64_t cb = 0;
      std::string fn = memory.Read(h.address + uv::kTimerCb, &cb, 8) ? FunctionAt(target, cb) : "";
      h.what = fn.empty() ? "a timer no HandleWrap owns" : "timer calling " + fn;
    } else {
      h.what = "no HandleWrap owns it";
    }
    info.others.push_back(std::move(h));
  }
  return info;
}

RequestList ReadReqWraps(Program& target, const NodeLayout& layout, uint64_t env, size_t limit) {
  RequestList list;
  Memory& memory = target.memory();
  Heap& heap = target.heap();
  JsObjects js(heap);
  const uint64_t head = env + static_cast<uint64_t>(layout.env_req_queue + layout.req_queue_head);
  ListWalk walk = WalkList(memory, head, layout.req_next, layout.req_prev, limit);
  list.error = walk.error;
  for (uint64_t node : walk.nodes) {
    ReqWrapInfo r;
    r.wrap = node - static_cast<uint64_t>(layout.req_wrap_node);
    r.uv_req = node + kReqAfterNode;
    try {
      r.cpp_class = CppClassOf(target, r.wrap);
      uint64_t data = memory.ReadU64(r.uv_req + uv::kReqData);
      r.dispatched = data == r.wrap;
      r.uv_type = ReadI32(memory, r.uv_req + uv::kReqType);
      if (data != 0 && !r.dispatched) r.error = "the uv request's data does not point back to the wrap";
    } catch (const Error& e) {
      r.error = e.what();
    }
    try {
      r.js_object = js.Wrapper(r.wrap, layout.persistent_handle);
      if (r.js_object) r.js_class = js.ClassName(r.js_object);
    } catch (const Error&) {
      // An unreadable wrapper: the request is listed without its JS side.
    }
    const uint64_t q = r.uv_req;
    try {
      if (!r.dispatched) {
        r.what = "not dispatched";
      } else {
        switch (r.uv_type) {
          case uv::kFs: {
            int type = ReadI32(memory, q + uv::kFsType);
            r.what = UvFsTypeName(type);
            if (r.what.empty()) r.what = "fs operation " + std::to_string(type);
            static const std::unordered_set<std::string> fd_ops = {
                "close", "read", "write", "sendfile", "fstat", "ftruncate", "futime", "fchmod", "fsync", "fdatasync", "fchown"};
            static const std::unordered_set<std::string> two_paths = {"rename", "link", "symlink", "copyfile"};
            if (fd_ops.count(r.what)) {
              r.details.push_back("fd " + std::to_string(ReadI32(memory, q + uv::kFsFile)));
              if (r.what == "read" || r.what == "write") {
                uint32_t nbufs = memory.ReadU32(q + uv::kFsNbufs);
                uint64_t bufs = memory.ReadU64(q + uv::kFsBufs);
                if (nbufs > 0 && nbufs <= 1024 && bufs) {
                  uint64_t bytes = 0;
                  for (uint32_t i = 0; i < nbufs; i++) bytes += memory.ReadU64(bufs + 16 * i + 8);
                  r.details.push_back(std::to_string(bytes) + " bytes");
                }
                int64_t offset = static_cast<int64_t>(memory.ReadU64(q + uv::kFsOff));
                if (offset >= 0) r.details.push_back("at offset " + std::to_string(offset));
              }
            } else if (type > 0) {
              auto path = ReadCString(memory, memory.ReadU64(q + uv::kFsPath));
              if (path) {
                std::string text = Quoted(*path);
                if (two_paths.count(r.what)) {
                  if (auto to = ReadCString(memory, memory.ReadU64(q + uv::kFsNewPath))) text += " -> " + Quoted(*to);
                }
                r.details.push_back(text);
              }
            }
            break;
          }
          case uv::kGetAddrInfo: {
            r.what = "getaddrinfo";
            auto host = ReadCString(memory, memory.ReadU64(q + uv::kGetAddrInfoHost), 1025);
            auto service = ReadCString(memory, memory.ReadU64(q + uv::kGetAddrInfoService), 256);
            if (host) r.details.push_back(*host + (service ? " " + *service : std::string()));
            break;
          }
          case uv::kGetNameInfo: {
            r.what = "getnameinfo";
            uint8_t storage[28];
            memory.ReadOrThrow(q + uv::kGetNameInfoStorage, storage, sizeof storage);
            std::string text = SockaddrText(storage);
            if (!text.empty()) r.details.push_back(text);
            break;
          }
          case uv::kConnect:
          case uv::kWrite:
          case uv::kShutdown:
          case uv::kUdpSend: {
            uint64_t handle_at = r.uv_type == uv::kConnect ? uv::kConnectHandle
                                 : r.uv_type == uv::kWrite ? uv::kWriteHandle
                                 : r.uv_type == uv::kShutdown ? uv::kShutdownHandle
                                                              : uv::kUdpSendHandle;
            r.what = r.uv_type == uv::kConnect ? "connect"
                     : r.uv_type == uv::kWrite ? "write"
                     : r.uv_type == uv::kShutdown ? "shutdown"
                                                  : "send";
            if (r.uv_type == uv::kConnect && r.js_object) {
              auto address = js.String(js.Get(r.js_object, "address"));
              auto port = js.Number(js.Get(r.js_object, "port"));
              if (address && port) r.details.push_back("to " + JsObjects::HostPort(*address, *port));
              else if (address) r.details.push_back("to " + *address);
            }
            uint64_t stream = memory.ReadU64(q + handle_at);
            r.stream = stream;
            if (stream) {
              int32_t fd = StreamFd(memory, stream);
              if (fd >= 0) r.details.push_back("fd " + std::to_string(fd));
            }
            if (r.uv_type == uv::kWrite) {
              uint32_t index = memory.ReadU32(q + uv::kWriteIndex);
              uint32_t nbufs = memory.ReadU32(q + uv::kWriteNbufs);
              uint64_t bufs = memory.ReadU64(q + uv::kWriteBufs);
              if (bufs && nbufs <= 1024 && index <= nbufs) {
                uint64_t left = 0;
                for (uint32_t i = index; i < nbufs; i++) left += memory.ReadU64(bufs + 16 * i + 8);
                r.details.push_back(std::to_string(left) + " bytes left");
              }
            }
            break;
          }
          case uv::kWork: r.what = "work"; break;
          case uv::kRandom: r.what = "random"; break;
          default: r.what = std::string("request type ") + std::to_string(r.uv_type); break;
        }
      }
    } catch (const Error& e) {
      if (r.error.empty()) r.error = e.what();
    }
    list.items.push_back(std::move(r));
  }
  return list;
}

namespace {

}  // namespace

std::string Pad(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }

std::string Brief(uint64_t js_object, const std::string& js_class) {
  if (!js_object) return "<no JS object>";
  return "<" + (js_class.empty() ? std::string("Object") : js_class) + " " + Hex(js_object) + ">";
}

std::string EnvHeader(const EnvironmentInfo& env) { return "Environment " + Hex(env.address) + " (" + ThreadName(env.thread) + ")"; }

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}


std::string FormatHandles(const EnvironmentInfo& env, const HandleList& handles, bool verbose,
                          const RequestList* requests, const LoopInfo* loop) {
  size_t n = handles.items.size();
  std::string out = EnvHeader(env) + ": " + std::to_string(n) + (n == 1 ? " handle, " : " handles, ") +
                    std::to_string(handles.ref_count()) + " ref'd\n";
  if (loop && loop->error.empty()) {
    out += "  libuv loop " + Hex(loop->address) + ": " + std::to_string(loop->active_handles) + " active ref'd handle" +
           (loop->active_handles == 1 ? "" : "s") + ", " + std::to_string(loop->active_reqs) + " active request" +
           (loop->active_reqs == 1 ? "" : "s") +
           (loop->active_handles || loop->active_reqs ? " keep it running\n" : ": nothing keeps it running\n");
  } else if (loop) {
    out += "  libuv loop: " + loop->error + "\n";
  }
  for (const HandleWrapInfo& h : handles.items) {
    std::string name = !h.js_class.empty() ? h.js_class : !h.cpp_class.empty() ? h.cpp_class : "HandleWrap";
    out += "  " + Pad(Hex(h.wrap), 16) + Pad(name, 13) + Pad(h.ref() ? "ref" : "unref", 6) + Pad(h.state(), 9);
    std::vector<std::string> details = h.details;
    // Requests in flight on this handle (node-requests lists them too).
    if (requests) {
      for (const ReqWrapInfo& r : requests->items) {
        if (!r.stream || r.stream != h.uv_handle) continue;
        std::string text = r.what + " pending";
        for (const std::string& d : r.details) {
          if (d.rfind("fd ", 0) != 0) text += " " + d;
        }
        details.push_back(text);
      }
    }
    std::string text = Join(details, "  ");
    if (!text.empty()) out += Pad(text, 40) + " ";
    out += Brief(h.js_object, h.js_class);
    if (verbose) {
      out += "  " + (h.cpp_class.empty() ? std::string("?") : h.cpp_class) + ", uv_handle_t " + Hex(h.uv_handle) + " " +
             UvHandleTypeName(h.uv_type) + " flags " + Hex(h.flags);
    }
    if (!h.error.empty()) out += "  (" + h.error + ")";
    out += "\n";
  }
  if (!handles.error.empty()) out += "  handle_wrap_queue_ walk stopped: " + handles.error + "\n";
  // Handles of the loop that keep it alive without a HandleWrap.
  if (loop) {
    for (const LoopHandle& h : loop->others) {
      std::string type = std::string("uv_") + UvHandleTypeName(h.type);
      for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out += "  " + Pad(Hex(h.address), 16) + Pad(type + "_t", 13) + Pad("ref", 6) + Pad("active", 9) + h.what;
      if (verbose) out += "  flags " + Hex(h.flags);
      out += "\n";
    }
  }
  return out;
}

std::string FormatRequests(const EnvironmentInfo& env, const RequestList& requests, bool verbose) {
  size_t n = requests.items.size();
  std::string out = EnvHeader(env) + ": " + std::to_string(n) + (n == 1 ? " request\n" : " requests\n");
  for (const ReqWrapInfo& r : requests.items) {
    std::string name = !r.js_class.empty() ? r.js_class : !r.cpp_class.empty() ? r.cpp_class : "ReqWrap";
    out += "  " + Pad(Hex(r.wrap), 16) + Pad(name, 20);
    std::string details = Join({r.what, Join(r.details, "  ")}, "  ");
    if (!details.empty()) out += Pad(details, 40) + " ";
    out += Brief(r.js_object, r.js_class);
    if (verbose) {
      out += "  " + (r.cpp_class.empty() ? std::string("?") : r.cpp_class) + ", uv_req_t " + Hex(r.uv_req) + " " +
             UvReqTypeName(r.uv_type);
    }
    if (!r.error.empty()) out += "  (" + r.error + ")";
    out += "\n";
  }
  if (!requests.error.empty()) out += "  req_wrap_queue_ walk stopped: " + requests.error + "\n";
  return out;
}

static UvHandleFacts ReadUvHandleFacts(Memory& memory, uint64_t address) {
  UvHandleFacts h;
  h.address = address;
  h.type = ReadI32(memory, address + uv::kHandleType);
  h.flags = memory.ReadU32(address + uv::kHandleFlags);
  auto i32 = [&](uint64_t offset) -> std::optional<int64_t> {
    uint32_t v;
    if (!memory.Read(address + offset, &v, 4)) return std::nullopt;
    return static_cast<int32_t>(v);
  };
  auto u64 = [&](uint64_t offset) -> std::optional<uint64_t> {
    uint64_t v;
    if (!memory.Read(address + offset, &v, 8)) return std::nullopt;
    return v;
  };
  switch (h.type) {
    case uv::kTcp:
    case uv::kNamedPipe:
    case uv::kTty:
      h.fd = i32(uv::kStreamFd);
      h.write_queue_size = u64(uv::kStreamWriteQueueSize);
      break;
    case uv::kUdp:
      h.fd = i32(uv::kUdpFd);
      break;
    case uv::kPoll:
      h.fd = i32(uv::kPollFd);
      break;
    case uv::kTimer:
      h.timeout = u64(uv::kTimerTimeout);
      h.repeat = u64(uv::kTimerRepeat);
      break;
    case uv::kProcess:
      h.pid = i32(uv::kProcessPid);
      break;
    case uv::kSignal:
      h.signum = i32(uv::kSignalNum);
      break;
    default:
      break;
  }
  return h;
}

LoopHandles ReadLoopHandles(Program& target, uint64_t loop, size_t limit) {
  Memory& memory = target.memory();
  LoopHandles out;
  if (!loop) {
    out.error = "no libuv loop";
    return out;
  }
  out.now = ReadLoopTime(target, loop);
  uint32_t active_handles = 0, active_reqs = 0;
  uint64_t closing = 0;
  if (memory.Read(loop + uv::kLoopActiveHandles, &active_handles, 4) &&
      memory.Read(loop + uv::kLoopActiveReqs, &active_reqs, 4) &&
      memory.Read(loop + target.arch().uv_loop_closing_handles, &closing, 8)) {
    out.alive = active_handles > 0 || active_reqs > 0 || closing != 0;
  }
  ListWalk walk = WalkList(memory, loop + uv::kLoopHandleQueue, 0, 8, limit);
  if (!walk.error.empty()) out.error = "the loop's handle queue: " + walk.error;
  size_t unreadable = 0;
  for (uint64_t node : walk.nodes) {
    try {
      out.handles.push_back(ReadUvHandleFacts(memory, node - uv::kHandleQueueNode));
    } catch (const Error&) {
      unreadable++;
    }
  }
  if (unreadable) {
    out.error += std::string(out.error.empty() ? "" : "; ") + std::to_string(unreadable) + " handles unreadable";
  }
  return out;
}

const char* UvHandleTypeShortName(int type) {
  static const char* names[] = {"unknown", "async", "check", "fs_event", "fs_poll", "handle", "idle",  "pipe", "poll",
                                "prepare", "process", "stream", "tcp", "timer", "tty", "udp", "signal", "file"};
  if (type < 0 || type >= static_cast<int>(sizeof names / sizeof names[0])) return "unknown";
  return names[type];
}

const char* UvHandleTypeName(int type) {
  static const char* names[] = {"UNKNOWN_HANDLE", "ASYNC", "CHECK", "FS_EVENT", "FS_POLL", "HANDLE",
                                "IDLE",           "NAMED_PIPE", "POLL", "PREPARE", "PROCESS", "STREAM",
                                "TCP",            "TIMER", "TTY", "UDP", "SIGNAL", "FILE"};
  if (type < 0 || type >= static_cast<int>(sizeof names / sizeof names[0])) return "?";
  return names[type];
}

const char* UvReqTypeName(int type) {
  static const char* names[] = {"UNKNOWN_REQ", "REQ", "CONNECT", "WRITE", "SHUTDOWN", "UDP_SEND",
                                "FS", "WORK", "GETADDRINFO", "GETNAMEINFO", "RANDOM"};
  if (type < 0 || type >= static_cast<int>(sizeof names / sizeof names[0])) return "?";
  return names[type];
}

const char* UvFsTypeName(int type) {
  // uv_fs_type, UV_FS_CUSTOM = 0 .. UV_FS_LUTIME = 36.
  static const char* names[] = {"custom", "open", "close", "read", "write", "sendfile", "stat", "lstat", "fstat",
                                "ftruncate", "utime", "futime", "access", "chmod", "fchmod", "fsync", "fdatasync",
                                "unlink", "rmdir", "mkdir", "mkdtemp", "rename", "scandir", "link", "symlink",
                                "readlink", "chown", "fchown", "realpath", "copyfile", "lchown", "opendir", "readdir",
                                "closedir", "statfs", "mkstemp", "lutime"};
  if (type < 0 || type >= static_cast<int>(sizeof names / sizeof names[0])) return "";
  return names[type];
}

std::string SignalName(int signum) {
  // Linux numbering (x86-64 and arm64 alike).
  static const char* names[] = {nullptr,   "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",  "SIGTRAP", "SIGABRT",
                                "SIGBUS",  "SIGFPE",  "SIGKILL",   "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE",
                                "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
                                "SIGTTIN", "SIGTTOU", "SIGURG",    "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
                                "SIGWINCH", "SIGIO",  "SIGPWR",    "SIGSYS"};
  if (signum > 0 && signum < static_cast<int>(sizeof names / sizeof names[0])) return names[signum];
  if (signum >= 34 && signum <= 64) return "SIGRTMIN+" + std::to_string(signum - 34);
  return "signal " + std::to_string(signum);
}

}  // namespace nodegdb
