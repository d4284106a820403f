// The heap walk on synthetic V8 11 pages: pages found by their headers, an
// allocation buffer's unallocated tail left out, free space stepped over,
// a page not swept yet read through its mark bits, and an object of a type
// without a size formula ending its page's walk with the reason; and on
// such pages the searches over the walk: references to any of several
// targets (strong and weak, limited, counted per target) and the strings
// equal to a text with their holders.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/v8/heap.h"
#include "core/heap/address_index.h"
#include "core/heap/heap_graph.h"
#include "core/heap/heap_refs.h"
#include "core/heap/heap_snapshot.h"
#include "core/heap/heap_strings.h"
#include "core/heap/heap_walk.h"
#include "core/heap/isolate_roots.h"
#include "core/heap/js_dispatch_table.h"
#include "core/platform/memory.h"
#include "core/meta/metadata.h"
#include "core/view/json_writer.h"
#include "fake_heap.h"

namespace nodegdb::testing {
namespace {

constexpr uint64_t kChunk = 0x40000000;  // two pages: kChunk and kChunk + 256 KiB
constexpr uint64_t kHeap = 0x20000000;   // the Heap object; IsolateData below it
constexpr uint64_t kOwner = 0x20100000;  // the old space object
constexpr uint64_t kAreaOffset = 0x1148;
// Where a background thread's LocalHeap chain lives (see the LocalHeap test).
constexpr uint64_t kSafepoint = 0x21000000;
constexpr uint64_t kStack1 = 0x7f0000100000, kStack2 = 0x7f0000200000;
// The ReadOnlyHeap and the object caches' arrays (see the isolate roots test).
constexpr uint64_t kReadOnlyHeap = 0x22000000, kCaches = 0x23000000, kReadOnlyChunk = 0x40100000;
constexpr uint64_t kDispatchTable = 0x24000000;  // page aligned, as V8 reserves it

// BufferMemory that knows its ranges, as a core does.
class RangedMemory : public BufferMemory {
 public:
  std::vector<MemoryRange> Ranges() override {
    std::vector<MemoryRange> sorted = ranges_;
    std::sort(sorted.begin(), sorted.end(), [](const MemoryRange& a, const MemoryRange& b) { return a.start < b.start; });
    return sorted;
  }
  void Add(uint64_t address, size_t size) {
    Map(address, std::vector<uint8_t>(size, 0));
    ranges_.push_back({address, address + size});
  }
  bool Has(uint64_t base) const {
    return std::any_of(ranges_.begin(), ranges_.end(), [&](const MemoryRange& r) { return r.start == base; });
  }

 private:
  std::vector<MemoryRange> ranges_;
};

std::map<std::string, int64_t> Constants() {
  auto c = Node20Constants();
  c["v8dbg_type_FixedArray__FIXED_ARRAY_TYPE"] = 175;
  c["v8dbg_type_ByteArray__BYTE_ARRAY_TYPE"] = 190;
  c["v8dbg_type_FreeSpace__FREE_SPACE_TYPE"] = 251;
  c["v8dbg_type_JSObject__JS_OBJECT_TYPE"] = 1057;
  c["v8dbg_type_JSProxy__JS_PROXY_TYPE"] = 278;
  c["v8dbg_type_SwissNameDictionary__SWISS_NAME_DICTIONARY_TYPE"] = 262;
  c["v8dbg_class_FixedArrayBase__length__SMI"] = 8;
  c["v8dbg_class_FixedArray__data__uintptr_t"] = 16;
  c["v8dbg_type_Code__CODE_TYPE"] = 186;
  return c;
}

class HeapWalkTest : public ::testing::Test {
 protected:
  HeapWalkTest() : metadata_(Metadata::FromTable(Constants())) {
    memory_.Add(kChunk, 2 * kV8PageSize);
    memory_.Add(kHeap - 0x40000, 0x44000);
    memory_.Add(kOwner, 0x1000);
    Put(kOwner + 8, kHeap);
    Put(kOwner + 16, 2);  // OLD_SPACE
    for (uint64_t chunk : {kChunk, kChunk + kV8PageSize}) {
      Put(chunk + 0x00, kV8PageSize);              // size
      Put(chunk + 0x08, 0x4);                      // flags
      Put(chunk + 0x10, kHeap);
      Put(chunk + 0x18, chunk + kAreaOffset);      // area start
      Put(chunk + 0x20, chunk + kV8PageSize);      // area end
      Put(chunk + 0x40, kOwner);
    }
    // The page list: page 1 <-> page 2.
    Put(kChunk + 0x108, kChunk + kV8PageSize);
    Put(kChunk + kV8PageSize + 0x110, kChunk);
    heap_ = std::make_unique<Heap>(memory_, metadata_);
    cursor_ = kChunk + kAreaOffset;
    meta_map_ = NewMap(255, 80);
    Put(meta_map_, meta_map_ + 1);  // the meta map is its own map
    fixed_array_map_ = NewMap(175, 0);
    string_map_ = NewMap(40, 0);
    free_space_map_ = NewMap(251, 0);
    object_map_ = NewMap(1057, 32);
    mystery_map_ = NewMap(300, 0);  // a variable-sized type nothing names
  }

  void Put(uint64_t address, uint64_t value) { std::memcpy(Bytes(address), &value, 8); }
  uint8_t* Bytes(uint64_t address) {
    for (uint64_t base : {kChunk, kHeap - 0x40000, kOwner, kSafepoint, kStack1, kStack2, kReadOnlyHeap, kCaches, kReadOnlyChunk,
                          kDispatchTable}) {
      if (!memory_.Has(base)) continue;
      std::vector<uint8_t>& r = memory_.Region(base);
      if (address >= base && address < base + r.size()) return r.data() + (address - base);
    }
    ADD_FAILURE() << "no memory at " << Hex(address);
    static uint8_t sink[64];
    return sink;
  }
  uint64_t Smi(int64_t v) { return static_cast<uint64_t>(v) << 32; }
  uint64_t Take(uint64_t size) {
    uint64_t a = cursor_;
    cursor_ += size;
    return a;
  }
  uint64_t NewMap(uint16_t type, int instance_size) {
    uint64_t m = Take(80);
    Put(m, meta_map_ + 1);
    Bytes(m + 8)[0] = static_cast<uint8_t>(instance_size / 8);
    std::memcpy(Bytes(m + 12), &type, 2);
    return m;
  }
  uint64_t NewObject() {
    uint64_t o = Take(32);
    Put(o, object_map_ + 1);
    return o;
  }
  uint64_t NewString(const char* text, size_t length) {
    uint64_t str = Take((16 + length + 7) / 8 * 8);
    Put(str, string_map_ + 1);
    int32_t n = static_cast<int32_t>(length);
    std::memcpy(Bytes(str + 12), &n, 4);
    std::memcpy(Bytes(str + 16), text, length);
    return str;
  }
  // Ends both pages with free space.
  void EndPages() {
    NewFree(cursor_, kChunk + kV8PageSize - cursor_);
    NewFree(kChunk + kV8PageSize + kAreaOffset, kV8PageSize - kAreaOffset);
  }
  void NewFree(uint64_t address, uint64_t size) {
    Put(address, free_space_map_ + 1);
    Put(address + 8, Smi(static_cast<int64_t>(size)));
  }

  RangedMemory memory_;
  Metadata metadata_;
  std::unique_ptr<Heap> heap_;
  uint64_t cursor_;
  uint64_t meta_map_, fixed_array_map_, string_map_, free_space_map_, object_map_, mystery_map_;
};

// A sequential one-byte string (type 40 in V8 11) of `text`.
#define NEW_STRING(text) NewString(text, sizeof(text) - 1)

class Counter : public ObjectVisitor {
 public:
  void Visit(const ObjectRef& o) override {
    by_type[o.facts->type]++;
    addresses.push_back(o.address);
  }
  std::map<int, int> by_type;
  std::vector<uint64_t> addresses;
};

TEST_F(HeapWalkTest, WalksPagesLeavingOutAllocationBuffersAndGarbage) {
  // Page 1: the maps, a FixedArray[3], "hello", an object, 64 bytes of free
  // space, then an allocation buffer: two objects below its top, stale
  // bytes up to its limit, and free space to the end of the page.
  uint64_t array = Take(16 + 3 * 8);
  Put(array, fixed_array_map_ + 1);
  Put(array + 8, Smi(3));
  uint64_t str = Take(24);
  Put(str, string_map_ + 1);
  int32_t length = 5;
  std::memcpy(Bytes(str + 12), &length, 4);
  std::memcpy(Bytes(str + 16), "hello", 5);
  NewObject();
  NewFree(Take(64), 64);
  const uint64_t lab_start = cursor_;
  NewObject();
  NewObject();
  const uint64_t top = cursor_, limit = top + 0x1000;
  for (uint64_t a = top; a < limit; a += 8) Put(a, 0xdeadbeefdeadbeef);  // not objects
  NewFree(limit, kChunk + kV8PageSize - limit);
  // IsolateData: the old-space allocation buffer {start, top, limit}.
  Put(kHeap - 0x1000, lab_start);
  Put(kHeap - 0x1000 + 8, top);
  Put(kHeap - 0x1000 + 16, limit);

  // Page 2, not swept yet: three objects of which the last GC marked two;
  // the rest of the page is garbage.
  const uint64_t page2 = kChunk + kV8PageSize;
  Put(page2 + 0xe0, 1);  // sweeping pending
  cursor_ = page2 + kAreaOffset;
  uint64_t live1 = NewObject(), dead = NewObject(), live2 = NewObject();
  for (uint64_t live : {live1, live2}) {
    uint64_t bit = (live - page2) / 8;
    Bytes(page2 + 0x140 + bit / 8)[0] |= static_cast<uint8_t>(1u << (bit % 8));
  }
  for (uint64_t a = cursor_; a < page2 + kV8PageSize; a += 8) Put(a, 0x1234);  // garbage, never read

  HeapWalker walker(*heap_);
  Counter counter;
  WalkReport report = walker.Walk(counter);
  EXPECT_EQ(report.pages, 2u);
  EXPECT_EQ(report.heaps, 1u);
  EXPECT_TRUE(report.failed.empty()) << report.Summary();
  EXPECT_EQ(counter.by_type[255], 6);   // the maps (the meta map included)
  EXPECT_EQ(counter.by_type[175], 1);
  EXPECT_EQ(counter.by_type[40], 1);
  EXPECT_EQ(counter.by_type[1057], 1 + 2 + 2);
  EXPECT_EQ(counter.by_type.count(251), 0u);  // free space is not an object
  EXPECT_EQ(std::count(counter.addresses.begin(), counter.addresses.end(), dead), 0);
  EXPECT_EQ(report.skipped.at("allocation buffers not allocated into yet"), limit - top);
  EXPECT_EQ(report.free_bytes, 64 + (kChunk + kV8PageSize - limit));
  EXPECT_EQ(report.garbage_bytes, kV8PageSize - kAreaOffset - 2 * 32);
  EXPECT_EQ(report.objects, counter.addresses.size());
  EXPECT_NE(report.Summary().find("Every page was walked to its end."), std::string::npos);
}

// Background threads (concurrent compilers) bump allocation buffers of
// their own LocalHeaps, which live on their stacks, linked from the Heap's
// IsolateSafepoint: Heap -> safepoint -> LocalHeap -> next LocalHeap. What
// lies past such a buffer's top is stale (a dead object's body here) and
// must be left out, not end the page's walk.
TEST_F(HeapWalkTest, BuffersOfBackgroundLocalHeapsAreLeftOut) {
  memory_.Add(kSafepoint, 0x1000);
  memory_.Add(kStack1, 0x1000);
  memory_.Add(kStack2, 0x1000);
  const uint64_t local1 = kStack1 + 0x498, local2 = kStack2 + 0x498;
  Put(kHeap + 0xa80, kSafepoint);
  Put(kSafepoint + 0x28, kHeap);
  Put(kSafepoint + 0x40, local1);  // the list's head
  Put(local1, kHeap);
  Put(local1 + 0x20, local2);      // next
  Put(local2, kHeap);
  Put(local2 + 0x18, local1);      // prev
  for (uint64_t info : {local1 + 0x278, local2 + 0x370}) {  // MainAllocator::owned_allocation_info_
    const uint64_t start = cursor_;
    NewObject();
    const uint64_t top = cursor_, limit = top + 0x200;
    for (uint64_t a = top; a < limit; a += 8) Put(a, Smi(-1));  // not a map
    cursor_ = limit;
    Put(info - 8, info);  // allocation_info_ points at its own area
    Put(info, start);
    Put(info + 8, top);
    Put(info + 16, limit);
  }
  NewObject();
  EndPages();

  HeapWalker walker(*heap_);
  Counter counter;
  WalkReport report = walker.Walk(counter);
  EXPECT_TRUE(report.failed.empty()) << report.Summary();
  EXPECT_EQ(counter.by_type[1057], 3);
  EXPECT_EQ(report.skipped.at("allocation buffers not allocated into yet"), 2 * 0x200u);
}

// V8's own roots, found by shape (isolate_roots.h): in IsolateData before
// the Heap the roots table (read-only roots, then strong ones, then Smis)
// and the builtins table (Code objects) with its tier-0 copy; the
// ReadOnlyHeap's copy of the read-only roots, reached from the Heap; the
// startup and shareable object caches after the Heap, ended by undefined.
TEST_F(HeapWalkTest, IsolateRootsAreFoundByShape) {
  // A read-only page: no heap, no owner.
  const uint64_t ro = kReadOnlyChunk;
  memory_.Add(ro, kV8PageSize);
  Put(ro + 0x00, kV8PageSize);
  Put(ro + 0x18, ro + kAreaOffset);
  Put(ro + 0x20, ro + kV8PageSize);
  const uint64_t oddball_map = NewMap(131, 48), code_map = NewMap(186, 32);
  std::vector<uint64_t> strong, code;
  for (int i = 0; i < 12; ++i) strong.push_back(NewObject() + 1);
  for (int i = 0; i < 600; ++i) {
    code.push_back(Take(32) + 1);
    Put(code.back() - 1, code_map + 1);
  }
  EndPages();
  cursor_ = ro + kAreaOffset;
  const uint64_t undefined = Take(48) + 1;
  Put(undefined - 1, oddball_map + 1);
  std::vector<uint64_t> read_only{undefined};
  for (int i = 0; i < 90; ++i) {
    read_only.push_back(Take(32) + 1);
    Put(read_only.back() - 1, object_map_ + 1);
  }
  NewFree(cursor_, ro + kV8PageSize - cursor_);
  // IsolateData: a tagged field, the roots table, Smi roots; the builtins, their tier-0 copy.
  uint64_t at = kHeap - 0xd0d0;
  Put(at, undefined);
  for (uint64_t w : read_only) Put(at += 8, w);
  for (uint64_t w : strong) Put(at += 8, w);
  Put(at += 8, Smi(7));
  at = kHeap - 0x4448;
  for (uint64_t w : code) Put((at += 8) - 8, w);
  for (int i = 0; i < 7; ++i) Put(kHeap - 0xe000 + 8 * i, code[i]);
  // The ReadOnlyHeap: {..., roots[90 + 1]}, then something else.
  memory_.Add(kReadOnlyHeap, 0x1000);
  for (size_t i = 0; i < read_only.size(); ++i) Put(kReadOnlyHeap + 0x30 + 8 * i, read_only[i]);
  Put(kHeap + 0xe20, kReadOnlyHeap);
  // The caches: std::vector {begin, end, capacity} twice.
  memory_.Add(kCaches, 0x1000);
  const std::vector<uint64_t> startup{strong[0], Smi(3), read_only[5], undefined};
  const std::vector<uint64_t> shared{read_only[7], read_only[8], undefined};
  for (size_t i = 0; i < startup.size(); ++i) Put(kCaches + 8 * i, startup[i]);
  for (size_t i = 0; i < shared.size(); ++i) Put(kCaches + 0x800 + 8 * i, shared[i]);
  const uint64_t vectors[6] = {kCaches, kCaches + 8 * startup.size(), kCaches + 0x400,
                               kCaches + 0x800, kCaches + 0x800 + 8 * shared.size(), kCaches + 0x900};
  for (int i = 0; i < 6; ++i) Put(kHeap + 0x2398 + 8 * i, vectors[i]);

  HeapWalker walker(*heap_);
  IsolateRoots r = FindIsolateRoots(*heap_, walker.pages(), kHeap);
  EXPECT_TRUE(r.notes.empty()) << r.notes.front();
  EXPECT_EQ(r.roots_table, kHeap - 0xd0d0 + 8);  // the field before the table is left out
  EXPECT_EQ(r.read_only, read_only);
  EXPECT_EQ(r.strong, strong);
  EXPECT_FALSE(r.read_only_end_guessed);
  EXPECT_EQ(r.builtin_table, kHeap - 0x4448);
  EXPECT_EQ(r.builtin_count, 600u);
  ASSERT_EQ(r.builtins.size(), 607u);
  EXPECT_EQ(r.builtins[600], code[0]);
  EXPECT_EQ(r.builtins[606], code[6]);
  EXPECT_EQ(r.startup_object_cache, startup);
  EXPECT_EQ(r.shared_heap_object_cache, shared);

  // Without the ReadOnlyHeap's copy the read-only part ends at the first
  // pointer out of read-only space.
  Put(kHeap + 0xe20, 0);
  r = FindIsolateRoots(*heap_, walker.pages(), kHeap);
  EXPECT_TRUE(r.read_only_end_guessed);
  EXPECT_EQ(r.read_only.size(), read_only.size() + 1);  // the field before the table is taken in
  EXPECT_EQ(r.strong, strong);
}

// V8 13+: a function's Code is in the JSDispatchTable, whose base IsolateData
// holds: entries {entrypoint, Code << 16 | parameter count}, handle = index << 8.
TEST_F(HeapWalkTest, TheDispatchTableIsTheBaseWhoseEntriesLeadToCode) {
  const uint64_t code_map = NewMap(186, 32);
  std::vector<uint64_t> code;
  for (int i = 0; i < 3; ++i) {
    code.push_back(Take(32) + 1);
    Put(code.back() - 1, code_map + 1);
  }
  const uint64_t not_code = NewObject() + 1;
  EndPages();
  memory_.Add(kDispatchTable, 0x1000);
  const std::vector<uint32_t> handles{0x100, 0x500, 0x900};
  for (size_t i = 0; i < handles.size(); ++i) {
    const uint64_t entry = kDispatchTable + (handles[i] >> 8) * 16;
    Put(entry, 0x7f0000001000);
    Put(entry + 8, ((code[i] - 1) << 16) | 2);
  }
  Put(kDispatchTable + 16 * 15 + 8, (not_code - 1) << 16);
  Put(kHeap - 0x2000, 0x30000);        // aligned, but no table there
  Put(kHeap - 0x1d4a8, kDispatchTable);

  HeapWalker walker(*heap_);
  JSDispatchTable t = FindJSDispatchTable(*heap_, walker.pages(), kHeap, handles);
  EXPECT_EQ(t.base, kDispatchTable);
  for (size_t i = 0; i < handles.size(); ++i) EXPECT_EQ(t.CodeOf(memory_, handles[i], 1), code[i]);
  // A sampled handle whose entry is not Code: no base is believed.
  EXPECT_EQ(FindJSDispatchTable(*heap_, walker.pages(), kHeap, {0x100, 0xf00}).base, 0u);
  EXPECT_EQ(FindJSDispatchTable(*heap_, walker.pages(), kHeap, {}).base, 0u);
}

TEST_F(HeapWalkTest, IsolateRootsNotThereAreNotes) {
  EndPages();
  HeapWalker walker(*heap_);
  IsolateRoots r = FindIsolateRoots(*heap_, walker.pages(), kHeap);
  EXPECT_EQ(r.roots_table, 0u);
  EXPECT_TRUE(r.read_only.empty() && r.builtins.empty() && !r.caches_found);
  EXPECT_EQ(r.notes.size(), 3u);
}

TEST_F(HeapWalkTest, AnObjectWithoutASizeFormulaEndsItsPage) {
  uint64_t before = NewObject();
  uint64_t mystery = Take(48);
  Put(mystery, mystery_map_ + 1);
  NewObject();  // never reached
  NewFree(cursor_, kChunk + kV8PageSize - cursor_);
  NewFree(kChunk + kV8PageSize + kAreaOffset, kV8PageSize - kAreaOffset);

  HeapWalker walker(*heap_);
  Counter counter;
  WalkReport report = walker.Walk(counter);
  EXPECT_EQ(counter.addresses.back(), before);
  ASSERT_EQ(report.failed.size(), 1u) << report.Summary();
  EXPECT_EQ(report.failed.begin()->second, kChunk + kV8PageSize - mystery);
  EXPECT_NE(report.failed.begin()->first.find("no size formula"), std::string::npos) << report.failed.begin()->first;
  EXPECT_NE(report.Summary().find("stopped at " + Hex(mystery)), std::string::npos) << report.Summary();
}

TEST_F(HeapWalkTest, AWordThatIsNotAMapEndsItsPage) {
  NewObject();
  uint64_t bad = Take(8);
  Put(bad, 0x4242424242424241);  // tagged, but nothing is there
  NewFree(kChunk + kV8PageSize + kAreaOffset, kV8PageSize - kAreaOffset);
  HeapWalker walker(*heap_);
  Counter counter;
  WalkReport report = walker.Walk(counter);
  ASSERT_EQ(report.failed.size(), 1u) << report.Summary();
  EXPECT_EQ(report.failed.begin()->second, kChunk + kV8PageSize - bad);
}

TEST_F(HeapWalkTest, ZerosToThePageEndWereNeverAllocated) {
  NewObject();
  const uint64_t tail = cursor_;  // zeros from here to the page's end (an allocator's untouched tail)
  NewFree(kChunk + kV8PageSize + kAreaOffset, kV8PageSize - kAreaOffset);
  {
    HeapWalker walker(*heap_);
    Counter counter;
    WalkReport report = walker.Walk(counter);
    EXPECT_TRUE(report.failed.empty()) << report.Summary();
    EXPECT_EQ(report.skipped.at("page tails never allocated into (zeros to the page's end)"),
              kChunk + kV8PageSize - tail);
  }
  // Zeros with anything after them are no such tail: the walk stops there.
  Put(kChunk + kV8PageSize - 8, 0x1234);
  HeapWalker walker(*heap_);
  Counter counter;
  WalkReport report = walker.Walk(counter);
  ASSERT_EQ(report.failed.size(), 1u) << report.Summary();
  EXPECT_EQ(report.failed.begin()->second, kChunk + kV8PageSize - tail);
}

TEST_F(HeapWalkTest, SwissNameDictionariesHoldTheMachinesGroupOfControlBytes) {
  // An empty dictionary (read-only space's empty_swiss_property_dictionary)
  // as arm64's V8 lays it out: map, hash and capacity 0, meta table, then
  // one 8-byte group of empty control bytes (x64: 16, SSE2).
  const uint64_t swiss_map = NewMap(262, 0);
  const uint64_t dictionary = Take(32);
  Put(dictionary, swiss_map + 1);
  Put(dictionary + 24, 0x8080808080808080);
  const uint64_t after = NewObject();
  EndPages();
  heap_->set_machine(32, 8);
  HeapWalker walker(*heap_);
  Counter counter;
  WalkReport report = walker.Walk(counter);
  EXPECT_TRUE(report.failed.empty()) << report.Summary();
  EXPECT_EQ(counter.by_type[262], 1);
  EXPECT_NE(std::find(counter.addresses.begin(), counter.addresses.end(), after), counter.addresses.end());
}

TEST_F(HeapWalkTest, HeadersThatDoNotAgreeAreNotPages) {
  // The owner's heap pointer disagrees: no page can be believed.
  Put(kOwner + 8, kHeap + 8);
  HeapWalker walker(*heap_);
  Counter counter;
  EXPECT_THROW(walker.Walk(counter), Error);
}

TEST_F(HeapWalkTest, ProgressIsReportedEverySixteenPagesOnly) {
  NewFree(cursor_, kChunk + kV8PageSize - cursor_);
  NewFree(kChunk + kV8PageSize + kAreaOffset, kV8PageSize - kAreaOffset);
  HeapWalker walker(*heap_);
  Counter counter;
  int calls = 0;
  // Two pages are below the progress interval: the walk ends normally.
  WalkReport report = walker.Walk(counter, [&](const WalkProgress&) { return ++calls, false; });
  EXPECT_FALSE(report.cancelled);
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace nodegdb::testing

namespace nodegdb::testing {
namespace {

TEST_F(HeapWalkTest, ReferencesToAnyOfSeveralTargetsInOneWalk) {
  const uint64_t a = NewObject(), b = NewObject(), c = NewObject();
  const uint64_t h1 = NewObject();
  Put(h1 + 24, a + 1);
  const uint64_t h2 = NewObject();
  Put(h2 + 16, b + 1);
  Put(h2 + 24, a + 3);  // weak
  Put(c + 24, c + 1);   // c holds itself, but is no target
  EndPages();
  HeapWalker walker(*heap_);
  ObjectNamer namer(*heap_, walker.sizer());
  WalkReport report;
  std::unordered_map<uint64_t, uint64_t> totals;
  std::vector<HeapReference> refs = FindReferencesToAny(walker, namer, {a + 1, b + 1}, {}, 10, &report, &totals);
  ASSERT_EQ(refs.size(), 3u) << report.Summary();
  EXPECT_EQ(refs[0].holder, h1 + 1);
  EXPECT_EQ(refs[0].target, a + 1);
  EXPECT_FALSE(refs[0].weak);
  EXPECT_EQ(refs[1].holder, h2 + 1);
  EXPECT_EQ(refs[1].target, b + 1);
  EXPECT_EQ(refs[1].slot, h2 + 16);
  EXPECT_EQ(refs[2].target, a + 1);
  EXPECT_TRUE(refs[2].weak);
  EXPECT_EQ(totals[a + 1], 2u);
  EXPECT_EQ(totals[b + 1], 1u);
  EXPECT_EQ(totals.count(c + 1), 0u);
  // The limit keeps the first, the totals count them all.
  refs = FindReferencesToAny(walker, namer, {a + 1, b + 1}, {}, 1, &report, &totals);
  EXPECT_EQ(refs.size(), 1u);
  EXPECT_EQ(totals[a + 1] + totals[b + 1], 3u);
  EXPECT_TRUE(FindReferencesToAny(walker, namer, {}, {}, 10, &report, &totals).empty());
}

TEST_F(HeapWalkTest, EqualStringsAndTheirHolders) {
  const uint64_t s1 = NEW_STRING("needle-text"), s2 = NEW_STRING("needle-text");
  NEW_STRING("needle-texT");  // same length, other text
  NEW_STRING("needle-tex");   // a prefix
  const uint64_t holder = NewObject();
  Put(holder + 24, s2 + 1);
  EndPages();
  HeapWalker walker(*heap_);
  ObjectNamer namer(*heap_, walker.sizer());
  StringSearch found = FindEqualStrings(walker, namer, "needle-text", {}, 10);
  ASSERT_EQ(found.strings.size(), 2u) << found.report.Summary();
  EXPECT_EQ(found.strings[0].tagged, s1 + 1);
  EXPECT_EQ(found.strings[0].representation, "sequential");
  EXPECT_TRUE(found.strings[0].one_byte);
  EXPECT_TRUE(found.strings[0].holders.empty());
  EXPECT_EQ(found.strings[1].tagged, s2 + 1);
  ASSERT_EQ(found.strings[1].holders.size(), 1u);
  EXPECT_EQ(found.strings[1].holders[0].holder, holder + 1);
  EXPECT_EQ(found.total_holders, 1u);
  EXPECT_TRUE(FindEqualStrings(walker, namer, "absent-text", {}, 10).strings.empty());
  EXPECT_THROW(FindEqualStrings(walker, namer, "", {}, 10), Error);
}

TEST_F(HeapWalkTest, AStringHeldByAnotherStringIsNamedByItsPart) {
  // A flattened cons string keeps its flat copy as its first part.
  const uint64_t cons_map = NewMap(41, 32);
  const uint64_t flat = NEW_STRING("needle-text");
  const uint64_t cons = Take(32);
  Put(cons, cons_map + 1);
  int32_t length = 11;
  std::memcpy(Bytes(cons + 12), &length, 4);
  Put(cons + 16, flat + 1);
  Put(cons + 24, NEW_STRING("") + 1);
  EndPages();
  HeapWalker walker(*heap_);
  ObjectNamer namer(*heap_, walker.sizer());
  StringSearch found = FindEqualStrings(walker, namer, "needle-text", {}, 10);
  ASSERT_EQ(found.strings.size(), 2u) << found.report.Summary();
  EXPECT_EQ(found.strings[0].tagged, flat + 1);
  ASSERT_EQ(found.strings[0].holders.size(), 1u);
  EXPECT_EQ(found.strings[0].holders[0].slot_name, "(ConsString).first");
  EXPECT_EQ(found.strings[1].representation, "cons");
}

// Visitors fed by one walk (TeeVisitor) look up other maps and name
// classes while the walk's ObjectRef is still being visited.
class Evicter : public ObjectVisitor {
 public:
  explicit Evicter(ObjectSizer& sizer) : sizer_(sizer) {}
  void Visit(const ObjectRef&) override {
    // Words that are no maps, one per cache slot and more.
    for (uint64_t w = 0; w < 2048; w++) sizer_.Facts(0x10000001 + 8 * (next_++));
  }

 private:
  ObjectSizer& sizer_;
  uint64_t next_ = 0;
};

class Namer : public ObjectVisitor {
 public:
  explicit Namer(ObjectNamer& namer) : namer_(namer) {}
  void Visit(const ObjectRef& o) override { names.push_back(namer_.Name(namer_.ClassOf(o))); }
  std::vector<std::string> names;

 private:
  ObjectNamer& namer_;
};

TEST_F(HeapWalkTest, VisitorsOfOneWalkKeepTheirOwnFactsAndClasses) {
  NewObject();
  NEW_STRING("abc");
  NewObject();
  EndPages();
  HeapWalker walker(*heap_);
  Counter alone;
  walker.Walk(alone);

  Evicter evicter(walker.sizer());
  Counter after;
  TeeVisitor both(evicter, after);
  walker.Walk(both);
  EXPECT_EQ(after.by_type, alone.by_type);

  // Two namers over one sizer number classes differently; each must get
  // its own numbers back from the facts it cached them in.
  ObjectNamer first(*heap_, walker.sizer()), second(*heap_, walker.sizer());
  second.ClassOfAddress(alone.addresses.back());  // a different first class
  Namer a(first), b(second);
  TeeVisitor named(a, b);
  walker.Walk(named);
  ASSERT_EQ(a.names.size(), alone.addresses.size());
  EXPECT_EQ(a.names, b.names);
  walker.Walk(named);  // the second walk takes the cached ids
  EXPECT_EQ(std::vector<std::string>(a.names.begin() + alone.addresses.size(), a.names.end()),
            std::vector<std::string>(b.names.begin() + alone.addresses.size(), b.names.end()));
}

}  // namespace
}  // namespace nodegdb::testing

// The .heapsnapshot writer over the same synthetic pages: the file is JSON
// that parses, its header's counts equal its arrays' lengths, every edge
// points at a node, and the objects are there with their edges.
namespace nodegdb::testing {
namespace {

// Just enough JSON for a .heapsnapshot: objects, arrays, strings (with the
// escapes JsonQuote writes), non-negative integers.
struct Json {
  enum Kind { kNull, kNumber, kString, kArray, kObject } kind = kNull;
  uint64_t number = 0;
  std::string text;
  std::vector<Json> items;
  std::map<std::string, Json> fields;
  const Json& operator[](const std::string& k) const {
    static const Json none;
    auto it = fields.find(k);
    return it == fields.end() ? none : it->second;
  }
};

class JsonReader {
 public:
  explicit JsonReader(const std::string& s) : s_(s) {}
  Json Document() {
    Json j = Value();
    Space();
    if (i_ != s_.size()) throw Error("JSON: text after the document at " + std::to_string(i_));
    return j;
  }

 private:
  void Space() {
    while (i_ < s_.size() && std::strchr(" \n\r\t", s_[i_])) ++i_;
  }
  char Peek() {
    Space();
    if (i_ >= s_.size()) throw Error("JSON: unexpected end");
    return s_[i_];
  }
  void Expect(char c) {
    if (Peek() != c) throw Error(std::string("JSON: expected ") + c + " at " + std::to_string(i_));
    ++i_;
  }
  std::string String() {
    Expect('"');
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (static_cast<unsigned char>(c) < 0x20) throw Error("JSON: control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) break;
      char e = s_[i_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u':
          if (i_ + 4 > s_.size()) throw Error("JSON: short \\u escape");
          out += '?';  // the code point does not matter here
          i_ += 4;
          break;
        case '"': case '\\': case '/': out += e; break;
        default: throw Error("JSON: bad escape");
      }
    }
    Expect('"');
    return out;
  }
  Json Value() {
    Json j;
    const char c = Peek();
    if (c == '{') {
      j.kind = Json::kObject;
      ++i_;
      if (Peek() == '}') return ++i_, j;
      for (;;) {
        std::string k = String();
        Expect(':');
        j.fields[k] = Value();
        if (Peek() == ',') { ++i_; continue; }
        Expect('}');
        return j;
      }
    }
    if (c == '[') {
      j.kind = Json::kArray;
      ++i_;
      if (Peek() == ']') return ++i_, j;
      for (;;) {
        j.items.push_back(Value());
        if (Peek() == ',') { ++i_; continue; }
        Expect(']');
        return j;
      }
    }
    if (c == '"') {
      j.kind = Json::kString;
      j.text = String();
      return j;
    }
    if (c >= '0' && c <= '9') {
      j.kind = Json::kNumber;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') j.number = j.number * 10 + (s_[i_++] - '0');
      return j;
    }
    throw Error("JSON: unexpected character at " + std::to_string(i_));
  }
  const std::string& s_;
  size_t i_ = 0;
};

std::string ReadWhole(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return "";
  std::string s;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
  std::fclose(f);
  return s;
}

std::string TempPath(const char* name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/" + name + "-" + std::to_string(getpid()) + ".heapsnapshot";
}

TEST_F(HeapWalkTest, TheSnapshotIsJsonWhoseCountsAreItsArrays) {
  // Three objects: a holds "hello" and b, b holds a (a cycle), c is alone;
  // a FixedArray[2] holds c and a Smi.
  const uint64_t hello = NEW_STRING("hello");
  const uint64_t a = NewObject(), b = NewObject(), c = NewObject();
  Put(a + 24, hello + 1);
  Put(a + 16, b + 1);
  Put(b + 24, a + 1);
  const uint64_t array = Take(16 + 2 * 8);
  Put(array, fixed_array_map_ + 1);
  Put(array + 8, Smi(2));
  Put(array + 16, c + 1);
  Put(array + 24, Smi(42));
  EndPages();

  HeapWalker walker(*heap_);
  ObjectNamer namer(*heap_, walker.sizer());
  const std::string path = TempPath("node-gdb-snapshot-test");
  SnapshotReport report = WriteHeapSnapshot(walker, namer, path, {});
  const std::string text = ReadWhole(path);
  std::remove(path.c_str());
  EXPECT_FALSE(report.cancelled);
  EXPECT_FALSE(std::ifstream(path + ".edges.tmp").good());  // the temporary files are gone
  EXPECT_FALSE(std::ifstream(path + ".strings.tmp").good());
  ASSERT_FALSE(text.empty());
  Json doc = JsonReader(text).Document();

  const Json& meta = doc["snapshot"]["meta"];
  std::vector<std::string> node_fields;
  for (const Json& f : meta["node_fields"].items) node_fields.push_back(f.text);
  ASSERT_GE(node_fields.size(), 6u);
  EXPECT_EQ(std::vector<std::string>(node_fields.begin(), node_fields.begin() + 5),
            (std::vector<std::string>{"type", "name", "id", "self_size", "edge_count"}));
  EXPECT_EQ(node_fields.back(), "detachedness");
  ASSERT_EQ(meta["edge_fields"].items.size(), 3u);
  EXPECT_EQ(meta["edge_fields"].items[2].text, "to_node");
  const Json& node_types = meta["node_types"].items.at(0);
  const Json& edge_types = meta["edge_types"].items.at(0);
  EXPECT_EQ(node_types.items.at(heap_graph::kObject).text, "object");
  EXPECT_EQ(node_types.items.at(heap_graph::kString).text, "string");
  EXPECT_EQ(edge_types.items.at(heap_graph::kWeak).text, "weak");

  // The header's counts are the arrays' lengths, and the edges add up.
  const size_t nf = node_fields.size(), ef = 3;
  const std::vector<Json>& nodes = doc["nodes"].items;
  const std::vector<Json>& edges = doc["edges"].items;
  const std::vector<Json>& strings = doc["strings"].items;
  EXPECT_EQ(doc["snapshot"]["node_count"].number * nf, nodes.size());
  EXPECT_EQ(doc["snapshot"]["edge_count"].number * ef, edges.size());
  EXPECT_EQ(doc["snapshot"]["node_count"].number, report.nodes);
  EXPECT_EQ(doc["snapshot"]["edge_count"].number, report.edges);
  EXPECT_EQ(strings.size(), report.strings);
  // The fixture's 6 maps (the meta map among them), "hello", a, b, c, the
  // array, and the synthetic root and (GC roots).
  EXPECT_EQ(report.nodes, 6u + 1 + 3 + 1 + 2);
  uint64_t edge_sum = 0;
  for (size_t i = 0; i < nodes.size(); i += nf) {
    edge_sum += nodes[i + 4].number;
    EXPECT_LT(nodes[i + 1].number, strings.size());
  }
  EXPECT_EQ(edge_sum, report.edges);
  for (size_t k = 0; k < edges.size(); k += ef) {
    EXPECT_EQ(edges[k + 2].number % nf, 0u);
    EXPECT_LT(edges[k + 2].number, nodes.size());
  }

  // Each object by its id (address + 1), with its edges' targets by id.
  std::map<uint64_t, size_t> index_of;  // id -> node index
  std::vector<size_t> first_edge;
  for (size_t i = 0, e = 0; i < nodes.size(); i += nf) {
    index_of[nodes[i + 2].number] = i / nf;
    first_edge.push_back(e);
    e += nodes[i + 4].number;
  }
  auto targets = [&](uint64_t address) {
    std::vector<uint64_t> ids;
    const size_t n = index_of.at(address + 1);
    for (size_t k = first_edge[n]; k < first_edge[n] + nodes[n * nf + 4].number; ++k) {
      ids.push_back(nodes[edges[k * ef + 2].number + 2].number - 1);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  for (uint64_t o : {hello, a, b, c, array}) ASSERT_EQ(index_of.count(o + 1), 1u) << Hex(o);
  const size_t h = index_of[hello + 1];
  EXPECT_EQ(node_types.items.at(nodes[h * nf].number).text, "string");
  EXPECT_EQ(strings[nodes[h * nf + 1].number].text, "hello");
  EXPECT_EQ(nodes[h * nf + 3].number, 24u);  // self_size
  EXPECT_EQ(targets(a), (std::vector<uint64_t>{object_map_, hello, b}));
  EXPECT_EQ(targets(b), (std::vector<uint64_t>{object_map_, a}));
  EXPECT_EQ(targets(c), (std::vector<uint64_t>{object_map_}));
  EXPECT_EQ(targets(array), (std::vector<uint64_t>{fixed_array_map_, c}));  // a Smi makes no edge
  EXPECT_EQ(nodes[0 + 2].number, 1u);                                       // the root
  EXPECT_EQ(strings[nodes[nf + 1].number].text, "(GC roots)");

  EXPECT_THROW(WriteHeapSnapshot(walker, namer, TempPath("x") + ".json", {}), Error);
}

}  // namespace
}  // namespace nodegdb::testing

namespace nodegdb {

TEST(GraphStrings, SpilledNamesKeepTheirIdsAndOrder) {
  std::vector<std::string> spilled;
  GraphStrings strings([&](std::string_view s) { spilled.emplace_back(s); });
  const std::string long_a(600, 'a'), long_b = std::string(599, 'a') + "b";
  EXPECT_EQ(strings.Id(""), 0u);
  EXPECT_EQ(strings.Id("map"), 1u);
  EXPECT_EQ(strings.Id(long_a), 2u);
  EXPECT_EQ(strings.Id(long_b), 3u);  // one character apart: another name
  EXPECT_EQ(strings.Id("map"), 1u);
  EXPECT_EQ(strings.Id(std::string(long_a)), 2u);  // the same text met again
  EXPECT_EQ(strings.Id(std::string(65, 'x')), 4u);
  EXPECT_EQ(strings.Id(std::string(65, 'x')), 4u);
  EXPECT_EQ(strings.size(), 5u);
  // Each new name once, in id order: the snapshot's strings array.
  ASSERT_EQ(spilled.size(), 5u);
  EXPECT_EQ(spilled[1], "map");
  EXPECT_EQ(spilled[2], long_a);
  EXPECT_EQ(spilled[3], long_b);
}

TEST(GraphStrings, ManyNamesEachKeepTheirId) {
  // Past many growths of the table: every text its own id, found again.
  GraphStrings strings;
  for (int i = 0; i < 100000; ++i) ASSERT_EQ(strings.Id("name " + std::to_string(i)), static_cast<uint32_t>(i));
  for (int i = 0; i < 100000; i += 7) ASSERT_EQ(strings.Id("name " + std::to_string(i)), static_cast<uint32_t>(i));
  EXPECT_EQ(strings.size(), 100000u);
  EXPECT_EQ(strings.Text(99999), "name 99999");
}

TEST(GraphStrings, KeptNamesGiveTheirText) {
  GraphStrings strings;
  const std::string long_a(600, 'a');
  EXPECT_EQ(strings.Id(long_a), 0u);
  EXPECT_EQ(strings.Id("x"), 1u);
  EXPECT_EQ(strings.Id(long_a), 0u);
  EXPECT_EQ(strings.Text(0), long_a);
  EXPECT_EQ(strings.Text(1), "x");
}

}  // namespace nodegdb

namespace nodegdb {

TEST(AddressIndex, FindsEachObjectByItsStart) {
  // Two pages far apart, objects of various sizes, in walk order.
  std::vector<uint64_t> order;
  for (uint64_t a = 0x7f0000040000; a < 0x7f0000040000 + 0x3f000; a += 8 * (1 + order.size() % 5)) order.push_back(a);
  for (uint64_t a = 0x5600000c0010; a < 0x5600000c0010 + 0x800; a += 24) order.push_back(a);
  AddressIndex index(order);
  for (size_t i = 0; i < order.size(); ++i) ASSERT_EQ(index.Find(order[i]), static_cast<int64_t>(i));
  EXPECT_EQ(index.Find(order[3] + 4), -1);        // unaligned
  EXPECT_EQ(index.Find(0x7f0000040000 + 8), -1);  // inside the first object (16 bytes)
  EXPECT_EQ(index.Find(0x100000), -1);              // no page there
  EXPECT_EQ(index.Find(0), -1);
}

TEST(AddressIndex, AnyOrderAndEveryWordOfABucket) {
  // A bucket whose every word starts an object (32,768 of them), given in
  // reverse, with an unaligned address among them (never found).
  std::vector<uint64_t> order;
  const uint64_t base = 0x2a0000000000;
  for (uint64_t w = 0; w < 32768; ++w) order.push_back(base + (32767 - w) * 8);
  order.push_back(base + 0x40003);
  AddressIndex index(order);
  EXPECT_EQ(index.buckets(), 1u);
  for (size_t i = 0; i + 1 < order.size(); i += 97) ASSERT_EQ(index.Find(order[i]), static_cast<int64_t>(i));
  EXPECT_EQ(index.Find(base), 32767);
  EXPECT_EQ(index.Find(base + 0x40003), -1);
  EXPECT_EQ(index.Find(base + 0x40000), -1);  // the next bucket holds nothing
}

TEST(JsonQuoted, WrittenInPlaceAsAppended) {
  // Every special character at every offset of an eight-byte word.
  const std::string specials[] = {"\"", "\\", "\n", "\t", "\r", std::string(1, '\0'), "\x1f", "\x7f", "\xc3\xa9",
                                  "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xff", "\xc3"};
  const std::string expected[] = {"\\\"", "\\\\", "\\n", "\\t", "\\r", "\\u0000", "\\u001f", "\\u007f", "\xc3\xa9",
                                  "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbf\xbd", "\xef\xbf\xbd"};
  for (size_t k = 0; k < std::size(specials); ++k) {
    for (size_t at = 0; at < 17; ++at) {
      const std::string text = std::string(at, 'a') + specials[k] + std::string(9, 'b');
      std::string out(JsonQuotedBound(text.size()), '?');
      out.resize(static_cast<size_t>(WriteJsonQuoted(out.data(), text) - out.data()));
      ASSERT_EQ(out, "\"" + std::string(at, 'a') + expected[k] + std::string(9, 'b') + "\"") << k << " at " << at;
      ASSERT_EQ(JsonQuote(text), out);
    }
  }
}

}  // namespace nodegdb
