// The heap walk (`v8 findjsobjects`, `findjsinstances`, `findrefs`, `v8 async`): V8's
// pages found by their chunk headers in the seed's memory, every object
// stepped over by its size and named as the census names it, and the
// reference and property searches. Heap seeds (tools/make_fuzz_seeds.py
// --heap groups) hold every page header and the first bytes of each page.
// Also the shapes (`findjsobjects -d`: every map's descriptors) and the
// string search (`findrefs -s`: strings of every representation compared,
// then the references to all of them), with their JSON.
#include "core/heap/heap_census.h"
#include "core/heap/heap_json.h"
#include "core/heap/heap_refs.h"
#include "core/heap/heap_shapes.h"
#include "core/heap/heap_strings.h"
#include "core/heap/heap_walk.h"
#include "core/stack/async_functions.h"
#include "fuzz/driver.h"

using namespace nodegdb;

namespace {

class Census : public ObjectVisitor {
 public:
  explicit Census(ObjectNamer& namer) : namer_(namer) {}
  void Visit(const ObjectRef& object) override { namer_.ClassOf(object); }

 private:
  ObjectNamer& namer_;
};

// A damaged header can claim a heap of millions of pages: the fuzzer's
// time goes to the decoders, not to walking unreadable pages.
bool Bounded(const WalkProgress& p) { return p.objects < 100000 && p.bytes_done < (64u << 20); }

}  // namespace

NODEGDB_FUZZ_TARGET(heap) {
  HeapWalker walker(fuzz.heap());
  fuzz::Try([&] { walker.pages(); });
  ObjectNamer namer(fuzz.heap(), walker.sizer());
  fuzz::Try([&] {
    Census census(namer);
    walker.Walk(census, Bounded).Summary();
  });
  fuzz::Try([&] { AsyncStacksText(fuzz.heap(), FindAsyncStacks(fuzz.heap(), walker, Bounded), true); });
  for (uint64_t root : fuzz.roots()) {
    fuzz::Try([&] { FindReferences(walker, namer, root, Bounded, 100, nullptr); });
    fuzz::Try([&] { namer.ClassOfAddress(root & ~uint64_t{7}); });
  }
  fuzz::Try([&] { FindPropertyHolders(walker, namer, "name", Bounded, 100, nullptr); });
  fuzz::Try([&] {
    WalkReport report;
    ShapesJson(FindShapes(walker, namer, Bounded, &report), report);
  });
  fuzz::Try([&] { StringSearchJson("name", FindEqualStrings(walker, namer, "name", Bounded, 100)); });
}
