// The %DebugPrint text of V8's objects (and V8's Brief() phrases), as V8's
// own printer writes them. The readers in core/v8/ decode; these only
// format. The DebugPrint* functions throw Error when the object cannot be
// read; V8Brief never throws. V8View (v8_view.h) dispatches on the type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "core/v8/heap.h"
#include "core/v8/shared_function_info.h"

namespace nodegdb {

class V8View;

// Options of the %DebugPrint functions of the function family (SharedFunctionInfo,
// JSFunction, Script, Context).
struct DebugPrintOptions {
  // Names a code address of the node binary (a builtin's instruction start,
  // e.g. "InterpreterEntryTrampoline"); "" if unknown. Optional.
  std::function<std::string(uint64_t)> symbolize;
  // Add "source position: P (script, line L, column C)" lines (not printed by
  // %DebugPrint for these objects, but the first thing one wants to know).
  bool source_location = true;
  // Longest source text shown for "source code:".
  size_t source_limit = 4000;
  // Most context slots listed for a context (the native context has ~300).
  size_t max_context_slots = 400;
};

// ---- debug_print_function.cc: JSFunction, SharedFunctionInfo, Script ----

// V8's Brief() of a tagged value, with the object's address in front as V8
// prints it: "0x0e85df0a3159 <String[7]: #counter>", "42" for a Smi. The
// objects of this family (SharedFunctionInfo, JSFunction, Script, ScopeInfo,
// contexts, BytecodeArray, UncompiledData, ContextCell) are described here;
// others through V8View::Brief. Never throws.
std::string V8Brief(Heap& heap, uint64_t raw);

// Addresses as V8 prints them: Brief pads to 12 hex digits, headers do not.
std::string V8PaddedHex(uint64_t value);

// "<JSFunction counter (sfi = 0x...)>".
std::string BriefJSFunction(Heap& heap, uint64_t address);

// The %DebugPrint text of a JSFunction's function part: header, map,
// prototype, function prototype / initial map, shared_info, name, builtin
// (with options.symbolize), formal_parameter_count, kind, context, code or
// dispatch_handle, bytecode, source code, feedback vector. Own properties
// are not listed (the JSObject view does that). Adds, beyond V8: the source
// position and the base class of derived classes.
std::string DebugPrintJSFunction(Heap& heap, uint64_t address, const DebugPrintOptions& options = {});

// "<Script>" and the %DebugPrint text of a Script.
std::string DebugPrintScript(Heap& heap, uint64_t address, const DebugPrintOptions& options = {});

// " - source position: P (name, line L, column C)" text after "source position: ".
std::string FormatFunctionLocation(const FunctionLocation& loc);

// "<SharedFunctionInfo counter>" ("<SharedFunctionInfo>" if anonymous).
std::string BriefSharedFunctionInfo(Heap& heap, uint64_t address);

// The %DebugPrint text of a SharedFunctionInfo.
std::string DebugPrintSharedFunctionInfo(Heap& heap, uint64_t address, const DebugPrintOptions& options = {});

// ---- debug_print_scope.cc: ScopeInfo, Context ----

// "<ScopeInfo FUNCTION_SCOPE>" ("<ScopeInfo>" for the empty one).
std::string BriefScopeInfo(Heap& heap, uint64_t address);

// What %DebugPrint prints for the ScopeInfo at `address` (untagged):
// "0xADDR: [ScopeInfo]", map, parameters, context locals, scope type, flags,
// function name, outer scope info, positions, length and the context slots.
std::string DebugPrintScopeInfo(Heap& heap, uint64_t address);

// "<ContextCell[smi=42]>", "<ContextCell[const=0x... <String[1]: #x>]>".
std::string BriefContextCell(Heap& heap, uint64_t address);

// "<FunctionContext[4]>", "<NativeContext[280]>".
std::string BriefContext(Heap& heap, uint64_t address);

// The %DebugPrint text of a context: "0xADDR: [Context]" ("[NativeContext]"),
// map, type, scope_info, previous, native_context, extension, length and the
// elements; then (not printed by V8) each context-allocated variable by name,
// and for a native context its global proxy, embedder data and microtask queue.
std::string DebugPrintContext(Heap& heap, uint64_t address, const DebugPrintOptions& options = {});

// ---- debug_print_object.cc: JSReceiver, Map ----

// V8's name of an ElementsKind number ("HOLEY_ELEMENTS").
std::string ElementsKindName(Heap& heap, int kind);

// The V8 view (%DebugPrint) of a JSReceiver: map, prototype, elements,
// properties store, each own property with its location, then the elements.
std::string DebugPrintJSObject(Heap& heap, V8View& view, uint64_t address);

// The V8 view of a Map (%DebugPrint): type, instance size, in-object
// properties, elements kind, descriptors, prototype, constructor.
std::string DebugPrintMap(Heap& heap, V8View& view, uint64_t map);

}  // namespace nodegdb
