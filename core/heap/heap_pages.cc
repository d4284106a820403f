#include "core/heap/heap_pages.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>


namespace nodegdb {

std::optional<PageLayout> PageLayout::For(int generation) {
  PageLayout l;
  l.generation = generation;
  switch (generation) {
    case 11:  // Node 20: BasicMemoryChunk + MemoryChunk in the chunk header
      l.separate_metadata = false;
      l.size = 0x00;
      l.flags = 0x08;
      l.heap = 0x10;
      l.area_start = 0x18;
      l.area_end = 0x20;
      l.owner = 0x40;
      l.sweeping_state = 0xe0;
      l.list_next = 0x108;
      l.list_prev = 0x110;
      l.marking_bitmap = 0x140;
      return l;
    case 12:  // Node 22: flags first, then a pointer to the header itself
      l.separate_metadata = false;
      l.flags = 0x00;
      l.chunk_pointer = 0x08;
      l.size = 0x10;
      l.heap = 0x18;
      l.area_start = 0x20;
      l.area_end = 0x28;
      l.owner = 0x48;
      l.sweeping_state = 0xf0;
      l.list_next = 0x108;
      l.list_prev = 0x110;
      l.marking_bitmap = 0x140;
      return l;
    case 13:  // Node 24: MemoryChunk {flags, metadata*}; MutablePageMetadata apart
    case 14:  // Node 26: the same, page list and sweeping state moved up a word
      l.separate_metadata = true;
      l.flags = 0x00;
      l.metadata_pointer = 0x08;
      l.chunk_pointer = 0x08;
      l.size = 0x30;
      l.area_end = 0x38;
      l.heap = 0x40;
      l.area_start = 0x48;
      l.owner = 0x50;
      l.sweeping_state = generation == 13 ? 0xf0 : 0xf8;
      l.list_next = generation == 13 ? 0x108 : 0x100;
      l.list_prev = generation == 13 ? 0x110 : 0x108;
      l.marking_bitmap = 0x140;
      return l;
    default:
      return std::nullopt;
  }
}

namespace {

// AllocationSpace per generation (src/common/globals.h); the large-object
// spaces were checked against pages holding one big array each.
const char* const kSpaces11[] = {"read-only", "new", "old", "code", "shared", "new large object",
                                 "large object", "code large object", "shared large object"};
const char* const kSpaces12[] = {"read-only",        "new",          "old",
                                 "code",             "shared",       "trusted",
                                 "new large object", "large object", "code large object",
                                 "shared large object", "trusted large object"};
const char* const kSpaces13[] = {"read-only",           "new",
                                 "old",                 "code",
                                 "shared",              "trusted",
                                 "shared trusted",      "new large object",
                                 "large object",        "code large object",
                                 "shared large object", "shared trusted large object",
                                 "trusted large object"};

template <size_t N>
const char* Lookup(const char* const (&names)[N], int space) {
  return space >= 0 && static_cast<size_t>(space) < N ? names[space] : nullptr;
}

const char* SpaceNameOrNull(int generation, int space) {
  if (generation == 11) return Lookup(kSpaces11, space);
  if (generation == 12) return Lookup(kSpaces12, space);
  if (generation >= 13) return Lookup(kSpaces13, space);
  return nullptr;
}

uint64_t Word(const uint8_t* bytes, size_t size, int64_t offset) {
  if (offset < 0 || static_cast<size_t>(offset) + 8 > size) return 0;
  uint64_t v;
  std::memcpy(&v, bytes + offset, 8);
  return v;
}

bool RangeContains(const std::vector<MemoryRange>& ranges, uint64_t address, uint64_t size) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), address,
                             [](uint64_t a, const MemoryRange& r) { return a < r.start; });
  if (it == ranges.begin()) return false;
  --it;
  return address >= it->start && address + size <= it->end && address + size >= address;
}

// Reads the header of a candidate chunk; nullopt if it is not one.
std::optional<HeapPage> ReadHeader(Memory& memory, const PageLayout& l, uint64_t chunk) {
  HeapPage p;
  p.chunk = chunk;
  p.generation = l.generation;
  // Bulk reads: a scan of every 256 KiB boundary of a big core must not map
  // the core into GDB page by page.
  uint64_t first[2];
  if (!memory.ReadBulk(chunk, first, sizeof first)) return std::nullopt;
  p.metadata = l.separate_metadata ? first[1] : chunk;
  if (p.metadata == 0 || (p.metadata & 7) != 0) return std::nullopt;
  uint8_t header[0x120];
  if (!memory.ReadBulk(p.metadata, header, sizeof header)) return std::nullopt;
  p.flags = l.separate_metadata ? first[0] : Word(header, sizeof header, l.flags);
  p.size = Word(header, sizeof header, l.size);
  p.heap = Word(header, sizeof header, l.heap);
  p.area_start = Word(header, sizeof header, l.area_start);
  p.area_end = Word(header, sizeof header, l.area_end);
  p.owner = Word(header, sizeof header, l.owner);
  p.sweeping = static_cast<int64_t>(Word(header, sizeof header, l.sweeping_state));
  const uint64_t back = l.chunk_pointer >= 0 ? Word(header, sizeof header, l.chunk_pointer) : chunk;

  // V8 shrinks some pages to what they hold (old-space pages of the
  // startup snapshot: 12 KiB ones seen on arm64 Node 22), so a chunk may be
  // as small as its header plus one OS page.
  if (p.size < 0x2000 || p.size > (uint64_t{1} << 40)) return std::nullopt;
  // The allocatable area starts after the header (and guard pages for code)
  // and ends inside the chunk.
  if (p.area_start <= chunk || p.area_start - chunk > 0x10000 || (p.area_start & 7) != 0) return std::nullopt;
  if (p.area_end < p.area_start || p.area_end - chunk > p.size) return std::nullopt;
  if (p.heap == 0 && p.owner == 0) {
    // Read-only space: no heap, no owner (shared by all isolates); V8 13+
    // leave the chunk pointer empty too.
    if (back != chunk && back != 0) return std::nullopt;
    p.read_only = true;
    p.sweeping = 0;
    return p;
  }
  if (back != chunk) return std::nullopt;
  if (p.heap == 0 || (p.heap & 7) != 0 || p.owner == 0 || (p.owner & 7) != 0) return std::nullopt;
  uint64_t owner[3];
  if (!memory.ReadBulk(p.owner, owner, sizeof owner)) return std::nullopt;
  if (owner[l.owner_heap / 8] != p.heap) return std::nullopt;  // the space's heap_ is the chunk's heap
  p.space = static_cast<int>(owner[l.owner_id / 8] & 0xffffffff);
  if (p.space < 0 || p.space > 64) return std::nullopt;
  if (p.sweeping < 0 || p.sweeping > 2) p.sweeping = 0;
  return p;
}

// Checks that a read-only page candidate starts with an object whose map is
// a map (its own map's instance type is MAP_TYPE).
bool StartsWithObject(Heap& heap, const HeapPage& p) {
  uint64_t word;
  if (!heap.memory().Read(p.area_start, &word, 8)) return false;
  Tagged map = heap.Decode(word);
  if (map.kind != Tagged::Kind::kStrong) return false;
  uint64_t meta_word;
  if (!heap.memory().Read(map.address, &meta_word, 8)) return false;
  Tagged meta = heap.Decode(meta_word);
  uint16_t type;
  return meta.kind == Tagged::Kind::kStrong &&
         heap.memory().Read(meta.address + static_cast<uint64_t>(heap.layout().map_instance_type), &type, 2) &&
         type == heap.layout().map_type;
}

class LabFinder {
 public:
  LabFinder(Memory& memory, HeapPageSet& set, uint64_t heap, const std::vector<MemoryRange>& ranges)
      : memory_(memory), set_(set), heap_(heap), ranges_(ranges) {}

  // Three words {start, top, limit} inside one page's area of this heap.
  const HeapPage* TripleAt(const uint64_t* w) const {
    const uint64_t s = w[0], t = w[1], l = w[2];
    if (s == 0 || s > t || t > l || ((s | t | l) & 7) != 0 || l - s > kV8PageSize) return nullptr;
    const HeapPage* p = set_.PageOf(s);
    if (!p || p->read_only || p->heap != heap_ || s < p->area_start || l > p->area_end) return nullptr;
    return p;
  }

  // `rule`: 0 any triple; otherwise the word before the triple must be the
  // triple's own address (V8 12+ MainAllocator: allocation_info_ pointing
  // at its owned area) or the heap (V8 11 LocalAllocationBuffer: heap_
  // before its allocation_info_).
  void Scan(uint64_t address, size_t size, bool strict) {
    // Unreadable parts (the start of a mapping) read as zeros: no triple.
    const std::vector<uint64_t> words = ReadWordsOrZero(memory_, address, size + 16);
    for (size_t i = 0; i + 2 < words.size() && i < size / 8; ++i) {
      if (!TripleAt(&words[i])) continue;
      const uint64_t at = address + 8 * i;
      if (strict) {
        uint64_t before = i > 0 ? words[i - 1] : 0;
        if (i == 0 && !memory_.ReadBulk(at - 8, &before, 8)) continue;
        if (before != at && before != heap_) continue;
      }
      Add({words[i], words[i + 1], words[i + 2], at});
    }
  }

  void Add(const LinearArea& lab) {
    for (const LinearArea& known : set_.labs) {
      if (known.found_at == lab.found_at) return;
    }
    set_.labs.push_back(lab);
  }

  // A LocalHeap begins with its Heap*. Background threads (concurrent
  // compilers, the sweeper's promotions) each own one, often on their stack,
  // linked from the Heap's IsolateSafepoint; each bumps its own LABs.
  bool IsLocalHeap(uint64_t p) const {
    uint64_t first = 0;
    return memory_.Read(p, &first, 8) && first == heap_;
  }

  // Every LocalHeap reachable from the ones found (their list links), each
  // scanned for LABs: V8 12+ holds its MainAllocators inline a few hundred
  // bytes in, V8 11 its ConcurrentAllocators one pointer away.
  void ScanLocalHeaps(std::vector<uint64_t> queue, std::unordered_set<uint64_t>& seen) {
    constexpr size_t kLocalHeapBytes = 0x800, kMaxLocalHeaps = 1024;
    std::unordered_set<uint64_t> done;
    while (!queue.empty() && done.size() < kMaxLocalHeaps) {
      const uint64_t local = queue.back();
      queue.pop_back();
      if (!done.insert(local).second) continue;
      Scan(local, kLocalHeapBytes, true);
      std::vector<uint64_t> words(kLocalHeapBytes / 8);
      if (!memory_.ReadBulk(local, words.data(), words.size() * 8)) continue;
      for (uint64_t p : words) {
        if (!Pointer(p) || p == local) continue;
        if (IsLocalHeap(p)) {
          queue.push_back(p);
        } else if (seen.size() < 60000 && seen.insert(p).second) {
          Scan(p, 0x100, true);
        }
      }
    }
  }

  bool Pointer(uint64_t p) const {
    return p >= 0x10000 && (p & 7) == 0 && !set_.PageOf(p) && RangeContains(ranges_, p, 8);
  }

  void Run() {
    // IsolateData, at the start of the Isolate, holds the new- and old-space
    // areas the generated code bumps; the Heap is a member of the Isolate
    // a few dozen KiB further on.
    Scan(heap_ >= 0x40000 ? heap_ - 0x40000 : 0, 0x40000, false);
    // Areas a space keeps itself (V8 11 code space).
    std::set<uint64_t> owners;
    for (const HeapPage& p : set_.pages) {
      if (p.heap == heap_ && p.owner) owners.insert(p.owner);
    }
    for (uint64_t owner : owners) Scan(owner, 0x800, false);
    // The main thread's allocators hang off the Heap: V8 12+ its
    // HeapAllocator (MainAllocators for code, trusted, shared spaces), V8 11
    // its LocalHeap's ConcurrentAllocators. Two pointers deep at most.
    std::vector<std::pair<uint64_t, size_t>> frontier{{heap_, 0x4000}};
    std::unordered_set<uint64_t> seen{heap_};
    std::vector<uint64_t> local_heaps;
    for (int depth = 0; depth < 3 && !frontier.empty(); ++depth) {
      std::vector<std::pair<uint64_t, size_t>> next;
      for (auto [base, size] : frontier) {
        Scan(base, size, true);
        if (depth == 2) continue;
        std::vector<uint64_t> words(size / 8);
        if (!memory_.ReadBulk(base, words.data(), words.size() * 8)) continue;
        for (uint64_t p : words) {
          if (seen.size() > 50000) break;
          if (!Pointer(p) || !seen.insert(p).second) continue;
          if (p >= heap_ - 0x40000 && p < heap_ + 0x4000) continue;
          if (IsLocalHeap(p)) local_heaps.push_back(p);
          next.emplace_back(p, depth == 0 ? 0x800 : 0x100);
        }
      }
      frontier = std::move(next);
    }
    ScanLocalHeaps(std::move(local_heaps), seen);
  }

 private:
  Memory& memory_;
  HeapPageSet& set_;
  uint64_t heap_;
  const std::vector<MemoryRange>& ranges_;
};

// The semi-space to-space pages in their list order (allocation goes from
// the first to the last), and where allocation stands.
void PlanNewSpace(Heap& heap, const PageLayout& l, HeapPageSet& set, uint64_t heap_address) {
  Memory& memory = heap.memory();
  std::vector<HeapPage*> to_pages;
  std::unordered_map<uint64_t, HeapPage*> by_metadata;
  for (HeapPage& p : set.pages) {
    if (p.heap != heap_address || p.read_only) continue;
    if (p.flags & kFromPageFlag) {
      if (p.space == kNewSpaceId) p.plan = HeapPage::Plan::kFromSpace;
      continue;
    }
    if ((p.flags & kToPageFlag) && p.space == kNewSpaceId) {
      to_pages.push_back(&p);
      by_metadata[p.metadata] = &p;
    }
  }
  if (to_pages.empty()) return;
  auto link = [&](const HeapPage* p, int64_t offset) -> HeapPage* {
    uint64_t v = 0;
    if (!memory.Read(p->metadata + static_cast<uint64_t>(offset), &v, 8)) return nullptr;
    auto it = by_metadata.find(v);
    return it == by_metadata.end() ? nullptr : it->second;
  };
  std::vector<HeapPage*> order;
  std::unordered_set<HeapPage*> placed;
  for (HeapPage* head : to_pages) {
    if (link(head, l.list_prev)) continue;
    for (HeapPage* p = head; p && placed.insert(p).second && order.size() <= to_pages.size(); p = link(p, l.list_next)) {
      order.push_back(p);
    }
  }
  for (HeapPage* p : to_pages) {
    if (!placed.count(p)) order.push_back(p);  // a broken list: keep the page, order unknown
  }
  std::unordered_map<const HeapPage*, size_t> index;
  for (size_t i = 0; i < order.size(); ++i) index[order[i]] = i;
  auto to_page_of = [&](uint64_t address) -> HeapPage* {
    const HeapPage* p = set.PageOf(address);
    if (!p || !index.count(p) || address < p->area_start || address > p->area_end) return nullptr;
    return const_cast<HeapPage*>(p);
  };

  // The top: the new-space LAB in IsolateData when it is in use; once a GC
  // emptied it (V8 12+), the space's own record of where allocation stands
  // (SemiSpaceNewSpace::allocation_top_, near the to-space object): of the
  // addresses there that point into to-space, the furthest one.
  uint64_t top = 0;
  for (const LinearArea& lab : set.labs) {
    if (lab.found_at < heap_address && lab.found_at + 0x40000 >= heap_address && to_page_of(lab.start)) top = lab.top;
  }
  if (!top) {
    std::pair<size_t, uint64_t> best{0, 0};
    std::set<uint64_t> owners;
    for (HeapPage* p : order) owners.insert(p->owner);
    for (uint64_t owner : owners) {
      uint64_t words[96];
      if (!memory.Read(owner - 0x100, words, sizeof words)) continue;
      for (uint64_t w : words) {
        HeapPage* p = to_page_of(w);
        if (!p) continue;
        std::pair<size_t, uint64_t> key{index[p], w - p->chunk};
        if (!best.second || key > best) {
          best = key;
          top = w;
        }
      }
    }
  }
  bool after = false;
  for (HeapPage* p : order) {
    if (!top) {
      p->plan = HeapPage::Plan::kToSpaceTopUnknown;
    } else if (after) {
      p->plan = HeapPage::Plan::kUnusedToSpace;
    } else if (top >= p->area_start && top <= p->area_end) {
      p->walk_end = top;
      after = true;
    }
  }
}

}  // namespace

std::string SpaceName(int generation, int space) {
  const char* name = SpaceNameOrNull(generation, space);
  return name ? name : "space " + std::to_string(space);
}

std::vector<std::string> SpaceNames(int generation) {
  std::vector<std::string> names;
  for (int space = 0; const char* name = SpaceNameOrNull(generation, space); space++) names.push_back(name);
  return names;
}

bool IsLargeObjectSpace(int generation, int space) {
  const char* name = SpaceNameOrNull(generation, space);
  return name && std::strstr(name, "large object") != nullptr;
}

bool HeapPage::large() const { return !read_only && IsLargeObjectSpace(generation, space); }

const HeapPage* HeapPageSet::PageOf(uint64_t address) const {
  auto it = std::upper_bound(pages.begin(), pages.end(), address,
                             [](uint64_t a, const HeapPage& p) { return a < p.chunk; });
  if (it == pages.begin()) return nullptr;
  --it;
  return address - it->chunk < std::max(it->size, kV8PageSize) ? &*it : nullptr;
}

HeapPageSet FindHeapPages(Heap& heap) {
  const int generation = heap.rules().major;  // PageLayout and space names are per version
  std::optional<PageLayout> layout = PageLayout::For(generation);
  if (!layout) {
    throw Error("heap walks know the page layouts of V8 11 to 14 (Node 20 to 26), not V8 " +
                std::to_string(generation));
  }
  Memory& memory = heap.memory();
  std::vector<MemoryRange> ranges = memory.Ranges();
  if (ranges.empty()) {
    throw Error("cannot list the memory of this target (" + memory.Describe() +
                "): heap walks need a core file or a local live process");
  }
  HeapPageSet set;
  set.generation = generation;
  std::map<uint64_t, size_t> heap_pages;  // heap -> number of pages
  for (const MemoryRange& r : ranges) {
    set.ranges_bytes += r.end - r.start;
    for (uint64_t chunk = (r.start + kV8PageSize - 1) & ~(kV8PageSize - 1); chunk >= r.start && chunk + 64 <= r.end;) {
      std::optional<HeapPage> page = ReadHeader(memory, *layout, chunk);
      if (page && (!page->read_only || StartsWithObject(heap, *page))) {
        page->walk_end = page->area_end;
        set.pages.push_back(*page);
        if (!page->read_only) heap_pages[page->heap]++;
        // A large-object chunk spans several 256 KiB steps: skip its inside.
        chunk += (page->size + kV8PageSize - 1) & ~(kV8PageSize - 1);
      } else {
        chunk += kV8PageSize;
      }
    }
  }
  std::sort(set.pages.begin(), set.pages.end(), [](const HeapPage& a, const HeapPage& b) { return a.chunk < b.chunk; });
  // A heap is believed once two of its pages agree on it (an isolate has
  // at least a new, an old and a code page); a lone header is a coincidence.
  set.pages.erase(std::remove_if(set.pages.begin(), set.pages.end(),
                                 [&](const HeapPage& p) { return !p.read_only && heap_pages[p.heap] < 2; }),
                  set.pages.end());
  for (auto& [h, n] : heap_pages) {
    if (n >= 2) set.heaps.push_back(h);
  }
  // A compacting GC moves every object off its evacuation candidates and
  // unlinks them from their space; until they are freed their old bytes
  // (forwarding addresses where maps were) still look like pages. A page
  // with no list neighbours in a space of several pages is such a page.
  std::map<uint64_t, size_t> owner_pages;
  for (const HeapPage& p : set.pages) {
    if (!p.read_only) owner_pages[p.owner]++;
  }
  for (HeapPage& p : set.pages) {
    if (p.read_only || owner_pages[p.owner] < 2 || p.space == kNewSpaceId) continue;
    uint64_t links[2];
    if (!memory.ReadBulk(p.metadata + static_cast<uint64_t>(layout->list_next), links, sizeof links)) continue;
    if (links[0] == 0 && links[1] == 0) p.plan = HeapPage::Plan::kReleased;
  }
  for (uint64_t h : set.heaps) {
    LabFinder(memory, set, h, ranges).Run();
    PlanNewSpace(heap, *layout, set, h);
  }
  // The unallocated part of every LAB, per page.
  for (const LinearArea& lab : set.labs) {
    if (lab.top >= lab.limit) continue;
    HeapPage* p = const_cast<HeapPage*>(set.PageOf(lab.start));
    if (!p) continue;
    p->unallocated.emplace_back(lab.top, lab.limit);
  }
  for (HeapPage& p : set.pages) {
    std::sort(p.unallocated.begin(), p.unallocated.end());
    // Overlapping areas (two records of one LAB) merge.
    std::vector<std::pair<uint64_t, uint64_t>> merged;
    for (auto r : p.unallocated) {
      if (!merged.empty() && r.first <= merged.back().second) {
        merged.back().second = std::max(merged.back().second, r.second);
      } else {
        merged.push_back(r);
      }
    }
    p.unallocated = std::move(merged);
  }
  return set;
}

}  // namespace nodegdb
