// V8 Contexts: the heap-allocated scopes closures keep alive. A Context is a
// FixedArray-shaped object: slot 0 its ScopeInfo, slot 1 the previous
// (enclosing) context, slot 2 the extension when the ScopeInfo says the
// context has one (with object, module, sloppy-eval extension, or the global
// object of a native context), then one slot per context-allocated variable
// in the order of the ScopeInfo's context locals.
//
// Kinds (by instance type, FirstContextType..LastContextType, alphabetical
// in V8 11-14): await, block, catch, debug-evaluate, eval, function, module,
// native, script, with. The native context (one per realm) ends every chain;
// its slots after the extension are V8's per-realm roots, starting with the
// global proxy and the embedder data (where Node keeps its Environment*).
//
// V8 14 may box let/const slots in a ContextCell (tracked constness /
// number representation): the variable's value is the cell's value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/v8/heap.h"
#include "core/v8/scope_info.h"
#include "core/v8/shared_function_info.h"

namespace nodegdb {

// Offsets and type numbers, resolved once per binary from the metadata
// (read by the decoders below and by the %DebugPrint view).
struct ContextLayout {
  int first_type = -1, last_type = -1;
  int context_cell_type = -1;
  int64_t header = 16;         // FixedArray header: map, length
  int64_t length = 8;          // FixedArray length (Smi)
  int idx_scope_info = 0, idx_previous = 1, min_slots = 2;
  int64_t embedder_data_offset = -1;  // NativeContext embedder data slot (byte offset)
  int64_t map_native_context = -1;    // Map::native_context (context maps only)
  int embedder_data_array_type = -1;
  // ContextCell: value, dependent code, state, then the unboxed number.
  int64_t cell_value = 8, cell_state = 24, cell_number = 32;

  static ContextLayout From(const Metadata& md);
};

enum class ContextKind {
  kAwait, kBlock, kCatch, kDebugEvaluate, kEval, kFunction, kModule, kNative, kScript, kWith, kUnknown
};
const char* ContextTypeName(ContextKind kind);   // "FUNCTION_CONTEXT_TYPE"
const char* ContextClassName(ContextKind kind);  // "FunctionContext" (as in V8's Brief)

// Is `instance_type` one of the context types; which one.
bool IsContextType(Heap& heap, int instance_type);
ContextKind ContextKindOf(Heap& heap, int instance_type);
// NATIVE_CONTEXT_TYPE's value: a v8dbg_type_ constant where there is one,
// else found in the named range of context types; nullopt if neither.
std::optional<int> NativeContextType(Heap& heap);

// A ContextCell's contents (V8 14): the state and the value it boxes.
struct ContextCellInfo {
  enum class State { kConst, kSmi, kInt32, kFloat64, kDetached, kUnknown };
  State state = State::kUnknown;
  uint64_t tagged_value = 0;  // raw; the value for const, smi and detached cells
  std::optional<std::string> number_text;  // int32 / float64 cells: the number as JavaScript prints it
};
bool IsContextCell(Heap& heap, uint64_t raw);
ContextCellInfo ReadContextCell(Heap& heap, uint64_t address);

// True for the_hole (an uninitialized let/const slot).
bool IsTheHole(Heap& heap, uint64_t raw);

struct ContextVariable {
  std::string name;     // from the ScopeInfo
  int slot = 0;         // context slot index
  uint64_t raw = 0;     // the slot's word
  uint64_t value = 0;   // the value: `raw`, or the ContextCell's tagged value
  std::optional<std::string> number_text;  // a ContextCell's unboxed number
  bool in_cell = false;
  bool uninitialized = false;  // let/const still in its temporal dead zone (the hole)
  VariableMode mode = VariableMode::kUnknown;
};

struct ContextInfo {
  uint64_t address = 0;  // untagged
  int instance_type = 0;
  ContextKind kind = ContextKind::kUnknown;
  int64_t length = 0;            // slots
  uint64_t scope_info = 0;       // raw slot 0
  uint64_t previous = 0;         // raw slot 1 (Smi 0 for the native context)
  uint64_t native_context = 0;   // raw, from the context's map (0 if unknown)
  bool has_extension = false;
  uint64_t extension = 0;        // raw slot 2 if has_extension
  std::optional<ScopeInfoData> scope;  // decoded slot 0 (nullopt if unreadable)
  std::vector<ContextVariable> variables;  // the context locals, by slot
  // For a catch context: the thrown value is its one variable.
  // Native context only:
  uint64_t global_object = 0;   // raw: the extension slot (JSGlobalObject)
  uint64_t global_proxy = 0;    // raw: slot GLOBAL_PROXY_INDEX (3)
  uint64_t embedder_data = 0;   // raw: the EmbedderDataArray
  uint64_t microtask_queue = 0; // the MicrotaskQueue* after the slots
};

bool IsContext(Heap& heap, uint64_t address);

// Decodes the context at `address` (untagged), naming its variables from
// its ScopeInfo. Throws CorruptObject if it is not a context.
ContextInfo ReadContext(Heap& heap, uint64_t address);

// The context and its enclosing ones, outward (`previous`), ending with the
// native context; stops after `max_depth` contexts or at a repeat (a cycle),
// or at an unreadable link (its error in `error`).
struct ContextChain {
  std::vector<ContextInfo> contexts;
  std::string error;  // why the walk stopped early, "" if it reached the native context
};
ContextChain WalkContextChain(Heap& heap, uint64_t address, size_t max_depth = 256);

// Looks a variable up by name along the chain, innermost first (what the
// closure sees). nullopt if no context of the chain has it.
std::optional<ContextVariable> LookupContextVariable(Heap& heap, uint64_t context, const std::string& name,
                                                     size_t max_depth = 256);

// The native context's embedder data slots, raw words (up to `limit`).
// Embedder data holds aligned pointers stored as they are (they look like
// Smis) or tagged values.
std::vector<uint64_t> ReadEmbedderData(Heap& heap, const ContextInfo& native_context, size_t limit = 256);

// Node's Environment* from a native context: the embedder data slot
// `environment_index` (nodedbg_const_ContextEmbedderIndex__kEnvironment__int,
// read with Target::NodeConstant). 0 if the slot is empty or out of range.
uint64_t NodeEnvironment(Heap& heap, const ContextInfo& native_context, int64_t environment_index);

}  // namespace nodegdb
