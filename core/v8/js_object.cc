#include "core/v8/js_object.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/v8/heap_number.h"
#include "core/v8/oddball.h"
#include "core/v8/string.h"
#include "core/v8/symbol.h"

namespace nodegdb {

JSObjectLayout JSObjectLayout::From(const Metadata& md) {
  JSObjectLayout l;
  l.properties = md.FindField("JSReceiver", {"raw_properties_or_hash", "properties"}).value_or(8);
  l.elements = md.FindField("JSObject", {"elements"}).value_or(16);
  // JSObject's own fields end where embedder (internal) fields begin.
  l.header_size = md.FindField("JSObject", {"internal_fields"}).value_or(24);
  l.js_array_length = md.FindField("JSArray", {"length"}).value_or(l.header_size);
  return l;
}

const char* WhereName(OwnProperty::Where where) {
  switch (where) {
    case OwnProperty::Where::kInObject: return "in-object";
    case OwnProperty::Where::kPropertyArray: return "properties";
    case OwnProperty::Where::kDescriptor: return "descriptor";
    case OwnProperty::Where::kDictionary: return "dictionary";
  }
  return "?";
}

namespace {

// The out-of-object property store: a PropertyArray, a dictionary, or a Smi
// hash / empty array when there is none.
Tagged PropertiesOf(Heap& heap, uint64_t object) {
  return heap.ReadTagged(object + static_cast<uint64_t>(heap.LayoutOf<JSObjectLayout>().properties));
}

Tagged ReadField(Heap& heap, uint64_t object, const MapInfo& map, int field_index, OwnProperty* where) {
  if (field_index < map.inobject_properties) {
    where->where = OwnProperty::Where::kInObject;
    where->index = field_index;
    return heap.ReadTagged(object + static_cast<uint64_t>((map.inobject_start_words + field_index) * 8));
  }
  int64_t index = field_index - map.inobject_properties;
  where->where = OwnProperty::Where::kPropertyArray;
  where->index = index;
  Tagged store = PropertiesOf(heap, object);
  if (store.kind != Tagged::Kind::kStrong) throw CorruptObject("field " + std::to_string(field_index) + " has no property array");
  // PropertyArray: map, length-and-hash Smi, values.
  Tagged length_and_hash = heap.ReadTagged(store.address + 8);
  int64_t length = length_and_hash.is_smi() ? (length_and_hash.smi & ((1 << heap.LayoutOf<PropertyLayout>().property_array_length_bits) - 1)) : -1;
  if (index >= length) throw CorruptObject("field " + std::to_string(field_index) + " is past the property array");
  return heap.ReadTagged(store.address + 16 + static_cast<uint64_t>(index) * 8);
}

}  // namespace

std::vector<OwnProperty> ReadOwnProperties(Heap& heap, uint64_t object, const MapInfo& map, size_t limit) {
  std::vector<OwnProperty> out;
  if (map.dictionary_map) {
    Tagged store = PropertiesOf(heap, object);
    if (store.kind != Tagged::Kind::kStrong) return out;
    int type = heap.InstanceTypeOf(store.address);
    std::vector<PropertyEntry> entries;
    if (heap.metadata().TypeName(type) == "SWISS_NAME_DICTIONARY_TYPE") {
      throw Error("this object's properties are in a SwissNameDictionary: not supported");
    }
    if (heap.metadata().TypeClass(map.instance_type) == "JSGlobalObject") {
      entries = ReadGlobalDictionary(heap, store.address, limit);
    } else {
      entries = ReadNameDictionary(heap, store.address, limit);
    }
    for (size_t i = 0; i < entries.size(); ++i) {
      OwnProperty p;
      p.key = entries[i].key;
      p.details = entries[i].details;
      p.where = OwnProperty::Where::kDictionary;
      p.index = static_cast<int64_t>(i);
      p.value = entries[i].value;
      out.push_back(p);
    }
    return out;
  }
  if (map.own_descriptors == 0 || map.descriptors == 0) return out;
  std::vector<PropertyEntry> descriptors = ReadDescriptors(heap, map.descriptors, map.own_descriptors);
  for (size_t i = 0; i < descriptors.size() && out.size() < limit; ++i) {
    const PropertyEntry& d = descriptors[i];
    OwnProperty p;
    p.key = d.key;
    p.details = d.details;
    if (d.details.in_descriptor) {
      p.where = OwnProperty::Where::kDescriptor;
      p.index = static_cast<int64_t>(i);
      p.value = d.value;
    } else {
      p.value = ReadField(heap, object, map, d.details.field_index, &p);
    }
    out.push_back(p);
  }
  return out;
}

std::optional<OwnProperty> FindOwnProperty(Heap& heap, uint64_t object, const MapInfo& map, std::u16string_view name) {
  for (const OwnProperty& p : ReadOwnProperties(heap, object, map, 1 << 16)) {
    if (KeyEquals(heap, p.key, name)) return p;
  }
  return std::nullopt;
}

bool KeyEquals(Heap& heap, const Tagged& key, std::u16string_view name) {
  if (key.kind != Tagged::Kind::kStrong) return false;
  if (!heap.IsString(heap.InstanceTypeOf(key.address))) return false;
  StringContents s = ReadString(heap, key.address, name.size() + 1);
  return s.length == static_cast<int64_t>(name.size()) && s.units == name;
}

KeyText ReadKey(Heap& heap, const Tagged& key) {
  KeyText k;
  if (key.is_smi()) {
    k.text = std::to_string(key.smi);
    return k;
  }
  if (key.kind != Tagged::Kind::kStrong) throw CorruptObject("property key " + Hex(key.raw) + " is not a name");
  int type = heap.InstanceTypeOf(key.address);
  if (heap.IsString(type)) {
    k.text = Utf16ToUtf8(ReadString(heap, key.address, kInspectMaxStringLength).units);
    return k;
  }
  if (heap.KindOf(type) == ObjectKind::kSymbol) {
    k.is_symbol = true;
    // Symbol: map, raw hash field (4 bytes), flags (4 bytes; bit 0 is_private).
    // V8 14 made the low two bits a "private kind".
    uint32_t flags = heap.memory().ReadU32(key.address + 12);
    k.is_private = flags & (heap.v8_major() >= 14 ? 3u : 1u);
    k.text = InspectSymbol(ReadSymbol(heap, key.address));
    return k;
  }
  throw CorruptObject("property key " + Hex(key.raw) + " is a " + heap.TypeName(type) + ", not a name");
}

uint64_t ReadJsArrayLength(Heap& heap, uint64_t array) {
  Tagged length = heap.ReadTagged(array + static_cast<uint64_t>(heap.LayoutOf<JSObjectLayout>().js_array_length));
  if (length.is_smi() && length.smi >= 0) return static_cast<uint64_t>(length.smi);
  if (length.kind == Tagged::Kind::kStrong && heap.KindOf(heap.InstanceTypeOf(length.address)) == ObjectKind::kHeapNumber) {
    double d = ReadHeapNumber(heap, length.address);
    if (d >= 0 && d <= 4294967295.0) return static_cast<uint64_t>(d);
  }
  throw CorruptObject("array " + Hex(array + heap.layout().tagging.heap_object_tag) + " has no valid length");
}

namespace {

// Most slots one listing scans (holes included): a bound for corrupt lengths.
constexpr uint64_t kMaxScannedSlots = uint64_t{1} << 22;

// V8's hole in double arrays: a NaN no arithmetic produces.
constexpr uint64_t kHoleNanBits = 0xFFF7FFFFFFF7FFFFull;

// A damaged element is not a hole: it is listed, and prints as the error
// it is, while the elements around it print as usual.
bool IsHole(Heap& heap, const Tagged& value) {
  if (value.kind != Tagged::Kind::kStrong) return false;
  try {
    ObjectKind kind = heap.KindOf(heap.InstanceTypeOf(value.address));
    if (kind == ObjectKind::kHole) return true;
    if (kind != ObjectKind::kOddball) return false;
    OddballInfo info = ReadOddball(heap, value.address);
    return !info.is_js_value && info.name.find("hole") != std::string::npos;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

ElementList ReadElements(Heap& heap, uint64_t object, const MapInfo& map, uint64_t length, size_t limit) {
  ElementList list;
  Tagged store = heap.ReadTagged(object + static_cast<uint64_t>(heap.LayoutOf<JSObjectLayout>().elements));
  if (store.kind != Tagged::Kind::kStrong) {
    list.store = "none";
    return list;
  }
  int type = heap.InstanceTypeOf(store.address);
  std::string type_name = heap.metadata().TypeName(type);
  int64_t dictionary_kind = heap.metadata().Find("v8dbg_elements_dictionary_elements").value_or(13);
  if (map.elements_kind == dictionary_kind) {
    list.store = "NumberDictionary";
    for (const NumberEntry& e : ReadNumberDictionary(heap, store.address, limit + 1)) {
      if (e.index >= length) break;
      if (!e.details.enumerable(heap.LayoutOf<PropertyLayout>())) continue;
      list.items.emplace_back(e.index, JsSlot::Tagged(e.value.raw));
    }
  } else if (type_name == "FIXED_DOUBLE_ARRAY_TYPE") {
    list.store = "FixedDoubleArray";
    uint64_t capacity = static_cast<uint64_t>(FixedArrayLength(heap, store.address));
    list.capacity = capacity;
    uint64_t n = std::min({capacity, length, kMaxScannedSlots});
    for (uint64_t i = 0; i < n && list.items.size() <= limit; ++i) {
      uint64_t bits = heap.ReadWord(store.address + 16 + i * 8);
      if (bits == kHoleNanBits) continue;
      double d;
      std::memcpy(&d, &bits, 8);
      list.items.emplace_back(i, JsSlot::Number(InspectJsNumber(d)));
    }
  } else if (type_name == "FIXED_ARRAY_TYPE" || heap.metadata().TypeClass(type) == "FixedArray") {
    list.store = "FixedArray";
    uint64_t capacity = static_cast<uint64_t>(FixedArrayLength(heap, store.address));
    list.capacity = capacity;
    uint64_t n = std::min({capacity, length, kMaxScannedSlots});
    for (uint64_t i = 0; i < n && list.items.size() <= limit; ++i) {
      Tagged v = FixedArrayGet(heap, store.address, static_cast<int64_t>(i));
      if (IsHole(heap, v)) continue;
      list.items.emplace_back(i, JsSlot::Tagged(v.raw));
    }
  } else {
    list.store = type_name.empty() ? heap.TypeName(type) : type_name;
    return list;
  }
  if (list.items.size() > limit) {
    list.items.resize(limit);
    list.truncated = true;
  }
  return list;
}

}  // namespace nodegdb

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
  bool v8_13 = heap.v8_major() >= 13;
  const char* const* typed = v8_13 ? kTypedNew : kTypedOld;
  int typed_count = heap.v8_major() >= 12 ? 12 : 11;
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

std::string InspectJSObject(Heap& heap, V8View& view, uint64_t address) {
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
  return out;
}

}  // namespace nodegdb
