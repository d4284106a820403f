// `v8 bytecode`: a function's bytecode in the format of V8's own
// --print-bytecode (BytecodeArray::Disassemble), read from memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/v8/heap.h"

namespace nodegdb {

class Program;

// The disassembly of the bytecode of `raw` (a tagged JSFunction,
// SharedFunctionInfo, BytecodeArray, BytecodeWrapper, InterpreterData or
// baseline Code): a header naming the function, V8's header lines,
// instruction lines, the constant pool, the handler table and the source
// position table. Throws Error (one line) when there is no bytecode.
std::string DisassembleBytecode(Program& target, uint64_t raw);

struct BytecodeTables;
// The same on a heap alone, with the binary's bytecode tables and V8
// version given (tests and fuzzing); `target`, if given, names private
// symbols through the binary's read-only roots.
std::string DisassembleBytecode(Heap& heap, const BytecodeTables& tables, const std::string& v8_version, uint64_t raw,
                                Program* target = nullptr);

// The same for a BytecodeArray only (what `v8 inspect` and the handle
// printers show for one); nullopt for anything else.
std::optional<std::string> DisassembleIfBytecodeArray(Program& target, uint64_t raw);

class ReadOnlyRoots;

// A constant pool entry as V8's ShortPrint shows it, address first
// ("0x0c5d147c5911 <String[4]: #JSON>", "0x... <ScopeInfo CATCH_SCOPE>",
// "42" for a Smi). `rules` pick the ScopeType numbering; `roots`, if
// given, names private symbols (<Symbol: (class_fields_symbol)>).
std::string ConstantBrief(Heap& heap, uint64_t word, const V8Rules& rules, const ReadOnlyRoots* roots = nullptr);

// V8 14's operand form of a constant pool entry: a string in quotes as
// String::PrintUC16 writes it (non-ASCII escaped), anything else as above.
std::string ConstantOperandBrief(Heap& heap, uint64_t word, const V8Rules& rules, const ReadOnlyRoots* roots = nullptr);

}  // namespace nodegdb
