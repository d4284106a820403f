// The JS view: a value as a Node developer knows it, in the exact text of
// util.inspect(value, { breakLength: Infinity }): the heap model (js_model.h)
// describes values, the formatter (inspect.h) lays them out.
#pragma once

#include <cstdint>
#include <string>

#include "core/v8/heap.h"
#include "core/view/inspect.h"

namespace nodegdb {

class JsView {
 public:
  JsView(Heap& heap, const InspectOptions& options) : heap_(heap), options_(options) {}

  // `raw` is a tagged word (a Smi or a tagged pointer).
  std::string Format(uint64_t raw);

 private:
  Heap& heap_;
  InspectOptions options_;
};

}  // namespace nodegdb
