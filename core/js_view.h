// The JS view: a value as a Node developer knows it, in the exact text of
// util.inspect(value, { breakLength: Infinity }).
#pragma once

#include <cstdint>
#include <string>

#include "heap.h"

namespace nodegdb {

class JsView {
 public:
  explicit JsView(Heap& heap) : heap_(heap) {}

  // `raw` is a tagged word (a Smi or a tagged pointer).
  std::string Format(uint64_t raw);

 private:
  std::string FormatHeapObject(uint64_t address);
  Heap& heap_;
};

}  // namespace nodegdb
