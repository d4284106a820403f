// The JS view (what `v8 print` and the handle printers show): every kind of
// value through the heap model and util.inspect's formatter, with the
// default limits and with generous ones, and the structured display (print
// pretty, GDB/MI) one level down.
#include <climits>

#include "core/view/js_children.h"
#include "core/view/js_model.h"
#include "core/view/js_view.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(values) {
  InspectOptions defaults;
  defaults.node_major = fuzz.node_major();
  InspectOptions deep = defaults;
  deep.depth = 1000;  // `set v8 depth unlimited`
  deep.max_array_length = 1 << 30;
  deep.max_string_length = 1 << 30;
  for (uint64_t root : fuzz.roots()) {
    fuzz::Try([&] { JsView(fuzz.heap(), defaults).Format(root); });
    fuzz::Try([&] { JsView(fuzz.heap(), deep).Format(root); });
    fuzz::Try([&] {
      JsStructure s = DescribeStructure(fuzz.heap(), root, defaults, 1100);
      for (const JsChild& child : s.children) {
        if (child.has_value) fuzz::Try([&] { DescribeStructure(fuzz.heap(), child.raw, defaults, 1100); });
      }
    });
  }
}
