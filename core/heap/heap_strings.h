// Every string in the heap equal to a given text, whatever its
// representation (sequential one- or two-byte, cons, sliced, thin,
// external where its characters are in memory), and what holds each: one
// walk compares the strings of the right length, then the reference search
// (heap_refs.h) finds the holders of all of them in the same walks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/heap/heap_census.h"
#include "core/heap/heap_refs.h"
#include "core/heap/heap_walk.h"

namespace nodegdb {

struct EqualString {
  uint64_t tagged = 0;
  std::string type;            // V8's instance type name: CONS_ONE_BYTE_STRING_TYPE, ...
  std::string representation;  // sequential, cons, sliced, thin, external
  bool one_byte = false, internalized = false;
  std::vector<HeapReference> holders;  // the first of them, in heap order
  uint64_t total_holders = 0;          // all of them
};

struct StringSearch {
  std::vector<EqualString> strings;  // in address order
  uint64_t listed_holders = 0, total_holders = 0;
  uint64_t unreadable = 0;  // strings of the right length whose characters could not be read
  WalkReport report;        // the first walk's
};

// The strings equal to `text` (UTF-8) and their holders: at most `limit`
// holders in all are named. Throws Error for an empty text.
StringSearch FindEqualStrings(HeapWalker& walker, ObjectNamer& namer, const std::string& text,
                              const ProgressFn& progress, size_t limit);

}  // namespace nodegdb
