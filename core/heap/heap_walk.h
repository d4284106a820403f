// A walk over every V8 heap object, each visited exactly once: page by page
// (heap_pages.h), object after object by each one's size (object_size.h),
// stepping over free space and fillers, leaving out what is not an object
// (unallocated allocation-buffer tails, the inactive semi-space, unused
// to-space pages) and, on pages the sweeper has not reached, the garbage of
// the last GC (only marked objects are visited there). What could not be
// walked is reported with the reason, in bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/v8/heap.h"
#include "core/heap/heap_pages.h"
#include "core/heap/object_size.h"

namespace nodegdb {

struct ObjectRef {
  uint64_t address = 0;  // untagged
  uint64_t map = 0;      // the map word (tagged)
  const MapFacts* facts = nullptr;
  uint64_t size = 0;
  const uint8_t* bytes = nullptr;  // the object's first `available` bytes
  size_t available = 0;            // == size unless the object is larger than the walk's buffer
  const HeapPage* page = nullptr;
};

class ObjectVisitor {
 public:
  virtual ~ObjectVisitor() = default;
  virtual void Visit(const ObjectRef& object) = 0;
};

// Two visitors fed by one walk (a walk costs a pass over the whole heap).
class TeeVisitor : public ObjectVisitor {
 public:
  TeeVisitor(ObjectVisitor& a, ObjectVisitor& b) : a_(a), b_(b) {}
  void Visit(const ObjectRef& object) override {
    a_.Visit(object);
    b_.Visit(object);
  }

 private:
  ObjectVisitor& a_;
  ObjectVisitor& b_;
};

struct WalkProgress {
  uint64_t bytes_done = 0, bytes_total = 0;  // page areas
  uint64_t objects = 0;
};
// Called every few MiB; returning false stops the walk.
using ProgressFn = std::function<bool(const WalkProgress&)>;

struct WalkReport {
  int generation = 0;
  size_t heaps = 0;               // isolates
  uint64_t pages = 0;
  uint64_t area_bytes = 0;        // allocatable bytes of all pages
  uint64_t object_bytes = 0;      // objects visited
  uint64_t objects = 0;
  uint64_t free_bytes = 0;        // free space and fillers stepped over
  uint64_t garbage_bytes = 0;     // unmarked objects on unswept pages
  // Bytes left out, by reason ("inactive semi-space (from-space)", ...).
  std::map<std::string, uint64_t> skipped;
  // Bytes that should have been walked but could not be, by reason.
  std::map<std::string, uint64_t> failed;
  std::vector<std::string> problems;  // the first few failures, with addresses
  struct Space {
    uint64_t pages = 0, area_bytes = 0, objects = 0, object_bytes = 0;
    uint64_t committed_bytes = 0;  // whole chunks, headers included (what V8 counts as committed)
    uint64_t free_bytes = 0;       // free space and fillers walked over
    uint64_t garbage_bytes = 0;    // unmarked objects on pages not swept yet
    uint64_t unused_bytes = 0;     // allocatable but not allocated: LAB tails, to-space past the top
    uint64_t out_bytes = 0;        // pages out of use: from-space, released, unreadable to-space
    void Add(const Space& o) {
      pages += o.pages, area_bytes += o.area_bytes, objects += o.objects, object_bytes += o.object_bytes;
      committed_bytes += o.committed_bytes, free_bytes += o.free_bytes, garbage_bytes += o.garbage_bytes;
      unused_bytes += o.unused_bytes, out_bytes += o.out_bytes;
    }
  };
  std::map<std::string, Space> spaces;
  // The same by isolate: its Heap* (HeapPage::heap), then the space.
  std::map<uint64_t, std::map<std::string, Space>> isolate_spaces;
  bool cancelled = false;

  uint64_t walked_bytes() const { return object_bytes + free_bytes + garbage_bytes; }
  uint64_t failed_bytes() const;
  // Several lines: what was covered, what was left out and why.
  std::string Summary() const;
};

class HeapWalker {
 public:
  explicit HeapWalker(Heap& heap);

  Heap& heap() { return heap_; }
  const HeapPageSet& pages();  // found on first use
  ObjectSizer& sizer() { return sizer_; }

  // `only_heap`: walk one isolate's pages (its Heap*) and the read-only
  // space all isolates share; 0: every page.
  WalkReport Walk(ObjectVisitor& visitor, const ProgressFn& progress = {}, uint64_t only_heap = 0);

 private:
  void WalkPage(const HeapPage& page, ObjectVisitor& visitor, WalkReport& report);
  void WalkPageObjects(const HeapPage& page, ObjectVisitor& visitor, WalkReport& report, WalkReport::Space& space);
  // Visits the object at `address` (which must end by `end`) and returns its
  // size; 0 if the walk of this page cannot go on (the reason is reported).
  uint64_t Step(const HeapPage& page, uint64_t address, uint64_t end, ObjectVisitor& visitor, WalkReport& report,
                WalkReport::Space& space);
  // Whether [address, end) holds only zero words.
  bool ZerosUntil(uint64_t address, uint64_t end);
  uint64_t StepFailed(const HeapPage& page, uint64_t address, uint64_t end, const MapFacts& facts,
                      const uint8_t* bytes, size_t available, WalkReport& report);
  void WalkRange(const HeapPage& page, uint64_t start, uint64_t end, ObjectVisitor& visitor, WalkReport& report,
                 WalkReport::Space& space);
  void WalkMarked(const HeapPage& page, uint64_t start, uint64_t end, ObjectVisitor& visitor, WalkReport& report,
                  WalkReport::Space& space);
  // Reads [address, ...) up to end (or the buffer's capacity) into buffer_.
  bool Fill(uint64_t address, uint64_t end);
  void Fail(const HeapPage& page, uint64_t address, uint64_t end, const std::string& why, WalkReport& report);

  Heap& heap_;
  ObjectSizer sizer_;
  std::unique_ptr<HeapPageSet> pages_;
  class ReadAhead;
  std::vector<uint8_t> buffer_;
  const uint8_t* data_ = nullptr;  // buffer_, or a page the read-ahead thread read
  uint64_t buffer_start_ = 0;
  size_t buffer_size_ = 0;
  int wasm_null_type_ = -1;
};

}  // namespace nodegdb
