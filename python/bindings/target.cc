// The Target part of the _nodegdb module: how a Target is made (bindings.h),
// its views of a tagged value (util.inspect text, structure for GDB's
// pretty-printers, %DebugPrint facts, v8 source's listing), the banner and
// the constants.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "core/target.h"
#include "core/view/js_path.h"
#include "core/view/source_listing.h"
#include "python/bindings/bindings.h"

namespace nodegdb {

namespace {

InspectOptions Options(int depth, size_t string_length, size_t array_length) {
  InspectOptions o;
  o.depth = depth;
  o.max_string_length = string_length;
  o.max_array_length = array_length;
  return o;
}

py::tuple StructureTuple(Target& t, uint64_t raw, int depth, size_t string_length, size_t array_length,
                         size_t limit) {
  JsStructure s = t.Structure(raw, Options(depth, string_length, array_length), limit);
  py::list children;
  for (const JsChild& c : s.children) {
    children.append(py::make_tuple(c.name, c.has_value ? py::object(py::int_(c.raw)) : py::object(py::none()), c.text));
  }
  return py::make_tuple(s.summary, s.hint, children);
}

}  // namespace

void RegisterTarget(py::module_& m) {
  TargetClass target(m, "Target");
  target
      .def_static("from_core", &TargetFromCore, py::arg("binary"), py::arg("core"), py::arg("bias"),
                  py::arg("substitutes") = std::map<std::string, std::string>{},
                  py::arg("fallback_reader") = py::none())
      .def_static("from_process", &TargetFromProcess, py::arg("binary"), py::arg("pid"), py::arg("bias"))
      .def_static("from_reader", &TargetFromReader, py::arg("binary"), py::arg("reader"), py::arg("bias"))
      .def(
          "print_value",
          [](Target& t, uint64_t raw, int depth, size_t string_length, size_t array_length) {
            return t.Print(raw, Options(depth, string_length, array_length));
          },
          py::arg("tagged"), py::arg("depth") = 2, py::arg("string_length") = 10000, py::arg("array_length") = 100,
          "JS view (util.inspect text)")
      .def(
          "print_json",
          [](Target& t, uint64_t raw, int depth, size_t string_length, size_t array_length, int indent) {
            return t.PrintJson(raw, Options(depth, string_length, array_length), indent);
          },
          py::arg("tagged"), py::arg("depth") = 2, py::arg("string_length") = 10000, py::arg("array_length") = 100,
          py::arg("indent") = 2, "JS value's structure as one JSON document (core/view/js_json.h)")
      .def("structure", &StructureTuple, py::arg("tagged"), py::arg("depth") = 2, py::arg("string_length") = 10000,
           py::arg("array_length") = 100, py::arg("limit") = 1000,
           "(summary, display hint, [(name, tagged word or None, text)]) for structured display")
      .def(
          "lookup_path",
          [](Target& t, uint64_t raw, const std::string& path) {
            PathValue v = LookupPath(t.heap(), raw, ParsePath(path));
            return py::make_tuple(v.tagged, v.raw, v.text);
          },
          py::arg("tagged"), py::arg("path"),
          "(tagged?, raw word, text) where a JS path (.a.b[0], .get('k')) leads from a value")
      .def("inspect", &Target::DebugPrint, py::arg("tagged"), py::arg("string_length") = kV8ViewStringLimit,
           "V8 view (%DebugPrint facts); string_length: the longest string text shown")
      .def(
          "source",
          [](Target& t, uint64_t raw, std::optional<int64_t> position, bool whole_function, int64_t lines,
             const std::string& title) {
            SourceRequest r;
            r.function = raw;
            r.position = position;
            r.whole_function = whole_function;
            r.lines = lines;
            r.title = title;
            return SourceListing(t.heap(), r);
          },
          py::arg("tagged"), py::arg("position") = py::none(), py::arg("whole_function") = false,
          py::arg("lines") = 10, py::arg("title") = "",
          "v8 source: numbered source lines of a JSFunction or SharedFunctionInfo, around a source position "
          "(None: its start) or the whole function");
  AddBytecodeMethods(target);
  target.def("banner", &Target::Banner)
      .def_property_readonly("warning", &Target::warning)
      .def("node_version", &Target::NodeVersion)
      .def("v8_version", &Target::V8Version)
      .def("describe_memory", [](Target& t) { return t.memory().Describe(); })
      .def("read_word", [](Target& t, uint64_t address) { return t.memory().ReadU64(address); })
      .def("node_constant", &Target::NodeConstant)
      .def_property_readonly("binary_path", [](Target& t) { return t.binary().path(); })
      .def_property_readonly("load_bias", &Target::load_bias)
      .def_property_readonly("v8dbg_count", [](Target& t) { return t.metadata().v8dbg_count(); })
      .def_property_readonly("nodedbg_count", [](Target& t) { return t.metadata().nodedbg_count(); })
      .def("constant", [](Target& t, const std::string& name) -> py::object {
        auto v = t.metadata().Find(name);
        return v ? py::object(py::int_(*v)) : py::object(py::none());
      });
}

}  // namespace nodegdb
