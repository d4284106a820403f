// Who holds an object: every slot of every object (and closure context) in
// the heap that points to a given one, each named as a JS developer would
// write it: `holder.lonely` for a property, `Array[0]` for an element,
// `Context.someVar` for a variable a closure keeps, `Map value` for a
// Map entry. Slots in backing stores (property arrays, elements,
// dictionaries, hash tables) are named after the JS object that owns the
// store, found by a second walk.
//
// Also: every object with an own property of a given name.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/v8/heap.h"
#include "core/heap/heap_census.h"
#include "core/heap/heap_walk.h"

namespace nodegdb {

struct HeapReference {
  uint64_t target = 0;      // tagged: the object referred to
  uint64_t holder = 0;      // tagged: the object whose slot points to the target
  uint64_t slot = 0;        // the slot's address
  bool weak = false;        // a weak reference (the low bits say so)
  std::string holder_class; // census name of the holder
  uint64_t owner = 0;       // tagged: the JS object a backing-store holder belongs to (0 if none)
  std::string owner_class;
  std::string slot_name;    // "HeldWidget.lonely", "Array[0]", "Context.someVar", "(FixedArray)[3]"
};

// References to `target` (a tagged pointer): the first `limit` found, in
// heap order, while *total (if given) receives how many the walk found in
// all. The report of the (first) walk goes to *report.
std::vector<HeapReference> FindReferences(HeapWalker& walker, ObjectNamer& namer, uint64_t target,
                                          const ProgressFn& progress, size_t limit, WalkReport* report,
                                          uint64_t* total = nullptr);

// References to any of `targets` (tagged, strong pointers to heap objects)
// in the same walks: the first `limit` in heap order (each with its
// target), and in *totals how many the walk found per target.
std::vector<HeapReference> FindReferencesToAny(HeapWalker& walker, ObjectNamer& namer,
                                               const std::vector<uint64_t>& targets, const ProgressFn& progress,
                                               size_t limit, WalkReport* report,
                                               std::unordered_map<uint64_t, uint64_t>* totals);

struct PropertyHolder {
  uint64_t object = 0;   // tagged
  std::string object_class;
  uint64_t value = 0;    // the property's value (raw tagged word; 0 for accessors)
  bool accessor = false;
};

// Objects with an own property named `name` (string keys): the first
// `limit`, with *total (if given) the count of all of them.
std::vector<PropertyHolder> FindPropertyHolders(HeapWalker& walker, ObjectNamer& namer, const std::string& name,
                                                const ProgressFn& progress, size_t limit, WalkReport* report,
                                                uint64_t* total = nullptr);

}  // namespace nodegdb
