#include "core/v8/js_function.h"

#include <cstdio>

#include "core/v8/map.h"
#include "core/v8/string.h"

namespace nodegdb {

namespace {

int64_t Or(const std::optional<int64_t>& v, int64_t fallback) { return v ? *v : fallback; }

}  // namespace

JSFunctionLayout JSFunctionLayout::From(const Metadata& md) {
  JSFunctionLayout l;
  int js_function = md.FindType("JS_FUNCTION_TYPE").value_or(-1);
  l.first_type = static_cast<int>(md.Find("v8dbg_FirstJSFunctionType").value_or(js_function));
  // V8 11 has no range constants: JS_FUNCTION_TYPE and its 16 constructor
  // subtypes (class, promise, regexp, array and typed-array constructors).
  l.last_type = static_cast<int>(md.Find("v8dbg_LastJSFunctionType").value_or(js_function < 0 ? -1 : js_function + 16));
  l.bytecode_array_type = md.FindType("BYTECODE_ARRAY_TYPE").value_or(-1);
  l.feedback_vector_type = md.FindType("FEEDBACK_VECTOR_TYPE").value_or(-1);
  l.closure_feedback_cell_array_type = md.FindType("CLOSURE_FEEDBACK_CELL_ARRAY_TYPE").value_or(-1);
  l.uncompiled_types[0] = md.FindType("UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_TYPE").value_or(-1);
  l.uncompiled_types[1] = md.FindType("UNCOMPILED_DATA_WITH_PREPARSE_DATA_TYPE").value_or(-1);
  l.uncompiled_types[2] = md.FindType("UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_WITH_JOB_TYPE").value_or(-1);
  l.uncompiled_types[3] = md.FindType("UNCOMPILED_DATA_WITH_PREPARSE_DATA_AND_JOB_TYPE").value_or(-1);
  l.shared = Or(md.FindField("JSFunction", {"shared", "shared_function_info"}), -1);
  l.context = Or(md.FindField("JSFunction", {"context"}), l.shared >= 0 ? l.shared + 8 : -1);
  l.feedback_cell = Or(md.FindField("JSFunction", {"raw_feedback_cell", "feedback_cell"}), l.context + 8);
  l.prototype_or_initial_map = Or(md.FindField("JSFunction", {"prototype_or_initial_map"}), 56);
  if (auto code = md.FindField("JSFunction", {"code"})) {
    l.code = *code;  // V8 12: right after elements
  } else if (md.rules().function_code_in_dispatch_table()) {
    l.dispatch_handle = l.shared - 8;  // a uint32 before shared
  } else {
    l.code = l.feedback_cell + 8;  // V8 11: after the feedback cell
  }
  l.properties = Or(md.FindField("JSReceiver", {"raw_properties_or_hash", "properties_or_hash"}), 8);
  l.elements = Or(md.FindField("JSObject", {"elements"}), 16);
  l.feedback_cell_value = Or(md.FindField("FeedbackCell", {"value"}), 8);
  // V8 11's Code keeps its entry point at 40 too, unnamed by the metadata.
  l.code_instruction_start =
      Or(md.FindField("Code", {"instruction_start", "code_entry_point"}), md.rules().code_entry_at_40_unnamed() ? 40 : -1);
  l.map_prototype = Or(md.FindField("Map", {"prototype"}), 24);
  l.map_bit_field = Or(md.FindField("Map", {"bit_field"}), 14);
  l.map_bit_field2 = Or(md.FindField("Map", {"bit_field2"}), 15);
  l.map_bit_field3 = Or(md.FindField("Map", {"bit_field3"}), 16);
  l.map_instance_size_in_words = Or(md.FindField("Map", {"instance_size_in_words"}), 7);
  l.elements_kind_mask = Or(md.Find("v8dbg_bit_field2_elements_kind_mask"), 252);
  l.elements_kind_shift = Or(md.Find("v8dbg_bit_field2_elements_kind_shift"), 2);
  l.dictionary_map_shift = Or(md.Find("v8dbg_bit_field3_is_dictionary_map_shift"), 21);
  l.bytecode_length = Or(md.FindField("BytecodeArray", {"length"}), Or(md.FindField("FixedArrayBase", {"length"}), 8));
  return l;
}

namespace {

const JSFunctionLayout& LayoutFor(Heap& heap) { return heap.LayoutOf<JSFunctionLayout>(); }

}  // namespace

bool IsJSFunctionType(Heap& heap, int instance_type) {
  const JSFunctionLayout& l = LayoutFor(heap);
  return l.first_type >= 0 && instance_type >= l.first_type && instance_type <= l.last_type;
}

bool IsJSFunction(Heap& heap, uint64_t address) { return IsJSFunctionType(heap, heap.InstanceTypeOf(address)); }

JSFunctionData ReadJSFunction(Heap& heap, uint64_t address) {
  const JSFunctionLayout& l = LayoutFor(heap);
  if (l.shared < 0) throw MissingConstant("v8dbg_class_JSFunction__shared__*");
  JSFunctionData f;
  f.address = address;
  f.map = heap.MapOf(address);
  f.instance_type = heap.MapInstanceType(f.map);
  if (!IsJSFunctionType(heap, f.instance_type)) {
    throw heap.NotA(address, "JSFunction", heap.TypeName(f.instance_type));
  }
  auto word = [&](int64_t offset) { return heap.ReadWord(address + static_cast<uint64_t>(offset)); };
  f.shared = heap.ReadObjectField(address, l.shared, "shared function info");
  f.sfi = ReadSharedFunctionInfo(heap, f.shared);
  f.context = word(l.context);
  f.feedback_cell = word(l.feedback_cell);
  uint64_t cell = 0;
  if (heap.StrongTypeOf(f.feedback_cell, &cell) >= 0) {
    f.feedback_value = heap.ReadWord(cell + static_cast<uint64_t>(l.feedback_cell_value));
  }
  if (l.code >= 0) f.code = word(l.code);
  if (l.dispatch_handle >= 0) f.dispatch_handle = heap.memory().ReadU32(address + static_cast<uint64_t>(l.dispatch_handle));

  // The map says whether the prototype slot exists (Map::Bits1's
  // HasPrototypeSlotBit, bit 7 in V8 11-14): the instance size does not,
  // methods and getters may keep an in-object property where it would be.
  const uint8_t bits1 = heap.memory().ReadU8(f.map + static_cast<uint64_t>(l.map_bit_field));
  int size_words = heap.memory().ReadU8(f.map + static_cast<uint64_t>(l.map_instance_size_in_words));
  f.has_prototype_slot = l.prototype_or_initial_map >= 0 && (bits1 & 0x80) != 0 &&
                         size_words * 8 > l.prototype_or_initial_map;
  if (f.has_prototype_slot) {
    f.prototype_or_initial_map = word(l.prototype_or_initial_map);
    uint64_t a = 0;
    int type = heap.StrongTypeOf(f.prototype_or_initial_map, &a);
    if (type >= 0 && type == heap.layout().map_type) {
      f.initial_map = f.prototype_or_initial_map;
      f.function_prototype = heap.ReadWord(a + static_cast<uint64_t>(l.map_prototype));
    } else if (type >= 0 && IsJSReceiverType(heap, type)) {
      // A prototype without an initial map; otherwise the slot holds the hole.
      f.function_prototype = f.prototype_or_initial_map;
    }
  }
  f.map_prototype = heap.ReadWord(f.map + static_cast<uint64_t>(l.map_prototype));

  f.name = f.sfi.name_text;
  f.kind = f.sfi.kind;
  f.is_class_constructor = f.sfi.is_class_constructor;
  if (IsDerivedConstructor(f.kind)) {
    uint64_t base = 0;
    int type = heap.StrongTypeOf(f.map_prototype, &base);
    if (type >= 0 && IsJSFunctionType(heap, type)) {
      f.base_class = f.map_prototype;
      try {
        uint64_t base_sfi = heap.ReadObjectField(base, l.shared, "shared function info");
        f.base_class_name = ReadSharedFunctionInfo(heap, base_sfi).name_text;
      } catch (const Error&) {
        // The base class stays, unnamed: its SharedFunctionInfo is unreadable.
      }
    }
  }
  return f;
}

}  // namespace nodegdb
