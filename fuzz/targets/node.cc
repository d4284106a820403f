// Node's structures, from raw memory with the node binary's symbols:
// native contexts found by scanning, the Environment* in their embedder
// data, the ListHead walks of its handle and request queues (with each
// HandleWrap's and ReqWrap's libuv structure and JS wrapper), its libuv
// loop, node-info's facts, and node-timers' lists over a bounded heap
// walk, each also as the -json answers write them. Roots are native contexts (tagged), Environment pointers and list
// heads (untagged).
#include "core/v8/context.h"
#include "core/node/node_env.h"
#include "core/node/node_handles.h"
#include "core/node/node_info.h"
#include "core/node/node_json.h"
#include "core/node/node_timers.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(node) {
  std::shared_ptr<Target> target = fuzz.target();
  if (!target) return;
  Heap& heap = target->heap();
  NodeLayout layout;
  try {
    layout = NodeLayout::Read(*target);
  } catch (const Error&) {
    return;  // no nodedbg_ constants in this memory: every node-* command says so
  }
  std::vector<uint64_t> environments;
  std::vector<MemoryRange> ranges;
  for (uint64_t root : fuzz.roots()) {
    Tagged t = heap.Decode(root);
    if (t.kind == Tagged::Kind::kStrong) {
      fuzz::Try([&] {
        ContextInfo c = ReadContext(heap, t.address);
        uint64_t env = NodeEnvironment(heap, c, layout.environment_index);
        if (env) environments.push_back(env);
      });
    } else if (root % 8 == 0) {
      environments.push_back(root);  // an Environment* or a list head
      fuzz::Try([&] { WalkList(target->memory(), root, layout.handle_next, layout.handle_prev, 1000); });
      fuzz::Try([&] { CppClassOf(*target, root); });
    }
    // A small window around each root, as node-environments scans memory.
    const uint64_t page = root & ~uint64_t{0xfff};
    if (page >= 0x1000) ranges.push_back({page - 0x1000, page + 0x2000});
  }
  // node-timers over a bounded walk: each root's Environment with every
  // native context root as its own.
  fuzz::Try([&] {
    HeapWalker walker(heap);
    std::vector<EnvironmentInfo> infos;
    for (uint64_t env : environments) {
      EnvironmentInfo info;
      info.address = env;
      info.loop = EnvironmentLoop(*target, layout, env);
      for (uint64_t root : fuzz.roots()) {
        if (heap.Decode(root).kind == Tagged::Kind::kStrong) info.contexts.push_back(root);
      }
      infos.push_back(info);
    }
    auto bounded = [](const WalkProgress& p) { return p.objects < 100000 && p.bytes_done < (64u << 20); };
    for (const EnvironmentTimers& t : FindTimers(*target, walker, infos, nullptr, bounded)) TimersText(t, true);
    // The -json answers (node_json.h) over the same Environments.
    EnvironmentSearch search;
    search.environments = infos;
    fuzz::Try([&] { TimersJson(*target, search, 0, bounded); });
    fuzz::Try([&] { HandlesJson(*target, search); });
    fuzz::Try([&] { RequestsJson(*target, search); });
    fuzz::Try([&] { HttpJson(*target, search); });
    fuzz::Try([&] { WhyJson(*target, search, 0, 0, false); });
    fuzz::Try([&] { EnvironmentsJson(*target, search); });
    fuzz::Try([&] { InfoJson(*target, search, 0, ""); });
  });
  for (uint64_t env : environments) {
    fuzz::Try([&] { CheckEnvironment(*target, layout, env); });
    fuzz::Try([&] {
      EnvironmentInfo info;
      info.address = env;
      info.loop = EnvironmentLoop(*target, layout, env);
      HandleList handles = ReadHandleWraps(*target, layout, env, 1000);
      RequestList requests = ReadReqWraps(*target, layout, env, 1000);
      LoopInfo loop = ReadLoop(*target, layout, info, handles, 1000);
      FormatHandles(info, handles, true, &requests, &loop);
      FormatRequests(info, requests, true);
    });
  }
  fuzz::Try([&] {
    EnvironmentSearch search = FindEnvironments(*target, ranges, 64);
    search.Summary();
    FormatNodeProcessInfo(ReadNodeProcessInfo(*target, search, 0, ""), search);
  });
}
