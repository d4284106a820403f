// V8 JSFunction: a closure. It points at its SharedFunctionInfo (name, kind,
// bytecode), its Context (the variables it closed over), its FeedbackCell,
// its Code, and (if it can be a constructor) its prototype or initial map.
//
//   V8 11 (Node 20): shared, context, feedback cell, code, prototype_or_initial_map.
//   V8 12 (Node 22): code moved first (after elements).
//   V8 13+ (Node 24, 26): a dispatch handle replaces the code field (the code
//     lives in the process-wide JSDispatchTable, which the metadata does not
//     locate; the handle is reported).
//
// Instance types JS_FUNCTION_TYPE .. (FirstJSFunctionType..LastJSFunctionType
// where the binary has them; V8 11 lacks them: JS_FUNCTION_TYPE and the 16
// constructor subtypes after it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/v8/context.h"
#include "core/v8/heap.h"
#include "core/v8/shared_function_info.h"

namespace nodegdb {

// Offsets and type numbers, resolved once per binary from the metadata
// (read by the decoders below and by the %DebugPrint view).
struct JSFunctionLayout {
  int first_type = -1, last_type = -1;
  int bytecode_array_type = -1, feedback_vector_type = -1, closure_feedback_cell_array_type = -1;
  int uncompiled_types[4] = {-1, -1, -1, -1};
  int64_t shared = -1, context = -1, feedback_cell = -1, code = -1, dispatch_handle = -1;
  int64_t prototype_or_initial_map = -1;
  int64_t properties = 8, elements = 16;
  int64_t feedback_cell_value = 8;
  int64_t code_instruction_start = -1;
  int64_t map_prototype = 24, map_bit_field = 14, map_bit_field2 = 15, map_bit_field3 = 16,
          map_instance_size_in_words = 7;
  int64_t elements_kind_mask = 252, elements_kind_shift = 2, dictionary_map_shift = 21;
  int64_t bytecode_length = 8;

  static JSFunctionLayout From(const Metadata& md);

  bool IsUncompiled(int type) const {
    for (int t : uncompiled_types) {
      if (t >= 0 && t == type) return true;
    }
    return false;
  }
};

bool IsJSFunctionType(Heap& heap, int instance_type);
bool IsJSFunction(Heap& heap, uint64_t address);

struct JSFunctionData {
  uint64_t address = 0;  // untagged
  uint64_t map = 0;      // untagged
  int instance_type = 0;
  uint64_t shared = 0;         // untagged SharedFunctionInfo
  uint64_t context = 0;        // raw
  uint64_t feedback_cell = 0;  // raw
  uint64_t feedback_value = 0; // raw: the cell's value (FeedbackVector, ClosureFeedbackCellArray or undefined)
  std::optional<uint64_t> code;             // raw Code (V8 11-12)
  std::optional<uint32_t> dispatch_handle;  // V8 13+
  bool has_prototype_slot = false;
  uint64_t prototype_or_initial_map = 0;  // raw, if the slot exists
  uint64_t initial_map = 0;               // raw, if prototype_or_initial_map is a Map
  uint64_t function_prototype = 0;        // raw: the `prototype` (the initial map's prototype, or the slot)
  uint64_t map_prototype = 0;             // raw: Object.getPrototypeOf(fn)

  SharedFunctionInfoData sfi;
  std::string name;  // the function's own name ("" if anonymous)
  int kind = 0;      // FunctionKind
  bool is_class_constructor = false;
  // `class B extends A`: A (the constructor's [[Prototype]]) for derived
  // class constructors, else nullopt.
  std::optional<uint64_t> base_class;  // raw
  std::string base_class_name;
};

// Decodes the JSFunction at `address` (untagged). Throws CorruptObject if
// it is not one.
JSFunctionData ReadJSFunction(Heap& heap, uint64_t address);

}  // namespace nodegdb
