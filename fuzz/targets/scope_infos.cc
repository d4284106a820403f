// ScopeInfos: header, flags, context locals (inline or hashed names),
// positions, outer scope; their brief and V8 view.
#include "core/v8/scope_info.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(scope_infos) {
  for (uint64_t address : fuzz::ObjectRoots(fuzz)) {
    fuzz::Try([&] { ReadScopeInfo(fuzz.heap(), address); });
    fuzz::Try([&] { InspectScopeInfo(fuzz.heap(), address); });
    fuzz::Try([&] { BriefScopeInfo(fuzz.heap(), address); });
  }
}
