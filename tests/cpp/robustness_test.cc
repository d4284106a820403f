// Damaged heaps: each test reproduces a bug the fuzzer (fuzz/) or the damaged
// core (tests/fixtures/corrupt.js) found, on a synthetic heap with Node 20's
// layout, and checks that the damage stays local: one clear error for the
// damaged object, everything around it intact, and every walk bounded.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/bytecode/bytecode_array.h"
#include "core/v8/js_object.h"
#include "core/view/js_view.h"
#include "core/v8/map.h"
#include "core/node/node_env.h"
#include "core/v8/property.h"
#include "core/v8/string.h"
#include "core/view/v8_view.h"
#include "fake_heap.h"

namespace nodegdb {
namespace {

constexpr int kFixedArrayType = 175, kJSObjectType = 1057, kJSArrayType = 2113;
constexpr int kJSArrayBufferType = 2062, kJSPrimitiveWrapperType = 1041;

std::map<std::string, int64_t> ObjectConstants() {
  auto c = testing::Node20Constants();
  std::map<std::string, int64_t> extra = {
      {"v8dbg_type_FixedArray__FIXED_ARRAY_TYPE", kFixedArrayType},
      {"v8dbg_type_JSObject__JS_OBJECT_TYPE", kJSObjectType},
      {"v8dbg_type_JSArray__JS_ARRAY_TYPE", kJSArrayType},
      {"v8dbg_type_JSProxy__JS_PROXY_TYPE", 278},
      {"v8dbg_type_JSArrayBuffer__JS_ARRAY_BUFFER_TYPE", kJSArrayBufferType},
      {"v8dbg_type_JSPrimitiveWrapper__JS_PRIMITIVE_WRAPPER_TYPE", kJSPrimitiveWrapperType},
      {"v8dbg_class_FixedArray__data__uintptr_t", 16}, {"v8dbg_class_FixedArrayBase__length__SMI", 8},
      {"v8dbg_class_JSReceiver__raw_properties_or_hash__Object", 8},
      {"v8dbg_class_JSObject__elements__Object", 16}, {"v8dbg_class_JSObject__internal_fields__uintptr_t", 24},
      {"v8dbg_class_Map__bit_field__char", 14}, {"v8dbg_class_Map__bit_field2__char", 15},
      {"v8dbg_class_Map__bit_field3__int", 16}, {"v8dbg_class_Map__prototype__Object", 24},
      {"v8dbg_class_Map__constructor_or_back_pointer__Object", 32},
      {"v8dbg_class_Map__instance_descriptors__DescriptorArray", 40},
      {"v8dbg_class_Map__inobject_properties_start_or_constructor_function_index__char", 9},
      {"v8dbg_bit_field2_elements_kind_mask", 252}, {"v8dbg_bit_field2_elements_kind_shift", 2},
      {"v8dbg_bit_field3_number_of_own_descriptors_mask", 1047552},
      {"v8dbg_bit_field3_number_of_own_descriptors_shift", 10},
      {"v8dbg_bit_field3_is_dictionary_map_shift", 21},
      {"v8dbg_class_DescriptorArray__header_size__uintptr_t", 24},
      {"v8dbg_elements_dictionary_elements", 13},
  };
  for (auto& [k, v] : extra) c[k] = v;
  return c;
}

std::map<std::string, int64_t> WithOverrides(const std::map<std::string, int64_t>& overrides) {
  auto c = ObjectConstants();
  for (auto& [k, v] : overrides) c[k] = v;
  return c;
}

// Objects, arrays and maps laid out as Node 20 does.
class ObjectHeap {
 public:
  static constexpr uint64_t kBase = 0x30000000;
  // `overrides`: constants that differ from Node 20's (a foreign or damaged binary).
  explicit ObjectHeap(const std::map<std::string, int64_t>& overrides = {})
      : metadata_(Metadata::FromTable(WithOverrides(overrides), {}, 11)) {
    memory_.Map(kBase, std::vector<uint8_t>(kSize, 0));
    meta_map_ = Allocate(80);
    Put64(meta_map_, Tag(meta_map_));
    Put16(meta_map_ + 12, 255);
    heap_ = std::make_unique<Heap>(memory_, metadata_);
    undefined_ = Object(131, 48);
    Put64(undefined_ + 40, Smi(5));
    null_ = Object(131, 48);
    Put64(null_ + 40, Smi(3));
    empty_array_ = FixedArray({});
  }
  Heap& heap() { return *heap_; }

  static uint64_t Tag(uint64_t a) { return a + 1; }
  static uint64_t Smi(int64_t v) { return static_cast<uint64_t>(v) << 32; }

  uint64_t Allocate(size_t size) {
    uint64_t a = kBase + used_;
    used_ += (size + 7) & ~size_t{7};
    return a;
  }
  // A map of `type` with `words` instance size and an elements kind.
  uint64_t Map(int type, int words, int elements_kind = 2) {
    uint64_t m = Allocate(80);
    Put64(m, Tag(meta_map_));
    Put8(m + 8, static_cast<uint8_t>(words));
    Put8(m + 9, static_cast<uint8_t>(words));  // no in-object properties
    Put16(m + 12, static_cast<uint16_t>(type));
    Put8(m + 15, static_cast<uint8_t>(elements_kind << 2));
    Put64(m + 24, Tag(null_));       // prototype
    Put64(m + 32, Tag(undefined_));  // constructor
    Put64(m + 40, Tag(empty_array_ ? empty_array_ : m));  // no descriptors
    return m;
  }
  uint64_t Object(int type, size_t size) {
    uint64_t a = Allocate(size);
    Put64(a, Tag(Map(type, 0)));
    return a;
  }
  uint64_t FixedArray(const std::vector<uint64_t>& slots) {
    uint64_t a = Allocate(16 + 8 * slots.size());
    Put64(a, Tag(fixed_array_map_ ? fixed_array_map_ : (fixed_array_map_ = Map(kFixedArrayType, 0))));
    Put64(a + 8, Smi(static_cast<int64_t>(slots.size())));
    for (size_t i = 0; i < slots.size(); i++) Put64(a + 16 + 8 * i, slots[i]);
    return a;
  }
  // A JSArray of PACKED_ELEMENTS holding `elements`.
  uint64_t JSArray(const std::vector<uint64_t>& elements) {
    uint64_t store = FixedArray(elements);
    uint64_t a = Allocate(32);
    Put64(a, Tag(Map(kJSArrayType, 4)));
    Put64(a + 8, Tag(empty_array_));
    Put64(a + 16, Tag(store));
    Put64(a + 24, Smi(static_cast<int64_t>(elements.size())));
    return a;
  }
  // A JS object of `type` with `words` words (map, properties, elements, fields).
  uint64_t Receiver(int type, int words) {
    uint64_t a = Allocate(8 * static_cast<size_t>(words));
    Put64(a, Tag(Map(type, words)));
    Put64(a + 8, Tag(empty_array_));
    Put64(a + 16, Tag(empty_array_));
    return a;
  }
  uint64_t undefined() const { return Tag(undefined_); }
  uint64_t String(const std::string& s) {
    uint64_t a = Object(40, 16 + s.size());
    Put32(a + 12, static_cast<uint32_t>(s.size()));
    Write(a + 16, s.data(), s.size());
    return a;
  }

  void Write(uint64_t a, const void* p, size_t n) { std::memcpy(memory_.Region(kBase).data() + (a - kBase), p, n); }
  void Put64(uint64_t a, uint64_t v) { Write(a, &v, 8); }
  void Put32(uint64_t a, uint32_t v) { Write(a, &v, 4); }
  void Put16(uint64_t a, uint16_t v) { Write(a, &v, 2); }
  void Put8(uint64_t a, uint8_t v) { Write(a, &v, 1); }

 private:
  static constexpr size_t kSize = 8 << 20;
  BufferMemory memory_;
  Metadata metadata_;
  std::unique_ptr<Heap> heap_;
  uint64_t meta_map_ = 0, undefined_ = 0, null_ = 0, empty_array_ = 0, fixed_array_map_ = 0;
  size_t used_ = 0;
};

TEST(DamagedHeapTest, ADamagedElementDoesNotHideTheOthers) {
  ObjectHeap h;
  uint64_t damaged = h.String("damaged");
  h.Put64(damaged, 0x4141414141414141);  // its map word is garbage
  uint64_t array = h.JSArray({ObjectHeap::Smi(1), ObjectHeap::Tag(damaged), ObjectHeap::Tag(h.String("ok"))});
  MapInfo map = ReadMap(h.heap(), h.heap().MapOf(array));
  ElementList list = ReadElements(h.heap(), array, map, 3, 100);
  ASSERT_EQ(list.items.size(), 3u);
  EXPECT_EQ(list.items[1].second.raw, ObjectHeap::Tag(damaged));

  std::string text = JsView(h.heap(), InspectOptions{}).Format(ObjectHeap::Tag(array));
  EXPECT_NE(text.find("1,"), std::string::npos) << text;
  EXPECT_NE(text.find("<error: "), std::string::npos) << text;
  EXPECT_NE(text.find("'ok'"), std::string::npos) << text;
  std::string v8 = V8View(h.heap()).DebugPrint(ObjectHeap::Tag(array));
  EXPECT_NE(v8.find("<unreadable: "), std::string::npos) << v8;
}

// Counts reads, to check that a walk over damage ends quickly.
class CountingMemory : public Memory {
 public:
  explicit CountingMemory(Memory& inner) : inner_(inner) {}
  bool Read(uint64_t address, void* out, size_t size) override {
    reads++;
    return inner_.Read(address, out, size);
  }
  std::string Describe() const override { return "counting"; }
  size_t reads = 0;

 private:
  Memory& inner_;
};

TEST(DamagedHeapTest, ACyclicConsStringStopsAfterAFewStepsPerCharacter) {
  testing::FakeHeap f;
  uint64_t leaf = f.SeqOneByte("0123456789");
  uint64_t c = f.Cons(leaf, leaf, 77);
  f.Put64(c + 16, testing::FakeHeap::Tag(c));  // both parts are the string itself
  f.Put64(c + 24, testing::FakeHeap::Tag(c));
  CountingMemory counting(f.memory());
  Heap heap(counting, f.metadata());
  try {
    ReadString(heap, c, 10000);
    FAIL() << "expected an error";
  } catch (const CorruptObject& e) {
    EXPECT_NE(std::string(e.what()).find("cyclic or corrupt cons string"), std::string::npos) << e.what();
  }
  // It used to walk 4 million parts (seconds in GDB) before giving up.
  EXPECT_LT(counting.reads, 20000u);
  // A deep but real tree of the same kind still reads: 2000 levels of +=.
  uint64_t s = f.SeqOneByte("start");
  for (int i = 0; i < 2000; i++) s = f.Cons(s, f.SeqOneByte("x"), 5 + i + 1);
  EXPECT_EQ(ReadString(f.heap(), s, 100000).units.size(), 2005u);
}

// Records the largest read asked for.
class LargestReadMemory : public Memory {
 public:
  explicit LargestReadMemory(Memory& inner) : inner_(inner) {}
  bool Read(uint64_t address, void* out, size_t size) override {
    largest = std::max(largest, size);
    return inner_.Read(address, out, size);
  }
  std::string Describe() const override { return "largest read"; }
  size_t largest = 0;

 private:
  Memory& inner_;
};

TEST(DamagedHeapTest, ACorruptStringLengthFailsBeforeAllocatingForIt) {
  testing::FakeHeap f;
  uint64_t s = f.SeqOneByte("short");
  f.Put32(s + 12, 1u << 29);  // a plausible length, but its characters are not in memory
  LargestReadMemory memory(f.memory());
  Heap heap(memory, f.metadata());
  try {
    ReadString(heap, s, size_t{1} << 30);  // `set v8 string-length unlimited`
    FAIL() << "expected an error";
  } catch (const ReadError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read 536870912 bytes"), std::string::npos) << e.what();
  }
  EXPECT_LE(memory.largest, 8u);  // only probes: nothing was allocated for 2^29 characters
}

TEST(DamagedHeapTest, StringErrorsNameTheTaggedPointer) {
  testing::FakeHeap f;
  uint64_t s = f.SeqOneByte("abc");
  f.Put32(s + 12, 0xfffffff0);
  try {
    ReadString(f.heap(), s, 100);
    FAIL() << "expected an error";
  } catch (const CorruptObject& e) {
    EXPECT_EQ(std::string(e.what()), "string " + Hex(s + 1) + " has an impossible length -16");
  }
}

TEST(DamagedHeapTest, AnArrayBufferWithACorruptLengthIsAReadError) {
  ObjectHeap h;
  uint64_t buffer = h.Receiver(kJSArrayBufferType, 8);
  h.Put64(buffer + 32, uint64_t{1} << 40);  // byte_length
  h.Put64(buffer + 48, 0x7f0000000000);     // backing store: not in the core
  InspectOptions unlimited;
  unlimited.max_array_length = size_t{1} << 30;  // `set v8 array-length unlimited`
  try {
    JsView(h.heap(), unlimited).Format(ObjectHeap::Tag(buffer));
    FAIL() << "expected an error";
  } catch (const ReadError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read 1073741825 bytes at 0x7f0000000000"), std::string::npos)
        << e.what();
  }
}

TEST(DamagedHeapTest, ABoxedPrimitiveHoldingItselfIsAnErrorNotARecursion) {
  ObjectHeap h;
  uint64_t wrapper = h.Receiver(kJSPrimitiveWrapperType, 4);
  h.Put64(wrapper + 24, ObjectHeap::Tag(wrapper));
  try {
    JsView(h.heap(), InspectOptions{}).Format(ObjectHeap::Tag(wrapper));
    FAIL() << "expected an error";
  } catch (const CorruptObject& e) {
    EXPECT_NE(std::string(e.what()).find("not a primitive"), std::string::npos) << e.what();
  }
  uint64_t number = h.Receiver(kJSPrimitiveWrapperType, 4);
  h.Put64(number + 24, ObjectHeap::Smi(42));
  EXPECT_EQ(JsView(h.heap(), InspectOptions{}).Format(ObjectHeap::Tag(number)), "[Number (null prototype): 42]");
}

TEST(DamagedMetadataTest, ImpossibleShiftsAreDroppedAndAnImpossibleSmiShiftIsAnError) {
  auto c = ObjectConstants();
  c["v8dbg_bit_field2_elements_kind_shift"] = 224;
  c["v8dbg_prop_index_shift"] = -1;
  Metadata md = Metadata::FromTable(c);
  EXPECT_FALSE(md.Find("v8dbg_bit_field2_elements_kind_shift"));
  EXPECT_FALSE(md.Find("v8dbg_prop_index_shift"));
  EXPECT_EQ(*md.Find("v8dbg_SmiShiftSize"), 31);
  // A map decodes with what is left (no undefined shift).
  ObjectHeap h;
  BufferMemory empty;
  Heap heap(empty, md);
  EXPECT_THROW(ReadMap(heap, 0x1000), ReadError);

  // A shift that is a bit position, but not one of a 32-bit field.
  ObjectHeap wide({{"v8dbg_bit_field3_is_dictionary_map_shift", 37}});
  uint64_t object = wide.Receiver(kJSObjectType, 3);
  EXPECT_FALSE(ReadMap(wide.heap(), wide.heap().MapOf(object)).dictionary_map);

  c = ObjectConstants();
  c["v8dbg_SmiValueShift"] = 40;  // 31 + 40 bits: not a Smi layout
  Metadata bad = Metadata::FromTable(c);
  try {
    Heap smi(empty, bad);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("impossible Smi shift of 71"), std::string::npos) << e.what();
  }
}

TEST(DamagedBytecodeTest, SourcePositionDeltasThatOverflowEndTheTable) {
  // Two entries whose code offset deltas add up past 2^63.
  std::vector<uint8_t> table;
  auto varint = [&](uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      table.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
    } while (v);
  };
  for (int i = 0; i < 2; i++) {
    varint(uint64_t{0x7ffffffffffffff0} << 1);  // zigzag of a huge positive delta
    varint(2);
  }
  EXPECT_THROW(DecodeSourcePositions(table.data(), table.size(), false), CorruptObject);
  table.clear();
  varint(uint64_t{1} << 62);  // V8 14: an unsigned delta shifted by two
  varint(2);
  EXPECT_THROW(DecodeSourcePositions(table.data(), table.size(), true), CorruptObject);
}

TEST(GlobalDictionaryTest, EntriesStartAfterATwoSlotPrefix) {
  // Found on the damaged core, on intact data: every global object (the
  // native context's extension) failed with "hash table ... has a capacity
  // that does not fit its length" since the prefix was taken as 3 slots.
  ObjectHeap h;
  auto cell = [&](const std::string& name, int64_t value, int enumeration_index) {
    uint64_t c = h.Object(200, 32);  // PropertyCell: map, name, details, value
    h.Put64(c + 8, ObjectHeap::Tag(h.String(name)));
    h.Put64(c + 16, ObjectHeap::Smi(int64_t{enumeration_index} << 8));
    h.Put64(c + 24, ObjectHeap::Smi(value));
    return ObjectHeap::Tag(c);
  };
  // Element count, deleted count, capacity, next enumeration index, hash; 4 entries.
  uint64_t dict = h.FixedArray({ObjectHeap::Smi(2), ObjectHeap::Smi(0), ObjectHeap::Smi(4), ObjectHeap::Smi(3),
                                ObjectHeap::Smi(0), h.undefined(), cell("second", 2, 2), cell("first", 1, 1),
                                h.undefined()});
  std::vector<PropertyEntry> entries = ReadGlobalDictionary(h.heap(), dict, 100);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].value.smi, 1);
  EXPECT_EQ(entries[1].value.smi, 2);
}

TEST(DamagedHeapTest, ANumberDictionaryKeyThatIsNoIndexIsSkipped) {
  ObjectHeap h;
  auto number = [&](double v) {
    uint64_t n = h.Object(130, 16);
    h.Write(n + 8, &v, 8);
    return ObjectHeap::Tag(n);
  };
  // Element count, deleted, capacity 4, max number key; entries of key, value, details.
  uint64_t dict = h.FixedArray({ObjectHeap::Smi(4), ObjectHeap::Smi(0), ObjectHeap::Smi(4), ObjectHeap::Smi(0),
                                number(std::nan("")), ObjectHeap::Smi(1), ObjectHeap::Smi(0),
                                number(-1e300), ObjectHeap::Smi(2), ObjectHeap::Smi(0),
                                number(3e9), ObjectHeap::Smi(3), ObjectHeap::Smi(0),
                                ObjectHeap::Smi(7), ObjectHeap::Smi(4), ObjectHeap::Smi(0)});
  std::vector<NumberEntry> entries = ReadNumberDictionary(h.heap(), dict, 100);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].index, 7u);
  EXPECT_EQ(entries[1].index, 3000000000u);
}

TEST(DamagedNodeTest, AnEnvironmentWithADamagedQueueElementIsStillFound) {
  // Found on the damaged core: the first request's next_ was garbage, and
  // the whole Environment was dropped, with its intact handle queue.
  BufferMemory memory;
  constexpr uint64_t kEnv = 0x50000;
  memory.Map(kEnv, std::vector<uint8_t>(0x1000));
  auto set = [&](uint64_t address, uint64_t value) {
    std::memcpy(memory.Region(kEnv).data() + (address - kEnv), &value, 8);
  };
  NodeLayout layout;
  layout.env_handle_queue = 0x100;
  layout.env_req_queue = 0x200;
  const uint64_t handles = kEnv + 0x100, reqs = kEnv + 0x200, a = kEnv + 0x400, b = kEnv + 0x500, x = kEnv + 0x600;
  // handles: head <-> a <-> b <-> head; requests: head <-> x, x.next_ garbage.
  set(handles + 8, a), set(handles, b), set(a + 8, b), set(a, handles), set(b + 8, handles), set(b, a);
  set(reqs + 8, x), set(reqs, x), set(x, reqs), set(x + 8, 0x4141414141414140);
  EXPECT_EQ(CheckEnvironment(memory, layout, kEnv), "");
  // Both queues damaged next to their heads, one way each: still found.
  set(b + 8, b);  // the last handle's next_ points to itself
  EXPECT_EQ(CheckEnvironment(memory, layout, kEnv), "");
  // A head linked neither way: not an Environment.
  set(handles, 0x4242424242424240), set(handles + 8, 0x4242424242424240);
  EXPECT_NE(CheckEnvironment(memory, layout, kEnv).find("is not a linked list head"), std::string::npos);
}

}  // namespace
}  // namespace nodegdb
