// ReportText: the human-readable node-report, most important first: what
// happened (signal, thread, uncaught error), the stacks, what the event
// loop waits for, the process, the heap, the other threads.
#include <ctime>

#include "core/node/node_handles.h"
#include "core/node/node_worker.h"
#include "core/report/diagnostic_report.h"

namespace nodegdb {

namespace {

constexpr size_t kTextNativeFrames = 16;  // of the crashed thread; the others get a line each
constexpr size_t kTextJsFrames = 30;

std::string Bytes(uint64_t n) {
  char buf[32];
  if (n >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.2f GB", n / double(1ull << 30));
  else if (n >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.1f MB", n / double(1ull << 20));
  else if (n >= 1024) std::snprintf(buf, sizeof buf, "%.1f KB", n / 1024.0);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  return buf;
}

std::string Indent(const std::string& text, const std::string& by) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += by + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

const ThreadStack* Crashed(const DiagnosticReport& r) {
  for (const ThreadStack& t : r.request.threads) {
    if (t.crashed) return &t;
  }
  return r.request.threads.empty() ? nullptr : &r.request.threads.front();
}

std::string ThreadName(const DiagnosticReport& r, const ThreadStack& t) {
  for (const EnvironmentReport& e : r.environments) {
    if (e.thread != &t) continue;
    if (e.env.thread == EnvironmentInfo::Thread::kMain) return "the main thread";
    return "a Worker thread" + (e.worker ? " (" + WorkerText(*e.worker) + ")" : std::string());
  }
  return "a native thread";
}

std::string Headline(const DiagnosticReport& r) {
  const ReportRequest& q = r.request;
  std::string out = "node-report: Node " + (r.info.node_version.empty() ? "(version unknown)" : r.info.node_version);
  if (r.info.pid) out += ", pid " + std::to_string(*r.info.pid);
  out += ", " + q.source + "\n";
  const ThreadStack* crashed = Crashed(r);
  if (q.signal) {
    out += "  " + SignalName(q.signal) + " in thread " + std::to_string(crashed ? crashed->gdb_number : 0);
    if (crashed) out += " (LWP " + std::to_string(crashed->lwp) + ", " + ThreadName(r, *crashed) + ")";
    out += "\n";
  } else if (!q.event.empty()) {
    out += "  " + q.event + "\n";
  }
  if (q.dump_time_ms) {
    std::time_t t = static_cast<std::time_t>(q.dump_time_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    out += std::string("  taken ") + buf + "\n";
  }
  return out;
}

std::string Stacks(const DiagnosticReport& r) {
  std::string out;
  const ReportRequest& q = r.request;
  if (!q.exception_message.empty()) {
    out += "\nUncaught exception (being thrown):\n  " + q.exception_message + "\n";
    for (const std::string& l : q.exception_stack) out += "      at " + l + "\n";
  }
  const ThreadStack* crashed = Crashed(r);
  if (!crashed) return out;
  out += "\nThread " + std::to_string(crashed->gdb_number) + " (LWP " + std::to_string(crashed->lwp) + ", " +
         ThreadName(r, *crashed) + ")";
  if (!crashed->javascript.empty()) {
    out += ", JavaScript stack:\n";
    for (size_t i = 0; i < crashed->javascript.size() && i < kTextJsFrames; i++) {
      out += "    at " + crashed->javascript[i] + "\n";
    }
    if (crashed->javascript.size() > kTextJsFrames) {
      out += "    ... " + std::to_string(crashed->javascript.size() - kTextJsFrames) + " more\n";
    }
    out += "  native and JavaScript frames:\n";
  } else {
    out += ":\n";
  }
  for (size_t i = 0; i < crashed->native.size() && i < kTextNativeFrames; i++) {
    char pc[24];
    std::snprintf(pc, sizeof pc, "0x%016llx", static_cast<unsigned long long>(crashed->native[i].pc));
    out += "  #" + std::to_string(i) + (i < 10 ? "  " : " ") + pc + " " + crashed->native[i].symbol + "\n";
  }
  if (crashed->native.size() > kTextNativeFrames) {
    out += "  ... " + std::to_string(crashed->native.size() - kTextNativeFrames) + " more frames (v8 bt)\n";
  }
  if (!crashed->details.empty()) {
    out += "  the JavaScript frames' arguments:\n";
    for (const std::string& d : crashed->details) out += "    " + d + "\n";
  }
  return out;
}

std::string HeapPart(const DiagnosticReport& r) {
  std::string out;
  for (const EnvironmentReport& e : r.environments) {
    if (!e.heap) continue;
    uint64_t total = 0, used = 0;
    std::string rows;
    for (const HeapSpaceFacts& s : e.heap->spaces) {
      total += s.memory_size;
      used += s.used;
      if (!s.memory_size) continue;
      char line[160];
      std::snprintf(line, sizeof line, "    %-32s %10s  used %10s\n", s.name.c_str(), Bytes(s.memory_size).c_str(),
                    Bytes(s.used).c_str());
      rows += line;
    }
    out += "\nHeap of " + std::string(e.env.thread == EnvironmentInfo::Thread::kMain ? "the main thread" : "a Worker") +
           ": " + Bytes(total) + " in its spaces, " + Bytes(used) + " used by live objects, " +
           std::to_string(e.heap->native_contexts) +
           (e.heap->native_contexts == 1 ? " native context\n" : " native contexts\n") + rows;
  }
  if (!r.top_types.empty()) {
    out += "  Biggest types (every isolate):\n";
    for (const CensusRow& row : r.top_types) {
      char line[200];
      std::snprintf(line, sizeof line, "    %10s  %9llu  %s\n", Bytes(row.bytes).c_str(),
                    static_cast<unsigned long long>(row.count), row.name.c_str());
      out += line;
    }
    out += "  (v8 findjsobjects lists every type)\n";
  }
  return out;
}

std::string Others(const DiagnosticReport& r) {
  const ThreadStack* crashed = Crashed(r);
  std::string out;
  for (const ThreadStack& t : r.request.threads) {
    if (&t == crashed) continue;
    std::string top;
    for (size_t i = 0; i < t.native.size() && i < 3; i++) top += (i ? " <- " : "") + t.native[i].symbol;
    out += "  thread " + std::to_string(t.gdb_number) + " (LWP " + std::to_string(t.lwp) + ", " + ThreadName(r, t) +
           "): " + top + "\n";
    if (!t.javascript.empty()) out += "      at " + t.javascript.front() + "\n";
  }
  return out.empty() ? out : "\nOther threads (innermost frames; thread N, then v8 bt, for the rest):\n" + out;
}

}  // namespace

std::string ReportText(const DiagnosticReport& r) {
  std::string out = Headline(r);
  out += Stacks(r);
  if (!r.why.empty()) out += "\nWhat the event loop has and waits for (node-why):\n" + Indent(r.why, "  ");
  out += "\nProcess (node-info):\n";
  out += "  argv:     " + r.info.argv.value_or("(not readable)") + "\n";
  out += "  execArgv: " + r.info.exec_argv.value_or("(not readable)") + "\n";
  out += "  V8 " + r.info.v8_version + "; " + r.search_summary + "\n";
  out += HeapPart(r);
  out += Others(r);
  if (!r.notes.empty()) {
    out += "\nNot in this report:\n";
    for (const std::string& n : r.notes) out += "  " + n + "\n";
  }
  return out;
}

}  // namespace nodegdb
