// The node/ wing's text answers: see node_queries.h.
#include "core/node/node_queries.h"

#include <algorithm>
#include <map>
#include <optional>

#include "core/node/node_handles.h"
#include "core/node/node_http.h"
#include "core/node/node_js.h"
#include "core/node/node_worker.h"
#include "core/node/node_info.h"
#include "core/node/node_timers.h"
#include "core/node/node_why.h"
#include "core/stack/async_functions.h"
#include "core/platform/proc_sockets.h"
#include "core/v8/program.h"

namespace nodegdb {

std::vector<MemoryRange> ScanRangesFor(const std::string& core_path, int pid, const std::string& maps_text) {
  if (!core_path.empty()) return CoreFileHeapRanges(core_path);
  if (pid > 0) return ProcessHeapRanges(pid);
  return ParseMaps(maps_text);
}

EnvironmentSearch SearchEnvironments(Program& target, const std::string& core_path, int pid,
                                     const std::string& maps_text) {
  std::vector<MemoryRange> ranges = ScanRangesFor(core_path, pid, maps_text);
  if (ranges.empty()) throw Error("no writable memory ranges known for this target: cannot look for Node's Environments");
  return FindEnvironments(target, ranges);
}

std::vector<EnvironmentInfo> PickEnvironments(const EnvironmentSearch& search, uint64_t only) {
  std::vector<EnvironmentInfo> out;
  for (const EnvironmentInfo& e : search.environments) {
    if (!only || e.address == only) out.push_back(e);
  }
  if (only && out.empty()) throw Error(Hex(only) + " is none of the Environments found (" + search.Summary() + ")");
  return out;
}

namespace {

std::string Pad(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }

// Rows of cells as lines: every column as wide as its widest cell, two
// spaces between columns, none at the end of a line.
std::string AlignedColumns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); i++) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = " ";
    for (size_t i = 0; i < row.size(); i++) line += " " + Pad(row[i], widths[i]) + " ";
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

// A Worker's identity for its row; "" for the main thread, or without
// Node's offsets.
std::string WorkerCell(Program& target, const std::optional<NodeLayout>& layout, const EnvironmentInfo& env,
                       const std::vector<uint64_t>& workers) {
  if (!layout || env.thread != EnvironmentInfo::Thread::kWorker) return "";
  return WorkerText(ReadWorkerInfo(target, *layout, env, workers));
}

}  // namespace

WorkerLookup LookUpWorkers(Program& target, const EnvironmentSearch& search) {
  WorkerLookup found;
  try {
    found.layout = NodeLayout::Read(target);
  } catch (const Error&) {
    return found;
  }
  found.workers = FindWorkers(target, search);
  return found;
}

std::string EnvironmentsText(Program& target, const EnvironmentSearch& search) {
  WorkerLookup lookup = LookUpWorkers(target, search);
  const std::optional<NodeLayout>& layout = lookup.layout;
  const std::vector<uint64_t>& workers = lookup.workers;
  std::vector<std::vector<std::string>> rows;
  for (const EnvironmentInfo& env : search.environments) {
    std::string contexts = env.contexts.size() == 1 ? "native context" : "native contexts";
    for (uint64_t c : env.contexts) contexts += " " + Hex(c);
    rows.push_back({Hex(env.address), ThreadName(env.thread), "loop " + (env.loop ? Hex(env.loop) : "unknown"),
                    contexts, WorkerCell(target, layout, env, workers)});
  }
  return AlignedColumns(rows);
}

std::string HandlesText(Program& target, const EnvironmentSearch& search, bool verbose, uint64_t only_env, int pid) {
  NodeLayout layout = NodeLayout::Read(target);
  const std::map<int, SocketEndpoints> sockets = pid > 0 ? ReadProcessSockets(pid) : std::map<int, SocketEndpoints>{};
  std::string out;
  for (const EnvironmentInfo& e : PickEnvironments(search, only_env)) {
    RequestList requests = ReadReqWraps(target, layout, e.address);
    HandleList handles = ReadHandleWraps(target, layout, e.address, 100000, pid > 0 ? &sockets : nullptr);
    LoopInfo loop = ReadLoop(target, layout, e, handles);
    out += FormatHandles(e, handles, verbose, &requests, &loop);
  }
  return out;
}

std::string HttpText(Program& target, const EnvironmentSearch& search, bool verbose, uint64_t only_env, int pid) {
  NodeLayout layout = NodeLayout::Read(target);
  const std::map<int, SocketEndpoints> sockets = pid > 0 ? ReadProcessSockets(pid) : std::map<int, SocketEndpoints>{};
  JsObjects js(target.heap());
  std::string out;
  for (const EnvironmentInfo& e : PickEnvironments(search, only_env)) {
    HandleList handles = ReadHandleWraps(target, layout, e.address, 100000, pid > 0 ? &sockets : nullptr);
    out += FormatHttp(js, e, handles, verbose, &target);
  }
  return out;
}

std::string RequestsText(Program& target, const EnvironmentSearch& search, bool verbose, uint64_t only_env) {
  NodeLayout layout = NodeLayout::Read(target);
  std::string out;
  for (const EnvironmentInfo& e : PickEnvironments(search, only_env)) {
    out += FormatRequests(e, ReadReqWraps(target, layout, e.address), verbose);
  }
  return out;
}

std::string InfoText(Program& target, const EnvironmentSearch& search, int64_t pid, const std::string& pid_source) {
  return FormatNodeProcessInfo(ReadNodeProcessInfo(target, search, pid, pid_source), search);
}

namespace {
// What the walk could not read, as one line ("" if it read everything).
std::string WalkFailures(const WalkReport& report) {
  if (report.cancelled) return "(the heap walk was interrupted: what it had not reached is missing)\n";
  if (report.failed_bytes() == 0) return "";
  return "(the heap walk could not read " + std::to_string(report.failed_bytes()) +
         " bytes: what lies there is missing)\n";
}
}  // namespace

std::string TimersAnswer(Program& target, const EnvironmentSearch& search, bool verbose, uint64_t only_env,
                         const ProgressFn& progress) {
  std::vector<EnvironmentInfo> environments = PickEnvironments(search, only_env);
  HeapWalker walker(target.heap());
  WalkReport report;
  std::string out;
  for (const EnvironmentTimers& t : FindTimers(target, walker, environments, &report, progress)) {
    out += TimersText(t, verbose);
  }
  return out + WalkFailures(report);
}

std::string WhyAnswer(Program& target, const EnvironmentSearch& search, bool verbose, uint64_t only_env, int pid,
                      bool with_heap) {
  if (!with_heap) return WhyText(target, search, nullptr, nullptr, verbose, only_env, pid);
  HeapWalker walker(target.heap());
  WhyHeapParts parts(target, walker);
  parts.Finish(PickEnvironments(search, only_env), walker.Walk(parts.visitor()));
  return WhyAnswer(target, search, parts, verbose, only_env, pid);
}

std::string WhyAnswer(Program& target, const EnvironmentSearch& search, const WhyHeapParts& parts, bool verbose,
                      uint64_t only_env, int pid) {
  return WhyText(target, search, &parts.async, &parts.timers, verbose, only_env, pid) +
         WalkFailures(parts.async.report);
}

}  // namespace nodegdb
