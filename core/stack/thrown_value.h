// The value a thread is throwing, from a stack stopped inside V8's throw:
// --abort-on-uncaught-exception aborts in Isolate::CreateMessageOrAbort,
// called by Isolate::Throw (ThrowInternal in V8 11) with the exception in a
// Handle, a slot of the current HandleScope. Neither the register it came
// in nor the Isolate's pending exception has a postmortem constant, so the
// stack between the throw and the JavaScript frame that threw is searched:
// a word that is the thrown object, or that points at the handle slot
// holding it. The innermost Error object (JS_ERROR_TYPE: Error and its
// subclasses, V8's own TypeErrors...) found is taken.
//
// May fail: a thrown value that is not an Error (`throw 'text'`) is not
// recognised (nullopt); unreadable stack words are skipped.
#pragma once

#include <cstdint>
#include <optional>

#include "core/v8/heap.h"

namespace nodegdb {

struct ThrownValue {
  uint64_t value = 0;     // tagged
  uint64_t found_at = 0;  // the stack word that led to it
  bool through_handle = false;  // the word pointed at a handle slot
};

// Searches the stack words [sp, end) (at most 1 MiB), innermost first.
std::optional<ThrownValue> FindThrownValue(Heap& heap, uint64_t sp, uint64_t end);

}  // namespace nodegdb
