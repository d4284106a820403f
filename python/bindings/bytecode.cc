// The bytecode part of the _nodegdb module: Target.bytecode, the
// --print-bytecode disassembly (core/bytecode/bytecode_printer.h).
#include <pybind11/pybind11.h>

#include "core/bytecode/bytecode_printer.h"
#include "python/bindings/bindings.h"

namespace nodegdb {

void AddBytecodeMethods(TargetClass& target) {
  target.def(
      "bytecode",
      [](Target& t, uint64_t raw, bool only_bytecode_arrays) -> py::object {
        if (!only_bytecode_arrays) return py::str(DisassembleBytecode(t, raw));
        auto text = DisassembleIfBytecodeArray(t, raw);
        return text ? py::object(py::str(*text)) : py::object(py::none());
      },
      py::arg("tagged"), py::arg("only_bytecode_arrays") = false,
      "--print-bytecode disassembly of a function's bytecode (None if only_bytecode_arrays and not one)");
}

}  // namespace nodegdb
