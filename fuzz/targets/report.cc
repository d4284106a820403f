// node-report's own readers over raw memory: the C-string arrays of
// `environ` and `_dl_argv`, ld.so's link_map chain from `_r_debug`, the
// loop's handle queue (ReadLoopHandles), then the whole report (without
// the heap walk, which the heap target covers) written as JSON and text.
// Roots are tried as each of those addresses (untagged) and as Environment
// windows, as node-environments scans memory.
#include "core/node/node_env.h"
#include "core/node/node_handles.h"
#include "core/report/diagnostic_report.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(report) {
  std::shared_ptr<Target> target = fuzz.target();
  if (!target) return;
  std::vector<MemoryRange> ranges;
  for (uint64_t root : fuzz.roots()) {
    fuzz::Try([&] { ReadLoopHandles(*target, root, 1000); });
    const uint64_t page = root & ~uint64_t{0xfff};
    if (page >= 0x1000) ranges.push_back({page - 0x1000, page + 0x2000});
  }
  EnvironmentSearch search;
  fuzz::Try([&] { search = FindEnvironments(*target, ranges, 64); });
  const std::vector<uint64_t>& roots = fuzz.roots();
  for (size_t i = 0; i < roots.size() && i < 16; ++i) {
    ReportRequest request;
    request.walk_heap = false;
    request.environ_address = roots[i];
    request.argv_address = roots[(i + 1) % roots.size()];
    request.r_debug_address = roots[(i + 2) % roots.size()];
    request.threads.push_back(ThreadStack{1, 1, true, {{roots[i], "f"}}, {"g (a.js:1:2)"}, {}});
    fuzz::Try([&] {
      DiagnosticReport r = BuildReport(*target, search, request);
      ReportJson(r);
      ReportText(r);
    });
  }
}
