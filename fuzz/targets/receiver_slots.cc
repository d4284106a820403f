// A JS object's properties and elements as the heap snapshot reads them
// (core/heap/receiver_slots.h): every JS object a bounded walk of the
// seed's heap meets, through the per-map plans and the in-place reads.
// Besides crashes and sanitizer reports, an element index out of order or
// past the limit is a finding (abort).
#include <cstdio>
#include <cstdlib>

#include "core/heap/heap_walk.h"
#include "core/heap/receiver_slots.h"
#include "fuzz/driver.h"

using namespace nodegdb;

namespace {

bool Bounded(const WalkProgress& p) { return p.objects < 100000 && p.bytes_done < (64u << 20); }

class Reader : public ObjectVisitor {
 public:
  explicit Reader(Heap& heap) : heap_(heap), slots_(heap) {
    first_receiver_ = heap.metadata().FindType("JS_PROXY_TYPE").value_or(0x400);
  }
  void Visit(const ObjectRef& o) override {
    if (!o.facts || o.facts->type < first_receiver_) return;
    fuzz::Try([&] {
      const MapInfo& map = slots_.MapOf(o);
      slots_.Properties(o, map, &properties_);
      slots_.ElementWords(o, map, UINT64_MAX, 1000, &elements_);
      for (size_t i = 0; i < elements_.size(); ++i) {
        if (i >= 1000 || (i > 0 && elements_[i].first <= elements_[i - 1].first)) {
          std::fprintf(stderr, "receiver_slots fuzz target: elements out of order or past the limit\n");
          std::abort();
        }
      }
    });
  }

 private:
  Heap& heap_;
  ReceiverSlots slots_;
  int first_receiver_ = 0x400;
  std::vector<OwnProperty> properties_;
  std::vector<std::pair<uint64_t, uint64_t>> elements_;
};

}  // namespace

NODEGDB_FUZZ_TARGET(receiver_slots) {
  HeapWalker walker(fuzz.heap());
  Reader reader(fuzz.heap());
  fuzz::Try([&] { walker.Walk(reader, Bounded); });
}
