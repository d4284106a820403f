// Oddballs: undefined, null, true, false, and V8's internal markers (the
// hole, arguments marker, ...). Newer V8 gives holes their own HOLE_TYPE.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/v8/heap.h"

namespace nodegdb {

struct OddballInfo {
  int64_t kind;       // Oddball::kind_ (-1 for a Hole object)
  std::string name;   // "undefined", "null", "true", "false", "hole", "arguments_marker", ...
  bool is_js_value;   // undefined, null, true, false: values JS code can see
};

OddballInfo ReadOddball(Heap& heap, uint64_t address);

// The binary's names for Oddball::kind_ values: v8dbg_OddballTheHole = 2
// becomes {2, "the_hole"}. Resolved once into the Layout.
std::vector<std::pair<int64_t, std::string>> OddballKindNames(const Metadata& md);

// What util.inspect prints: the name for JS values, <name> for internal markers.
std::string InspectOddball(const OddballInfo& info);

}  // namespace nodegdb
