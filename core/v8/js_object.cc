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

}  // namespace

Tagged ReadPropertyField(Heap& heap, uint64_t object, const MapInfo& map, int field_index, OwnProperty* where) {
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
    out.push_back(DescriptorProperty(descriptors[i], i, [&](int field_index, OwnProperty* where) {
      return ReadPropertyField(heap, object, map, field_index, where);
    }));
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
    k.is_private = flags & heap.rules().symbol_private_mask();
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
  throw CorruptObject("array " + heap.Shown(array) + " has no valid length");
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

std::vector<uint64_t> ReadEmbedderFields(Heap& heap, uint64_t object, const MapInfo& map) {
  const int type = map.instance_type;
  if (!heap.IsApiObjectType(type) && type != heap.layout().special_api_object_type) return {};
  const JSObjectLayout& l = heap.LayoutOf<JSObjectLayout>();
  int64_t start = l.header_size + (heap.rules().api_object_has_cpp_heap_wrappable() ? 8 : 0);
  int64_t end = static_cast<int64_t>(map.instance_size) - 8 * static_cast<int64_t>(map.inobject_properties);
  std::vector<uint64_t> fields;
  for (int64_t offset = start; offset + 8 <= end && fields.size() < 64; offset += 8) {
    fields.push_back(heap.ReadWord(object + static_cast<uint64_t>(offset)));
  }
  return fields;
}

}  // namespace nodegdb
