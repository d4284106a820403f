#include "core/node/node_worker.h"

#include <algorithm>
#include <vector>

#include "core/node/node_handles.h"
#include "core/node/node_js.h"
#include "core/v8/heap_number.h"
#include "core/v8/program.h"

namespace nodegdb {

namespace {

// How far an Environment's members reach: worker_context_ sits 2.8 KB in on
// Node 20 and 18.5 KB in on Node 26.
constexpr uint64_t kEnvironmentSize = 64 * 1024;
// node::worker::Worker is under 1 KB in Node 20-26; env_ and tid_ are within it.
constexpr uint64_t kWorkerSize = 2048;

// glibc on x86-64: a pthread_t is the thread's struct pthread, which starts
// with tcbhead_t { void* tcb; dtv_t* dtv; void* self; ... }, tcb and self
// pointing to the struct itself; the kernel thread id `tid` is at 0x2d0
// (glibc 2.26 to 2.40 alike; libthread_db reads the same field).
constexpr uint64_t kTcbSelf = 16, kPthreadTid = 0x2d0;

bool IsPthread(Memory& memory, uint64_t p) {
  uint64_t tcb = 0, self = 0;
  return p && p % 8 == 0 && memory.Read(p, &tcb, 8) && memory.Read(p + kTcbSelf, &self, 8) && tcb == p && self == p;
}

// The Worker's words (its first kWorkerSize bytes), empty if unreadable.
std::vector<uint64_t> WorkerWords(Memory& memory, uint64_t worker) {
  std::vector<uint64_t> words(kWorkerSize / 8);
  if (!memory.Read(worker, words.data(), kWorkerSize)) words.clear();
  return words;
}

// The Worker* among the Environment's words whose vtable is Worker's and
// whose own words point back to the Environment (Worker::env_); 0 if none.
uint64_t FindWorker(Program& target, uint64_t env) {
  Memory& memory = target.memory();
  std::vector<uint64_t> page(4096 / 8);
  for (uint64_t at = env; at < env + kEnvironmentSize; at += 4096) {
    // Page by page: the Environment's end may be the mapping's.
    const uint64_t n = std::min<uint64_t>(4096 - (at % 4096), env + kEnvironmentSize - at) & ~7ull;
    if (n == 0 || !memory.Read(at, page.data(), n)) return 0;
    for (uint64_t i = 0; i < n / 8; i++) {
      const uint64_t w = page[i];
      if (!w || w % 8 || CppClassOf(target, w) != "node::worker::Worker") continue;
      std::vector<uint64_t> words = WorkerWords(memory, w);
      if (std::find(words.begin(), words.end(), env) != words.end()) return w;
    }
    if (at % 4096) at &= ~4095ull;
  }
  return 0;
}

// The kernel thread id of the pthread_t the Worker holds.
void ReadThread(Memory& memory, WorkerInfo& info) {
  for (uint64_t w : WorkerWords(memory, info.worker)) {
    if (!IsPthread(memory, w)) continue;
    info.pthread = w;
    uint32_t tid = 0;
    // Linux thread ids are below 2^22 (pid_max's limit).
    if (memory.Read(w + kPthreadTid, &tid, 4) && tid > 0 && tid <= (1u << 22)) info.lwp = tid;
    return;
  }
}

}  // namespace

WorkerInfo ReadWorkerInfo(Program& target, const NodeLayout& layout, const EnvironmentInfo& env) {
  WorkerInfo info;
  JsObjects js(target.heap());
  for (uint64_t context : env.contexts) {
    uint64_t process = js.ProcessObject(context);
    if (!process) continue;
    auto argv = js.Strings(js.Get(process, "argv"), 4);
    if (argv && argv->size() >= 2) info.script = (*argv)[1];
    break;
  }
  info.worker = FindWorker(target, env.address);
  if (!info.worker) {
    info.error = "no node::worker::Worker found in the Environment";
    return info;
  }
  info.handle = js.Wrapper(info.worker, layout.persistent_handle);
  if (info.handle) {
    info.thread_id = js.Number(js.Get(info.handle, "threadId"));
    info.thread_name = js.String(js.Get(info.handle, "threadName"), 256).value_or("");
  }
  ReadThread(target.memory(), info);
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

}  // namespace nodegdb
