// V8 ScopeInfo: the compiled description of one scope (function, block,
// catch, with, script, eval, module, class): its type and flags, how many
// parameters it has, the names and modes of the variables it keeps in its
// Context, the function's own name, and the enclosing scope's ScopeInfo.
//
// The layout changed twice in the versions Node ships:
//   V8 11.3 / 12.4 (Node 20, 22): flags is a Smi; the variable part starts at
//     slot 3; start/end positions follow the inferred name (function, script,
//     eval, module and non-empty class scopes only); ScopeType starts with
//     CLASS_SCOPE.
//   V8 13.6 / 14.x (Node 24, 26): flags is a uint32 (plus padding); start/end
//     positions are slots 3-4 of the header; the variable part starts at slot
//     5; ScopeType starts with SCRIPT_SCOPE, REPL_MODE_SCOPE; a sloppy-eval
//     scope keeps its dependent code; V8 14 adds the unused-parameter bits of
//     function scopes and reuses flag bit 11 for "allocates arguments".
// VariableMode gained kUsing in 12.x and kAwaitUsing in 13.x.
//
// v8dbg_scopeinfo_idx_* give the header indices; what they do not give is
// derived from md.rules() (core/meta/v8_rules.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/v8/heap.h"

namespace nodegdb {

// Offsets and type numbers, resolved once per binary from the metadata
// (read by the decoders below and by the %DebugPrint view).
struct ScopeInfoLayout {
  int type = -1;           // SCOPE_INFO_TYPE
  int hash_table_type = -1;  // NAME_TO_INDEX_HASH_TABLE_TYPE
  bool smi_flags = true;   // V8 11-12: flags is a Smi
  int idx_nparams = 1, idx_ncontextlocals = 2, idx_first_vars = 3;
  bool header_positions = false;  // V8 13+: positions at slots 3-4
  bool new_scope_types = false;   // V8 13+: SCRIPT_SCOPE, REPL_MODE_SCOPE first
  int64_t hash_table_header = 16;  // FixedArray header: map, length

  static ScopeInfoLayout From(const Metadata& md);
};

enum class ScopeType {
  kClass, kEval, kFunction, kModule, kScript, kCatch, kBlock, kWith, kShadowRealm, kReplMode, kUnknown
};
// "FUNCTION_SCOPE", as V8 prints it.
const char* ScopeTypeName(ScopeType type);

// FunctionKind (src/objects/function-kind.h), the same numbering in V8 11 to 14.
enum class FunctionKind : int {
  kNormalFunction = 0, kModule, kModuleWithTopLevelAwait, kBaseConstructor, kDefaultBaseConstructor,
  kDefaultDerivedConstructor, kDerivedConstructor, kGetterFunction, kStaticGetterFunction, kSetterFunction,
  kStaticSetterFunction, kArrowFunction, kAsyncArrowFunction, kAsyncFunction, kAsyncConciseMethod,
  kStaticAsyncConciseMethod, kAsyncConciseGeneratorMethod, kStaticAsyncConciseGeneratorMethod,
  kAsyncGeneratorFunction, kGeneratorFunction, kConciseGeneratorMethod, kStaticConciseGeneratorMethod,
  kConciseMethod, kStaticConciseMethod, kClassMembersInitializerFunction, kClassStaticInitializerFunction,
  kInvalid
};
// "NormalFunction", "AsyncArrowFunction", ... as V8 prints them ("Invalid"
// past the last kind).
const char* FunctionKindName(int kind);
bool IsArrowFunction(int kind);
bool IsAsyncFunction(int kind);      // async functions, arrows, methods and generators
bool IsGeneratorFunction(int kind);  // sync and async generators
bool IsClassConstructor(int kind);   // base, derived and default constructors
bool IsDerivedConstructor(int kind);
bool IsConciseMethod(int kind);      // methods, incl. async and generator methods
bool IsAccessorFunction(int kind);
bool IsModuleKind(int kind);
// util.inspect's word for the function's constructor: "Function",
// "AsyncFunction", "GeneratorFunction" or "AsyncGeneratorFunction".
const char* FunctionTypeName(int kind);

// How a variable is declared (VariableMode).
enum class VariableMode {
  kLet, kConst, kUsing, kAwaitUsing, kVar, kTemporary, kDynamic, kDynamicGlobal, kDynamicLocal,
  kPrivateMethod, kPrivateSetterOnly, kPrivateGetterOnly, kPrivateGetterAndSetter, kUnknown
};
// "let", "const", "var", "using", "await using", "temporary", ... (lower case:
// these are not printed by %DebugPrint, so they read as JavaScript does).
const char* VariableModeName(VariableMode mode);

// Where the receiver / function-name variable lives (VariableAllocationInfo).
enum class VariableAllocation { kNone = 0, kStack = 1, kContext = 2, kUnused = 3 };
const char* VariableAllocationName(VariableAllocation a);  // "NONE", "STACK", "CONTEXT", "UNUSED"

struct ScopeLocal {
  int index = 0;           // position among the context locals
  int slot = 0;            // context slot index (header + index)
  uint64_t name_raw = 0;   // the String, tagged
  std::string name;        // its UTF-8 text
  uint64_t info_raw = 0;   // the Smi-tagged VariableProperties word
  VariableMode mode = VariableMode::kUnknown;
  bool needs_initialization = false;  // let/const before their declaration: the hole
  bool maybe_assigned = false;
  int parameter_number = -1;  // for parameters allocated in the context, else -1
  bool is_static = false;
};

struct ScopeInfoData {
  uint64_t address = 0;  // untagged
  bool empty = false;    // the empty ScopeInfo (builtins, native contexts, uncompiled functions)
  uint32_t flags = 0;
  ScopeType scope_type = ScopeType::kUnknown;
  bool sloppy_eval_can_extend_vars = false;
  bool strict = false;  // language mode
  bool declaration_scope = false;
  VariableAllocation receiver = VariableAllocation::kNone;
  bool class_scope_has_private_brand = false;
  bool has_saved_class_variable = false;
  bool has_new_target = false;       // V8 11-13 (flag bit 11)
  bool allocates_arguments = false;  // V8 14 (flag bit 11)
  VariableAllocation function_variable = VariableAllocation::kNone;
  bool has_inferred_function_name = false;
  bool is_asm_module = false;
  bool has_simple_parameters = false;
  int function_kind = 0;
  bool has_outer_scope_info = false;
  bool is_debug_evaluate_scope = false;
  bool force_context_allocation = false;
  bool private_name_lookup_skips_outer_class = false;
  bool has_context_extension_slot = false;
  bool is_repl_mode_scope = false;       // V8 11-12
  bool has_locals_block_list = false;    // V8 11-12
  bool some_context_has_extension = false;  // V8 13+
  bool is_hidden = false;                // V8 13+
  bool is_wrapped_function = false;      // V8 13+
  bool has_context_cells = false;        // V8 14

  int64_t parameter_count = 0;
  int64_t context_local_count = 0;
  std::optional<int64_t> start_position, end_position;

  // Context locals in slot order. With many locals V8 keeps the names in a
  // NameToIndexHashTable: `names_hashtable` is its tagged address, and the
  // names are read from it (`names_in_hash_order` keeps the table's order,
  // which is the order %DebugPrint lists them in).
  std::vector<ScopeLocal> locals;
  uint64_t names_hashtable = 0;
  std::vector<int> names_in_hash_order;  // local indices

  uint64_t saved_class_variable_info = 0;  // raw, 0 if none
  uint64_t function_name = 0;              // raw (String, or Smi 0 = no shared name); 0 if none
  uint64_t function_variable_slot = 0;     // raw Smi
  uint64_t inferred_function_name = 0;     // raw, 0 if none
  uint64_t outer_scope_info = 0;           // raw, 0 if none
  uint64_t locals_block_list = 0;          // raw, 0 if none
  uint64_t module_info = 0;                // raw, 0 if none
  int64_t module_variable_count = 0;
  uint64_t dependent_code = 0;             // raw, 0 if none
  uint64_t unused_parameter_bits = 0;      // raw, 0 if none
  int length = 0;  // in tagged slots, as %DebugPrint counts

  // V8 14's ScopeInfo::CanOnlyAccessFixedFormalParameters().
  bool can_only_access_fixed_formal_parameters = false;

  // The function's own name if the scope holds one ("" otherwise).
  std::string function_name_text;
  // Context slots before the first local: scope_info, previous, and the
  // extension slot if the scope has one.
  int context_header_length() const { return has_context_extension_slot ? 3 : 2; }
};

bool IsScopeInfo(Heap& heap, uint64_t address);

// Decodes the ScopeInfo at `address` (untagged). Throws CorruptObject if it
// is not one, or if its counts are impossible; reads are bounded.
ScopeInfoData ReadScopeInfo(Heap& heap, uint64_t address);

// Whether the ScopeInfo records start and end positions (always from V8 13;
// before, only for function-like, script, eval, module and class scopes).
bool HasPositionInfo(const ScopeInfoLayout& l, const ScopeInfoData& s);

}  // namespace nodegdb
