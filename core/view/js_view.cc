#include "core/view/js_view.h"

#include "core/view/js_model.h"

namespace nodegdb {

std::string JsView::Format(uint64_t raw) {
  HeapJsModel model(heap_, options_);
  return Inspect(model, raw, options_);
}

}  // namespace nodegdb
