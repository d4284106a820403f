// ScopeInfos: header, flags, context locals (inline or hashed names),
// positions, outer scope; their brief and V8 view.
#include "core/v8/scope_info.h"
#include "core/view/debug_print.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(scope_infos) {
  for (uint64_t address : fuzz::ObjectRoots(fuzz)) {
    fuzz::Try([&] { ReadScopeInfo(fuzz.heap(), address); });
    fuzz::Try([&] { DebugPrintScopeInfo(fuzz.heap(), address); });
    fuzz::Try([&] { BriefScopeInfo(fuzz.heap(), address); });
  }
}
