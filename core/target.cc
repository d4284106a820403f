#include "core/target.h"

#include "core/node/base_object.h"
#include "core/v8/map.h"
#include "core/view/js_json.h"
#include "core/view/js_model.h"
#include "core/view/js_view.h"
#include "core/view/v8_view.h"

namespace nodegdb {

std::string Target::Print(uint64_t raw, InspectOptions options) {
  options.node_major = NodeMajor();
  return JsView(heap(), options).Format(raw);
}

std::string Target::PrintJson(uint64_t raw, InspectOptions options, int indent) {
  options.node_major = NodeMajor();
  HeapJsModel model(heap(), options);
  return JsJson(model, raw, options, indent);
}

JsStructure Target::Structure(uint64_t raw, InspectOptions options, size_t limit) {
  options.node_major = NodeMajor();
  return DescribeStructure(heap(), raw, options, limit);
}

std::string Target::DebugPrint(uint64_t raw, size_t string_limit) {
  std::string text = V8View(heap(), string_limit).DebugPrint(raw);
  Tagged t = heap().Decode(raw);
  if (t.kind != Tagged::Kind::kStrong) return text;
  // Node's wrappers: the C++ object behind them, which V8 cannot name.
  try {
    for (const WrappedCppObject& o : WrappedCppObjects(*this, t.address)) {
      text += " - C++ object: " + o.cls + " at " + Hex(o.address) + " (embedder field " + std::to_string(o.field) +
              "; print *(" + o.cls + " *)" + Hex(o.address) + ")\n";
    }
  } catch (const Error&) {
    // The V8 view above already says what could be read.
  }
  return text;
}

}  // namespace nodegdb
