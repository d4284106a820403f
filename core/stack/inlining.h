// Functions that Turbofan or Maglev inlined into optimized code: where an
// optimized frame's pc is, innermost first, as Error.stack lists them.
// The code's source position table tags each position with an inlining id;
// the code's DeoptimizationData holds, per id, the InliningPosition (the
// position of the call in its caller, itself tagged with the caller's id,
// and the index of the inlined SharedFunctionInfo in its literal array).
// Following the ids outward ends at the code's own function.
//
// The DeoptimizationData's entries moved between V8 versions (a protected
// literal array added in V8 13), so they are recognised by what they hold:
// the inlined function count (entry 1), the inlining positions (the byte
// array after it, 16 bytes per InliningPosition) and the literal array
// whose entries at the positions' function indices are SharedFunctionInfos.
//
// May fail: `error` says why the chain stops (unreadable data, an index out
// of range, a cycle); what was resolved before stays.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/v8/heap.h"

namespace nodegdb {

struct InlinedCall {
  uint64_t shared = 0;        // untagged SharedFunctionInfo of the inlined function
  int64_t script_offset = -1;  // where in it the frame is
};

struct InliningChain {
  std::vector<InlinedCall> inlined;  // innermost first
  int64_t outer_offset = -1;         // the position in the code's own function
  std::string error;
};

// `deoptimization_data`: the optimized Code's (raw); `inlining_id` and
// `script_offset`: the source position of the pc (inlining_id >= 0).
InliningChain ResolveInlining(Heap& heap, uint64_t deoptimization_data, int inlining_id, int64_t script_offset);

}  // namespace nodegdb
