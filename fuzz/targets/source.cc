// v8 source (core/view/source_listing.h): numbered lines of a function's
// Script source, around positions in and out of the source and as a whole
// function, with windows of every size.
#include <optional>

#include "core/view/source_listing.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(source) {
  Heap& heap = fuzz.heap();
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  for (uint64_t address : fuzz::ObjectRoots(fuzz)) {
    SourceRequest r;
    r.function = address + tag;
    for (std::optional<int64_t> position :
         {std::optional<int64_t>{}, std::optional<int64_t>{0}, std::optional<int64_t>{40},
          std::optional<int64_t>{int64_t{1} << 40}, std::optional<int64_t>{-5}}) {
      r.position = position;
      r.lines = position && *position == 40 ? 1 : 10;
      fuzz::Try([&] { SourceListing(heap, r); });
    }
    r.whole_function = true;
    for (int64_t lines : {int64_t{0}, int64_t{3}, int64_t{200}, int64_t{1} << 40}) {
      r.lines = lines;
      fuzz::Try([&] { SourceListing(heap, r); });
    }
  }
}
