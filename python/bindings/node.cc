// The node part of the _nodegdb module: Node's Environments, their handle
// and request queues, the process facts, as composed by
// core/node/node_queries.h. Translation only.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "core/node/node_env.h"
#include "core/node/node_json.h"
#include "core/node/node_queries.h"
#include "core/node/node_why.h"
#include "python/bindings/bindings.h"

namespace nodegdb {

void RegisterNode(py::module_& m) {
  py::class_<EnvironmentSearch, std::shared_ptr<EnvironmentSearch>>(m, "EnvironmentSearch")
      .def_property_readonly("summary", &EnvironmentSearch::Summary)
      .def_readonly("rejected", &EnvironmentSearch::rejected)
      .def_readonly("native_contexts", &EnvironmentSearch::native_contexts)
      .def_property_readonly("environments", [](const EnvironmentSearch& s) {
        py::list out;
        for (const EnvironmentInfo& e : s.environments) {
          out.append(py::make_tuple(e.address, ThreadName(e.thread), e.loop, e.contexts));
        }
        return out;
      }, "[(Environment*, thread, uv_loop_t*, [tagged native contexts])], main thread first");
  m.def(
      "find_environments",
      [](Target& t, const std::string& core_path, int pid, const std::string& maps_text) {
        return std::make_shared<EnvironmentSearch>(SearchEnvironments(t, core_path, pid, maps_text));
      },
      py::arg("target"), py::arg("core_path") = "", py::arg("pid") = 0, py::arg("maps_text") = "",
      "Finds Node's Environments through the native contexts in writable memory");
  m.def(
      "node_handles",
      [](Target& t, const EnvironmentSearch& s, bool verbose, uint64_t only, int pid) {
        return HandlesText(t, s, verbose, only, pid);
      },
      py::arg("target"), py::arg("search"), py::arg("verbose") = false, py::arg("env") = 0,
      // a live local process: sockets the kernel lists fill in ports and peers
      py::arg("pid") = 0);
  m.def(
      "node_environments", [](Target& t, const EnvironmentSearch& s) { return EnvironmentsText(t, s); },
      py::arg("target"), py::arg("search"));
  m.def(
      "node_http",
      [](Target& t, const EnvironmentSearch& s, bool verbose, uint64_t only, int pid) {
        return HttpText(t, s, verbose, only, pid);
      },
      py::arg("target"), py::arg("search"), py::arg("verbose") = false, py::arg("env") = 0, py::arg("pid") = 0);
  m.def(
      "node_requests",
      [](Target& t, const EnvironmentSearch& s, bool verbose, uint64_t only) {
        return RequestsText(t, s, verbose, only);
      },
      py::arg("target"), py::arg("search"), py::arg("verbose") = false, py::arg("env") = 0);
  m.def(
      "node_why",
      [](Target& t, const EnvironmentSearch& s, bool verbose, uint64_t only, int pid, bool with_async) {
        return WhyAnswer(t, s, verbose, only, pid, with_async);
      },
      py::arg("target"), py::arg("search"), py::arg("verbose") = false, py::arg("env") = 0, py::arg("pid") = 0,
      py::arg("with_async") = true, "node-why: what keeps each event loop alive, and what waits");
  m.def(
      "node_timers",
      [](Target& t, const EnvironmentSearch& s, bool verbose, uint64_t only) {
        return TimersAnswer(t, s, verbose, only);
      },
      py::arg("target"), py::arg("search"), py::arg("verbose") = false, py::arg("env") = 0,
      "node-timers: each Environment's timers, immediates, nextTick queue and microtasks");
  m.def(
      "node_info",
      [](Target& t, const EnvironmentSearch& s, int64_t pid, const std::string& pid_source) {
        return InfoText(t, s, pid, pid_source);
      },
      py::arg("target"), py::arg("search"), py::arg("pid") = 0, py::arg("pid_source") = "");
  // The same answers as one JSON document each (-json): core/node/node_json.h.
  m.def(
      "node_environments_json", [](Target& t, const EnvironmentSearch& s) { return EnvironmentsJson(t, s); },
      py::arg("target"), py::arg("search"));
  m.def(
      "node_handles_json",
      [](Target& t, const EnvironmentSearch& s, uint64_t only, int pid) { return HandlesJson(t, s, only, pid); },
      py::arg("target"), py::arg("search"), py::arg("env") = 0, py::arg("pid") = 0);
  m.def(
      "node_requests_json",
      [](Target& t, const EnvironmentSearch& s, uint64_t only) { return RequestsJson(t, s, only); },
      py::arg("target"), py::arg("search"), py::arg("env") = 0);
  m.def(
      "node_http_json",
      [](Target& t, const EnvironmentSearch& s, uint64_t only, int pid) { return HttpJson(t, s, only, pid); },
      py::arg("target"), py::arg("search"), py::arg("env") = 0, py::arg("pid") = 0);
  m.def(
      "node_timers_json",
      [](Target& t, const EnvironmentSearch& s, uint64_t only) { return TimersJson(t, s, only); },
      py::arg("target"), py::arg("search"), py::arg("env") = 0);
  m.def(
      "node_why_json",
      [](Target& t, const EnvironmentSearch& s, uint64_t only, int pid) { return WhyJson(t, s, only, pid, true); },
      py::arg("target"), py::arg("search"), py::arg("env") = 0, py::arg("pid") = 0);
  m.def(
      "node_info_json",
      [](Target& t, const EnvironmentSearch& s, int64_t pid, const std::string& pid_source) {
        return InfoJson(t, s, pid, pid_source);
      },
      py::arg("target"), py::arg("search"), py::arg("pid") = 0, py::arg("pid_source") = "");
}

}  // namespace nodegdb
