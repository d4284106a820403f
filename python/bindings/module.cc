// The pybind11 module that GDB's Python imports. It only translates: every
// decision is in the C++ core, every GDB concern in python/node_gdb.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "core/bytecode/bytecode_printer.h"
#include "core/platform/core_file.h"
#include "core/node/node_env.h"
#include "core/node/node_handles.h"
#include "core/node/node_info.h"
#include "core/target.h"

namespace py = pybind11;
using namespace nodegdb;

namespace {

// GDB's read_memory, or any Python callable (address, size) -> bytes | None.
std::shared_ptr<Memory> MakeCallbackMemory(py::object reader, const std::string& description) {
  auto read = [reader](uint64_t address, void* out, size_t size) -> bool {
    py::gil_scoped_acquire gil;
    try {
      py::object result = reader(address, size);
      if (result.is_none()) return false;
      std::string bytes = py::cast<py::bytes>(result);
      if (bytes.size() != size) return false;
      std::memcpy(out, bytes.data(), size);
      return true;
    } catch (const py::error_already_set&) {
      return false;
    }
  };
  return std::make_shared<CallbackMemory>(read, description);
}

std::shared_ptr<Target> FromCore(const std::string& binary, const std::string& core, uint64_t bias,
                                 const std::map<std::string, std::string>& substitutes,
                                 py::object fallback_reader) {
  auto core_memory = std::make_shared<CoreFileMemory>(core);
  for (auto& [from, to] : substitutes) core_memory->SubstituteFile(from, to);
  auto layered = std::make_shared<LayeredMemory>();
  layered->Add(core_memory);
  if (!fallback_reader.is_none()) layered->Add(MakeCallbackMemory(fallback_reader, "GDB's memory"));
  auto target = std::make_shared<Target>(binary, layered, bias);
  target->set_warning(target->CheckBuildId(
      [&](uint64_t a, void* out, size_t n) { return core_memory->ReadCoreOnly(a, out, n); }));
  return target;
}

std::shared_ptr<Target> FromProcess(const std::string& binary, int pid, uint64_t bias) {
  return std::make_shared<Target>(binary, std::make_shared<ProcessMemory>(pid), bias);
}

std::shared_ptr<Target> FromReader(const std::string& binary, py::object reader, uint64_t bias) {
  return std::make_shared<Target>(binary, MakeCallbackMemory(reader, "GDB's memory"), bias);
}

bool HasMetadata(const std::string& path) {
  try {
    ElfFile file(path);
    bool found = false;
    file.ForEachSymbol("v8dbg_SmiTag", [&](const ElfSymbol&) { found = true; });
    return found;
  } catch (const Error&) {
    return false;
  }
}

// Link-time address of a symbol in a file (to compute the load bias from
// where GDB says the symbol is now).
py::object SymbolAddress(const std::string& path, const std::string& name) {
  const ElfFile& file = LoadedBinary::Get(path)->elf;
  std::optional<uint64_t> value;
  file.ForEachSymbol(name, [&](const ElfSymbol& sym) {
    if (sym.name == name) value = sym.value;
  });
  if (!value) return py::none();
  return py::int_(*value);
}

}  // namespace

// python/stack_bindings.cc: StackDecoder (unwinding and naming V8 frames).
void RegisterStackBindings(py::module_& m);
namespace nodegdb {
// python/heap_bindings.cc: HeapSession (v8 findjsobjects, findjsinstances, findrefs).
void RegisterHeapWalk(py::module_& m);
}  // namespace nodegdb

InspectOptions Options(int depth, size_t string_length, size_t array_length) {
  InspectOptions o;
  o.depth = depth;
  o.max_string_length = string_length;
  o.max_array_length = array_length;
  return o;
}

PYBIND11_MODULE(_nodegdb, m) {
  m.doc() = "node-gdb's C++ core: decodes V8 and Node structures from raw memory";
  static py::exception<Error> error(m, "Error");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      error(e.what());
    }
  });

  RegisterHeapWalk(m);
  m.def("has_metadata", &HasMetadata, "True if the ELF file carries v8dbg_ symbols");
  m.def("symbol_address", &SymbolAddress, "Link-time address of a symbol, or None");

  py::class_<Target, std::shared_ptr<Target>>(m, "Target")
      .def_static("from_core", &FromCore, py::arg("binary"), py::arg("core"), py::arg("bias"),
                  py::arg("substitutes") = std::map<std::string, std::string>{},
                  py::arg("fallback_reader") = py::none())
      .def_static("from_process", &FromProcess, py::arg("binary"), py::arg("pid"), py::arg("bias"))
      .def_static("from_reader", &FromReader, py::arg("binary"), py::arg("reader"), py::arg("bias"))
      .def(
          "print_value",
          [](Target& t, uint64_t raw, int depth, size_t string_length, size_t array_length) {
            return t.Print(raw, Options(depth, string_length, array_length));
          },
          py::arg("tagged"), py::arg("depth") = 2, py::arg("string_length") = 10000, py::arg("array_length") = 100,
          "JS view (util.inspect text)")
      .def(
          "structure",
          [](Target& t, uint64_t raw, int depth, size_t string_length, size_t array_length, size_t limit) {
            JsStructure s = t.Structure(raw, Options(depth, string_length, array_length), limit);
            py::list children;
            for (const JsChild& c : s.children) {
              children.append(py::make_tuple(c.name, c.has_value ? py::object(py::int_(c.raw)) : py::object(py::none()), c.text));
            }
            return py::make_tuple(s.summary, s.hint, children);
          },
          py::arg("tagged"), py::arg("depth") = 2, py::arg("string_length") = 10000, py::arg("array_length") = 100,
          py::arg("limit") = 1000,
          "(summary, display hint, [(name, tagged word or None, text)]) for structured display")
      .def("inspect", &Target::Inspect, py::arg("tagged"), "V8 view (%DebugPrint facts)")
      .def("bytecode", [](Target& t, uint64_t raw, bool only_bytecode_arrays) -> py::object {
            if (!only_bytecode_arrays) return py::str(DisassembleBytecode(t, raw));
            auto text = DisassembleIfBytecodeArray(t, raw);
            return text ? py::object(py::str(*text)) : py::object(py::none());
          }, py::arg("tagged"), py::arg("only_bytecode_arrays") = false,
           "--print-bytecode disassembly of a function's bytecode (None if only_bytecode_arrays and not one)")
      .def("banner", &Target::Banner)
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

  // ---- Node internals: Environments, handle and request queues, process
  // facts (core/node_env.h, core/node_handles.h, core/node_info.h) ----
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
        // Where to scan: the core's segments, /proc/PID/maps, or mappings
        // GDB listed (remote targets).
        std::vector<MemoryRange> ranges = !core_path.empty() ? CoreFileHeapRanges(core_path)
                                          : pid > 0          ? ProcessHeapRanges(pid)
                                                             : ParseMaps(maps_text);
        if (ranges.empty()) throw Error("no writable memory ranges known for this target: cannot look for Node's Environments");
        return std::make_shared<EnvironmentSearch>(FindEnvironments(t, ranges));
      },
      py::arg("target"), py::arg("core_path") = "", py::arg("pid") = 0, py::arg("maps_text") = "",
      "Finds Node's Environments through the native contexts in writable memory");
  auto pick = [](const EnvironmentSearch& s, uint64_t only) {
    std::vector<EnvironmentInfo> out;
    for (const EnvironmentInfo& e : s.environments) {
      if (!only || e.address == only) out.push_back(e);
    }
    if (only && out.empty()) throw Error(Hex(only) + " is none of the Environments found (" + s.Summary() + ")");
    return out;
  };
  m.def(
      "node_handles",
      [pick](Target& t, const EnvironmentSearch& s, bool verbose, uint64_t only, int pid) {
        NodeLayout layout = NodeLayout::Read(t);
        const std::map<int, SocketEndpoints> sockets = ReadProcessSockets(pid);
        std::string out;
        for (const EnvironmentInfo& e : pick(s, only)) {
          RequestList requests = ReadReqWraps(t, layout, e.address);
          HandleList handles = ReadHandleWraps(t, layout, e.address, 100000, pid > 0 ? &sockets : nullptr);
          LoopInfo loop = ReadLoop(t, layout, e, handles);
          out += FormatHandles(e, handles, verbose, &requests, &loop);
        }
        return out;
      },
      py::arg("target"), py::arg("search"), py::arg("verbose") = false, py::arg("env") = 0,
      // a live local process: sockets the kernel lists fill in ports and peers
      py::arg("pid") = 0);
  m.def(
      "node_requests",
      [pick](Target& t, const EnvironmentSearch& s, bool verbose, uint64_t only) {
        NodeLayout layout = NodeLayout::Read(t);
        std::string out;
        for (const EnvironmentInfo& e : pick(s, only)) out += FormatRequests(e, ReadReqWraps(t, layout, e.address), verbose);
        return out;
      },
      py::arg("target"), py::arg("search"), py::arg("verbose") = false, py::arg("env") = 0);
  m.def(
      "node_info",
      [](Target& t, const EnvironmentSearch& s, int64_t pid, const std::string& pid_source) {
        return FormatNodeProcessInfo(ReadNodeProcessInfo(t, s, pid, pid_source), s);
      },
      py::arg("target"), py::arg("search"), py::arg("pid") = 0, py::arg("pid_source") = "");
  RegisterStackBindings(m);
}
