// Unformatted Error stacks: CallSiteInfo records, V8 13+'s raw capture
// arrays and ErrorStackData, each frame placed and written as Error.stack
// would write it, and the V8 view of a CallSiteInfo. Roots are tried as the
// stack holder itself and, for objects, through each of their own property
// values (an error's private error_stack_symbol slot).
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/view/call_site_info.h"
#include "core/view/v8_view.h"
#include "fuzz/driver.h"

using namespace nodegdb;

namespace {

void Stack(Heap& heap, uint64_t raw) {
  fuzz::Try([&] {
    if (auto frames = ReadUnformattedStack(heap, raw, 64)) {
      CallSiteLines(heap, *frames);
      for (const CallSiteRecord& r : *frames) fuzz::Try([&] { LocateCallSite(heap, r); });
    }
  });
}

}  // namespace

NODEGDB_FUZZ_TARGET(call_sites) {
  Heap& heap = fuzz.heap();
  V8View view(heap);
  for (uint64_t address : fuzz::ObjectRoots(fuzz)) {
    const uint64_t tagged = address + heap.layout().tagging.heap_object_tag;
    fuzz::Try([&] {
      CallSiteRecord r = ReadCallSiteInfo(heap, address);
      CallSiteText(heap, r);
    });
    fuzz::Try([&] { DebugPrintCallSiteInfo(heap, view, address); });
    Stack(heap, tagged);
    fuzz::Try([&] {
      MapInfo map = ReadMap(heap, heap.MapOf(address));
      for (const OwnProperty& p : ReadOwnProperties(heap, address, map, 64)) Stack(heap, p.value.raw);
    });
  }
}
