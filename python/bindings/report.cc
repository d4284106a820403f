// The report part of the _nodegdb module: node-report's DiagnosticReport
// (core/report/diagnostic_report.h) from what GDB knows (threads, signal,
// symbols) and the memory. Translation only.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "core/node/node_env.h"
#include "core/report/diagnostic_report.h"
#include "python/bindings/bindings.h"

namespace nodegdb {

namespace {

// A thread from Python: (lwp, gdb number, crashed, [(pc, symbol)], [js line], [detail line]).
ThreadStack ToThread(const py::tuple& t) {
  ThreadStack s;
  s.lwp = t[0].cast<int64_t>();
  s.gdb_number = t[1].cast<int>();
  s.crashed = t[2].cast<bool>();
  for (const auto& f : t[3].cast<py::list>()) {
    auto frame = f.cast<py::tuple>();
    s.native.push_back(NativeFrame{frame[0].cast<uint64_t>(), frame[1].cast<std::string>()});
  }
  s.javascript = t[4].cast<std::vector<std::string>>();
  s.details = t[5].cast<std::vector<std::string>>();
  return s;
}

}  // namespace

void RegisterReport(py::module_& m) {
  py::class_<DiagnosticReport, std::shared_ptr<DiagnosticReport>>(m, "DiagnosticReport")
      .def("json", &ReportJson, "Node's diagnostic report shape, as JSON text")
      .def("text", &ReportText, "the human-readable report");
  m.def(
      "build_report",
      [](Target& target, const EnvironmentSearch& search, py::dict q, py::object progress_callback) {
        ReportRequest r;
        r.trigger = q["trigger"].cast<std::string>();
        r.event = q["event"].cast<std::string>();
        r.filename = q["filename"].cast<std::string>();
        r.dump_time_ms = q["dump_time_ms"].cast<int64_t>();
        r.pid = q["pid"].cast<int64_t>();
        r.signal = q["signal"].cast<int>();
        r.source = q["source"].cast<std::string>();
        r.exception_message = q["exception_message"].cast<std::string>();
        r.exception_stack = q["exception_stack"].cast<std::vector<std::string>>();
        for (const auto& t : q["threads"].cast<py::list>()) r.threads.push_back(ToThread(t.cast<py::tuple>()));
        r.environ_address = q["environ_address"].cast<uint64_t>();
        r.argv_address = q["argv_address"].cast<uint64_t>();
        r.r_debug_address = q["r_debug_address"].cast<uint64_t>();
        r.shared_objects = q["shared_objects"].cast<std::vector<std::string>>();
        r.arch = q["arch"].cast<std::string>();
        r.walk_heap = q["walk_heap"].cast<bool>();
        Progress progress(progress_callback);
        auto report = std::make_shared<DiagnosticReport>(BuildReport(target, search, r, progress.fn()));
        progress.Check(WalkReport{});  // Ctrl-C: KeyboardInterrupt
        return report;
      },
      py::arg("target"), py::arg("search"), py::arg("request"), py::arg("progress") = py::none(),
      "node-report: a DiagnosticReport from the memory and what GDB gives in `request` (a dict)");
}

}  // namespace nodegdb
