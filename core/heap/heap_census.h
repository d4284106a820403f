// What fills the heap, in a JS developer's words: every object of a heap
// walk grouped under the name of its class. JS objects are named as V8
// names them in heap snapshots (JSReceiver::GetConstructorName): the
// constructor its map was made for when that is a named function other than
// Object, else a Symbol.toStringTag or `constructor` found on the prototype
// chain, else the object's built-in class. V8's internal objects keep V8's
// class name in parentheses: "(SeqOneByteString)", "(FixedArray)",
// "(FunctionContext)", "(Map)" (a hidden class, not a JS Map).
//
// A name is resolved once per map (objects of one map share their
// constructor and prototype chain), and a prototype's chain once per
// prototype, so a census costs one walk plus a few lookups per map.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/v8/heap.h"
#include "core/heap/heap_walk.h"

namespace nodegdb {

class ObjectNamer {
 public:
  explicit ObjectNamer(Heap& heap, ObjectSizer& sizer);

  // The class of an object met by a walk (cached per map, in its facts).
  uint32_t ClassOf(const ObjectRef& object) {
    if (object.facts->class_namer == serial_) return object.facts->class_id;
    return ClassOfSlow(object);
  }
  // The class of any object (reads its map).
  uint32_t ClassOfAddress(uint64_t address);
  const std::string& Name(uint32_t id) const { return names_[id]; }
  bool IsJs(uint32_t id) const { return js_[id]; }
  // The id of a name, if any object was given it; -1 otherwise.
  int64_t Find(const std::string& name) const;
  size_t size() const { return names_.size(); }

  // The JS name of a receiver with this map ("HeldWidget", "Object").
  std::string JsName(uint64_t object, uint64_t map);

 private:
  uint32_t ClassOfSlow(const ObjectRef& object);
  uint32_t Intern(const std::string& name, bool js);
  std::string InternalName(int type);
  std::string BuiltinName(int type);
  std::string ChainName(uint64_t prototype, int depth);
  std::string OwnTag(uint64_t object, uint64_t map);
  std::string OwnConstructorName(uint64_t object, uint64_t map);

  Heap& heap_;
  ObjectSizer& sizer_;
  const uint64_t serial_;  // marks the class ids this namer cached in MapFacts
  int first_receiver_type_ = 0x400;
  std::vector<std::string> names_;
  std::vector<bool> js_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::unordered_map<uint64_t, uint32_t> by_map_;
  std::unordered_map<uint64_t, std::string> by_prototype_;
  std::unordered_map<int, uint32_t> internal_by_type_;
};

struct CensusRow {
  uint32_t id = 0;
  std::string name;
  bool js = false;
  uint64_t count = 0, bytes = 0;
};

// One walk's census: counts and bytes per class.
class HeapCensus {
 public:
  HeapCensus(HeapWalker& walker, ObjectNamer& namer) : walker_(walker), namer_(namer) {}
  // Walks the heap (progress as HeapWalker::Walk), feeding `also` (if
  // given) the same objects. Throws Error if no page was found.
  void Build(const ProgressFn& progress, ObjectVisitor* also = nullptr);

  const WalkReport& report() const { return report_; }
  // Biggest first (bytes, then count, then name).
  std::vector<CensusRow> Rows() const;

 private:
  HeapWalker& walker_;
  ObjectNamer& namer_;
  WalkReport report_;
  std::vector<std::pair<uint64_t, uint64_t>> per_class_;  // by id: count, bytes
};

// Every object of one class, in address order (another walk).
std::vector<uint64_t> FindInstances(HeapWalker& walker, ObjectNamer& namer, uint32_t id, const ProgressFn& progress,
                                    WalkReport* report = nullptr);

}  // namespace nodegdb
