#include "core/heap/heap_shapes.h"

#include <algorithm>

#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/property.h"

namespace nodegdb {

namespace {

bool IsPlainKey(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (unsigned char c : s) {
    if (!(std::isalnum(c) || c == '_' || c == '$')) return false;
  }
  return true;
}

// A key as an object literal writes it: x, 'a b', [Symbol(s)].
std::string KeyLiteral(const KeyText& key) {
  if (key.is_symbol) return "[" + key.text + "]";
  if (IsPlainKey(key.text)) return key.text;
  std::string out = "'";
  for (char c : key.text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The names of a fast map's own properties (private symbols left out, as
// util.inspect leaves them out); none if the map cannot be read.
bool MapShape(Heap& heap, uint64_t map_word, bool* dictionary, std::vector<std::string>* names) {
  try {
    Tagged map = heap.Decode(map_word);
    if (map.kind != Tagged::Kind::kStrong) return false;
    MapInfo mi = ReadMap(heap, map.address);
    *dictionary = mi.dictionary_map;
    if (mi.dictionary_map || !mi.own_descriptors || !mi.descriptors) return true;
    for (const PropertyEntry& d : ReadDescriptors(heap, mi.descriptors, mi.own_descriptors)) {
      KeyText key;
      try {
        key = ReadKey(heap, d.key);
      } catch (const Error&) {
        key.text = "?";
      }
      if (!key.is_private) names->push_back(KeyLiteral(key));
    }
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

void ShapeTable::Add(const std::string& class_name, bool dictionary, const std::vector<std::string>& properties,
                     uint64_t instances) {
  classes_[class_name][Key(dictionary, dictionary ? std::vector<std::string>{} : properties)] += instances;
}

std::vector<ClassShapes> ShapeTable::Rows() const {
  std::vector<ClassShapes> rows;
  for (const auto& [name, shapes] : classes_) {
    ClassShapes c;
    c.name = name;
    for (const auto& [key, count] : shapes) {
      c.instances += count;
      c.shapes.push_back(Shape{key.first, key.second, count});
    }
    std::sort(c.shapes.begin(), c.shapes.end(), [](const Shape& a, const Shape& b) {
      if (a.instances != b.instances) return a.instances > b.instances;
      if (a.dictionary != b.dictionary) return b.dictionary;
      if (a.properties.size() != b.properties.size()) return a.properties.size() < b.properties.size();
      return a.properties < b.properties;
    });
    rows.push_back(std::move(c));
  }
  std::sort(rows.begin(), rows.end(), [](const ClassShapes& a, const ClassShapes& b) {
    if (a.instances != b.instances) return a.instances > b.instances;
    return a.name < b.name;
  });
  return rows;
}

ShapeCounter::ShapeCounter(Heap& heap, ObjectNamer& namer)
    : heap_(heap), namer_(namer), first_receiver_(heap.metadata().FindType("JS_PROXY_TYPE").value_or(0x400)) {}

void ShapeCounter::Visit(const ObjectRef& o) {
  if (o.facts->type < first_receiver_) return;
  auto it = maps_.find(o.map);
  if (it == maps_.end()) {
    uint32_t id = namer_.ClassOf(o);
    it = maps_.emplace(o.map, std::make_pair(id, uint64_t{0})).first;
  }
  ++it->second.second;
}

std::vector<ClassShapes> ShapeCounter::Shapes() const {
  ShapeTable table;
  for (const auto& [map_word, entry] : maps_) {
    if (!namer_.IsJs(entry.first)) continue;
    bool dictionary = false;
    std::vector<std::string> names;
    if (!MapShape(heap_, map_word, &dictionary, &names)) names = {"(unreadable map)"};
    table.Add(namer_.Name(entry.first), dictionary, names, entry.second);
  }
  return table.Rows();
}

std::vector<ClassShapes> FindShapes(HeapWalker& walker, ObjectNamer& namer, const ProgressFn& progress,
                                    WalkReport* report) {
  ShapeCounter counter(walker.heap(), namer);
  WalkReport r = walker.Walk(counter, progress);
  if (report) *report = r;
  if (r.cancelled) return {};
  return counter.Shapes();
}

std::string ShapeText(const Shape& shape) {
  if (shape.dictionary) return "(dictionary mode)";
  if (shape.properties.empty()) return "{}";
  std::string out = "{ ";
  for (size_t i = 0; i < shape.properties.size(); ++i) {
    if (i) out += ", ";
    out += shape.properties[i];
  }
  return out + " }";
}

}  // namespace nodegdb
