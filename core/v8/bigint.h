// BigInt: sign and magnitude in 64-bit digits, printed in decimal as
// util.inspect does ("123n", "-5n").
#pragma once

#include <cstdint>
#include <string>

#include "core/v8/heap.h"

namespace nodegdb {

// BIGINT_TYPE has no postmortem constant; it sits just below HEAP_NUMBER_TYPE
// in every V8 we support. -1 if unknown.
int BigIntType(const Heap& heap);

// The decimal text of the BigInt at `address` without the "n" suffix.
std::string ReadBigIntDecimal(Heap& heap, uint64_t address);

}  // namespace nodegdb
