// The JSDispatchTable search (core/heap/js_dispatch_table.h) around each
// Heap* the page search gives, with handles taken from the seed's roots:
// whatever the words, it must end, read only what it checks, and believe a
// base only when every sampled entry leads to a Code object.
#include <cstdio>
#include <cstdlib>

#include "core/heap/heap_walk.h"
#include "core/heap/js_dispatch_table.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(js_dispatch_table) {
  HeapWalker walker(fuzz.heap());
  fuzz::Try([&] {
    const HeapPageSet& pages = walker.pages();
    std::vector<uint32_t> handles;
    for (uint64_t root : fuzz.roots()) handles.push_back(static_cast<uint32_t>(root));
    for (uint64_t heap : pages.heaps) {
      JSDispatchTable t = FindJSDispatchTable(fuzz.heap(), pages, heap, handles);
      if (t.base % 0x1000 != 0) {
        std::fprintf(stderr, "js_dispatch_table fuzz target: a base that is not page aligned\n");
        std::abort();
      }
      for (uint32_t h : handles) t.CodeOf(fuzz.memory(), h, 1);
    }
  });
}
