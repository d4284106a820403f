// The V8 view (`v8 inspect`): %DebugPrint facts of any object, and the
// one-phrase briefs used inside it.
#include "core/view/debug_print.h"
#include "core/view/v8_view.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(v8_view) {
  for (uint64_t root : fuzz.roots()) {
    fuzz::Try([&] { V8View(fuzz.heap()).DebugPrint(root); });
    fuzz::Try([&] { V8View(fuzz.heap()).Brief(root); });
    fuzz::Try([&] { V8Brief(fuzz.heap(), root); });
  }
}
