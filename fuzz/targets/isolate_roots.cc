// V8's own roots of an isolate (core/heap/isolate_roots.h), found by shape
// around each Heap* the page search gives, and around every root as if it
// were one: whatever the words around them, the search must end, stay within
// its windows and never read outside what it checks.
//
// Besides crashes and sanitizer reports, a finding (abort): a roots table
// or builtins table reported with no entries or entries and no table, more
// tier-0 repeats than the table holds, or caches that do not end alike.
#include <cstdio>
#include <cstdlib>

#include "core/heap/heap_walk.h"
#include "core/heap/isolate_roots.h"
#include "fuzz/driver.h"

using namespace nodegdb;

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "isolate_roots fuzz target: %s\n", what);
    std::abort();
  }
}

void Search(Heap& heap, const HeapPageSet& pages, uint64_t address) {
  IsolateRoots r = FindIsolateRoots(heap, pages, address);
  Check((r.roots_table != 0) == !(r.read_only.empty() && r.strong.empty()), "roots without their table");
  Check((r.builtin_table != 0) == (r.builtin_count > 0), "builtins without their table");
  Check(r.builtins.size() >= r.builtin_count && r.builtins.size() - r.builtin_count <= 64, "tier-0 repeats out of bounds");
  Check(!r.caches_found || (!r.startup_object_cache.empty() && !r.shared_heap_object_cache.empty() &&
                            r.startup_object_cache.back() == r.shared_heap_object_cache.back()),
        "caches that do not end alike");
}

}  // namespace

NODEGDB_FUZZ_TARGET(isolate_roots) {
  HeapWalker walker(fuzz.heap());
  fuzz::Try([&] {
    const HeapPageSet& pages = walker.pages();
    for (uint64_t heap : pages.heaps) Search(fuzz.heap(), pages, heap);
    for (uint64_t root : fuzz.roots()) Search(fuzz.heap(), pages, root);
  });
}
