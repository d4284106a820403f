// Objects grouped by shape (llnode's `findjsobjects -d`): for each JS class
// of the census, the distinct lists of own property names its instances
// have, with how many instances have each. A fast-mode map's names come
// from its own descriptors, so objects are counted per map during one walk
// and each map is read once after it; maps with the same names (a field
// that changed representation, a deprecated map) share one shape.
// Dictionary-mode objects keep their names per object, so they are one
// group per class.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/heap/heap_census.h"
#include "core/heap/heap_walk.h"

namespace nodegdb {

struct Shape {
  bool dictionary = false;
  std::vector<std::string> properties;  // as util.inspect writes keys: x, 'a b', [Symbol(s)]
  uint64_t instances = 0;
};

struct ClassShapes {
  std::string name;
  uint64_t instances = 0;
  std::vector<Shape> shapes;  // most instances first
};

// The grouping itself, apart from the heap: shapes added per class (one
// call per map), merged by their names, ordered biggest first.
class ShapeTable {
 public:
  void Add(const std::string& class_name, bool dictionary, const std::vector<std::string>& properties,
           uint64_t instances);
  // Classes by instances (then name), each one's shapes by instances (then
  // fast before dictionary, fewer properties, names).
  std::vector<ClassShapes> Rows() const;

 private:
  using Key = std::pair<bool, std::vector<std::string>>;
  std::map<std::string, std::map<Key, uint64_t>> classes_;
};

// The visitor of a shapes walk: JS objects counted per map, then each map
// read once. A walk may feed it beside another visitor (the census).
class ShapeCounter : public ObjectVisitor {
 public:
  ShapeCounter(Heap& heap, ObjectNamer& namer);
  void Visit(const ObjectRef& o) override;
  // After the walk: the shapes of every JS class.
  std::vector<ClassShapes> Shapes() const;

 private:
  Heap& heap_;
  ObjectNamer& namer_;
  int first_receiver_;
  std::unordered_map<uint64_t, std::pair<uint32_t, uint64_t>> maps_;  // map word -> class id, objects
};

// One walk: the shapes of every JS class. Throws Error if no page was found.
std::vector<ClassShapes> FindShapes(HeapWalker& walker, ObjectNamer& namer, const ProgressFn& progress,
                                    WalkReport* report);

// "{ x, y }", "{}", "(dictionary mode)".
std::string ShapeText(const Shape& shape);

}  // namespace nodegdb
