// The structure of a JS value for debugger UIs: a one-line summary and its
// children (properties, elements, entries), so GDB's `set print pretty on`
// and MI varobjs (-var-list-children) can expand objects one level at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/v8/heap.h"
#include "core/view/inspect.h"

namespace nodegdb {

struct JsChild {
  std::string name;          // "x", "[0]", "[Symbol(s)]", "[[Entries]]"...
  bool has_value = false;    // a tagged word to expand further
  uint64_t raw = 0;
  std::string text;          // otherwise: the child's final text ("1.5", "[Getter]")
};

struct JsStructure {
  std::string summary;    // "Point", "Array(3)", "Map(2)", or the whole text of a primitive
  std::string hint;       // GDB display hint: "array", "map" or ""
  std::vector<JsChild> children;
};

// `limit`: at most this many children (GDB asks again for more).
JsStructure DescribeStructure(Heap& heap, uint64_t raw, const InspectOptions& options, size_t limit);

}  // namespace nodegdb
