// %DebugPrint of JS objects (JSReceiver: map, prototype, elements, own
// properties with their locations, class-specific fields) and of Maps.
// Read failures throw Error; a bad key is shown as "<bad key: ...>".
#include "core/view/debug_print.h"

#include <string>

#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/property.h"
#include "core/v8/string.h"
#include "core/view/js_model.h"
#include "core/view/v8_view.h"

namespace nodegdb {

std::string ElementsKindName(Heap& heap, int kind) {
  static const char* const kCommon[] = {
      "PACKED_SMI_ELEMENTS", "HOLEY_SMI_ELEMENTS", "PACKED_ELEMENTS", "HOLEY_ELEMENTS",
      "PACKED_DOUBLE_ELEMENTS", "HOLEY_DOUBLE_ELEMENTS", "PACKED_NONEXTENSIBLE_ELEMENTS",
      "HOLEY_NONEXTENSIBLE_ELEMENTS", "PACKED_SEALED_ELEMENTS", "HOLEY_SEALED_ELEMENTS",
      "PACKED_FROZEN_ELEMENTS", "HOLEY_FROZEN_ELEMENTS", "SHARED_ARRAY_ELEMENTS", "DICTIONARY_ELEMENTS",
      "FAST_SLOPPY_ARGUMENTS_ELEMENTS", "SLOW_SLOPPY_ARGUMENTS_ELEMENTS", "FAST_STRING_WRAPPER_ELEMENTS",
      "SLOW_STRING_WRAPPER_ELEMENTS"};
  // Typed-array kinds follow; V8 12 added FLOAT16 and V8 13 reordered them
  // (BigInt kinds before the floats).
  static const char* const kTypedOld[] = {"UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32",
                                          "FLOAT64", "UINT8_CLAMPED", "BIGUINT64", "BIGINT64", "FLOAT16"};
  static const char* const kTypedNew[] = {"UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "BIGUINT64",
                                          "BIGINT64", "UINT8_CLAMPED", "FLOAT32", "FLOAT64", "FLOAT16"};
  if (kind >= 0 && kind < 18) return kCommon[kind];
  const char* const* typed = heap.rules().typed_kinds_bigint_after_int32() ? kTypedNew : kTypedOld;
  int typed_count = heap.rules().typed_elements_kind_count();
  int i = kind - 18;
  // V8 spells these without an underscore before ELEMENTS ("UINT8ELEMENTS").
  if (i >= 0 && i < typed_count) return std::string(typed[i]) + "ELEMENTS";
  i -= typed_count;
  if (i >= 0 && i < typed_count) return std::string("RAB_GSAB_") + typed[i] + "ELEMENTS";
  return "elements kind " + std::to_string(kind);
}

namespace {

std::string DetailsText(const PropertyLayout& l, const PropertyDetails& d, bool dictionary) {
  std::string attrs = "[";
  attrs += (d.attributes & l.read_only) ? "_" : "W";
  attrs += (d.attributes & l.dont_enum) ? "_" : "E";
  attrs += (d.attributes & l.dont_delete) ? "_" : "C";
  attrs += "]";
  if (dictionary) {
    return std::string(d.accessor ? "accessor" : "data") + ", dict_index: " + std::to_string(d.dictionary_index) +
           ", attrs: " + attrs;
  }
  // Fast-mode details: constness is bit 1 (PropertyDetails::ConstnessField).
  bool is_const = (d.raw >> 1) & 1;
  std::string text = is_const ? "const " : "";
  text += d.accessor ? "accessor " : "data ";
  text += d.in_descriptor ? "descriptor" : "field " + std::to_string(d.field_index);
  return text + ", attrs: " + attrs;
}

// The class-specific lines %DebugPrint adds, from the JS model's reading.
std::string ClassFields(Heap& heap, V8View& view, uint64_t address, const std::string& cls) {
  InspectOptions options;
  options.max_array_length = 0;
  HeapJsModel model(heap, options);
  JsDescription d = model.Describe(address + heap.layout().tagging.heap_object_tag);
  auto word = [&](uint64_t raw) {
    Tagged t = heap.Decode(raw);
    return t.is_smi() ? std::to_string(t.smi) : Hex(raw) + " " + view.Brief(raw);
  };
  std::string out;
  if (cls == "JSTypedArray") {
    if (d.buffer) out += " - buffer: " + word(d.buffer->raw) + "\n";
    out += " - byte_offset: " + std::to_string(d.byte_offset) + "\n";
    out += " - byte_length: " + std::to_string(d.byte_length) + "\n";
    out += " - length: " + std::to_string(d.length) + "\n";
  } else if (cls == "JSDataView" || cls == "JSRabGsabDataView") {
    if (d.buffer) out += " - buffer: " + word(d.buffer->raw) + "\n";
    out += " - byte_offset: " + std::to_string(d.byte_offset) + "\n";
    // The stored field, as %DebugPrint shows it: 0 for a length-tracking view
    // (the JS view computes the span from the buffer).
    const std::optional<int64_t> field = heap.metadata().FindField("JSArrayBufferView", {"byte_length"});
    out += " - byte_length: " + std::to_string(field ? heap.ReadWord(address + static_cast<uint64_t>(*field)) : d.byte_length) + "\n";
  } else if (cls == "JSArrayBuffer") {
    out += " - byte_length: " + std::to_string(d.byte_length) + "\n";
  } else if (cls == "JSPromise") {
    const char* status = d.promise_state == JsPromiseState::kPending ? "pending"
                         : d.promise_state == JsPromiseState::kFulfilled ? "fulfilled" : "rejected";
    out += std::string(" - status: ") + status + "\n";
    if (d.promise_state != JsPromiseState::kPending) out += " - result: " + word(d.promise_result.raw) + "\n";
  } else if (cls == "JSRegExp") {
    out += " - source and flags: " + d.text + "\n";
  } else if (cls == "JSDate") {
    out += " - time = " + d.text + "\n";
  } else if (cls == "JSMap" || cls == "JSSet" || cls == "JSWeakMap" || cls == "JSWeakSet") {
    out += " - table: " + word(heap.ReadWord(address + static_cast<uint64_t>(heap.LayoutOf<JSObjectLayout>().header_size))) + "\n";
    if (cls == "JSMap" || cls == "JSSet") out += " - size: " + std::to_string(d.length) + "\n";
  } else if (cls == "JSPrimitiveWrapper") {
    out += " - value: " + d.text + "\n";
  }
  return out;
}

}  // namespace

namespace {
// V8's PrintEmbedderData: the word as a tagged value (an aligned pointer
// reads as the Smi of its upper half), then the pointer itself.
std::string EmbedderFieldText(Heap& heap, V8View& view, uint64_t field) {
  if (field & 1) return V8PaddedHex(field) + " " + view.Brief(field);
  return std::to_string(static_cast<int32_t>(field >> 32)) + ", aligned pointer: " + Hex(field);
}
}  // namespace

std::string DebugPrintJSObject(Heap& heap, V8View& view, uint64_t address) {
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  const JSObjectLayout& jl = heap.LayoutOf<JSObjectLayout>();
  const PropertyLayout& pl = heap.LayoutOf<PropertyLayout>();
  MapInfo map = ReadMap(heap, heap.MapOf(address));
  std::string cls = heap.metadata().TypeClass(map.instance_type);
  std::string type_name = heap.TypeName(map.instance_type);
  std::string tag_name;
  if (map.is_callable() && (cls == "JSFunction" || cls.empty())) {
    tag_name = "Function";
  } else if (cls.empty() || cls == "JSObject" || cls == "JSError" || cls == "JSArgumentsObject" ||
             cls == "JSObjectWithEmbedderSlots" || cls == "JSSpecialObject" || cls == "JSAPIObjectWithEmbedderSlots") {
    tag_name = type_name;
  } else {
    tag_name = cls;
  }
  auto word = [&](uint64_t raw) { return Hex(raw) + " " + view.Brief(raw); };
  std::string out = Hex(address + tag) + ": [" + tag_name + "]   (" + type_name + ")\n";
  out += " - map: " + word(map.address + tag) + (map.dictionary_map ? " [DictionaryProperties]" : " [FastProperties]") + "\n";
  out += " - prototype: " + word(map.prototype.raw) + "\n";
  uint64_t elements = heap.ReadWord(address + static_cast<uint64_t>(jl.elements));
  out += " - elements: " + word(elements) + " [" + ElementsKindName(heap, map.elements_kind) + "]\n";
  const std::vector<uint64_t> embedder = ReadEmbedderFields(heap, address, map);
  if (!embedder.empty()) out += " - embedder fields: " + std::to_string(embedder.size()) + "\n";
  uint64_t length = UINT32_MAX;
  if (cls == "JSArray") {
    length = ReadJsArrayLength(heap, address);
    out += " - length: " + std::to_string(length) + "\n";
  }
  if (cls == "JSTypedArray" || cls == "JSDataView" || cls == "JSRabGsabDataView" || cls == "JSArrayBuffer" || cls == "JSPromise" || cls == "JSRegExp" || cls == "JSDate" ||
      cls == "JSMap" || cls == "JSSet" || cls == "JSWeakMap" || cls == "JSWeakSet" || cls == "JSPrimitiveWrapper") {
    out += ClassFields(heap, view, address, cls);
  }
  Tagged properties = heap.ReadTagged(address + static_cast<uint64_t>(jl.properties));
  if (properties.is_smi()) {
    out += " - hash: " + std::to_string(properties.smi) + "\n";
  } else {
    out += " - properties: " + word(properties.raw) + "\n";
  }
  out += " - All own properties (excluding elements): {\n";
  for (const OwnProperty& p : ReadOwnProperties(heap, address, map, 1000)) {
    std::string key;
    try {
      KeyText k = ReadKey(heap, p.key);
      key = k.is_symbol ? k.text : "#" + EscapeV8String(ReadString(heap, p.key.address, 1000).units);
    } catch (const Error& e) {
      key = "<bad key: " + std::string(e.what()) + ">";
    }
    std::string value = p.value.is_smi() ? std::to_string(p.value.smi) : word(p.value.raw);
    bool dictionary = p.where == OwnProperty::Where::kDictionary;
    // %DebugPrint lists dictionary properties by bare name, fast ones with the key's address.
    if (dictionary) {
      out += "   " + (key[0] == '#' ? key.substr(1) : key) + ": " + value + " (" + DetailsText(pl, p.details, true) + ")";
    } else {
      out += "    " + Hex(p.key.raw) + ": " + key + ": " + value + " (" + DetailsText(pl, p.details, false) + ")";
    }
    if (!dictionary) {
      out += ", location: ";
      if (p.where == OwnProperty::Where::kInObject) out += "in-object";
      else if (p.where == OwnProperty::Where::kPropertyArray) out += "properties[" + std::to_string(p.index) + "]";
      else out += "descriptor";
    }
    out += "\n";
  }
  out += " }\n";
  ElementList list = ReadElements(heap, address, map, length, 100);
  if (!list.items.empty()) {
    out += " - elements: " + word(elements) + " {\n";
    for (const auto& [index, slot] : list.items) {
      std::string v = slot.number_text ? *slot.number_text
                      : heap.Decode(slot.raw).is_smi() ? std::to_string(heap.Decode(slot.raw).smi)
                                                       : word(slot.raw);
      out += "    " + std::to_string(index) + ": " + v + "\n";
    }
    if (list.truncated) out += "    ...\n";
    out += " }\n";
  }
  if (!embedder.empty()) {
    out += " - embedder fields = {\n";
    for (uint64_t field : embedder) out += "    " + EmbedderFieldText(heap, view, field) + "\n";
    out += " }\n";
  }
  return out;
}

std::string DebugPrintMap(Heap& heap, V8View& view, uint64_t address) {
  MapInfo m = ReadMap(heap, address);
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  auto word = [&](uint64_t raw) { return Hex(raw) + " " + view.Brief(raw); };
  std::string out = Hex(address + tag) + ": [Map]\n";
  out += " - map: " + word(heap.MapOf(address) + tag) + "\n";
  out += " - type: " + heap.TypeName(m.instance_type) + "\n";
  out += " - instance size: " + (m.instance_size ? std::to_string(m.instance_size) : std::string("variable")) + "\n";
  bool receiver = m.instance_type >= heap.metadata().FindType("JS_PROXY_TYPE").value_or(0x400);
  if (receiver) {
    out += " - inobject properties: " + std::to_string(m.inobject_properties) + "\n";
    out += " - elements kind: " + ElementsKindName(heap, m.elements_kind) + "\n";
    out += " - own descriptors: " + std::to_string(m.own_descriptors) + (m.dictionary_map ? " (dictionary map)" : "") + "\n";
    if (m.is_callable()) out += " - callable\n";
    if (m.is_constructor()) out += " - constructor\n";
    if (m.is_undetectable()) out += " - undetectable\n";
    Tagged back = m.constructor_or_back_pointer;
    if (back.kind == Tagged::Kind::kStrong && heap.InstanceTypeOf(back.address) == heap.layout().map_type) {
      out += " - back pointer: " + word(back.raw) + "\n";
    }
    if (m.descriptors) {
      out += " - instance descriptors #" + std::to_string(m.own_descriptors) + ": " + word(m.descriptors + tag) + "\n";
    }
    out += " - prototype: " + word(m.prototype.raw) + "\n";
    out += " - constructor: " + word(MapConstructor(heap, m).raw) + "\n";
  }
  return out;
}

}  // namespace nodegdb
