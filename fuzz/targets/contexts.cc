// Contexts: variables by name, the previous chain to the native context,
// embedder data and Node's Environment*, ContextCells, and their V8 view.
#include "core/v8/context.h"
#include "core/view/debug_print.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(contexts) {
  Heap& heap = fuzz.heap();
  for (uint64_t address : fuzz::ObjectRoots(fuzz)) {
    fuzz::Try([&] {
      ContextInfo c = ReadContext(heap, address);
      fuzz::Try([&] { ReadEmbedderData(heap, c); });
      fuzz::Try([&] { NodeEnvironment(heap, c, heap.environment_index()); });
      fuzz::Try([&] { NodeEnvironment(heap, c, 1 << 20); });
    });
    fuzz::Try([&] { WalkContextChain(heap, address); });
    fuzz::Try([&] { WalkContextChain(heap, address, 3); });
    fuzz::Try([&] { LookupContextVariable(heap, address, "x"); });
    fuzz::Try([&] { LookupContextVariable(heap, address, "tally"); });
    fuzz::Try([&] { DebugPrintContext(heap, address); });
    fuzz::Try([&] { BriefContext(heap, address); });
    fuzz::Try([&] {
      if (IsContextCell(heap, address + heap.layout().tagging.heap_object_tag)) {
        ReadContextCell(heap, address);
        BriefContextCell(heap, address);
      }
    });
  }
}
