#include "core/heap/heap_graph.h"

#include <sys/mman.h>

#include <algorithm>
#include <memory>
#include <new>
#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/bytecode/bytecode_array.h"
#include "core/heap/address_index.h"
#include "core/heap/object_slots.h"
#include "core/heap/receiver_slots.h"
#include "core/heap/heap_root_groups.h"
#include "core/heap/isolate_roots.h"
#include "core/heap/js_dispatch_table.h"
#include "core/v8/isolate_handles.h"
#include "core/v8/context.h"
#include "core/v8/js_function.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/oddball.h"
#include "core/v8/shared_function_info.h"
#include "core/v8/string.h"
#include "core/v8/symbol.h"

namespace nodegdb {

namespace {

// A 128-bit hash of the text in one pass: four multiply-xorshift lanes
// over 32 bytes at a time (independent, so they run side by side: most
// of a heap's text is long strings), folded into two 64-bit halves with
// other constants, so text colliding in one half does not in the other.
uint64_t Mix(uint64_t h, uint64_t w, uint64_t mul) {
  h = (h ^ w) * mul;
  return h ^ (h >> 29);
}

void Hash128(std::string_view s, uint64_t* a, uint64_t* b) {
  constexpr uint64_t kMul[4] = {0x9e3779b97f4a7c15ULL, 0xc2b2ae3d27d4eb4fULL, 0x165667b19e3779f9ULL,
                                0xd6e8feb86659fd93ULL};
  uint64_t x[4] = {0x243f6a8885a308d3ULL ^ s.size(), 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL,
                   0x082efa98ec4e6c89ULL};
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 32; p += 32, n -= 32) {
    uint64_t w[4];
    std::memcpy(w, p, 32);
    for (int k = 0; k < 4; ++k) x[k] = Mix(x[k], w[k], kMul[k]);
  }
  for (int k = 0; n > 0; k = (k + 1) % 4) {
    uint64_t w = 0;
    const size_t take = std::min<size_t>(n, 8);
    std::memcpy(&w, p, take);
    x[k] = Mix(x[k], w, kMul[k]);
    p += take, n -= take;
  }
  *a = Mix(Mix(x[0], x[1], kMul[2]), x[2] ^ (x[3] >> 17), kMul[0]);
  *b = Mix(Mix(x[3], x[2], kMul[1]), x[1] ^ (x[0] >> 23), kMul[3]);
}

}  // namespace

GraphStrings::Table::Table(size_t n) : size(n), bytes(n * sizeof(Slot)) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  ::madvise(p, bytes, MADV_HUGEPAGE);  // a hint: without it, ordinary pages
  slots = static_cast<Slot*>(p);  // zeroed: every slot empty
}

GraphStrings::Table& GraphStrings::Table::operator=(Table&& o) noexcept {
  std::swap(slots, o.slots);
  std::swap(size, o.size);
  std::swap(bytes, o.bytes);
  return *this;
}

GraphStrings::Table::~Table() {
  if (slots) ::munmap(slots, bytes);
}

GraphStrings::Key GraphStrings::Prepare(std::string_view s) {
  if (!table_.size) table_ = Table(1 << 12);
  Key key;
  Hash128(s, &key.a, &key.b);
  __builtin_prefetch(&table_.slots[static_cast<size_t>(key.a) & (table_.size - 1)]);
  return key;
}

uint32_t GraphStrings::Id(std::string_view s) { return Id(Prepare(s), s); }

uint32_t GraphStrings::Id(const Key& key, std::string_view s) {
  if (!table_.size) table_ = Table(1 << 12);
  const size_t mask = table_.size - 1;
  for (size_t i = static_cast<size_t>(key.a) & mask;; i = (i + 1) & mask) {
    Slot& slot = table_.slots[i];
    if (slot.id1 == 0) {
      const uint32_t id = static_cast<uint32_t>(count_++);
      slot = {key.a, static_cast<uint32_t>(key.b), id + 1};
      if (spill_) {
        spill_(s);
      } else {
        list_.emplace_back(s);
      }
      if (2 * count_ > table_.size) Grow(table_.size * 2);
      return id;
    }
    if (slot.a == key.a && slot.b == static_cast<uint32_t>(key.b)) return slot.id1 - 1;
  }
}

void GraphStrings::Reserve(size_t names) {
  size_t size = std::max<size_t>(table_.size, 1 << 12);
  while (size < 2 * names + 2) size *= 2;
  if (size > table_.size) Grow(size);
}

void GraphStrings::Grow(size_t size) {
  Table old(size);
  std::swap(old, table_);
  const size_t mask = table_.size - 1;
  for (size_t k = 0; k < old.size; ++k) {
    const Slot& slot = old.slots[k];
    if (slot.id1 == 0) continue;
    size_t i = static_cast<size_t>(slot.a) & mask;
    while (table_.slots[i].id1 != 0) i = (i + 1) & mask;
    table_.slots[i] = slot;
  }
}

namespace {

using namespace heap_graph;

constexpr size_t kMaxName = 1024;  // characters of a string's text kept as its node name
// Node indices: 0 the synthetic root, 1 "(GC roots)", then one node per
// root group found (RootGroups), then the objects in walk order.
constexpr uint64_t kGcRootsIndex = 1;

// What kind of node each instance type makes (from V8's type names).
enum class Kind : uint8_t {
  kHidden, kArray, kString, kObject, kClosure, kBoundFunction, kRegExp, kNumber, kSymbol, kBigInt, kShape, kCode, kContext,
  kNativeContext
};

// Objects no edge is made to, as V8's generator leaves out edges to what is
// not "essential": oddballs (undefined, null, true, false, the hole) and
// the empty read-only arrays (empty_fixed_array and kin).
class Inessential {
 public:
  // `holes`: whether every hole is (V8 11-12, where holes are oddballs; or
  // without root names to tell the_hole_value apart). V8 13+ makes edges to
  // the other holes (uninitialized_value, ...) and leaves out the_hole_value
  // alone, which RootFacts::inessential names.
  Inessential(HeapWalker& walker, bool holes) {
    const Layout& l = walker.heap().layout();
    oddball_ = l.oddball_type, hole_ = holes ? l.hole_type : -1;
    for (const char* t : {"FIXED_ARRAY_TYPE", "WEAK_FIXED_ARRAY_TYPE", "BYTE_ARRAY_TYPE", "DESCRIPTOR_ARRAY_TYPE",
                          "PROPERTY_ARRAY_TYPE", "TRUSTED_FIXED_ARRAY_TYPE", "TRUSTED_BYTE_ARRAY_TYPE"}) {
      empty_types_.push_back(walker.sizer().types().Find(t));
    }
  }
  bool operator()(const ObjectRef& o) const {
    const int type = o.facts->type;
    if (type == oddball_ || type == hole_) return true;
    if (!o.page || !o.page->read_only || o.size > 24) return false;
    return std::find(empty_types_.begin(), empty_types_.end(), type) != empty_types_.end();
  }

 private:
  int oddball_ = -1, hole_ = -1;
  std::vector<int> empty_types_;
};

// Names V8's generator gives an internal array after its owner
// (V8HeapExplorer::TagObject), with the node type it gives it.
enum class OwnerTag : uint8_t { kConstantPool, kHandlerTable, kSourcePositions, kConstantElements, kBoundArguments,
                                kEnumCache };
struct OwnerTagInfo {
  const char* name;
  int type;  // heap_graph::NodeType
};
constexpr OwnerTagInfo kOwnerTags[] = {
    {"(constant pool)", kCode},     {"(handler table)", kCode},   {"(source position table)", kCode},
    {"(constant elements)", kCode}, {"(bound arguments)", kArray}, {"(enum cache)", kObjectShape}};

// Where the owners hold them. BytecodeArray's fields move between
// versions (bytecode_array.h); the others are V8 11-14's fixed layouts:
// ArrayBoilerplateDescription {map, flags, constant_elements},
// JSBoundFunction {map, properties, elements, bound_target_function,
// bound_this, bound_arguments}, EnumCache {map, keys, indices}.
constexpr int64_t kBoilerplateConstantElements = 16, kBoundTarget = 24, kBoundThis = 32, kBoundArguments = 40,
                  kEnumCacheKeys = 8, kEnumCacheIndices = 16;

class OwnerTagger {
 public:
  explicit OwnerTagger(HeapWalker& walker)
      : bytecode_(BytecodeArrayLayout::For(walker.heap().metadata())),
        bytecode_tables_(walker.heap().rules().snapshot_tags_bytecode_tables()) {
    const InstanceTypes& types = walker.sizer().types();
    bytecode_type_ = types.Find("BYTECODE_ARRAY_TYPE");
    boilerplate_type_ = types.Find("ARRAY_BOILERPLATE_DESCRIPTION_TYPE");
    bound_type_ = types.Find("JS_BOUND_FUNCTION_TYPE");
    enum_cache_type_ = types.Find("ENUM_CACHE_TYPE");
    tag_ = walker.heap().layout().tagging.heap_object_tag;
  }
  void Visit(const ObjectRef& o) {
    const int type = o.facts->type;
    if (type < 0) return;
    if (type == bytecode_type_) {
      Tag(o, bytecode_.constant_pool, OwnerTag::kConstantPool);
      if (bytecode_tables_) {
        Tag(o, bytecode_.handler_table, OwnerTag::kHandlerTable);
        Tag(o, bytecode_.source_position_table, OwnerTag::kSourcePositions);
      }
    } else if (type == boilerplate_type_) {
      Tag(o, kBoilerplateConstantElements, OwnerTag::kConstantElements);
    } else if (type == bound_type_) {
      Tag(o, kBoundArguments, OwnerTag::kBoundArguments);
    } else if (type == enum_cache_type_) {
      Tag(o, kEnumCacheKeys, OwnerTag::kEnumCache);
      Tag(o, kEnumCacheIndices, OwnerTag::kEnumCache);
    }
  }
  std::unordered_map<uint64_t, OwnerTag> tags;  // untagged child -> its name

 private:
  void Tag(const ObjectRef& o, int64_t offset, OwnerTag tag) {
    if (offset < 8 || static_cast<uint64_t>(offset) + 8 > o.available) return;
    uint64_t w;
    std::memcpy(&w, o.bytes + offset, 8);
    if ((w & 3) == 1) tags.emplace(w - tag_, tag);  // a strong pointer; the first owner names it, as in V8
  }
  BytecodeArrayLayout bytecode_;
  bool bytecode_tables_;
  int bytecode_type_ = -1, boilerplate_type_ = -1, bound_type_ = -1, enum_cache_type_ = -1;
  uint64_t tag_ = 1;
};

// The first walk: every object's address in walk order, which of them no
// edge goes to, and the native contexts.
class AddressCollector : public ObjectVisitor {
 public:
  AddressCollector(HeapWalker& walker, int native_context_type, bool holes_inessential)
      : owner_tagger(walker), heap_(walker.heap()), inessential_(walker, holes_inessential),
        native_context_type_(native_context_type),
        oddball_type_(walker.heap().layout().oddball_type) {
    first_receiver_ = walker.heap().metadata().FindType("JS_PROXY_TYPE").value_or(0x400);
    tag_ = walker.heap().layout().tagging.heap_object_tag;
    dispatch_handle_ = heap_.LayoutOf<JSFunctionLayout>().dispatch_handle;
  }
  void Visit(const ObjectRef& o) override {
    order.push_back(o.address);
    owner_tagger.Visit(o);
    if (dispatch_handle_ >= 0 && o.page && IsJSFunctionType(heap_, o.facts->type)) SampleDispatchHandle(o);
    no_edges_to.push_back(inessential_(o));
    if (o.facts->type == native_context_type_) native_contexts.push_back(o.address);
    if (heap_.IsString(o.facts->type)) ++strings;
    if (IsInternalized(o.facts->type)) internalized_strings.push_back(o.address);
    if (IsExternalString(o.facts->type)) external_strings.push_back(o.address);
    if (o.facts->type == oddball_type_) {
      try {
        if (ReadOddball(heap_, o.address).is_js_value) js_value_oddballs.push_back(o.address);
      } catch (const Error&) {
      }
    }
    if (o.facts->type >= first_receiver_ && o.available >= 24) {
      uint64_t w[2];
      std::memcpy(w, o.bytes + 8, 16);
      if (w[0] & 1) properties_stores.push_back(w[0] - tag_);
      if (w[1] & 1) elements_stores.push_back(w[1] - tag_);
    }
  }
  // A few JSFunctions' dispatch handles per isolate (V8 13+), to find the
  // JSDispatchTable with (js_dispatch_table.h).
  void SampleDispatchHandle(const ObjectRef& o) {
    std::vector<uint32_t>& samples = dispatch_samples[o.page->heap];
    if (samples.size() >= 16 || static_cast<uint64_t>(dispatch_handle_) + 4 > o.available) return;
    uint32_t handle;
    std::memcpy(&handle, o.bytes + dispatch_handle_, 4);
    if (handle != 0) samples.push_back(handle);
  }
  std::unordered_map<uint64_t, std::vector<uint32_t>> dispatch_samples;  // by Heap*
  OwnerTagger owner_tagger;

  std::vector<uint64_t> order;
  uint64_t strings = 0;  // string objects: each a node named by its text
  std::vector<bool> no_edges_to;  // by walk position
  std::vector<uint64_t> native_contexts;
  // Every internalized string: V8's string table holds each, and its
  // snapshot counts the table as a root ("(Internalized strings)").
  std::vector<uint64_t> internalized_strings;
  // Every external string: V8's ExternalStringTable lists each (its
  // snapshot's "(External strings)" root group).
  std::vector<uint64_t> external_strings;
  // undefined, null, true and false: V8 makes property, element and
  // context edges to them (not internal ones, as to every oddball).
  std::vector<uint64_t> js_value_oddballs;
  // What JS objects' properties and elements slots point to (untagged), in
  // walk order: V8 names these arrays "(object properties)" and "(object elements)".
  std::vector<uint64_t> properties_stores, elements_stores;

 private:
  bool IsExternalString(int type) {
    const Layout& l = heap_.layout();
    return l.string_representation_mask >= 0 && heap_.IsString(type) &&
           (type & l.string_representation_mask) == l.external_string_tag;
  }

  bool IsInternalized(int type) {
    if (type >= static_cast<int>(internalized_.size())) return false;
    if (internalized_[type] < 0) {
      internalized_[type] = heap_.IsString(type) && (type & heap_.layout().not_internalized_mask) == 0;
    }
    return internalized_[type] == 1;
  }

  Heap& heap_;
  std::vector<int8_t> internalized_ = std::vector<int8_t>(1 << 16, -1);  // by instance type: -1 not yet known
  Inessential inessential_;
  int native_context_type_;
  int oddball_type_;
  int first_receiver_ = 0x400;
  uint64_t tag_ = 1;
  int64_t dispatch_handle_ = -1;  // JSFunction's dispatch handle field (V8 13+)
};

class GraphBuilder : public ObjectVisitor {
 public:
  GraphBuilder(HeapWalker& walker, ObjectNamer& namer, const AddressCollector& found, GraphStrings& strings,
               GraphSink& sink, uint64_t first_object_index)
      : first_object_index_(first_object_index),
        heap_(walker.heap()),
        walker_(walker),
        namer_(namer),
        order_(found.order),
        no_edges_to_(found.no_edges_to),
        js_value_oddballs_(found.js_value_oddballs),
        strings_(strings),
        sink_(sink),
        plan_(SlotPlanFor(walker)),
        index_(found.order),
        receiver_slots_(walker.heap()) {
    tag_ = heap_.layout().tagging.heap_object_tag;
    MarkHolders(found);
    first_receiver_ = heap_.metadata().FindType("JS_PROXY_TYPE").value_or(0x400);
    js_array_type_ = heap_.metadata().FindType("JS_ARRAY_TYPE").value_or(-1);
    native_context_type_ = NativeContextType(heap_).value_or(-1);
    sfi_type_ = walker.sizer().types().Find("SHARED_FUNCTION_INFO_TYPE");
    read_only_size_zero_ = heap_.rules().snapshot_read_only_size_zero();
    accessor_getter_ = heap_.metadata().FindField("AccessorPair", {"getter"}).value_or(-1);
    accessor_setter_ = heap_.metadata().FindField("AccessorPair", {"setter"}).value_or(-1);
    names_oddballs_ = heap_.rules().snapshot_names_oddballs();
    for (const char* t : {"JS_MAP_TYPE", "JS_SET_TYPE", "JS_WEAK_MAP_TYPE", "JS_WEAK_SET_TYPE"}) {
      const int type = walker.sizer().types().Find(t);
      if (type >= 0) collections_.insert(type);
    }
  }

  // Each object's holder role, by walk position: a lookup per object then
  // costs one array read, not a search among millions of addresses.
  void MarkHolders(const AddressCollector& found) {
    role_.assign(order_.size(), 0);
    owner_tag_.assign(order_.size(), 0);
    // A store of both kinds (the empty array) is named as a properties store.
    for (uint64_t a : found.elements_stores) Mark(role_, a, kElementsStore);
    for (uint64_t a : found.properties_stores) Mark(role_, a, kPropertiesStore);
    for (const auto& [a, tag] : found.owner_tagger.tags) Mark(owner_tag_, a, static_cast<uint8_t>(1 + static_cast<int>(tag)));
  }
  void Mark(std::vector<uint8_t>& marks, uint64_t address, uint8_t value) {
    const int64_t position = index_.Find(address);
    if (position >= 0) marks[static_cast<size_t>(position)] = value;
  }

  // The node index of the object at `untagged`, or -1.
  int64_t IndexOf(uint64_t untagged) const {
    const int64_t position = index_.Find(untagged);
    return position < 0 ? -1 : position + static_cast<int64_t>(first_object_index_);
  }

  // A node named by its text waits in a ring of kRing nodes while its
  // name's table slot is fetched (GraphStrings::Prepare): a lookup in a
  // table of millions of names is a cache miss, hidden behind the next
  // objects. Nodes leave the ring in walk order, so ids and the file stay
  // the same from run to run.
  void Pend(int type, uint64_t id, uint64_t self_size) {
    EmitOldest();
    Pending& p = ring_[ring_next_ % kRing];
    p.type = type, p.id = id, p.self_size = self_size, p.name_id = name_id_, p.full = true;
    if (name_id_ == UINT32_MAX) {
      p.name.swap(name_buf_);
      p.key = strings_.Prepare(p.name);
    }
    p.edges.swap(edges_buf_);
    ++ring_next_;
  }
  void EmitOldest() {
    Pending& p = ring_[ring_next_ % kRing];  // the oldest: the slot the next node takes
    if (!p.full) return;
    const uint32_t name = p.name_id != UINT32_MAX ? p.name_id : strings_.Id(p.key, p.name);
    Emit(p.type, name, p.id, p.self_size, p.edges);
    p.full = false;
  }

  void Emit(int type, uint32_t name, uint64_t id, uint64_t self_size, const std::vector<GraphEdge>& edges) {
    sink_.Node(type, name, id, self_size, edges);
    ++node_count;
    edge_count += edges.size();
  }

  void Visit(const ObjectRef& o) override {
    if (position_ >= order_.size() || order_[position_] != o.address) {
      throw Error("the heap changed between the snapshot's two walks (did the process run?)");
    }
    ++position_;
    edges_buf_.clear();
    visited_.clear();
    int type = kHidden;
    std::string& name = name_buf_;
    name.clear();
    name_id_ = UINT32_MAX;
    try {
      Describe(o, &type, &name);
    } catch (const Error&) {
      // An object that cannot be decoded keeps its slots as internal edges.
    }
    Slots(o);
    const uint64_t self_size = o.page && o.page->read_only && read_only_size_zero_ ? 0 : o.size;
    Pend(type, o.address + 1, self_size);
  }

  // The nodes still in the ring, emitted (after the walk).
  void Flush() {
    for (size_t n = 0; n < kRing; ++n, ++ring_next_) EmitOldest();
  }

  uint64_t node_count = 0, edge_count = 0, dangling = 0;
  // Builtins' Code objects (untagged) and their node names' ids.
  using BuiltinNames = std::unordered_map<uint64_t, uint32_t>;
  void set_builtin_code_names(const BuiltinNames* names) { builtin_code_names_ = names; }
  using DispatchTables = std::unordered_map<uint64_t, JSDispatchTable>;  // by Heap*
  void set_dispatch_tables(const DispatchTables* tables) { dispatch_tables_ = tables; }

 private:
  Kind KindOf(int type) {
    if (type < 0 || type >= static_cast<int>(kinds_.size())) return Classify(type);
    if (kinds_[static_cast<size_t>(type)] < 0) kinds_[static_cast<size_t>(type)] = static_cast<int8_t>(Classify(type));
    return static_cast<Kind>(kinds_[static_cast<size_t>(type)]);
  }

  Kind Classify(int type) {
    if (heap_.IsString(type)) return Kind::kString;
    if (type == native_context_type_) return Kind::kNativeContext;
    if (IsContextType(heap_, type)) return Kind::kContext;
    if (IsJSFunctionType(heap_, type)) return Kind::kClosure;
    const std::string t = walker_.sizer().types().Name(type);
    if (t == "JS_REG_EXP_TYPE") return Kind::kRegExp;
    if (t == "JS_BOUND_FUNCTION_TYPE") return Kind::kBoundFunction;
    if (type >= first_receiver_) return Kind::kObject;
    if (t == "HEAP_NUMBER_TYPE") return Kind::kNumber;
    if (t == "SYMBOL_TYPE") return Kind::kSymbol;
    if (t == "BIGINT_TYPE") return Kind::kBigInt;
    for (const char* s : {"MAP_TYPE", "DESCRIPTOR_ARRAY_TYPE", "STRONG_DESCRIPTOR_ARRAY_TYPE", "TRANSITION_ARRAY_TYPE",
                          "PROTOTYPE_INFO_TYPE", "ENUM_CACHE_TYPE"}) {
      if (t == s) return Kind::kShape;
    }
    for (const char* s : {"FIXED_ARRAY_TYPE", "FIXED_DOUBLE_ARRAY_TYPE", "NAME_DICTIONARY_TYPE",
                          "NUMBER_DICTIONARY_TYPE", "ORDERED_HASH_MAP_TYPE", "ORDERED_HASH_SET_TYPE",
                          "SWISS_NAME_DICTIONARY_TYPE", "GLOBAL_DICTIONARY_TYPE", "SIMPLE_NUMBER_DICTIONARY_TYPE"}) {
      if (t == s) return Kind::kArray;
    }
    if ((t == "BYTECODE_WRAPPER_TYPE" || t == "CODE_WRAPPER_TYPE") && !heap_.rules().snapshot_wrappers_are_code()) {
      return Kind::kHidden;
    }
    for (const char* s : {"SHARED_FUNCTION_INFO_TYPE", "BYTECODE_ARRAY_TYPE", "BYTECODE_WRAPPER_TYPE", "SCOPE_INFO_TYPE",
                          "FEEDBACK_CELL_TYPE", "FEEDBACK_VECTOR_TYPE", "FEEDBACK_METADATA_TYPE", "CODE_TYPE",
                          "CODE_WRAPPER_TYPE", "INSTRUCTION_STREAM_TYPE", "UNCOMPILED_DATA_WITH_PREPARSE_DATA_TYPE",
                          "ARRAY_BOILERPLATE_DESCRIPTION_TYPE", "OBJECT_BOILERPLATE_DESCRIPTION_TYPE",
                          "TRUSTED_BYTE_ARRAY_TYPE",
                          "UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_TYPE",
                          "UNCOMPILED_DATA_WITH_PREPARSE_DATA_AND_JOB_TYPE",
                          "UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_WITH_JOB_TYPE", "PREPARSE_DATA_TYPE",
                          "CLOSURE_FEEDBACK_CELL_ARRAY_TYPE", "INTERPRETER_DATA_TYPE"}) {
      if (t == s) return Kind::kCode;
    }
    return Kind::kHidden;
  }

  // The node name of the object's census class, once per class: as
  // ObjectNamer names it, or for V8's internals "(FixedArray)" ->
  // "system / FixedArray".
  void ClassName(const ObjectRef& o, bool system) {
    const uint32_t c = namer_.ClassOf(o);
    std::vector<uint32_t>& ids = system ? system_name_ids_ : class_name_ids_;
    if (c >= ids.size()) ids.resize(c + 1, UINT32_MAX);
    if (ids[c] == UINT32_MAX) {
      std::string n = namer_.Name(c);
      if (system) {
        if (n.size() > 2 && n.front() == '(' && n.back() == ')') n = n.substr(1, n.size() - 2);
        n = "system / " + n;
      }
      ids[c] = strings_.Id(n);
    }
    name_id_ = ids[c];
  }
  void FixedName(const char* literal) { name_id_ = FixedId(literal); }

  // An internal array V8 names after its owner: true if `o` is one.
  bool OwnerTagged(const ObjectRef& o, int* type) {
    const uint8_t owner = owner_tag_[position_ - 1];
    if (!owner || no_edges_to_[position_ - 1]) return false;
    const OwnerTagInfo& tag = kOwnerTags[owner - 1];
    *type = tag.type;
    FixedName(tag.name);
    return true;
  }

  void Describe(const ObjectRef& o, int* type, std::string* name) {
    const int itype = o.facts->type;
    if (OwnerTagged(o, type)) return;
    switch (KindOf(itype)) {
      case Kind::kString: {
        const Layout& l = heap_.layout();
        const int64_t rep = l.string_representation_mask >= 0 ? (itype & l.string_representation_mask) : -1;
        if (rep == l.cons_string_tag) {
          *type = kConsString, FixedName("(concatenated string)");
          Named(o, l.cons_first, "first");
          Named(o, l.cons_second, "second");
        } else if (rep == l.sliced_string_tag) {
          *type = kSlicedString, FixedName("(sliced string)");
          Named(o, l.sliced_parent, "parent");
        } else {
          *type = kString;
          if (rep == l.thin_string_tag) Named(o, l.thin_actual, "actual");
          if (rep != l.seq_string_tag || !SeqStringName(o, itype, name)) {
            *name = Utf16ToUtf8(ReadString(heap_, o.address, kMaxName).units);
          }
        }
        return;
      }
      case Kind::kNumber:
        *type = kNumber, FixedName("heap number");
        return;
      case Kind::kSymbol: {
        // Private symbols (#names, V8's own markers) are hidden nodes in V8's snapshot.
        KeyText k = ReadKey(heap_, heap_.Decode(o.address + tag_));
        *type = k.is_private ? kHidden : kSymbol;
        FixedName(k.is_private ? "private symbol" : "symbol");
        return;
      }
      case Kind::kBigInt:
        *type = kBigInt, FixedName("bigint");
        return;
      case Kind::kShape:
        // Read-only maps are V8's own, not shapes of user objects.
        *type = o.page && o.page->read_only && itype == heap_.layout().map_type ? kHidden : kObjectShape;
        ClassName(o, true);
        if (itype == heap_.layout().map_type) MapFields(o);
        return;
      case Kind::kArray:
        *type = kArray, FixedName("");
        if (role_[position_ - 1] == kPropertiesStore) {
          FixedName("(object properties)");
        } else if (role_[position_ - 1] == kElementsStore) {
          FixedName("(object elements)");
        }
        return;
      case Kind::kCode:
        *type = kCode;
        if (itype != sfi_type_) {
          auto builtin = builtin_code_names_ ? builtin_code_names_->find(o.address) : BuiltinNames::const_iterator{};
          if (builtin_code_names_ && builtin != builtin_code_names_->end()) {
            name_id_ = builtin->second;
          } else {
            ClassName(o, true);
          }
          return;
        }
        try {
          SharedFunctionInfoData sfi = ReadSharedFunctionInfo(heap_, o.address);
          *name = sfi.name_text.empty() ? "(shared function info)" : sfi.name_text;
        } catch (const Error&) {
          ClassName(o, true);
        }
        return;
      case Kind::kContext:
      case Kind::kNativeContext:
        *type = KindOf(itype) == Kind::kContext ? kObject : kHidden;
        FixedName(KindOf(itype) == Kind::kContext ? "system / Context" : "system / NativeContext");
        ContextEdges(o);
        return;
      case Kind::kClosure: {
        *type = kClosure;
        JSFunctionData f = ReadJSFunction(heap_, o.address);
        *name = f.name;
        const JSFunctionLayout& fl = heap_.LayoutOf<JSFunctionLayout>();
        Named(o, fl.shared, "shared");
        Named(o, fl.context, "context");
        Named(o, fl.feedback_cell, "feedback_cell");
        Named(o, fl.code, "code");
        if (fl.code < 0 && f.dispatch_handle) DispatchedCode(o, *f.dispatch_handle);
        if (f.has_prototype_slot) FunctionPrototype(o, fl.prototype_or_initial_map);
        Receiver(o);
        return;
      }
      case Kind::kBoundFunction:
        *type = kClosure, FixedName("native_bind");  // as V8 names every bound function
        Named(o, kBoundTarget, "bound_function");
        Named(o, kBoundThis, "bound_this");
        Named(o, kBoundArguments, "bindings");
        Receiver(o);
        return;
      case Kind::kRegExp:
      case Kind::kObject:
        if (collections_.count(itype)) Named(o, 24, "table");  // JSCollection::table, after the JSObject header
        *type = KindOf(itype) == Kind::kRegExp ? kRegExp : kObject;
        ClassName(o, false);
        Receiver(o);
        return;
      case Kind::kHidden:
        *type = kHidden, ClassName(o, true);
        if (itype == heap_.layout().oddball_type && names_oddballs_) {
          OddballInfo odd = ReadOddball(heap_, o.address);
          if (odd.is_js_value) *name = odd.name, name_id_ = UINT32_MAX;
        }
        return;
    }
  }

  // A sequential string's first kMaxName characters as UTF-8, from the
  // walk's bytes (most strings of a heap); false when they are not all there.
  bool SeqStringName(const ObjectRef& o, int itype, std::string* name) {
    const Layout& l = heap_.layout();
    const bool one_byte = l.string_encoding_mask >= 0 && (itype & l.string_encoding_mask) == l.one_byte_string_tag;
    const int64_t chars = one_byte ? l.seq_one_byte_chars : l.seq_two_byte_chars;
    if (chars < 0 || l.string_length < 0 || static_cast<uint64_t>(l.string_length) + 4 > o.available) return false;
    int32_t length;
    std::memcpy(&length, o.bytes + l.string_length, 4);
    if (length < 0) return false;
    const size_t n = std::min<size_t>(static_cast<size_t>(length), kMaxName);
    if (static_cast<uint64_t>(chars) + n * (one_byte ? 1 : 2) > o.available) return false;
    const uint8_t* p = o.bytes + chars;
    name->clear();
    if (one_byte) {
      AppendLatin1AsUtf8(*name, p, n);
    } else {
      std::u16string units(n, u'\0');
      std::memcpy(units.data(), p, n * 2);
      *name = Utf16ToUtf8(units);
    }
    return true;
  }

  void MapFields(const ObjectRef& o) {
    const MapLayout& ml = heap_.LayoutOf<MapLayout>();
    Named(o, ml.prototype, "prototype");
    Named(o, ml.constructor_or_back_pointer, "constructor_or_back_pointer");
    Named(o, ml.instance_descriptors, "descriptors");
  }

  // A JS object's properties by name, __proto__, its elements by index.
  void Receiver(const ObjectRef& o) {
    Named(o, 8, "properties");
    Named(o, 16, "elements");
    const MapInfo& mi = receiver_slots_.MapOf(o);
    receiver_slots_.Properties(o, mi, &properties_buf_);
    for (const OwnProperty& p : properties_buf_) {
      // An accessor is a property edge to its AccessorPair (an AccessorInfo is no JS-visible property).
      if (p.details.accessor && !IsAccessorPair(p.value)) continue;
      const uint32_t key = KeyId(p.key);
      if (p.where == OwnProperty::Where::kInObject) {
        visited_.push_back(static_cast<uint64_t>(mi.inobject_start_words + p.index) * 8);
      }
      AddEdge(kProperty, key, p.value.raw);
      if (p.details.accessor) AccessorEdges(p);
    }
    if (mi.prototype.kind == Tagged::Kind::kStrong) AddEdge(kProperty, FixedId("__proto__"), mi.prototype.raw);
    uint64_t length = UINT64_MAX;
    if (o.facts->type == js_array_type_) length = ReadJsArrayLength(heap_, o.address);
    receiver_slots_.ElementWords(o, mi, length, 1 << 22, &elements_buf_);
    for (const auto& [index, word] : elements_buf_) AddEdge(kElement, index, word);
  }

  void ContextEdges(const ObjectRef& o) {
    ContextInfo c = ReadContext(heap_, o.address);
    const ContextLayout& cl = heap_.LayoutOf<ContextLayout>();
    Named(o, cl.header + 8 * cl.idx_scope_info, "scope_info");
    Named(o, cl.header + 8 * cl.idx_previous, "previous");
    if (c.has_extension) Named(o, cl.header + 16, "extension");
    for (const ContextVariable& v : c.variables) {
      const uint64_t offset = static_cast<uint64_t>(cl.header) + 8 * static_cast<uint64_t>(v.slot);
      visited_.push_back(offset);
      AddEdge(kContext, strings_.Id(v.name), v.raw);
    }
  }

  bool IsAccessorPair(const Tagged& value) {
    if (value.kind != Tagged::Kind::kStrong) return false;
    try {
      return walker_.sizer().types().Name(heap_.InstanceTypeOf(value.address)) == "ACCESSOR_PAIR_TYPE";
    } catch (const Error&) {
      return false;
    }
  }

  // A property key as V8's snapshot names it: the string, or "<symbol desc>" ("<symbol>" without one).
  std::string KeyName(const Tagged& key) {
    try {
      KeyText k = ReadKey(heap_, key);
      if (!k.is_symbol) return k.text;
      SymbolInfo info = ReadSymbol(heap_, key.address, kMaxName);
      return info.description ? "<symbol " + Utf16ToUtf8(info.description->units) + ">" : "<symbol>";
    } catch (const Error&) {
      return "?";
    }
  }

  // The ids of the names every object repeats, without hashing their text
  // per edge (39 M edges on the benchmark heap): fixed names by the
  // literal's address, slot indexes by number, keys by their tagged word
  // (names and symbols of a stopped heap do not change).
  uint32_t FixedId(const char* literal) {
    // A direct-mapped cache in front of the map: a few literals name most edges.
    FixedCache& hit = fixed_cache_[(reinterpret_cast<uintptr_t>(literal) >> 3) % kFixedCache];
    if (hit.literal == literal) return hit.id;
    auto [it, added] = fixed_ids_.try_emplace(literal, 0);
    if (added) it->second = strings_.Id(literal);
    hit = {literal, it->second};
    return it->second;
  }
  uint32_t IndexId(uint64_t index) {
    if (index >= index_ids_.size()) {
      if (index >= kMaxIndexIds) return strings_.Id(std::to_string(index));
      index_ids_.resize(index + 1, UINT32_MAX);
    }
    if (index_ids_[index] == UINT32_MAX) index_ids_[index] = strings_.Id(std::to_string(index));
    return index_ids_[index];
  }
  uint32_t KeyId(const Tagged& key) {
    auto [it, added] = key_ids_.try_emplace(key.raw, 0);
    if (added) it->second = strings_.Id(KeyName(key));
    return it->second;
  }

  // An internal edge named `name` for the field at `offset` (if any).
  void Named(const ObjectRef& o, int64_t offset, const char* name) {
    if (offset < 8 || static_cast<uint64_t>(offset) + 8 > o.available) return;
    uint64_t w;
    std::memcpy(&w, o.bytes + offset, 8);
    visited_.push_back(static_cast<uint64_t>(offset));
    AddEdge(kInternal, FixedId(name), w);
  }

  // V8 13+: the function's Code from the JSDispatchTable, as V8's "code" edge.
  void DispatchedCode(const ObjectRef& o, uint32_t handle) {
    if (!dispatch_tables_ || !o.page) return;
    auto table = dispatch_tables_->find(o.page->heap);
    if (table == dispatch_tables_->end()) return;
    const uint64_t code = table->second.CodeOf(heap_.memory(), handle, tag_);
    if (code) AddEdge(kInternal, FixedId("code"), code);
  }

  // An edge to what `raw` refers to, if it is a walked object; weak refs become weak edges.
  void AddEdge(int type, uint64_t name_or_index, uint64_t raw) {
    if ((raw & 1) == 0) return;  // a Smi
    const bool weak = (raw & 2) != 0;
    const int64_t to = IndexOf((raw & ~uint64_t{2}) - tag_);
    if (to < 0) {
      ++dangling;
      return;
    }
    if (no_edges_to_[static_cast<size_t>(to) - first_object_index_] && !JsValueEdge(type, raw)) return;
    if (weak && type == kInternal) type = kWeak;
    edges_buf_.push_back({type, name_or_index, static_cast<uint64_t>(to)});
  }

  // A function's prototype as V8 shows it: a "prototype" property edge, to
  // the slot's object, or, when the slot holds the initial map, to that
  // map's prototype (the map itself an internal "initial_map" edge).
  void FunctionPrototype(const ObjectRef& o, int64_t offset) {
    if (offset < 8 || static_cast<uint64_t>(offset) + 8 > o.available) return;
    uint64_t w;
    std::memcpy(&w, o.bytes + offset, 8);
    visited_.push_back(static_cast<uint64_t>(offset));
    if ((w & 3) != 1) return;
    try {
      if (heap_.InstanceTypeOf(w - tag_) == heap_.layout().map_type) {
        AddEdge(kInternal, FixedId("initial_map"), w);
        MapInfo mi = ReadMap(heap_, w - tag_);
        if (mi.prototype.kind == Tagged::Kind::kStrong) AddEdge(kProperty, FixedId("prototype"), mi.prototype.raw);
        return;
      }
    } catch (const Error&) {
      AddEdge(kInternal, FixedId("prototype_or_initial_map"), w);
      return;
    }
    AddEdge(kProperty, FixedId("prototype"), w);  // the hole makes no edge
  }

  // A property, element or context variable whose value is undefined,
  // null, true or false (V8 lists those, and no internal edge to them).
  bool JsValueEdge(int type, uint64_t raw) const {
    if (type != kProperty && type != kElement && type != kContext) return false;
    const uint64_t a = raw - tag_;
    return std::find(js_value_oddballs_.begin(), js_value_oddballs_.end(), a) != js_value_oddballs_.end();
  }

  // An accessor property's getter and setter as "get NAME" and "set NAME"
  // property edges from the holder, besides the edge to its AccessorPair.
  void AccessorEdges(const OwnProperty& p) {
    for (const auto& [offset, prefix] : {std::pair<int64_t, const char*>{accessor_getter_, "get "},
                                         std::pair<int64_t, const char*>{accessor_setter_, "set "}}) {
      if (offset < 0) continue;
      uint64_t w = 0;
      if (!heap_.memory().Read(p.value.address + offset, &w, 8) || (w & 1) == 0) continue;
      const int64_t to = IndexOf((w & ~uint64_t{2}) - tag_);
      if (to < 0 || no_edges_to_[static_cast<size_t>(to) - first_object_index_]) continue;  // null getters are oddballs
      edges_buf_.push_back({kProperty, strings_.Id(prefix + KeyName(p.key)), static_cast<uint64_t>(to)});
    }
  }

  // The map, then every tagged slot not named above.
  void Slots(const ObjectRef& o) {
    AddEdge(kInternal, FixedId("map"), o.map);
    std::sort(visited_.begin(), visited_.end());
    ForEachSlot(heap_, plan_, o, [&](uint64_t off, uint64_t w) {
      if ((w & 1) == 0 || std::binary_search(visited_.begin(), visited_.end(), off)) return;
      AddEdge((w & 2) ? kWeak : kInternal, IndexId(off / 8), w);
    });
  }

  const uint64_t first_object_index_;
  Heap& heap_;
  HeapWalker& walker_;
  ObjectNamer& namer_;
  const std::vector<uint64_t>& order_;
  const std::vector<bool>& no_edges_to_;
  const std::vector<uint64_t>& js_value_oddballs_;
  GraphStrings& strings_;
  GraphSink& sink_;
  SlotPlan plan_;
  AddressIndex index_;  // address -> walk position
  // By walk position: what holds the object, for its name. role_: 0, or
  // kPropertiesStore / kElementsStore (a JS object's backing store);
  // owner_tag_: 0, or 1 + the OwnerTag V8 names it after (kOwnerTags).
  static constexpr uint8_t kPropertiesStore = 1, kElementsStore = 2;
  std::vector<uint8_t> role_, owner_tag_;
  uint64_t tag_ = 1;
  int first_receiver_ = 0x400, js_array_type_ = -1, native_context_type_ = -1;
  std::vector<int8_t> kinds_ = std::vector<int8_t>(1 << 16, -1);  // Kind by instance type; -1 not yet known
  std::unordered_set<int> collections_;
  size_t position_ = 0;
  std::vector<GraphEdge> edges_buf_;
  std::vector<uint64_t> visited_;
  ReceiverSlots receiver_slots_;
  std::vector<OwnProperty> properties_buf_;
  std::vector<std::pair<uint64_t, uint64_t>> elements_buf_;
  static constexpr uint64_t kMaxIndexIds = 1 << 16;
  std::unordered_map<const char*, uint32_t> fixed_ids_;
  struct FixedCache {
    const char* literal = nullptr;
    uint32_t id = 0;
  };
  static constexpr size_t kFixedCache = 64;
  FixedCache fixed_cache_[kFixedCache];
  std::vector<uint32_t> index_ids_;
  std::unordered_map<uint64_t, uint32_t> key_ids_;
  std::vector<uint32_t> class_name_ids_, system_name_ids_;  // by census class
  uint32_t name_id_ = UINT32_MAX;  // the node's name when Describe named it by id
  std::string name_buf_;           // the node's name when Describe gave its text
  struct Pending {
    int type = 0;
    uint32_t name_id = UINT32_MAX;
    uint64_t id = 0, self_size = 0;
    std::string name;
    GraphStrings::Key key;
    std::vector<GraphEdge> edges;
    bool full = false;
  };
  static constexpr size_t kRing = 8;
  Pending ring_[kRing];
  size_t ring_next_ = 0;  // nodes pended so far
  int sfi_type_ = -1;
  bool read_only_size_zero_ = false, names_oddballs_ = false;
  int64_t accessor_getter_ = -1, accessor_setter_ = -1;  // AccessorPair's fields
  const BuiltinNames* builtin_code_names_ = nullptr;
  const DispatchTables* dispatch_tables_ = nullptr;
};

}  // namespace

std::string GraphReport::RootsSummary() const {
  auto count = [](uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::string s = "GC roots: " + count(native_contexts, "native context", "native contexts") + ", " +
                  count(internalized, "internalized string", "internalized strings") + ", " +
                  count(external_strings, "external string", "external strings") + ", " +
                  count(read_only_roots + strong_roots, "root", "roots") + " (" + std::to_string(read_only_roots) +
                  " read-only, " + std::to_string(strong_roots) + " strong), " + count(builtins, "builtin", "builtins") +
                  ", " + count(global_strong + global_weak, "global handle", "global handles") + " (" +
                  std::to_string(global_strong) + " strong, " + std::to_string(global_weak) + " weak), " +
                  count(eternal, "eternal handle", "eternal handles") + ", " +
                  count(object_caches, "object cache entry", "object cache entries") +
                  (stacks ? ", " + count(stack_roots, "stack root", "stack roots") + " (" + count(stacks, "thread", "threads") +
                                "); not read: the threads' handle scopes, the embedder's native nodes\n"
                          : "; not read: the threads' handle scopes and stacks, the embedder's native nodes\n");
  for (const std::string& note : root_notes) s += "  " + note + "\n";
  return s;
}

GraphReport BuildHeapGraph(HeapWalker& walker, ObjectNamer& namer, GraphStrings& strings, GraphSink& sink,
                           const ProgressFn& progress, const GraphOptions& options) {
  Heap& heap = walker.heap();
  if (walker.pages().pages.empty()) throw Error("no V8 heap pages found: nothing to snapshot");
  GraphReport report;
  const bool holes_inessential = !heap.rules().snapshot_edges_to_holes() || options.names.roots.empty();
  AddressCollector collector(walker, NativeContextType(heap).value_or(-1), holes_inessential);
  report.walk = walker.Walk(collector, progress, options.heap);
  if (report.walk.cancelled) {
    report.cancelled = true;
    return report;
  }
  // Many strings share their text: about half of them, and the other names.
  strings.Reserve(collector.strings / 2 + collector.order.size() / 32);
  RootFacts facts;
  std::vector<uint64_t> heaps = walker.pages().heaps;
  if (options.heap) heaps = {options.heap};
  std::vector<RootGroup> groups =
      ReadRootGroups(walker, heaps, collector.internalized_strings, collector.external_strings, options.names, facts,
                     &report);
  if (!options.stack_pointers.empty()) {
    groups.push_back(ReadStackRoots(heap.memory(), options.stack_pointers, heap.layout().tagging.heap_object_tag,
                                    &report));
  }
  GraphBuilder builder(walker, namer, collector, strings, sink, kGcRootsIndex + 1 + groups.size());
  GraphBuilder::BuiltinNames builtin_code;
  for (const auto& [code, name] : facts.builtin_code) builtin_code.emplace(code, strings.Id(name));
  builder.set_builtin_code_names(&builtin_code);
  GraphBuilder::DispatchTables dispatch_tables;
  for (const auto& [h, handles] : collector.dispatch_samples) {
    JSDispatchTable table = FindJSDispatchTable(heap, walker.pages(), h, handles);
    if (table.base) dispatch_tables.emplace(h, table);
  }
  builder.set_dispatch_tables(&dispatch_tables);
  for (uint64_t a : facts.inessential) {
    const int64_t index = builder.IndexOf(a);
    if (index >= 0) collector.no_edges_to[static_cast<size_t>(index) - (kGcRootsIndex + 1 + groups.size())] = true;
  }
  // The synthetic root: (GC roots) and a shortcut to each native context's
  // global object. (GC roots): each root group, then the native contexts.
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  std::vector<GraphEdge> root{{kElement, 1, kGcRootsIndex}}, gc_roots;
  for (size_t g = 0; g < groups.size(); ++g) gc_roots.push_back({kElement, g + 1, kGcRootsIndex + 1 + g});
  for (uint64_t nc : collector.native_contexts) {
    const int64_t index = builder.IndexOf(nc);
    if (index >= 0) gc_roots.push_back({kElement, gc_roots.size() + 1, static_cast<uint64_t>(index)});
    try {
      ContextInfo c = ReadContext(heap, nc);
      const int64_t global = (c.global_object & 1) ? builder.IndexOf(c.global_object - tag) : -1;
      if (global >= 0) root.push_back({kShortcut, strings.Id(std::to_string(root.size() + 1)), static_cast<uint64_t>(global)});
    } catch (const Error&) {
    }
  }
  report.native_contexts = collector.native_contexts.size();
  builder.Emit(kSynthetic, strings.Id(""), 1, 0, root);
  builder.Emit(kSynthetic, strings.Id("(GC roots)"), 3, 0, gc_roots);
  for (size_t g = 0; g < groups.size(); ++g) {
    std::vector<GraphEdge> edges;
    const RootGroup& group = groups[g];
    for (size_t i = 0; i < group.values.size(); ++i) {
      const auto [w, weak] = group.values[i];
      const int64_t index = (w & 1) ? builder.IndexOf((w & ~uint64_t{2}) - tag) : -1;
      if (index < 0) continue;
      std::string name = std::to_string(edges.size() + 1);
      if (auto root = facts.root_names.find(w); root != facts.root_names.end()) {
        name = root->second;
      } else if (i < group.descriptions.size() && !group.descriptions[i].empty()) {
        name += " / " + group.descriptions[i];
      }
      edges.push_back({weak ? kWeak : kInternal, strings.Id(name), static_cast<uint64_t>(index)});
    }
    if (group.name == "(Stack roots)") report.stack_roots = edges.size();
    builder.Emit(kSynthetic, strings.Id(groups[g].name), 5 + 2 * g, 0, edges);
  }
  report.walk = walker.Walk(builder, progress, options.heap);
  builder.Flush();
  report.cancelled = report.walk.cancelled;
  report.nodes = builder.node_count;
  report.edges = builder.edge_count;
  report.dangling = builder.dangling;
  return report;
}

}  // namespace nodegdb
