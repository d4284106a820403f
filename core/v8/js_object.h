// JSObject: own named properties (fast in-object and PropertyArray fields,
// descriptor constants, dictionary mode) and elements (Smi, double and
// tagged backing stores, holes, dictionary elements).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/v8/heap.h"
#include "core/v8/js_slot.h"
#include "core/v8/map.h"
#include "core/v8/property.h"

namespace nodegdb {

struct JSObjectLayout {
  int64_t properties = -1;  // raw_properties_or_hash
  int64_t elements = -1;
  int64_t header_size = 24;  // first field after map, properties, elements
  int64_t js_array_length = 24;
  static JSObjectLayout From(const Metadata& md);
};

struct OwnProperty {
  enum class Where { kInObject, kPropertyArray, kDescriptor, kDictionary };
  Tagged key;
  PropertyDetails details;
  Where where = Where::kInObject;
  int64_t index = 0;  // in-object slot, properties[index], or descriptor number
  Tagged value;       // the value (for accessors: the AccessorPair / AccessorInfo)
};

const char* WhereName(OwnProperty::Where where);

// Own named properties in V8's order (the map's descriptors, or the
// dictionary by enumeration index). Strings and symbols both; the caller
// filters. At most `limit`.
std::vector<OwnProperty> ReadOwnProperties(Heap& heap, uint64_t object, const MapInfo& map, size_t limit);

// The value of fast-mode field `field_index` (PropertyDetails::field_index):
// in the object or in its PropertyArray; `where` says which and at what index.
Tagged ReadPropertyField(Heap& heap, uint64_t object, const MapInfo& map, int field_index, OwnProperty* where);

// The own property of fast-mode descriptor number `i`, `d`: its value the
// descriptor's own, or the field that `read_field(field_index, &property)`
// reads (ReadPropertyField, or a reader of bytes already in hand).
template <typename ReadField>
OwnProperty DescriptorProperty(const PropertyEntry& d, size_t i, ReadField read_field) {
  OwnProperty p;
  p.key = d.key;
  p.details = d.details;
  if (d.details.in_descriptor) {
    p.where = OwnProperty::Where::kDescriptor;
    p.index = static_cast<int64_t>(i);
    p.value = d.value;
  } else {
    p.value = read_field(d.details.field_index, &p);
  }
  return p;
}

// The own named property `name` (a string key), if present.
std::optional<OwnProperty> FindOwnProperty(Heap& heap, uint64_t object, const MapInfo& map, std::u16string_view name);

// Elements of an object (index -> value, ascending, holes left out).
struct ElementList {
  std::string store;  // "FixedArray", "FixedDoubleArray", "NumberDictionary", "none"
  uint64_t capacity = 0;
  std::vector<std::pair<uint64_t, JsSlot>> items;
  bool truncated = false;  // more present elements than `limit`
};
// `length`: how many indices to look at (the array length for arrays).
ElementList ReadElements(Heap& heap, uint64_t object, const MapInfo& map, uint64_t length, size_t limit);

// The embedder fields of an API object (JS_API_OBJECT_TYPE and the
// embedder's types after it, JS_SPECIAL_API_OBJECT_TYPE): raw words, each
// an aligned pointer (low bit 0) or a tagged value. None for other objects.
// At most 64 (a corrupt map's instance size cannot make more).
std::vector<uint64_t> ReadEmbedderFields(Heap& heap, uint64_t object, const MapInfo& map);

// JSArray::length (a Smi, or a HeapNumber past 2^31 on some builds).
uint64_t ReadJsArrayLength(Heap& heap, uint64_t array);

// A key as text: the string's UTF-8, or "Symbol(desc)" for a symbol.
struct KeyText {
  bool is_symbol = false;
  bool is_private = false;  // private symbols and #names: never enumerated
  std::string text;
};
KeyText ReadKey(Heap& heap, const Tagged& key);

// True if `key` is the string `name`.
bool KeyEquals(Heap& heap, const Tagged& key, std::u16string_view name);

}  // namespace nodegdb
