// V8 SharedFunctionInfo (what all closures of one function literal share:
// name, kind, parameter counts, source positions, Script, bytecode) and
// Script (a compiled source: its name, source text and line ends).
//
// Where they differ by version:
//   name_or_scope_info: a String (uncompiled), a ScopeInfo holding the
//     function name (compiled), or Smi 0 (no shared name).
//   the Script: script_or_debug_info (V8 11, may be a DebugInfo pointing to
//     the Script), script / raw_script (V8 12+, debug infos live elsewhere).
//   function data: function_data (V8 11-12), trusted_function_data plus
//     untrusted_function_data (V8 13+). It holds the BytecodeArray once
//     compiled (directly, or through InterpreterData, a BytecodeWrapper or
//     baseline Code), UncompiledData before, or a Smi builtin id.
//   formal parameter count: stored with the receiver since V8 10; %DebugPrint
//     of V8 11-12 prints it without, V8 13+ with.
#pragma once

#include <cstdint>
#include <algorithm>
#include <functional>
#include <iterator>
#include <optional>
#include <string>

#include "core/v8/heap.h"
#include "core/v8/scope_info.h"
#include "core/v8/string.h"

namespace nodegdb {

// Offsets and type numbers, resolved once per binary from the metadata
// (read by the decoders below and by the %DebugPrint view).
struct SfiLayout {
  int sfi_type = -1, script_type = -1, bytecode_array_type = -1, bytecode_wrapper_type = -1;
  int interpreter_data_type = -1, code_type = -1, debug_info_type = -1, fixed_array_type = -1;
  int uncompiled_types[4] = {-1, -1, -1, -1};

  // SharedFunctionInfo.
  int64_t function_data = 8;        // function_data, or trusted_function_data (V8 13+)
  int64_t untrusted_function_data = -1;
  int64_t name_or_scope_info = -1, outer_or_feedback = -1, script = -1;
  int64_t length = -1, formal_parameter_count = -1, function_token_offset = -1, flags = -1;
  // UncompiledData.
  int64_t uncompiled_inferred_name = 8, uncompiled_start = 16, uncompiled_end = 20;
  int64_t bytecode_length = 8;  // BytecodeArray length (Smi)

  // Script (fields the metadata lacks keep their V8 11-14 offsets).
  int64_t s_source = 8, s_name = 16, s_line_offset = 24, s_column_offset = 32, s_context_data = 40, s_type = 48;
  int64_t s_line_ends = 56, s_id = 64, s_eval_from = 72, s_eval_position = 80, s_infos = 88;
  int64_t s_lazy_positions = 96, s_flags = 104, s_source_url = 112, s_source_mapping_url = 120;

  static SfiLayout From(const Metadata& md);

  bool IsUncompiled(int type) const {
    return type >= 0 && std::find(std::begin(uncompiled_types), std::end(uncompiled_types), type) !=
                            std::end(uncompiled_types);
  }
};

// ---- Script ----

struct ScriptInfo {
  uint64_t address = 0;  // untagged
  uint64_t source = 0;   // raw (String or undefined)
  uint64_t name = 0;     // raw (String, or anything else: undefined for eval)
  std::string name_text;  // UTF-8 name if it is a string, else ""
  bool has_name = false;
  int64_t line_offset = 0, column_offset = 0;
  uint64_t context_data = 0;  // raw
  int64_t type = 0;           // Script::Type (0 native, 1 extension, 2 normal, 3 wasm, 4 inspector)
  uint64_t line_ends = 0;     // raw: FixedArray once computed; undefined / Smi 0 before
  bool line_ends_set = false;
  int64_t id = 0;
  uint64_t eval_from_shared_or_wrapped_arguments = 0;  // raw
  int64_t eval_from_position = 0;
  uint64_t shared_function_infos = 0;  // raw (WeakFixedArray / WeakArrayList)
  uint64_t compiled_lazy_function_positions = 0;  // raw
  int64_t flags = 0;
  int compilation_type = 0;  // 0 host, 1 eval
  uint64_t source_url = 0, source_mapping_url = 0;  // raw, 0 if not located
  uint64_t host_defined_options = 0;                // raw, 0 if not located
};

bool IsScript(Heap& heap, uint64_t address);
ScriptInfo ReadScript(Heap& heap, uint64_t address);

// Up to `limit` UTF-16 units of the script's source (empty if it has none).
StringContents ScriptSource(Heap& heap, const ScriptInfo& script, size_t limit);

struct SourceLocation {
  int64_t line = 0;    // 1-based, including the script's line offset
  int64_t column = 0;  // 1-based, including the column offset on the first line
};

// The line and column of a source position: from the script's line ends if
// V8 computed them, else by scanning the source (line terminators \n, \r,
// \r\n, U+2028, U+2029), reading at most `max_units` code units. nullopt if
// the position is negative or past what could be read.
std::optional<SourceLocation> ScriptLocation(Heap& heap, const ScriptInfo& script, int64_t position,
                                             size_t max_units = 64u << 20);

// ---- SharedFunctionInfo ----

enum class FunctionSyntaxKind { kAnonymousExpression, kNamedExpression, kDeclaration, kAccessorOrMethod, kWrapped };
const char* FunctionSyntaxKindName(int kind);  // "NamedExpression", ...

struct SharedFunctionInfoData {
  uint64_t address = 0;  // untagged
  uint64_t name_or_scope_info = 0;  // raw
  uint64_t scope_info = 0;          // untagged ScopeInfo if compiled (name_or_scope_info), else 0
  bool has_shared_name = false;
  uint64_t name = 0;       // raw String of the name, 0 if none
  std::string name_text;   // UTF-8 name, "" for anonymous
  std::string inferred_name_text;  // what V8 infers for anonymous functions ("obj.method")
  uint64_t inferred_name = 0;      // raw, 0 if none
  std::string debug_name;  // name, else the inferred name (what stack traces show)

  uint32_t flags = 0;
  int kind = 0;  // FunctionKind
  bool is_native = false, is_strict = false, is_class_constructor = false;
  int syntax_kind = 0;  // FunctionSyntaxKind
  bool has_duplicate_parameters = false, allow_lazy_compilation = false;
  int function_map_index_bits = 0;  // relative to the native context's first function map
  uint8_t flags2 = 0;
  bool class_scope_has_private_brand = false, has_static_private_methods_or_accessors = false;

  int length = 0;                           // the JS `length`
  int internal_formal_parameter_count = 0;  // with the receiver (raw field)
  int formal_parameter_count = 0;           // without the receiver (JS parameters)
  int expected_nof_properties = 0;
  int raw_function_token_offset = 0;
  std::optional<int> function_literal_id, unique_id, age;  // V8 12+

  // Function data.
  uint64_t function_data = 0;            // raw (V8 11-12 function_data, V8 13+ trusted_function_data)
  uint64_t untrusted_function_data = 0;  // raw, V8 13+ only (0 otherwise)
  bool has_untrusted_function_data = false;
  uint64_t bytecode_array = 0;   // untagged BytecodeArray if compiled, else 0
  int64_t bytecode_length = -1;  // its length in bytes
  uint64_t uncompiled_data = 0;  // untagged UncompiledData if not compiled, else 0
  std::optional<int64_t> builtin_id;  // when the data is a Smi

  // Script and positions.
  uint64_t script_or_debug_info = 0;  // raw field
  uint64_t debug_info = 0;            // untagged DebugInfo (V8 11) if any
  uint64_t script = 0;                // untagged Script, 0 if none (undefined)
  int64_t start_position = -1, end_position = -1;  // -1: kNoSourcePosition
  int64_t function_token_position = -1;

  uint64_t outer_scope_info_or_feedback_metadata = 0;  // raw field
  uint64_t outer_scope_info = 0;  // raw ScopeInfo of the enclosing scope, 0 if none
  uint64_t feedback_metadata = 0;  // untagged FeedbackMetadata, 0 if none
};

bool IsSharedFunctionInfo(Heap& heap, uint64_t address);

// Decodes the SharedFunctionInfo at `address` (untagged); throws
// CorruptObject if it is not one.
SharedFunctionInfoData ReadSharedFunctionInfo(Heap& heap, uint64_t address);

// The function's source text (source[start, end)), at most `limit` units;
// nullopt if it has no script or source.
std::optional<StringContents> FunctionSource(Heap& heap, const SharedFunctionInfoData& sfi, size_t limit);

// Where the function starts: position, script name and 1-based line/column.
struct FunctionLocation {
  int64_t position = -1;
  std::string script_name;
  std::optional<SourceLocation> location;
};
std::optional<FunctionLocation> LocateFunction(Heap& heap, const SharedFunctionInfoData& sfi);

// Bytecode behind a function-data object: a BytecodeArray, or the one held
// by an InterpreterData, BytecodeWrapper or baseline Code; 0 if none.
uint64_t BytecodeFromFunctionData(Heap& heap, uint64_t raw);

}  // namespace nodegdb
