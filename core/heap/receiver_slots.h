// A JS object's named properties and elements for a walk that visits
// millions of them (the heap snapshot's second walk): what a map says of
// its objects (MapInfo, its own descriptors) is read once per map, and
// in-object values are taken from the bytes the walk already holds. The
// answers are those of ReadOwnProperties and ReadElements (js_object.h),
// which dictionary-mode objects and number dictionaries still go through.
//
// What may fail: every call may throw Error (an unreadable map, descriptor
// array or backing store), as the readers it stands for do; a map that
// failed is not cached, so each of its objects fails the same way.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/heap/heap_walk.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/property.h"

namespace nodegdb {

class ReceiverSlots {
 public:
  explicit ReceiverSlots(Heap& heap);

  // The object's map, read once per map.
  const MapInfo& MapOf(const ObjectRef& o);
  // Own named properties in V8's order (as ReadOwnProperties), into `out`.
  void Properties(const ObjectRef& o, const MapInfo& map, std::vector<OwnProperty>* out);
  // A fast-mode map's own descriptors (none for a dictionary map), read once per map.
  const std::vector<PropertyEntry>& Descriptors(const ObjectRef& o) { return PlanOf(o).descriptors; }
  // The property of descriptor `i` of Descriptors(o), its value read.
  OwnProperty Property(const ObjectRef& o, const MapInfo& map, size_t i);
  // The elements' tagged words that may be heap objects, by index
  // ascending, at most `limit` (as ReadElements, without formatting the
  // numbers of double arrays, which make no edge): `length` bounds them
  // (a JSArray's length; UINT64_MAX otherwise).
  void ElementWords(const ObjectRef& o, const MapInfo& map, uint64_t length, size_t limit,
                    std::vector<std::pair<uint64_t, uint64_t>>* out);

 private:
  struct Plan {
    MapInfo info;
    std::vector<PropertyEntry> descriptors;  // own descriptors, fast mode
  };
  const Plan& PlanOf(const ObjectRef& o);
  Tagged Field(const ObjectRef& o, const MapInfo& map, int field_index, OwnProperty* where);
  enum class Store : int8_t { kUnknown = -1, kOther, kFixedArray, kDoubles };
  Store StoreKind(int type);
  Store StoreOf(uint64_t address);

  Heap& heap_;
  std::unordered_map<uint64_t, Plan> plans_;  // by map word
  uint64_t last_map_ = 0;
  const Plan* last_plan_ = nullptr;
  std::vector<Store> stores_ = std::vector<Store>(1 << 16, Store::kUnknown);  // by instance type
  std::unordered_map<uint64_t, Store> store_maps_;  // by map word
  int64_t dictionary_elements_kind_ = 13, elements_offset_ = 16, fixed_array_data_ = -1;
  std::vector<uint64_t> words_;
};

}  // namespace nodegdb
