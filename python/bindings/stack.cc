// The stack part of the _nodegdb module: the StackDecoder (core/stack/frames.h)
// for the unwinder, the frame decorator and `v8 bt`. Translation only.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "core/arch/arch.h"
#include "core/stack/frames.h"
#include "core/stack/thrown_value.h"
#include "core/target.h"
#include "python/bindings/bindings.h"

namespace nodegdb {

namespace {

const char* KindName(FrameKind kind) {
  switch (kind) {
    case FrameKind::kNative: return "native";
    case FrameKind::kJavaScript: return "javascript";
    case FrameKind::kBuiltinJs: return "builtin";
    case FrameKind::kTyped: return "typed";
    case FrameKind::kFrameless: return "frameless";
  }
  return "native";
}

py::dict InfoDict(const FrameInfo& f) {
  py::dict d;
  d["kind"] = KindName(f.kind);
  d["summary"] = f.Summary();
  d["tier"] = f.tier;
  d["frame_type"] = f.frame_type;
  d["label"] = f.label;
  d["builtin"] = f.builtin;
  d["fp"] = f.fp;
  d["function"] = f.function;
  d["receiver"] = f.receiver;
  d["context"] = f.context;
  d["receiver_is_global"] = f.receiver_is_global;
  d["argc"] = f.argc;
  d["arguments"] = f.arguments;
  d["parameter_names"] = f.parameter_names;
  d["name"] = f.name;
  d["function_name"] = f.function_name;
  d["script"] = f.script;
  d["line"] = f.line;
  d["column"] = f.column;
  d["location_is_function_start"] = f.location_is_function_start;
  d["location_approximate"] = f.location_approximate;
  d["bytecode_offset"] = f.bytecode_offset;
  d["source_position"] = f.source_position;
  d["visible"] = f.visible;
  d["target"] = f.target;
  d["note"] = f.note;
  py::list inlined;
  for (const FrameInfo::Inlined& i : f.inlined) inlined.append(py::make_tuple(i.Text(), i.script, i.line));
  d["inlined"] = inlined;
  // The same with their parts, for JSON answers (v8 bt -json).
  py::list parts;
  for (const FrameInfo::Inlined& i : f.inlined) {
    py::dict p;
    p["name"] = i.name;
    p["script"] = i.script;
    p["line"] = i.line;
    p["column"] = i.column;
    parts.append(p);
  }
  d["inlined_frames"] = parts;
  return d;
}

}  // namespace

void RegisterStack(py::module_& m) {
  m.def(
      "frame_locals",
      [](Target& t, uint64_t context, uint64_t function) { return FrameContextLocals(t.heap(), context, function); },
      py::arg("target"), py::arg("context"), py::arg("function"),
      "[(name, tagged)] the context locals a JS frame sees of its own function, innermost scope first");
  m.def(
      "thrown_value",
      [](Target& t, uint64_t sp, uint64_t end) -> py::object {
        auto v = FindThrownValue(t.heap(), sp, end);
        if (!v) return py::none();
        return py::make_tuple(v->value, v->found_at, v->through_handle);
      },
      py::arg("target"), py::arg("sp"), py::arg("end"),
      "(tagged Error, stack address, through a handle) being thrown on the stack [sp, end), or None");
  py::class_<StackDecoder, std::shared_ptr<StackDecoder>>(m, "StackDecoder")
      .def(py::init([](std::shared_ptr<Target> t) { return std::make_shared<StackDecoder>(t); }), py::arg("target"))
      .def(
          "registers",
          [](StackDecoder& d) {
            const Arch& a = d.arch();
            py::dict r;
            r["arch"] = a.name;
            r["gdb_names"] = a.gdb_names;
            r["pc"] = a.pc;
            r["sp"] = a.sp;
            r["fp"] = a.fp;
            r["lr"] = a.lr.empty() ? py::object(py::none()) : py::object(py::str(a.lr));
            r["bytecode_offset"] = a.bytecode_offset_register;
            r["callee_saved"] = a.callee_saved;
            return r;
          },
          "the binary's machine and GDB's names of its registers: pc, sp, fp, lr (None on x86), the "
          "interpreter's bytecode offset register, C++'s callee-saved registers")
      .def(
          "set_mappings",
          [](StackDecoder& d, const std::vector<std::tuple<uint64_t, uint64_t, uint64_t, std::string>>& rows) {
            std::vector<FileMapping> mappings;
            for (const auto& [start, end, offset, path] : rows) mappings.push_back({start, end, offset, path});
            d.SetMappings(std::move(mappings));
          },
          py::arg("mappings"), "[(start, end, file offset, path)] of the process's file mappings")
      .def("maybe_v8", &StackDecoder::MaybeV8, py::arg("pc"), "False for pcs in native code")
      .def(
          "unwind",
          [](StackDecoder& d, uint64_t pc, uint64_t sp, uint64_t fp, bool innermost,
             std::optional<uint64_t> lr) -> py::object {
            FrameState state{pc, sp, fp, std::nullopt, std::nullopt};
            state.lr = lr;
            auto r = d.Unwind(state, innermost);
            if (!r) return py::none();
            return py::make_tuple(r->pc, r->sp, r->fp, r->id_sp, r->id_pc, r->saved);
          },
          py::arg("pc"), py::arg("sp"), py::arg("fp"), py::arg("innermost") = false, py::arg("lr") = py::none(),
          "(caller pc, sp, fp, frame id sp, frame id pc, [(register, value)]) or None (lr: the link "
          "register of an innermost arm64 frame)")
      .def(
          "describe",
          [](StackDecoder& d, uint64_t pc, uint64_t sp, uint64_t fp, bool innermost, std::optional<uint64_t> r9) {
            FrameState state{pc, sp, fp, std::nullopt, std::nullopt};
            if (innermost) state.bytecode_offset_register = r9;
            return InfoDict(d.Describe(state, innermost));
          },
          py::arg("pc"), py::arg("sp"), py::arg("fp"), py::arg("innermost") = false,
          py::arg("bytecode_offset_register") = py::none(),
          "what the frame is, as a dict (bytecode_offset_register: r9 / x19 of the innermost frame)")
      .def(
          "async_frames",
          [](StackDecoder& d, uint64_t function, uint64_t sp, uint64_t fp) {
            py::list out;
            for (const AsyncFrame& f : d.AsyncFrames(function, sp, fp)) out.append(py::make_tuple(f.text, f.object));
            return out;
          },
          py::arg("function"), py::arg("sp"), py::arg("fp"),
          "[(\"async outer (file:line:col)\", object)]: what awaits the async function running in that frame")
      .def(
          "builtin_at",
          [](StackDecoder& d, uint64_t pc) -> py::object {
            auto b = d.code_map().FindBuiltin(pc);
            if (!b) return py::none();
            return py::make_tuple("Builtins_" + *b->name, b->start);
          },
          py::arg("pc"), "(builtin symbol, its start) for a pc in V8's embedded builtins, or None")
      .def(
          "builtin_address",
          [](StackDecoder& d, const std::string& name, uint64_t like_pc) -> py::object {
            auto a = d.code_map().BuiltinAddress(name, like_pc);
            return a ? py::object(py::int_(*a)) : py::object(py::none());
          },
          py::arg("name"), py::arg("like_pc") = 0,
          "runtime address of a builtin (\"ArrayMap\") in the copy of the builtins like_pc is in");
}

}  // namespace nodegdb
