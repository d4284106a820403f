#include "core/heap/receiver_slots.h"

#include <algorithm>
#include <cstring>

#include "core/v8/heap.h"

namespace nodegdb {

namespace {
// As ReadElements: a bound for corrupt lengths.
constexpr uint64_t kMaxScannedSlots = uint64_t{1} << 22;
}  // namespace

ReceiverSlots::ReceiverSlots(Heap& heap) : heap_(heap) {
  dictionary_elements_kind_ = heap.metadata().Find("v8dbg_elements_dictionary_elements").value_or(13);
  elements_offset_ = heap.LayoutOf<JSObjectLayout>().elements;
  fixed_array_data_ = heap.LayoutOf<PropertyLayout>().fixed_array_data;
}

const ReceiverSlots::Plan& ReceiverSlots::PlanOf(const ObjectRef& o) {
  if (last_plan_ && last_map_ == o.map) return *last_plan_;
  auto it = plans_.find(o.map);
  if (it == plans_.end()) {
    Plan plan;
    plan.info = ReadMap(heap_, heap_.Decode(o.map).address);
    if (!plan.info.dictionary_map && plan.info.own_descriptors > 0 && plan.info.descriptors != 0) {
      plan.descriptors = ReadDescriptors(heap_, plan.info.descriptors, plan.info.own_descriptors);
    }
    it = plans_.emplace(o.map, std::move(plan)).first;
  }
  last_map_ = o.map, last_plan_ = &it->second;
  return it->second;
}

const MapInfo& ReceiverSlots::MapOf(const ObjectRef& o) { return PlanOf(o).info; }

// A field's value: from the walk's bytes when the object holds it there.
Tagged ReceiverSlots::Field(const ObjectRef& o, const MapInfo& map, int field_index, OwnProperty* where) {
  if (field_index >= 0 && field_index < map.inobject_properties) {
    const uint64_t offset = static_cast<uint64_t>(map.inobject_start_words + field_index) * 8;
    if (offset + 8 <= o.available) {
      where->where = OwnProperty::Where::kInObject;
      where->index = field_index;
      uint64_t w;
      std::memcpy(&w, o.bytes + offset, 8);
      return heap_.Decode(w);
    }
  }
  return ReadPropertyField(heap_, o.address, map, field_index, where);
}

void ReceiverSlots::Properties(const ObjectRef& o, const MapInfo& map, std::vector<OwnProperty>* out) {
  out->clear();
  if (map.dictionary_map) {
    *out = ReadOwnProperties(heap_, o.address, map, 1 << 16);
    return;
  }
  const Plan& plan = PlanOf(o);
  for (size_t i = 0; i < plan.descriptors.size(); ++i) out->push_back(Property(o, map, i));
}

OwnProperty ReceiverSlots::Property(const ObjectRef& o, const MapInfo& map, size_t i) {
  return DescriptorProperty(PlanOf(o).descriptors.at(i), i, [&](int field_index, OwnProperty* where) {
    return Field(o, map, field_index, where);
  });
}

ReceiverSlots::Store ReceiverSlots::StoreKind(int type) {
  if (type < 0 || static_cast<size_t>(type) >= stores_.size()) return Store::kOther;
  Store& s = stores_[static_cast<size_t>(type)];
  if (s == Store::kUnknown) {
    const std::string name = heap_.metadata().TypeName(type);
    s = name == "FIXED_DOUBLE_ARRAY_TYPE" ? Store::kDoubles
        : name == "FIXED_ARRAY_TYPE" || heap_.metadata().TypeClass(type) == "FixedArray" ? Store::kFixedArray
                                                                                        : Store::kOther;
  }
  return s;
}

// The kind of backing store at `address`, known by its map word (a few
// maps serve millions of stores).
ReceiverSlots::Store ReceiverSlots::StoreOf(uint64_t address) {
  uint64_t map_word = 0;
  heap_.memory().ReadOrThrow(address, &map_word, 8);
  auto it = store_maps_.find(map_word);
  if (it != store_maps_.end()) return it->second;
  const Store kind = StoreKind(heap_.InstanceTypeOf(address));
  store_maps_.emplace(map_word, kind);
  return kind;
}

void ReceiverSlots::ElementWords(const ObjectRef& o, const MapInfo& map, uint64_t length, size_t limit,
                                 std::vector<std::pair<uint64_t, uint64_t>>* out) {
  out->clear();
  const int64_t elements = elements_offset_;
  if (elements < 8 || static_cast<uint64_t>(elements) + 8 > o.available) return;
  uint64_t w;
  std::memcpy(&w, o.bytes + elements, 8);
  const Tagged store = heap_.Decode(w);
  if (store.kind != Tagged::Kind::kStrong) return;
  const Store kind = map.elements_kind == dictionary_elements_kind_ ? Store::kOther : StoreOf(store.address);
  if (kind == Store::kDoubles) return;  // numbers: no edges
  if (kind == Store::kOther) {
    for (const auto& [index, slot] : ReadElements(heap_, o.address, map, length, limit).items) {
      if (!slot.number_text) out->emplace_back(index, slot.raw);
    }
    return;
  }
  const uint64_t capacity = static_cast<uint64_t>(FixedArrayLength(heap_, store.address));
  const uint64_t n = std::min({capacity, length, kMaxScannedSlots});
  const int64_t data = heap_.Need(fixed_array_data_, "FixedArray::data");
  words_.resize(n);
  heap_.memory().ReadOrThrow(store.address + static_cast<uint64_t>(data), words_.data(), n * 8);
  // Holes (oddballs or Hole objects) make no edge, nor do Smis.
  for (uint64_t i = 0; i < n && out->size() < limit; ++i) {
    if (words_[i] & 1) out->emplace_back(i, words_[i]);
  }
}

}  // namespace nodegdb
