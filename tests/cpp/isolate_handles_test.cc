// The isolate's handles found by shape (core/v8/isolate_handles.h) and the
// dominator tree of a heap graph (core/heap/heap_dominators.h), on small
// hand-made layouts whose answer is known.
#include <gtest/gtest.h>

#include <cstring>

#include "core/heap/heap_dominators.h"
#include "core/heap/heap_graph.h"
#include "core/platform/memory.h"
#include "core/v8/isolate_handles.h"

namespace nodegdb {
namespace {

// An Isolate whose Heap is at kHeap, its GlobalHandles, a NodeSpace with
// `blocks` NodeBlocks of 32-byte nodes, and an EternalHandles of `eternal` slots,
// laid out as V8 11 does (heap_snapshot.js's core, Node 20).
class FakeIsolate {
 public:
  static constexpr uint64_t kIsolate = 0x10000000, kHeap = kIsolate + 0xd2c0, kField = kHeap + 0x1110;
  static constexpr uint64_t kGlobal = 0x20000000, kSpace = 0x20001000, kEternal = 0x20002000;
  static constexpr uint64_t kEternalList = 0x20003000, kBlocks = 0x30000000, kEternalBlocks = 0x40000000;
  static constexpr int kStride = 32;

  FakeIsolate(int blocks, int eternal) : isolate_(0x20000, 0) {
    Put(isolate_, kField - kIsolate, kGlobal);
    Put(isolate_, kField - kIsolate + 16, kEternal);  // the TracedHandles* between (V8 11)
    std::vector<uint8_t> global(64, 0), space(64, 0), eternal_obj(64, 0);
    Put(global, 0, kIsolate), Put(global, 8, kSpace);
    Put(space, 0, kGlobal), Put(space, 8, blocks ? kBlocks : 0);
    for (int b = 0; b < blocks; ++b) AddBlock(b, b + 1 < blocks);
    Put(eternal_obj, 0, static_cast<uint64_t>(eternal));
    const int eternal_blocks = (eternal + 255) / 256;
    Put(eternal_obj, 8, kEternalList), Put(eternal_obj, 16, kEternalList + 8 * eternal_blocks);
    Put(eternal_obj, 24, kEternalList + 8 * eternal_blocks);
    std::vector<uint8_t> list(8 * eternal_blocks + 8, 0);
    for (int b = 0; b < eternal_blocks; ++b) {
      Put(list, 8 * b, kEternalBlocks + b * 0x1000);
      std::vector<uint8_t> slots(256 * 8, 0);
      for (int i = 0; i < 256; ++i) Put(slots, 8 * i, 0x50000001 + 16 * (b * 256 + i));
      memory_.Map(kEternalBlocks + b * 0x1000, slots);
    }
    memory_.Map(kIsolate, isolate_);
    memory_.Map(kGlobal, global), memory_.Map(kSpace, space), memory_.Map(kEternal, eternal_obj);
    memory_.Map(kEternalList, list);
  }
  BufferMemory& memory() { return memory_; }

 private:
  static void Put(std::vector<uint8_t>& bytes, uint64_t at, uint64_t w) { std::memcpy(&bytes[at], &w, 8); }

  // Node i of block b: free if i % 3 == 2, weak if i % 3 == 1, strong otherwise; values 0x60000001 + ...
  void AddBlock(int b, bool has_next) {
    std::vector<uint8_t> block(256 * kStride + 48, 0);
    for (int i = 0; i < 256; ++i) {
      const uint64_t node = static_cast<uint64_t>(i) * kStride;
      Put(block, node, 0x60000001 + 16 * (b * 256 + i));
      block[node + 10] = static_cast<uint8_t>(i);
      block[node + 11] = i % 3 == 2 ? 0 : i % 3 == 1 ? 2 : 1;
    }
    const uint64_t trailer = 256 * kStride;
    Put(block, trailer, has_next ? kBlocks + (b + 1) * 0x4000 : 0);
    Put(block, trailer + 8, kGlobal), Put(block, trailer + 16, kSpace);
    memory_.Map(kBlocks + b * 0x4000, block);
  }

  BufferMemory memory_;
  std::vector<uint8_t> isolate_;
};

TEST(IsolateHandles, GlobalHandlesAreReadBlockByBlockByTheirState) {
  FakeIsolate fake(2, 300);
  IsolateHandles h = FindIsolateHandles(fake.memory(), FakeIsolate::kHeap);
  EXPECT_TRUE(h.notes.empty()) << h.notes[0];
  EXPECT_EQ(h.isolate, FakeIsolate::kIsolate);
  EXPECT_EQ(h.global_handles, FakeIsolate::kGlobal);
  EXPECT_EQ(h.node_stride, 32);
  EXPECT_EQ(h.blocks, 2u);
  EXPECT_EQ(h.strong.size(), 2u * 86);  // i % 3 == 0 of 0..255
  EXPECT_EQ(h.weak.size(), 2u * 85);
  EXPECT_EQ(h.strong[1], 0x60000001u + 16 * 3);
  EXPECT_EQ(h.weak[0], 0x60000001u + 16 * 1);
  ASSERT_EQ(h.eternal.size(), 300u);
  EXPECT_EQ(h.eternal[299], 0x50000001u + 16 * 299);
}

TEST(IsolateHandles, NothingNearTheHeapIsOneNote) {
  BufferMemory memory;
  memory.Map(FakeIsolate::kHeap, std::vector<uint8_t>(0x8000, 0x41));
  IsolateHandles h = FindIsolateHandles(memory, FakeIsolate::kHeap);
  EXPECT_EQ(h.global_handles, 0u);
  EXPECT_TRUE(h.strong.empty() && h.weak.empty() && h.eternal.empty());
  ASSERT_EQ(h.notes.size(), 1u);
  EXPECT_NE(h.notes[0].find("no GlobalHandles found"), std::string::npos);
}

TEST(IsolateHandles, ABlockListThatLoopsIsCutWithANote) {
  FakeIsolate fake(1, 10);
  // The only block's next pointer names itself.
  std::vector<uint8_t>& block = fake.memory().Region(FakeIsolate::kBlocks);
  const uint64_t self = FakeIsolate::kBlocks;
  std::memcpy(&block[256 * FakeIsolate::kStride], &self, 8);
  IsolateHandles h = FindIsolateHandles(fake.memory(), FakeIsolate::kHeap);
  EXPECT_EQ(h.blocks, 1u);
  ASSERT_EQ(h.notes.size(), 1u);
  EXPECT_NE(h.notes[0].find("loops"), std::string::npos);
}

// A graph in rows from (from, to, type) edges; node 0 is the root.
struct Graph {
  std::vector<uint64_t> first;
  std::vector<uint32_t> to;
  std::vector<uint8_t> type;
  std::vector<uint32_t> size;
  Graph(size_t n, std::vector<std::tuple<uint32_t, uint32_t, int>> edges) : size(n, 10) {
    std::sort(edges.begin(), edges.end(), [](auto& a, auto& b) { return std::get<0>(a) < std::get<0>(b); });
    first.assign(n + 1, 0);
    for (auto& [f, t, k] : edges) ++first[f + 1], to.push_back(t), type.push_back(static_cast<uint8_t>(k));
    for (size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  }
  Dominators Run() const { return ComputeDominators({first, to, type, size}); }
};

using namespace heap_graph;

TEST(Dominators, ADiamondIsDominatedByItsTop) {
  // 0 -> 1 -> {2, 3} -> 4; 4 -> 5.
  Graph g(6, {{0, 1, kElement}, {1, 2, kProperty}, {1, 3, kProperty}, {2, 4, kProperty}, {3, 4, kProperty},
              {4, 5, kInternal}});
  Dominators d = g.Run();
  EXPECT_EQ(d.idom, (std::vector<uint32_t>{0, 0, 1, 1, 1, 4}));
  EXPECT_EQ(d.retained, (std::vector<uint64_t>{60, 50, 10, 10, 20, 10}));
}

TEST(Dominators, WeakAndShortcutEdgesDoNotRetain) {
  // 1 holds 2 strongly; 3 reaches 2 only by a shortcut; 0 -> 3.
  Graph g(4, {{0, 1, kElement}, {0, 3, kElement}, {1, 2, kProperty}, {3, 2, kShortcut}});
  EXPECT_EQ(g.Run().idom[2], 1u);
}

TEST(Dominators, InternalStructuresDoNotDominateUserObjects) {
  // The root's shortcut to a global (1) makes it and what it reaches (2)
  // page objects; a GC-roots structure (3 -> 2) is no page object, so its
  // edge does not count and 2 stays under the global.
  Graph g(4, {{0, 1, kShortcut}, {0, 3, kElement}, {1, 2, kProperty}, {3, 2, kInternal}});
  Dominators d = g.Run();
  EXPECT_EQ(d.idom[2], 1u);
  EXPECT_EQ(d.retained[1], 20u);
}

TEST(Dominators, WhatTheRootDoesNotReachHangsFromTheRoot) {
  // 2 and 3 hold each other and nothing reaches them; 4 is held only weakly by 1.
  Graph g(5, {{0, 1, kElement}, {2, 3, kProperty}, {3, 2, kProperty}, {1, 4, kWeak}});
  Dominators d = g.Run();
  EXPECT_EQ(d.idom[2], 0u);
  EXPECT_EQ(d.idom[3], 0u);
  EXPECT_EQ(d.idom[4], 0u);
  EXPECT_EQ(d.retained[0], 50u);
}

}  // namespace
}  // namespace nodegdb
