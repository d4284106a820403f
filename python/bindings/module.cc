// The pybind11 module that GDB's Python imports: Error translation, the
// Memory a Target reads (core file, process, GDB's reader), and each wing's
// part (bindings.h). It only translates: every decision is in the C++ core,
// every GDB concern in python/node_gdb.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>

#include "core/platform/core_file.h"
#include "core/target.h"
#include "python/bindings/bindings.h"

namespace nodegdb {

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

std::shared_ptr<Target> TargetFromCore(const std::string& binary, const std::string& core, uint64_t bias,
                                       const std::map<std::string, std::string>& substitutes,
                                       py::object fallback_reader) {
  auto core_memory = std::make_shared<CoreFileMemory>(core);
  for (auto& [from, to] : substitutes) core_memory->SubstituteFile(from, to);
  core_memory->SetExecutable(binary, bias);
  auto layered = std::make_shared<LayeredMemory>();
  layered->Add(core_memory);
  if (!fallback_reader.is_none()) layered->Add(MakeCallbackMemory(fallback_reader, "GDB's memory"));
  auto target = std::make_shared<Target>(binary, layered, bias);
  target->set_warning(target->CheckBuildId(
      [&](uint64_t a, void* out, size_t n) { return core_memory->ReadCoreOnly(a, out, n); }));
  return target;
}

std::shared_ptr<Target> TargetFromProcess(const std::string& binary, int pid, uint64_t bias) {
  return std::make_shared<Target>(binary, std::make_shared<ProcessMemory>(pid), bias);
}

std::shared_ptr<Target> TargetFromReader(const std::string& binary, py::object reader, uint64_t bias) {
  return std::make_shared<Target>(binary, MakeCallbackMemory(reader, "GDB's memory"), bias);
}

}  // namespace nodegdb

PYBIND11_MODULE(_nodegdb, m) {
  using namespace nodegdb;
  m.doc() = "node-gdb's C++ core: decodes V8 and Node structures from raw memory";
  static py::exception<Error> error(m, "Error");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      error(e.what());
    }
  });

  RegisterHeap(m);
  m.attr("__version__") = NODE_GDB_VERSION;  // CMake's project version
  m.def("has_metadata", &HasMetadata, "True if the ELF file carries v8dbg_ symbols");
  m.def("symbol_address", &SymbolAddress, "Link-time address of a symbol, or None");
  m.def(
      "core_signal", [](const std::string& path) { return CoreFileMemory(path).signal(); }, py::arg("core"),
      "The signal that made a core file (its first thread's pr_cursig), 0 if none");
  RegisterTarget(m);
  RegisterNode(m);
  RegisterStack(m);
  RegisterReport(m);
}
