// HeapNumber (boxed doubles) and JavaScript's Number-to-string conversion.
#pragma once

#include <cstdint>
#include <string>

#include "core/v8/heap.h"

namespace nodegdb {

double ReadHeapNumber(Heap& heap, uint64_t address);

// Number.prototype.toString() for radix 10: shortest round-trip digits laid
// out as ECMAScript's Number::toString says ("1e+21", "1.5e-7", "123").
std::string FormatJsNumber(double value);

// util.inspect's formatNumber: as above, except -0 prints as "-0".
std::string InspectJsNumber(double value);

}  // namespace nodegdb
