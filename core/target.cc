#include "core/target.h"

#include "core/view/js_view.h"
#include "core/view/v8_view.h"

namespace nodegdb {

std::string Target::Print(uint64_t raw, InspectOptions options) {
  options.node_major = NodeMajor();
  return JsView(heap(), options).Format(raw);
}

JsStructure Target::Structure(uint64_t raw, InspectOptions options, size_t limit) {
  options.node_major = NodeMajor();
  return DescribeStructure(heap(), raw, options, limit);
}

std::string Target::DebugPrint(uint64_t raw, size_t string_limit) {
  return V8View(heap(), string_limit).DebugPrint(raw);
}

}  // namespace nodegdb
