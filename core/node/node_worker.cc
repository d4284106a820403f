#include "core/arch/arch.h"
#include "core/node/node_worker.h"

#include <algorithm>
#include <vector>

#include "core/node/node_handles.h"
#include "core/node/node_js.h"
#include "core/v8/heap_number.h"
#include "core/v8/program.h"

namespace nodegdb {

namespace {

// node::worker::Worker is under 1 KB in Node 20-26; env_ and tid_ are within it.
constexpr uint64_t kWorkerSize = 2048;
constexpr uint64_t kChunk = 1 << 20;

// A pthread_t is glibc's struct pthread (Arch::pthread_*: where its tid
// and self-links are on each machine; libthread_db reads the same fields).
bool IsPthread(const Arch& arch, Memory& memory, uint64_t p) {
  if (!p || p % 8) return false;
  if (arch.pthread_self_links) {
    // x86-64: tcbhead_t { tcb, dtv, self } starts it, tcb and self pointing to it.
    uint64_t tcb = 0, self = 0;
    return memory.Read(p, &tcb, 8) && memory.Read(p + 16, &self, 8) && tcb == p && self == p;
  }
  // arm64: no self pointer; its `list` node is linked both ways in glibc's
  // thread list: list.next->prev is &list.
  uint64_t next = 0, back = 0;
  const uint64_t list = p + arch.pthread_list;
  return memory.Read(list, &next, 8) && next && next % 8 == 0 && memory.Read(next + 8, &back, 8) && back == list;
}

// The Worker's words (its first kWorkerSize bytes), empty if unreadable.
std::vector<uint64_t> WorkerWords(Memory& memory, uint64_t worker) {
  std::vector<uint64_t> words(kWorkerSize / 8);
  if (!memory.Read(worker, words.data(), kWorkerSize)) words.clear();
  return words;
}

}  // namespace

std::vector<uint64_t> FindWorkerObjects(Program& target, const std::vector<MemoryRange>& ranges, size_t max) {
  std::vector<uint64_t> out;
  const uint64_t vtable = target.SymbolRuntimeAddress("_ZTVN4node6worker6WorkerE");
  if (!vtable) return out;
  // An object's vtable pointer points past the vtable's offset-to-top and
  // typeinfo words.
  const uint64_t vptr = vtable + 16;
  std::vector<uint64_t> buffer(kChunk / 8);
  for (const MemoryRange& range : ranges) {
    for (uint64_t at = range.start & ~7ull; at < range.end && out.size() < max;) {
      uint64_t size = std::min<uint64_t>(kChunk - (at % 4096), range.end - at) & ~7ull;
      if (size == 0) break;
      if (!target.memory().Read(at, buffer.data(), size)) {
        size = std::min<uint64_t>(4096 - (at % 4096), range.end - at) & ~7ull;
        if (size == 0 || !target.memory().Read(at, buffer.data(), size)) {
          at += std::max<uint64_t>(size, 8);
          continue;
        }
      }
      for (uint64_t i = 0; i < size / 8 && out.size() < max; i++) {
        if (buffer[i] == vptr) out.push_back(at + i * 8);
      }
      at += size;
    }
  }
  return out;
}

std::vector<uint64_t> FindWorkers(Program& target, const EnvironmentSearch& search) {
  const size_t wanted = std::count_if(search.environments.begin(), search.environments.end(), [](const EnvironmentInfo& e) {
    return e.thread == EnvironmentInfo::Thread::kWorker;
  });
  if (wanted == 0) return {};
  std::vector<uint64_t> out;
  const uint64_t vtable = target.SymbolRuntimeAddress("_ZTVN4node6worker6WorkerE");
  if (vtable && !search.handle_objects.empty()) {
    const uint64_t vptr = vtable + 16;
    Heap& heap = target.heap();
    for (uint64_t w : search.handle_objects) {
      // A JS API object: map, properties, elements, then its embedder fields.
      uint64_t words[8];
      if (!target.memory().Read(heap.Decode(w).address + 24, words, sizeof words)) continue;
      for (uint64_t p : words) {
        uint64_t first = 0;
        if (p && p % 8 == 0 && (p & 1) == 0 && target.memory().Read(p, &first, 8) && first == vptr) out.push_back(p);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  if (out.size() < wanted) out = FindWorkerObjects(target, search.scanned);
  return out;
}

namespace {

// The kernel thread id of the pthread_t the Worker holds.
void ReadThread(const Arch& arch, Memory& memory, WorkerInfo& info) {
  for (uint64_t w : WorkerWords(memory, info.worker)) {
    if (!IsPthread(arch, memory, w)) continue;
    uint32_t tid = 0;
    // Linux thread ids are below 2^22 (pid_max's limit). On arm64 the list
    // check alone also matches other linked nodes the Worker points to: a
    // candidate without a thread id is not the thread.
    if (!memory.Read(w + arch.pthread_tid, &tid, 4) || tid == 0 || tid > (1u << 22)) {
      if (arch.pthread_self_links) {
        info.pthread = w;
        return;
      }
      continue;
    }
    info.pthread = w;
    info.lwp = tid;
    return;
  }
}

}  // namespace

WorkerInfo ReadWorkerInfo(Program& target, const NodeLayout& layout, const EnvironmentInfo& env,
                          const std::vector<uint64_t>& workers) {
  WorkerInfo info;
  JsObjects js(target.heap());
  for (uint64_t context : env.contexts) {
    uint64_t process = js.ProcessObject(context);
    if (!process) continue;
    auto argv = js.Strings(js.Get(process, "argv"), 4);
    if (argv && argv->size() >= 2) info.script = (*argv)[1];
    break;
  }
  // The Worker whose env_ is this Environment.
  for (uint64_t w : workers) {
    std::vector<uint64_t> words = WorkerWords(target.memory(), w);
    if (std::find(words.begin(), words.end(), env.address) != words.end()) info.worker = w;
  }
  if (!info.worker) {
    info.error = "no node::worker::Worker points to the Environment";
    return info;
  }
  info.handle = js.Wrapper(info.worker, layout.persistent_handle);
  if (info.handle) {
    info.thread_id = js.Number(js.Get(info.handle, "threadId"));
    info.thread_name = js.String(js.Get(info.handle, "threadName"), 256).value_or("");
  }
  ReadThread(target.arch(), target.memory(), info);
  return info;
}

std::string WorkerText(const WorkerInfo& w) {
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : " ") + part; };
  if (w.thread_id) add("threadId " + FormatJsNumber(*w.thread_id));
  if (!w.thread_name.empty() && w.thread_name != "WorkerThread") add("name \"" + w.thread_name + "\"");
  if (!w.script.empty()) add("\"" + w.script + "\"");
  if (w.lwp) add("LWP " + std::to_string(w.lwp));
  return out;
}

std::vector<std::pair<uint64_t, std::string>> IsolateNames(Program& target, const EnvironmentSearch& search,
                                                           const std::function<uint64_t(uint64_t)>& heap_of) {
  std::vector<std::pair<uint64_t, std::string>> names;
  std::optional<NodeLayout> layout;
  try {
    layout = NodeLayout::Read(target);
  } catch (const Error&) {
  }
  const std::vector<uint64_t> workers = layout ? FindWorkers(target, search) : std::vector<uint64_t>{};
  const uint64_t tag = target.heap().layout().tagging.heap_object_tag;
  int unnamed = 0;
  for (const EnvironmentInfo& env : search.environments) {  // main thread first
    const uint64_t heap = env.contexts.empty() ? 0 : heap_of(env.contexts.front() - tag);
    if (!heap || std::any_of(names.begin(), names.end(), [&](const auto& n) { return n.first == heap; })) continue;
    std::string name = env.thread == EnvironmentInfo::Thread::kMain ? "main" : "";
    if (env.thread == EnvironmentInfo::Thread::kWorker && layout) {
      const WorkerInfo w = ReadWorkerInfo(target, *layout, env, workers);
      if (w.thread_id) name = "worker-" + std::to_string(static_cast<int64_t>(*w.thread_id));
    }
    if (name.empty()) {
      name = (env.thread == EnvironmentInfo::Thread::kWorker ? "worker-unknown-" : "isolate-unknown-") +
             std::to_string(++unnamed);
    }
    names.emplace_back(heap, name);
  }
  return names;
}

}  // namespace nodegdb
