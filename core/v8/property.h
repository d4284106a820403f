// Where V8 keeps named properties: DescriptorArrays (fast mode, shared by
// maps), NameDictionary (dictionary mode), NumberDictionary (slow elements),
// and PropertyDetails, the Smi that says what kind of property an entry is
// and where its value lives.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/v8/heap.h"

namespace nodegdb {

struct PropertyLayout {
  // PropertyDetails bits (v8dbg_prop_*).
  int64_t kind_mask = 1, attributes_mask = 28, attributes_shift = 2;
  int64_t location_mask = 32, location_shift = 5, location_descriptor = 1;
  int64_t representation_mask = 448, representation_shift = 6, representation_double = 2;
  int64_t index_mask = 536346624, index_shift = 19;
  int64_t dont_enum = 2, read_only = 1, dont_delete = 4;
  // Dictionary-mode details keep the enumeration index above the attributes
  // and the 3-bit PropertyCellType (not in the metadata; stable since V8 6).
  int64_t dictionary_index_shift = 8, dictionary_index_bits = 23;

  // DescriptorArray.
  int64_t descriptors_header = -1;  // first entry
  int64_t number_of_all_descriptors = 8, number_of_descriptors = 10;  // int16 fields
  int64_t desc_size = 3, desc_key = 0, desc_details = 1, desc_value = 2;

  // HashTable-based dictionaries: a FixedArray whose slots 0..2 are the
  // element count, deleted count and capacity; then the shape's prefix.
  int64_t fixed_array_length = -1, fixed_array_data = -1;
  int64_t hash_table_prefix_start = 3;
  int64_t name_dict_prefix = 3, name_dict_entry = 3;
  int64_t number_dict_prefix = 1, number_dict_entry = 3;
  // GlobalDictionary has no prefix constant: BaseNameDictionary's two slots
  // (next enumeration index, object hash), without NameDictionary's flags
  // slot; seen as length == 3 + 2 + capacity on Node 20-26.
  int64_t global_dict_prefix = 2, global_dict_entry = 1;

  // PropertyArray: map, length-and-hash (a Smi with the length in its low
  // 10 bits), then the values.
  int64_t property_array_length_bits = 10;

  static PropertyLayout From(const Metadata& md);
};

struct PropertyDetails {
  int64_t raw = 0;
  bool accessor = false;        // kind Accessor (else Data)
  int attributes = 0;
  bool in_descriptor = false;   // location Descriptor: the value is in the descriptor
  int representation = 0;
  int field_index = 0;          // fast mode, location Field
  int dictionary_index = 0;     // dictionary mode: enumeration order

  bool enumerable(const PropertyLayout& l) const { return !(attributes & l.dont_enum); }
  static PropertyDetails Decode(int64_t raw, const PropertyLayout& l);
};

// One entry of a DescriptorArray or a dictionary.
struct PropertyEntry {
  Tagged key;
  PropertyDetails details;
  Tagged value;  // the descriptor's value (field type or constant) or the dictionary value
};

// The first `count` descriptors (a map's own descriptors). Bounded by the
// array's own descriptor count.
std::vector<PropertyEntry> ReadDescriptors(Heap& heap, uint64_t descriptor_array, int count);

// FixedArray helpers shared by every array-shaped object.
int64_t FixedArrayLength(Heap& heap, uint64_t array);
Tagged FixedArrayGet(Heap& heap, uint64_t array, int64_t index);

// Live entries of a NameDictionary, sorted by enumeration index (V8's
// property creation order). At most `limit` entries.
std::vector<PropertyEntry> ReadNameDictionary(Heap& heap, uint64_t dictionary, size_t limit);

// Live entries of a GlobalDictionary (values are PropertyCells; this returns
// the cells' names, values and details), sorted by enumeration index.
std::vector<PropertyEntry> ReadGlobalDictionary(Heap& heap, uint64_t dictionary, size_t limit);

// Live entries of a NumberDictionary (slow elements): index -> value, in
// ascending index order. At most `limit` entries.
struct NumberEntry {
  uint64_t index;
  Tagged value;
  PropertyDetails details;
};
std::vector<NumberEntry> ReadNumberDictionary(Heap& heap, uint64_t dictionary, size_t limit);

}  // namespace nodegdb
