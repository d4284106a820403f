// V8 Maps (hidden classes): the facts about an object's shape that every
// object decoder needs: instance size, in-object property slots, elements
// kind, own descriptors, prototype and constructor.
#pragma once

#include <cstdint>
#include <string>

#include "core/v8/heap.h"

namespace nodegdb {

// Map fields resolved once per binary from the metadata.
struct MapLayout {
  int64_t instance_size_in_words = -1, inobject_start = -1;
  int64_t bit_field = -1, bit_field2 = -1, bit_field3 = -1;
  int64_t prototype = -1, constructor_or_back_pointer = -1, instance_descriptors = -1;
  int64_t elements_kind_mask = 0, elements_kind_shift = 0;
  int64_t own_descriptors_mask = 0, own_descriptors_shift = 0;
  int64_t dictionary_map_shift = -1;
  static MapLayout From(const Metadata& md);
};

struct MapInfo {
  uint64_t address = 0;  // untagged
  int instance_type = 0;
  int instance_size = 0;          // bytes
  int inobject_start_words = 0;   // first in-object property slot, in words
  int inobject_properties = 0;    // number of in-object property slots
  int elements_kind = 0;
  bool dictionary_map = false;    // properties in a NameDictionary
  // Map::bit_field3's is_prototype_map (the bit below is_dictionary_map) and
  // bit_field2's new_target_is_base (two bits below elements_kind): V8's
  // JSReceiver::GetConstructorName trusts the map's constructor only when
  // the object is no prototype and was built by that constructor itself.
  bool is_prototype_map = false;
  bool new_target_is_base = true;
  int own_descriptors = 0;
  uint8_t bit_field = 0;
  uint32_t bit_field3 = 0;
  Tagged prototype{};
  Tagged constructor_or_back_pointer{};
  uint64_t descriptors = 0;  // untagged DescriptorArray, 0 if none

  // Map::bit_field bits (stable since V8 7).
  bool is_callable() const { return bit_field & (1u << 1); }
  bool is_undetectable() const { return bit_field & (1u << 4); }
  bool is_constructor() const { return bit_field & (1u << 6); }
};

MapInfo ReadMap(Heap& heap, uint64_t map);

// True for JSReceiver instance types (JS_PROXY_TYPE and after).
bool IsJSReceiverType(Heap& heap, int instance_type);

// The map's constructor: constructor_or_back_pointer holds the previous map
// in a transition tree, so walk back (bounded) to the root map's value.
Tagged MapConstructor(Heap& heap, const MapInfo& map);

}  // namespace nodegdb
