// JSON answers of JS values (`v8 print -json`, node_gdb.api.describe): every
// root through the heap model into js_json, with the default limits and with
// `unlimited` ones, so corrupt heaps meet the cycle, nesting and size bounds.
#include "core/view/js_json.h"
#include "core/view/js_model.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(js_json) {
  InspectOptions defaults;
  defaults.node_major = fuzz.node_major();
  InspectOptions deep = defaults;
  deep.depth = 1 << 30;
  deep.max_array_length = 1 << 30;
  deep.max_string_length = 1 << 30;
  for (uint64_t root : fuzz.roots()) {
    fuzz::Try([&] {
      HeapJsModel model(fuzz.heap(), defaults);
      JsJson(model, root, defaults);
    });
    fuzz::Try([&] {
      HeapJsModel model(fuzz.heap(), deep);
      JsJson(model, root, deep, 0);
    });
  }
}
