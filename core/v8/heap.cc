#include "core/v8/heap.h"

#include "core/v8/oddball.h"
#include "core/v8/string.h"

namespace nodegdb {

namespace {
int64_t Or(const std::optional<int64_t>& v, int64_t fallback = -1) { return v ? *v : fallback; }
}  // namespace

Layout Layout::From(const Metadata& md) {
  Layout l;
  TaggingScheme& t = l.tagging;
  t.smi_tag = static_cast<uint64_t>(md.Get("v8dbg_SmiTag"));
  t.smi_tag_mask = static_cast<uint64_t>(md.Get("v8dbg_SmiTagMask"));
  // A Smi's value sits above the tag (SmiValueShift is kSmiTagSize) and the
  // shift padding (SmiShiftSize): 1 + 31 bits on x64 without compression.
  t.smi_value_shift = static_cast<int>(md.Get("v8dbg_SmiShiftSize") + md.Find("v8dbg_SmiValueShift").value_or(1));
  if (t.smi_value_shift < 1 || t.smi_value_shift > 63) {
    throw Error("v8dbg_SmiShiftSize and v8dbg_SmiValueShift give an impossible Smi shift of " +
                std::to_string(t.smi_value_shift) + ": is this the node binary that made the core?");
  }
  t.heap_object_tag = static_cast<uint64_t>(md.Get("v8dbg_HeapObjectTag"));
  t.heap_object_tag_mask = static_cast<uint64_t>(md.Get("v8dbg_HeapObjectTagMask"));
  l.pointer_size = static_cast<int>(Or(md.Find("v8dbg_SystemPointerSize"), 8));
  l.tagged_size = static_cast<int>(Or(md.Find("v8dbg_TaggedSize"), l.pointer_size));
  if (l.pointer_size != 8 || l.tagged_size != 8) {
    throw Error("this node binary uses " + std::to_string(l.tagged_size) +
                "-byte tagged values (pointer compression): not supported yet");
  }

  l.heap_object_map = md.GetField("HeapObject", {"map"});
  l.map_instance_type = md.GetField("Map", {"instance_type"});
  l.map_instance_size_in_words = Or(md.FindField("Map", {"instance_size_in_words"}));

  l.first_nonstring_type = Or(md.Find("v8dbg_FirstNonstringType"));
  l.is_not_string_mask = Or(md.Find("v8dbg_IsNotStringMask"));
  l.string_tag = Or(md.Find("v8dbg_StringTag"));
  l.string_representation_mask = Or(md.Find("v8dbg_StringRepresentationMask"));
  l.string_encoding_mask = Or(md.Find("v8dbg_StringEncodingMask"));
  l.seq_string_tag = Or(md.Find("v8dbg_SeqStringTag"));
  l.cons_string_tag = Or(md.Find("v8dbg_ConsStringTag"));
  l.external_string_tag = Or(md.Find("v8dbg_ExternalStringTag"));
  l.sliced_string_tag = Or(md.Find("v8dbg_SlicedStringTag"));
  l.thin_string_tag = Or(md.Find("v8dbg_ThinStringTag"));
  l.one_byte_string_tag = Or(md.Find("v8dbg_OneByteStringTag"));
  l.two_byte_string_tag = Or(md.Find("v8dbg_TwoByteStringTag"));

  auto type_xor = [&](std::initializer_list<const char*> a, std::initializer_list<const char*> b,
                      int64_t fallback) {
    std::optional<int> x, y;
    for (const char* n : a) if (!x) x = md.FindType(n);
    for (const char* n : b) if (!y) y = md.FindType(n);
    return x && y ? int64_t{*x ^ *y} : fallback;
  };
  l.not_internalized_mask =
      type_xor({"ONE_BYTE_INTERNALIZED_STRING_TYPE", "INTERNALIZED_ONE_BYTE_STRING_TYPE"},
               {"ONE_BYTE_STRING_TYPE", "SEQ_ONE_BYTE_STRING_TYPE"}, 0x20);
  l.uncached_external_mask = type_xor({"UNCACHED_EXTERNAL_ONE_BYTE_STRING_TYPE"},
                                      {"EXTERNAL_ONE_BYTE_STRING_TYPE"}, 0x10);

  l.string_length = Or(md.FindField("String", {"length"}));
  l.seq_one_byte_chars = Or(md.FindField("SeqOneByteString", {"chars"}));
  l.seq_two_byte_chars = Or(md.FindField("SeqTwoByteString", {"chars"}));
  l.cons_first = Or(md.FindField("ConsString", {"first"}));
  l.cons_second = Or(md.FindField("ConsString", {"second"}));
  l.sliced_parent = Or(md.FindField("SlicedString", {"parent"}));
  l.sliced_offset = Or(md.FindField("SlicedString", {"offset"}));
  l.thin_actual = Or(md.FindField("ThinString", {"actual"}));
  l.external_resource = Or(md.FindField("ExternalString", {"resource"}));

  l.heap_number_value = Or(md.FindField("HeapNumber", {"value"}));
  l.oddball_kind = Or(md.FindField("Oddball", {"kind", "kind_offset"}));
  l.symbol_name = Or(md.FindField("Symbol", {"name", "description"}));

  l.map_type = md.GetType("MAP_TYPE");
  l.heap_number_type = md.FindType("HEAP_NUMBER_TYPE").value_or(-1);
  l.oddball_type = md.FindType("ODDBALL_TYPE").value_or(-1);
  l.hole_type = md.FindType("HOLE_TYPE").value_or(-1);
  l.symbol_type = md.FindType("SYMBOL_TYPE").value_or(-1);
  l.api_object_type = static_cast<int>(md.Find("v8dbg_APIObjectType").value_or(-1));
  l.special_api_object_type = static_cast<int>(md.Find("v8dbg_SpecialAPIObjectType").value_or(-1));
  l.oddball_kinds = OddballKindNames(md);
  return l;
}

std::string NotTaggedMessage(uint64_t raw) {
  std::string text = Hex(raw) + " is neither a Smi nor a tagged pointer";
  if ((raw & 7) == 0 && raw > 0x10000) {
    text += " (heap object pointers are tagged: for the object at " + Hex(raw) + " use " + Hex(raw + 1) + ")";
  }
  return text;
}

Heap::Heap(Memory& memory, const Metadata& metadata)
    : memory_(memory), metadata_(metadata), layout_(Layout::From(metadata)) {
  // Versions without the HOLE_TYPE constant learn it from the first
  // hole-shaped object, unless the rules know the number.
  const int hole = metadata_.rules().hole_type_without_constant();
  if (layout_.hole_type < 0 && hole >= 0 && metadata_.TypeName(hole).empty()) layout_.hole_type = hole;
}

std::string Heap::Shown(uint64_t untagged) const { return Hex(untagged + layout_.tagging.heap_object_tag); }

CorruptObject Heap::NotA(uint64_t untagged, std::string_view kind, std::string_view detail) const {
  const bool vowel = !kind.empty() && std::string_view("AEIOUaeiou").find(kind[0]) != std::string_view::npos;
  std::string message = Shown(untagged) + " is not " + (vowel ? "an " : "a ") + std::string(kind);
  if (!detail.empty()) message += " (" + std::string(detail) + ")";
  return CorruptObject(message);
}

int64_t Heap::Need(int64_t offset, const char* what) const {
  if (offset < 0) throw MissingConstant(what);
  return offset;
}

uint64_t Heap::ReadObjectField(uint64_t object, int64_t offset, const char* what) {
  Tagged t = ReadTagged(object + static_cast<uint64_t>(offset));
  if (t.kind != Tagged::Kind::kStrong) {
    throw CorruptObject(std::string(what) + " of " + Shown(object) + " is not a heap object (" +
                        Hex(t.raw) + ")");
  }
  return t.address;
}

int64_t Heap::ReadSmiField(uint64_t object, int64_t offset, const char* what) {
  Tagged t = ReadTagged(object + static_cast<uint64_t>(offset));
  if (!t.is_smi()) {
    throw CorruptObject(std::string(what) + " of " + Shown(object) + " is not a Smi (" + Hex(t.raw) + ")");
  }
  return t.smi;
}

int Heap::MapInstanceType(uint64_t map) {
  return memory_.ReadU16(map + static_cast<uint64_t>(layout_.map_instance_type));
}

uint64_t Heap::MapOf(uint64_t object) {
  // Messages name the tagged pointer: that is what the user typed.
  const uint64_t shown = object + layout_.tagging.heap_object_tag;
  uint64_t map_word = ReadWord(object + static_cast<uint64_t>(layout_.heap_object_map));
  Tagged map = Decode(map_word);
  if (map.kind != Tagged::Kind::kStrong) {
    throw CorruptObject(Hex(shown) + " is not a V8 heap object (its map word " + Hex(map_word) +
                        " is not a pointer)");
  }
  if (verified_maps_.count(map.address)) return map.address;
  // A map's own map is the meta map, whose instance type is MAP_TYPE.
  uint64_t meta_word;
  if (!memory_.Read(map.address + static_cast<uint64_t>(layout_.heap_object_map), &meta_word, 8)) {
    throw CorruptObject(Hex(shown) + " is not a V8 heap object (its map " + Hex(map.raw) +
                        " is not readable)");
  }
  Tagged meta = Decode(meta_word);
  uint16_t meta_type = 0;
  if (meta.kind != Tagged::Kind::kStrong ||
      !memory_.Read(meta.address + static_cast<uint64_t>(layout_.map_instance_type), &meta_type, 2) ||
      meta_type != layout_.map_type) {
    throw CorruptObject(Hex(shown) + " is not a V8 heap object (" + Hex(map.raw) +
                        " in its map slot is not a Map)");
  }
  if (verified_maps_.size() > 65536) verified_maps_.clear();
  verified_maps_.insert(map.address);
  return map.address;
}

int Heap::InstanceTypeOf(uint64_t object) {
  uint64_t map = MapOf(object);
  int type = MapInstanceType(map);
  if (layout_.hole_type < 0 && LooksLikeHole(object, map, type)) layout_.hole_type = type;
  return type;
}

int Heap::StrongTypeOf(uint64_t raw, uint64_t* address) {
  Tagged t = Decode(raw);
  if (t.kind != Tagged::Kind::kStrong) return -1;
  if (address) *address = t.address;
  try {
    return InstanceTypeOf(t.address);
  } catch (const Error&) {
    return -1;
  }
}

bool Heap::LooksLikeHole(uint64_t object, uint64_t map, int type) {
  // A Hole is an object of a type the metadata does not name: 16 bytes
  // holding the hole NaN (V8 12-13), or a bare map word whose map says
  // size 0 (V8 14, where a hole may end its page).
  if (type < layout_.first_nonstring_type || !metadata_.TypeName(type).empty()) return false;
  // V8 11 holes are oddballs; BigInts (no constant either, just below
  // HeapNumber) are variable-sized too.
  if (type == layout_.heap_number_type - 1) return false;
  for (const auto& kind : layout_.oddball_kinds) {
    if (kind.second == "the_hole") return false;
  }
  if (layout_.map_instance_size_in_words < 0) return false;
  int words = memory_.ReadU8(map + static_cast<uint64_t>(layout_.map_instance_size_in_words));
  uint64_t value;
  bool readable = memory_.Read(object + 8, &value, 8);
  // Size 0 also means "variable size" (arrays, hash tables, feedback
  // metadata): those carry their length or counts after the map. A bare
  // hole is one word, so what follows it is the next object's map (or the
  // end of its page).
  if (words == 0) {
    if (!readable) return true;
    Tagged next = Decode(value);
    if (next.kind != Tagged::Kind::kStrong) return false;
    uint64_t meta;
    uint16_t meta_type;
    Tagged meta_map = Decode(memory_.Read(next.address, &meta, 8) ? meta : 0);
    return meta_map.kind == Tagged::Kind::kStrong &&
           memory_.Read(meta_map.address + static_cast<uint64_t>(layout_.map_instance_type), &meta_type, 2) &&
           meta_type == layout_.map_type;
  }
  return words == 2 && readable && value == 0xFFF7FFFFFFF7FFFFull;
}

std::string Heap::TypeName(int instance_type) const {
  std::string name = metadata_.TypeName(instance_type);
  if (!name.empty()) return name;
  if (IsString(instance_type)) return StringTypeName(*this, instance_type);
  if (IsApiObjectType(instance_type)) {
    // V8's own name for the embedder's range (objects-printer: "[api object] N").
    return "[api object] " + std::to_string(instance_type - layout_.api_object_type);
  }
  if (instance_type == layout_.special_api_object_type) return "JS_SPECIAL_API_OBJECT_TYPE";
  return "type " + Hex(static_cast<uint64_t>(instance_type));
}

ObjectKind Heap::KindOf(int type) const {
  if (IsString(type)) return ObjectKind::kString;
  if (type == layout_.heap_number_type) return ObjectKind::kHeapNumber;
  if (type == layout_.oddball_type) return ObjectKind::kOddball;
  if (type == layout_.hole_type) return ObjectKind::kHole;
  if (type == layout_.symbol_type) return ObjectKind::kSymbol;
  if (type == layout_.map_type) return ObjectKind::kMap;
  return ObjectKind::kOther;
}

bool Heap::IsString(int instance_type) const {
  if (layout_.is_not_string_mask >= 0 && layout_.string_tag >= 0) {
    return (instance_type & layout_.is_not_string_mask) == layout_.string_tag;
  }
  return layout_.first_nonstring_type >= 0 && instance_type < layout_.first_nonstring_type;
}

}  // namespace nodegdb
