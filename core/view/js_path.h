// JS property paths on a value, as a JS developer writes them after an
// expression: `.locals.items[0]`, `['k 1']`, `.get('key')` on a Map,
// `.has(3)` on a Map or Set, `.length` of an array or string (nodejs/llnode#314).
// Lookups read data properties only, own first, then along the prototype
// chain; a getter is never run (this is a dump), and says so.
//
// May fail: ParsePath throws Error on a malformed path (with the column);
// LookupPath throws Error naming the step that found nothing (a missing
// key, an accessor, a property of a primitive) and the heap's read errors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/v8/heap.h"

namespace nodegdb {

struct PathStep {
  enum class Kind { kProperty, kIndex, kMapGet, kHas };
  Kind kind = Kind::kProperty;
  std::u16string name;   // kProperty: the key
  uint64_t index = 0;    // kIndex
  // kMapGet / kHas: the key, a JS literal: a string, a number, true, false,
  // null or undefined.
  enum class KeyType { kString, kNumber, kTrue, kFalse, kNull, kUndefined } key_type = KeyType::kString;
  std::u16string key_string;
  double key_number = 0;
  std::string text;      // the step as written, for messages (".get('a')")
};

// Parses a path that starts with `.` or `[` (an empty path is no steps).
std::vector<PathStep> ParsePath(const std::string& path);

// Where a path ends: a tagged value, or a number or boolean that has no
// tagged word of its own (a double element, `.length`, `.has()`).
struct PathValue {
  bool tagged = true;
  uint64_t raw = 0;   // when tagged
  std::string text;   // otherwise: the value as util.inspect prints it
};

PathValue LookupPath(Heap& heap, uint64_t raw, const std::vector<PathStep>& steps);

}  // namespace nodegdb
