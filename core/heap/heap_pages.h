// V8's heap pages, found in a core or a live process without any V8 symbol
// or debug info: V8 allocates its heap in chunks aligned to 256 KiB whose
// first bytes describe the chunk (MemoryChunk / MutablePageMetadata), so
// every 256 KiB boundary of the target's memory is checked for such a
// header, and a header is believed only when it is consistent: its allocatable
// area lies inside the chunk, and the space that owns it points back to the
// same Heap as the chunk does.
//
// Besides the pages this finds what a walk must not read as objects:
//   - the linear allocation areas (LABs) V8 is bump-allocating from: the bytes
//     from a LAB's top to its limit are not objects yet (they hold whatever
//     was there before, often dead objects that still look valid); the main
//     thread's, and those of every background thread's LocalHeap (concurrent
//     compilers allocate too), found through the Heap's list of LocalHeaps;
//   - the semi-space new space: from-space pages hold only garbage, and the
//     to-space pages are used in list order up to the allocation top;
//   - pages the sweeper has not swept yet: there only objects whose mark bit
//     is set are alive, the rest is garbage of the last GC.
//
// Layouts differ per V8 generation (Node 20: V8 11.3, 22: 12.4, 24: 13.6,
// 26: 14.6); each offset below was read from live processes of each Node
// (objects identified with %DebugPrint, their chunk headers dumped) and
// checked again on core dumps of the same programs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/v8/heap.h"

namespace nodegdb {

constexpr uint64_t kV8PageSize = 256 * 1024;  // kPageSize (x64, V8 11-14)

struct PageLayout {
  int generation = 0;
  // V8 11-12: the header at the chunk start holds everything. V8 13+: the
  // chunk starts with {flags, metadata*}, and a separate metadata object
  // (in the C++ heap) holds the rest, with a pointer back to the chunk.
  bool separate_metadata = false;
  int64_t flags = 0;            // in the chunk
  int64_t metadata_pointer = 8; // V8 13+: in the chunk
  int64_t chunk_pointer = -1;   // in the metadata: the chunk's own address (V8 12: itself)
  int64_t size = 0, heap = 0, area_start = 0, area_end = 0, owner = 0;  // in the metadata
  int64_t list_next = 0, list_prev = 0;   // the owning space's page list
  int64_t sweeping_state = 0;             // ConcurrentSweepingState: 0 done, 1 pending, 2 in progress
  int64_t marking_bitmap = 0;             // in the metadata (V8 11-12: in the chunk header)
  int64_t owner_heap = 8;                 // BaseSpace: vtable, heap_, id_
  int64_t owner_id = 16;
  static std::optional<PageLayout> For(int generation);
};

// MemoryChunk flag bits that kept their place in V8 11-14.
constexpr uint64_t kFromPageFlag = 1u << 3;
constexpr uint64_t kToPageFlag = 1u << 4;

// AllocationSpace ids of the generation ("old", "new", "code", "trusted",
// "large object", ...); "space N" for unknown ones.
std::string SpaceName(int generation, int space);
bool IsLargeObjectSpace(int generation, int space);
// Every AllocationSpace of a generation, by id ("read-only", "new", ...).
std::vector<std::string> SpaceNames(int generation);
constexpr int kNewSpaceId = 1;  // RO_SPACE = 0, NEW_SPACE = 1 in every generation

// A linear allocation area: [start, top) are allocated objects, [top,
// limit) is not yet allocated.
struct LinearArea {
  uint64_t start = 0, top = 0, limit = 0;
  uint64_t found_at = 0;  // where its three words were found
};

struct HeapPage {
  uint64_t chunk = 0, metadata = 0, flags = 0, size = 0;
  uint64_t area_start = 0, area_end = 0, heap = 0, owner = 0;
  int space = -1;          // AllocationSpace id (-1: read-only space)
  bool read_only = false;
  int64_t sweeping = 0;    // 1 or 2: not swept yet, the mark bits tell what is alive

  enum class Plan {
    kWalk,             // objects from area_start to walk_end (minus `unallocated`)
    kFromSpace,        // inactive semi-space: garbage only
    kUnusedToSpace,    // to-space page after the one holding the allocation top
    kToSpaceTopUnknown, // to-space page, but the allocation top was not found
    kReleased          // no longer in its space's page list: emptied by a compacting GC, not freed yet
  };
  Plan plan = Plan::kWalk;
  uint64_t walk_end = 0;  // area_end, or the new-space allocation top on its page
  std::vector<std::pair<uint64_t, uint64_t>> unallocated;  // LAB [top, limit) ranges, sorted

  // Large-object pages are never swept (a dead large object's page is freed
  // by the GC itself), so only regular pages are read through mark bits.
  bool not_swept() const { return (sweeping == 1 || sweeping == 2) && size <= kV8PageSize; }
  bool large() const;  // in a large-object space
  int generation = 0;
};

struct HeapPageSet {
  int generation = 0;
  std::vector<HeapPage> pages;   // sorted by chunk address
  std::vector<uint64_t> heaps;   // the Heap* of each isolate (workers have their own)
  std::vector<LinearArea> labs;  // allocation areas found
  uint64_t ranges_bytes = 0;     // readable memory that was searched

  const HeapPage* PageOf(uint64_t address) const;  // the page whose chunk holds address
};

// Finds the pages. Throws Error if the target's memory ranges cannot be
// listed (remote targets) or the V8 generation is not one we know.
HeapPageSet FindHeapPages(Heap& heap);

}  // namespace nodegdb
