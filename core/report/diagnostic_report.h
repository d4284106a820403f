// node-report: one report of a Node process from its memory, as text (a
// few screens, most important first) and as JSON in the shape of Node's own
// diagnostic report (process.report.getReport(), doc/api/report.md), so
// tools written for Node's reports read it.
//
// The report wing composes every other wing; it reads nothing itself
// except what no other wing has (the C strings of `environ` and argv).
// What only the debugger knows (threads' native stacks, the signal, when
// the dump was taken) comes in a ReportRequest from the front end.
//
// JSON: every field is a value the memory holds; a field of Node's report a
// dump cannot hold (CPU times, network interfaces, limits, the OS's uname)
// is left out and named in `nodeGdb.omitted`, never invented. Node's report
// sections that have no field at all from memory (resourceUsage,
// userLimits, uvthreadResourceUsage) are left out whole.
//
// What may fail: BuildReport throws Error only when the target cannot be
// read at all; a section that cannot be read says so in `notes` (and the
// text) and the rest of the report goes on.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/heap/heap_census.h"
#include "core/heap/heap_walk.h"
#include "core/node/node_env.h"
#include "core/node/node_handles.h"
#include "core/node/node_info.h"
#include "core/node/node_worker.h"

namespace nodegdb {

class Program;

struct NativeFrame {
  uint64_t pc = 0;
  std::string symbol;  // "uv_run [/usr/bin/node]", or a JS frame's text
};

// One thread as the debugger sees it.
struct ThreadStack {
  int64_t lwp = 0;
  int gdb_number = 0;
  bool crashed = false;                 // the thread that got the signal
  std::vector<NativeFrame> native;      // innermost first
  std::vector<std::string> javascript;  // Error.stack lines without "at ": "f (/srv/a.js:3:9)"
  std::vector<std::string> details;     // one line each: a frame's arguments, for the text
};

struct ReportRequest {
  std::string trigger = "node-gdb";   // header.trigger: who made the report
  std::string event;                  // header.event: what happened ("SIGABRT", "live process")
  std::string filename;               // the JSON file written, "" for none (header.filename: null)
  int64_t dump_time_ms = 0;           // when the memory was taken (ms since the epoch), 0 unknown
  int64_t pid = 0;                    // the debugger's pid (used when process.pid is unreadable)
  int signal = 0;                     // the signal that ended the process, 0 none/unknown
  std::string source;                 // "core file /x/core", "live process 1234"
  std::string exception_message;      // the uncaught error ("TypeError: x is not a function"), "" none
  std::vector<std::string> exception_stack;
  std::vector<ThreadStack> threads;   // every thread; the crashed one first
  uint64_t environ_address = 0;       // &environ (libc), 0 unknown
  uint64_t argv_address = 0;          // &_dl_argv (ld.so): the original command line, 0 unknown
  uint64_t r_debug_address = 0;       // &_r_debug (ld.so): the loaded objects' link_map chain, 0 unknown
  std::vector<std::string> shared_objects;  // mapped shared objects: used when the link_map cannot be read
  std::string arch = "x64";           // Node's os.arch() name of the target's machine
  bool walk_heap = true;              // heap spaces, top types and node-why's heap parts
  size_t top_types = 10;
};

struct HeapSpaceFacts {
  std::string name;  // Node's: "old_space"
  uint64_t memory_size = 0, used = 0, available = 0;
  uint64_t capacity() const { return used + available; }
};

struct IsolateHeapFacts {
  std::vector<HeapSpaceFacts> spaces;
  uint64_t native_contexts = 0;
};

struct EnvironmentReport {
  EnvironmentInfo env;
  std::optional<WorkerInfo> worker;     // worker threads
  LoopHandles loop;
  HandleList handles;
  RequestList requests;
  std::optional<IsolateHeapFacts> heap; // its isolate's, when the heap was walked
  const ThreadStack* thread = nullptr;  // its thread in the request, if known
  std::string error;
};

struct DiagnosticReport {
  ReportRequest request;
  NodeProcessInfo info;
  std::vector<std::pair<std::string, std::string>> versions, release;  // process.versions, process.release
  std::optional<std::vector<std::string>> command_line;
  std::optional<std::vector<std::pair<std::string, std::string>>> environment;
  std::vector<std::string> shared_objects;
  std::vector<EnvironmentReport> environments;  // main thread first
  std::vector<CensusRow> top_types;
  std::string walk_summary;
  std::string why;                       // node-why's answer
  std::string search_summary;
  std::vector<std::string> omitted;      // Node report fields this report leaves out
  std::vector<std::string> notes;        // sections that could not be read, and why
};

DiagnosticReport BuildReport(Program& target, const EnvironmentSearch& search, const ReportRequest& request,
                             const ProgressFn& progress = {});

// Node's report shape (with a `nodeGdb` section for what only node-gdb says).
std::string ReportJson(const DiagnosticReport& report);
// The human-readable report.
std::string ReportText(const DiagnosticReport& report);

// Node's report version for a Node major (header.reportVersion).
int ReportVersionFor(int node_major);

}  // namespace nodegdb
