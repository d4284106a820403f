#include "core/v8/map.h"

namespace nodegdb {

MapLayout MapLayout::From(const Metadata& md) {
  MapLayout l;
  auto field = [&](std::initializer_list<std::string_view> names) {
    return md.FindField("Map", names).value_or(-1);
  };
  l.instance_size_in_words = field({"instance_size_in_words"});
  l.inobject_start = field({"inobject_properties_start_or_constructor_function_index"});
  l.bit_field = field({"bit_field"});
  l.bit_field2 = field({"bit_field2"});
  l.bit_field3 = field({"bit_field3"});
  l.prototype = field({"prototype"});
  l.constructor_or_back_pointer = field({"constructor_or_back_pointer"});
  l.instance_descriptors = field({"instance_descriptors"});
  if (l.instance_descriptors < 0) l.instance_descriptors = md.Find("v8dbg_class_Map__instance_descriptors_offset").value_or(-1);
  l.elements_kind_mask = md.Find("v8dbg_bit_field2_elements_kind_mask").value_or(0);
  l.elements_kind_shift = md.Find("v8dbg_bit_field2_elements_kind_shift").value_or(0);
  l.own_descriptors_mask = md.Find("v8dbg_bit_field3_number_of_own_descriptors_mask").value_or(0);
  l.own_descriptors_shift = md.Find("v8dbg_bit_field3_number_of_own_descriptors_shift").value_or(0);
  l.dictionary_map_shift = md.Find("v8dbg_bit_field3_is_dictionary_map_shift").value_or(-1);
  return l;
}

MapInfo ReadMap(Heap& heap, uint64_t map) {
  const MapLayout& l = heap.LayoutOf<MapLayout>();
  Memory& m = heap.memory();
  MapInfo info;
  info.address = map;
  info.instance_type = heap.MapInstanceType(map);
  info.instance_size = m.ReadU8(map + heap.Need(l.instance_size_in_words, "Map::instance_size_in_words")) * 8;
  info.inobject_start_words = m.ReadU8(map + heap.Need(l.inobject_start, "Map::inobject_properties_start"));
  info.bit_field = m.ReadU8(map + heap.Need(l.bit_field, "Map::bit_field"));
  uint8_t bit_field2 = m.ReadU8(map + heap.Need(l.bit_field2, "Map::bit_field2"));
  info.bit_field3 = m.ReadU32(map + heap.Need(l.bit_field3, "Map::bit_field3"));
  info.elements_kind = static_cast<int>((bit_field2 & l.elements_kind_mask) >> l.elements_kind_shift);
  info.own_descriptors = static_cast<int>((info.bit_field3 & l.own_descriptors_mask) >> l.own_descriptors_shift);
  // Shifts come from the metadata (0..63): widen before shifting a 32-bit field.
  if (l.dictionary_map_shift >= 0) info.dictionary_map = (uint64_t{info.bit_field3} >> l.dictionary_map_shift) & 1;
  // Neither bit is in the postmortem metadata; their places next to the
  // listed ones are the same in V8 11 to 14 (MapBitFields2/3 in map.tq).
  if (l.dictionary_map_shift >= 1) info.is_prototype_map = (uint64_t{info.bit_field3} >> (l.dictionary_map_shift - 1)) & 1;
  if (l.elements_kind_shift >= 2) info.new_target_is_base = (bit_field2 >> (l.elements_kind_shift - 2)) & 1;
  int words = info.instance_size / 8;
  info.inobject_properties = words > info.inobject_start_words ? words - info.inobject_start_words : 0;
  info.prototype = heap.ReadTagged(map + heap.Need(l.prototype, "Map::prototype"));
  info.constructor_or_back_pointer =
      heap.ReadTagged(map + heap.Need(l.constructor_or_back_pointer, "Map::constructor_or_back_pointer"));
  Tagged descriptors = heap.ReadTagged(map + heap.Need(l.instance_descriptors, "Map::instance_descriptors"));
  if (descriptors.kind == Tagged::Kind::kStrong) info.descriptors = descriptors.address;
  return info;
}

Tagged MapConstructor(Heap& heap, const MapInfo& map) {
  Tagged value = map.constructor_or_back_pointer;
  // Transition trees are shallow in practice; the bound protects against cycles.
  for (int i = 0; i < 1024 && value.kind == Tagged::Kind::kStrong; ++i) {
    int type = heap.InstanceTypeOf(value.address);
    if (type != heap.layout().map_type) return value;
    value = heap.ReadTagged(value.address + static_cast<uint64_t>(heap.LayoutOf<MapLayout>().constructor_or_back_pointer));
  }
  return value;
}

bool IsJSReceiverType(Heap& heap, int instance_type) {
  return instance_type >= heap.metadata().FindType("JS_PROXY_TYPE").value_or(0x400);
}

}  // namespace nodegdb
