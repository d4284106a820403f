#include "core/v8/property.h"

#include <algorithm>

namespace nodegdb {

PropertyLayout PropertyLayout::From(const Metadata& md) {
  PropertyLayout l;
  auto get = [&](const char* name, int64_t& out) {
    if (auto v = md.Find(name)) out = *v;
  };
  get("v8dbg_prop_kind_mask", l.kind_mask);
  get("v8dbg_prop_attributes_mask", l.attributes_mask);
  get("v8dbg_prop_attributes_shift", l.attributes_shift);
  get("v8dbg_prop_location_mask", l.location_mask);
  get("v8dbg_prop_location_shift", l.location_shift);
  get("v8dbg_prop_location_Descriptor", l.location_descriptor);
  get("v8dbg_prop_representation_mask", l.representation_mask);
  get("v8dbg_prop_representation_shift", l.representation_shift);
  get("v8dbg_prop_representation_double", l.representation_double);
  get("v8dbg_prop_index_mask", l.index_mask);
  get("v8dbg_prop_index_shift", l.index_shift);
  get("v8dbg_prop_attributes_DONT_ENUM", l.dont_enum);
  get("v8dbg_prop_attributes_READ_ONLY", l.read_only);
  get("v8dbg_prop_attributes_DONT_DELETE", l.dont_delete);
  get("v8dbg_prop_desc_size", l.desc_size);
  get("v8dbg_prop_desc_key", l.desc_key);
  get("v8dbg_prop_desc_details", l.desc_details);
  get("v8dbg_prop_desc_value", l.desc_value);
  get("v8dbg_namedictionary_prefix_start_index", l.hash_table_prefix_start);
  get("v8dbg_namedictionaryshape_prefix_size", l.name_dict_prefix);
  get("v8dbg_namedictionaryshape_entry_size", l.name_dict_entry);
  get("v8dbg_numberdictionaryshape_prefix_size", l.number_dict_prefix);
  get("v8dbg_numberdictionaryshape_entry_size", l.number_dict_entry);
  get("v8dbg_globaldictionaryshape_entry_size", l.global_dict_entry);
  l.descriptors_header = md.FindField("DescriptorArray", {"header_size"}).value_or(-1);
  l.fixed_array_length = md.FindField("FixedArrayBase", {"length"}).value_or(-1);
  l.fixed_array_data = md.FindField("FixedArray", {"data"}).value_or(-1);
  return l;
}

PropertyDetails PropertyDetails::Decode(int64_t raw, const PropertyLayout& l) {
  PropertyDetails d;
  d.raw = raw;
  d.accessor = (raw & l.kind_mask) != 0;
  d.attributes = static_cast<int>((raw & l.attributes_mask) >> l.attributes_shift);
  d.in_descriptor = ((raw & l.location_mask) >> l.location_shift) == l.location_descriptor;
  d.representation = static_cast<int>((raw & l.representation_mask) >> l.representation_shift);
  d.field_index = static_cast<int>((raw & l.index_mask) >> l.index_shift);
  d.dictionary_index = static_cast<int>((raw >> l.dictionary_index_shift) & ((int64_t{1} << l.dictionary_index_bits) - 1));
  return d;
}

int64_t FixedArrayLength(Heap& heap, uint64_t array) {
  const PropertyLayout& l = heap.LayoutOf<PropertyLayout>();
  int64_t length = heap.ReadSmiField(array, heap.Need(l.fixed_array_length, "FixedArrayBase::length"), "length");
  if (length < 0 || length > (int64_t{1} << 30)) {
    throw CorruptObject("array " + heap.Shown(array) + " has an impossible length " +
                        std::to_string(length));
  }
  return length;
}

Tagged FixedArrayGet(Heap& heap, uint64_t array, int64_t index) {
  const PropertyLayout& l = heap.LayoutOf<PropertyLayout>();
  return heap.ReadTagged(array + static_cast<uint64_t>(heap.Need(l.fixed_array_data, "FixedArray::data") + index * 8));
}

std::vector<PropertyEntry> ReadDescriptors(Heap& heap, uint64_t array, int count) {
  const PropertyLayout& l = heap.LayoutOf<PropertyLayout>();
  int64_t header = heap.Need(l.descriptors_header, "DescriptorArray::header_size");
  int all = heap.memory().ReadU16(array + static_cast<uint64_t>(l.number_of_all_descriptors));
  if (count > all) {
    throw CorruptObject("map claims " + std::to_string(count) + " descriptors but its DescriptorArray " +
                        heap.Shown(array) + " holds " + std::to_string(all));
  }
  std::vector<PropertyEntry> entries;
  entries.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    uint64_t entry = array + static_cast<uint64_t>(header + i * l.desc_size * 8);
    PropertyEntry e;
    e.key = heap.ReadTagged(entry + static_cast<uint64_t>(l.desc_key * 8));
    Tagged details = heap.ReadTagged(entry + static_cast<uint64_t>(l.desc_details * 8));
    if (!details.is_smi()) throw CorruptObject("descriptor " + std::to_string(i) + " has no details Smi");
    e.details = PropertyDetails::Decode(details.smi, l);
    e.value = heap.ReadTagged(entry + static_cast<uint64_t>(l.desc_value * 8));
    entries.push_back(e);
  }
  return entries;
}

namespace {

// Empty dictionary slots hold undefined, deleted ones the hole: both are
// oddball-like objects with no JS key meaning.
bool IsLiveKey(Heap& heap, const Tagged& key) {
  if (key.is_smi()) return true;
  if (key.kind != Tagged::Kind::kStrong) return false;
  ObjectKind kind = heap.KindOf(heap.InstanceTypeOf(key.address));
  return kind != ObjectKind::kOddball && kind != ObjectKind::kHole;
}

struct HashTableShape {
  int64_t capacity;
  int64_t first_entry;  // FixedArray index of entry 0
  int64_t entry_size;
};

HashTableShape ReadShape(Heap& heap, uint64_t table, int64_t prefix, int64_t entry_size) {
  const PropertyLayout& l = heap.LayoutOf<PropertyLayout>();
  int64_t length = FixedArrayLength(heap, table);
  Tagged capacity = FixedArrayGet(heap, table, 2);
  HashTableShape shape{capacity.is_smi() ? capacity.smi : -1, l.hash_table_prefix_start + prefix, entry_size};
  // A bound for corrupt tables: no real dictionary has millions of slots.
  if (shape.capacity > (int64_t{1} << 24)) {
    throw CorruptObject("hash table " + heap.Shown(table) + " claims " +
                        std::to_string(shape.capacity) + " slots: too large to list");
  }
  if (shape.capacity < 0 || shape.first_entry + shape.capacity * entry_size > length) {
    throw CorruptObject("hash table " + heap.Shown(table) +
                        " has a capacity that does not fit its length");
  }
  return shape;
}

}  // namespace

std::vector<PropertyEntry> ReadNameDictionary(Heap& heap, uint64_t dict, size_t limit) {
  const PropertyLayout& l = heap.LayoutOf<PropertyLayout>();
  HashTableShape shape = ReadShape(heap, dict, l.name_dict_prefix, l.name_dict_entry);
  std::vector<PropertyEntry> entries;
  for (int64_t i = 0; i < shape.capacity; ++i) {
    int64_t base = shape.first_entry + i * shape.entry_size;
    Tagged key = FixedArrayGet(heap, dict, base);
    if (!IsLiveKey(heap, key)) continue;
    Tagged details = FixedArrayGet(heap, dict, base + 2);
    if (!details.is_smi()) continue;
    entries.push_back(PropertyEntry{key, PropertyDetails::Decode(details.smi, l), FixedArrayGet(heap, dict, base + 1)});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const PropertyEntry& a, const PropertyEntry& b) {
    return a.details.dictionary_index < b.details.dictionary_index;
  });
  if (entries.size() > limit) entries.resize(limit);
  return entries;
}

std::vector<PropertyEntry> ReadGlobalDictionary(Heap& heap, uint64_t dict, size_t limit) {
  const PropertyLayout& l = heap.LayoutOf<PropertyLayout>();
  HashTableShape shape = ReadShape(heap, dict, l.global_dict_prefix, l.global_dict_entry);
  std::vector<PropertyEntry> entries;
  for (int64_t i = 0; i < shape.capacity; ++i) {
    Tagged cell = FixedArrayGet(heap, dict, shape.first_entry + i * shape.entry_size);
    if (!IsLiveKey(heap, cell)) continue;
    // PropertyCell: map, name, details (Smi), value.
    Tagged name = heap.ReadTagged(cell.address + 8);
    Tagged details = heap.ReadTagged(cell.address + 16);
    if (!details.is_smi()) continue;
    entries.push_back(PropertyEntry{name, PropertyDetails::Decode(details.smi, l), heap.ReadTagged(cell.address + 24)});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const PropertyEntry& a, const PropertyEntry& b) {
    return a.details.dictionary_index < b.details.dictionary_index;
  });
  if (entries.size() > limit) entries.resize(limit);
  return entries;
}

std::vector<NumberEntry> ReadNumberDictionary(Heap& heap, uint64_t dict, size_t limit) {
  const PropertyLayout& l = heap.LayoutOf<PropertyLayout>();
  HashTableShape shape = ReadShape(heap, dict, l.number_dict_prefix, l.number_dict_entry);
  std::vector<NumberEntry> entries;
  for (int64_t i = 0; i < shape.capacity; ++i) {
    int64_t base = shape.first_entry + i * shape.entry_size;
    Tagged key = FixedArrayGet(heap, dict, base);
    if (!IsLiveKey(heap, key)) continue;
    uint64_t index;
    if (key.is_smi()) {
      index = static_cast<uint64_t>(key.smi);
    } else if (heap.KindOf(heap.InstanceTypeOf(key.address)) == ObjectKind::kHeapNumber) {
      double d;
      if (!heap.memory().Read(key.address + static_cast<uint64_t>(heap.layout().heap_number_value), &d, 8)) continue;
      // Element indices are integers below 2^32; anything else (NaN, a
      // negative or huge number in a damaged table) is no index.
      if (!(d >= 0 && d < 4294967296.0) || d != static_cast<double>(static_cast<uint64_t>(d))) continue;
      index = static_cast<uint64_t>(d);
    } else {
      continue;
    }
    Tagged details = FixedArrayGet(heap, dict, base + 2);
    entries.push_back(NumberEntry{index, FixedArrayGet(heap, dict, base + 1),
                                  PropertyDetails::Decode(details.is_smi() ? details.smi : 0, l)});
  }
  std::sort(entries.begin(), entries.end(), [](const NumberEntry& a, const NumberEntry& b) { return a.index < b.index; });
  if (entries.size() > limit) entries.resize(limit);
  return entries;
}

}  // namespace nodegdb
