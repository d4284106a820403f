// The V8 heap as the decoders see it: memory plus the layout constants of
// this particular binary. Every decoder (string.cc, oddball.cc, ...) takes a
// Heap& and asks it for words, maps and instance types.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <typeindex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/platform/memory.h"
#include "core/meta/metadata.h"
#include "core/v8/tagged.h"

namespace nodegdb {

// Offsets and tags resolved once from the metadata. A field that this binary
// lacks stays -1 and throws MissingConstant (naming it) when a decoder needs it.
struct Layout {
  TaggingScheme tagging;
  int pointer_size = 8;
  int tagged_size = 8;
  uint64_t code_alignment = 64;     // the machine's (Heap::set_machine)
  uint64_t swiss_group_width = 16;  // the machine's (Heap::set_machine)

  int64_t heap_object_map = -1;
  int64_t map_instance_type = -1;
  int64_t map_instance_size_in_words = -1;

  // Instance-type bits of strings.
  int64_t first_nonstring_type = -1;
  int64_t is_not_string_mask = -1, string_tag = -1;
  int64_t string_representation_mask = -1, string_encoding_mask = -1;
  int64_t seq_string_tag = -1, cons_string_tag = -1, external_string_tag = -1;
  int64_t sliced_string_tag = -1, thin_string_tag = -1;
  int64_t one_byte_string_tag = -1, two_byte_string_tag = -1;
  // Not named by the metadata: derived from pairs of type numbers.
  int64_t not_internalized_mask = 0x20, uncached_external_mask = 0x10;

  int64_t string_length = -1;
  int64_t seq_one_byte_chars = -1, seq_two_byte_chars = -1;
  int64_t cons_first = -1, cons_second = -1;
  int64_t sliced_parent = -1, sliced_offset = -1;
  int64_t thin_actual = -1;
  int64_t external_resource = -1;

  int64_t heap_number_value = -1;
  int64_t oddball_kind = -1;
  int64_t symbol_name = -1;

  // Instance types the views dispatch on (-1: this V8 has no such type).
  int map_type = -1, heap_number_type = -1, oddball_type = -1, hole_type = -1, symbol_type = -1;
  // The embedder's types (v8dbg_APIObjectType: JS_API_OBJECT_TYPE, the first
  // of the range V8 names "[api object] N"; v8dbg_SpecialAPIObjectType).
  int api_object_type = -1, special_api_object_type = -1;
  // Oddball::kind_ values and their names (5 -> "undefined"), from v8dbg_Oddball*.
  std::vector<std::pair<int64_t, std::string>> oddball_kinds;

  static Layout From(const Metadata& md);
};

// "0x1234 is neither a Smi nor a tagged pointer ..." with a hint when the
// word looks like an untagged object address.
std::string NotTaggedMessage(uint64_t raw);

// What a heap object is, as far as the views need to know.
enum class ObjectKind { kString, kHeapNumber, kOddball, kHole, kSymbol, kMap, kOther };

class Heap {
 public:
  Heap(Memory& memory, const Metadata& metadata);

  Memory& memory() { return memory_; }
  const Metadata& metadata() const { return metadata_; }
  const Layout& layout() const { return layout_; }

  // V8's major version (from the binary's v8::internal::Version), 0 if unknown.
  // What differs between V8 versions (core/meta/v8_rules.h).
  const V8Rules& rules() const { return metadata_.rules(); }

  // How an object is named in messages: its tagged pointer, as the user
  // typed it and V8 prints it ("0x2c6019246e71"), from its untagged address.
  std::string Shown(uint64_t untagged) const;
  // The one error for an object of the wrong kind: "0x... is not a <kind>"
  // ("an" before a vowel), with `detail` in parentheses when given.
  CorruptObject NotA(uint64_t untagged, std::string_view kind, std::string_view detail = {}) const;

  // Node's embedder-data slot for its Environment* in native contexts
  // (nodedbg_const_ContextEmbedderIndex__kEnvironment__int, which lives in
  // memory); -1 if unknown.
  int64_t environment_index() const { return environment_index_; }
  void set_environment_index(int64_t index) { environment_index_ = index; }
  // What object sizes take from the machine (arch.h): kCodeAlignment, to
  // which InstructionStream sizes round, and the SwissNameDictionary group width.
  void set_machine(uint64_t code_alignment, uint64_t swiss_group_width) {
    layout_.code_alignment = code_alignment;
    layout_.swiss_group_width = swiss_group_width;
  }

  // Offsets of one V8 class family (MapLayout, ...), resolved from the
  // metadata on first use by T::From(const Metadata&) and kept per heap, so
  // each decoder file owns its own layout struct.
  template <class T>
  const T& LayoutOf() {
    auto it = class_layouts_.find(std::type_index(typeid(T)));
    if (it == class_layouts_.end()) {
      it = class_layouts_.emplace(std::type_index(typeid(T)), std::make_shared<T>(T::From(metadata_))).first;
    }
    return *static_cast<const T*>(it->second.get());
  }

  // Memos of one decoder (e.g. constructor names by map), kept as long as
  // this Heap: the memory is a core, or a process stopped until the GDB
  // layer makes a new Target.
  template <class T>
  T& MemoOf() {
    auto it = memos_.find(std::type_index(typeid(T)));
    if (it == memos_.end()) it = memos_.emplace(std::type_index(typeid(T)), std::make_shared<T>()).first;
    return *static_cast<T*>(it->second.get());
  }

  // `offset` must be a resolved layout field; throws MissingConstant with
  // `what` if it is -1.
  int64_t Need(int64_t offset, const char* what) const;

  Tagged Decode(uint64_t raw) const { return Tagged::Decode(raw, layout_.tagging); }
  uint64_t ReadWord(uint64_t address) { return memory_.ReadU64(address); }
  Tagged ReadTagged(uint64_t address) { return Decode(ReadWord(address)); }
  // A field that must hold a strong reference; throws CorruptObject otherwise.
  uint64_t ReadObjectField(uint64_t object, int64_t offset, const char* what);
  int64_t ReadSmiField(uint64_t object, int64_t offset, const char* what);

  // The object's map (checked to be a heap object whose own map's type is MAP_TYPE).
  uint64_t MapOf(uint64_t object);
  int InstanceTypeOf(uint64_t object);  // via MapOf
  // The instance type of a strong reference's object, or -1 for a Smi, a
  // weak or cleared reference, or an object whose map cannot be read;
  // `address` gets the untagged address.
  int StrongTypeOf(uint64_t raw, uint64_t* address = nullptr);
  int MapInstanceType(uint64_t map);
  std::string TypeName(int instance_type) const;  // "ODDBALL_TYPE", or "type 0x.."

  bool IsString(int instance_type) const;
  // JS_API_OBJECT_TYPE and the embedder types after it (V8 allows 1000).
  bool IsApiObjectType(int instance_type) const {
    return layout_.api_object_type >= 0 && instance_type >= layout_.api_object_type &&
           instance_type < layout_.api_object_type + 1000;
  }
  ObjectKind KindOf(int instance_type) const;

 private:
  Memory& memory_;
  const Metadata& metadata_;
  Layout layout_;
  // Maps already checked to be maps: most objects share a few dozen maps.
  std::unordered_set<uint64_t> verified_maps_;
  int64_t environment_index_ = -1;
  // V8 14 lost the HOLE_TYPE constant: the type is learnt from the first
  // object that has a hole's shape (see InstanceTypeOf).
  bool LooksLikeHole(uint64_t object, uint64_t map, int type);
  std::unordered_map<std::type_index, std::shared_ptr<void>> class_layouts_;
  std::unordered_map<std::type_index, std::shared_ptr<void>> memos_;
};

}  // namespace nodegdb
