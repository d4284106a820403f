#include "core/heap/heap_census.h"

#include <algorithm>
#include <atomic>

#include "core/view/js_model.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/string.h"

namespace nodegdb {

namespace {
constexpr int kMaxChain = 64;
constexpr size_t kMaxOwnProperties = 512;
// Map::bit_field2 bit 0 and Map::bit_field3 bit 20 (the same in V8 11-14).
constexpr uint8_t kNewTargetIsBase = 1u << 0;
constexpr uint32_t kIsPrototypeMap = 1u << 20;
}  // namespace

namespace {
std::atomic<uint64_t> next_namer_serial{1};  // 0: no namer
}  // namespace

ObjectNamer::ObjectNamer(Heap& heap, ObjectSizer& sizer)
    : heap_(heap), sizer_(sizer), serial_(next_namer_serial.fetch_add(1)) {
  first_receiver_type_ = heap.metadata().FindType("JS_PROXY_TYPE").value_or(0x400);
}

uint32_t ObjectNamer::Intern(const std::string& name, bool js) {
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(names_.size());
  names_.push_back(name);
  js_.push_back(js);
  ids_.emplace(name, id);
  return id;
}

int64_t ObjectNamer::Find(const std::string& name) const {
  auto it = ids_.find(name);
  return it == ids_.end() ? -1 : static_cast<int64_t>(it->second);
}

std::string ObjectNamer::InternalName(int type) {
  std::string name = sizer_.types().Name(type);
  if (name.empty() && heap_.IsString(type)) name = heap_.TypeName(type);
  if (name == "BIG_INT_BASE_TYPE" || name == "BIGINT_TYPE") return "(BigInt)";
  std::string cls = heap_.metadata().TypeClass(type);
  if (cls.empty() && !name.empty()) cls = TypeNameToClassName(name);
  if (cls.empty()) cls = "type " + std::to_string(type);
  return "(" + cls + ")";
}

std::string ObjectNamer::BuiltinName(int type) {
  // JSReceiver::class_name, roughly: the built-in class of the instance type.
  HeapJsModel model(heap_, InspectOptions{});
  if (model.IsFunctionType(type)) return "Function";
  std::string cls = heap_.metadata().TypeClass(type);
  if (cls.empty()) cls = TypeNameToClassName(sizer_.types().Name(type));
  if (cls.rfind("JS", 0) == 0 && cls.size() > 2) cls = cls.substr(2);
  if (cls.empty() || cls == "SpecialAPIObject" || cls == "APIObject" || cls == "ObjectWithEmbedderSlots" ||
      cls == "ContextExtensionObject" || cls.find("Prototype") != std::string::npos) {
    return "Object";
  }
  return cls;
}

std::string ObjectNamer::OwnTag(uint64_t object, uint64_t map) {
  MapInfo mi = ReadMap(heap_, map);
  for (const OwnProperty& p : ReadOwnProperties(heap_, object, mi, kMaxOwnProperties)) {
    if (p.details.accessor || p.key.kind != Tagged::Kind::kStrong) continue;
    if (heap_.KindOf(heap_.InstanceTypeOf(p.key.address)) != ObjectKind::kSymbol) continue;
    if (ReadKey(heap_, p.key).text != "Symbol(Symbol.toStringTag)") continue;
    if (p.value.kind == Tagged::Kind::kStrong && heap_.IsString(heap_.InstanceTypeOf(p.value.address))) {
      return Utf16ToUtf8(ReadString(heap_, p.value.address, 200).units);
    }
  }
  return "";
}

std::string ObjectNamer::OwnConstructorName(uint64_t object, uint64_t map) {
  MapInfo mi = ReadMap(heap_, map);
  std::optional<OwnProperty> ctor = FindOwnProperty(heap_, object, mi, u"constructor");
  if (!ctor || ctor->details.accessor || ctor->value.kind != Tagged::Kind::kStrong) return "";
  HeapJsModel model(heap_, InspectOptions{});
  if (!model.IsFunctionType(heap_.InstanceTypeOf(ctor->value.address))) return "";
  std::string name = model.FunctionName(ctor->value.address);
  return name == "Object" ? "" : name;
}

std::string ObjectNamer::ChainName(uint64_t prototype, int depth) {
  if (depth > kMaxChain) return "";
  auto it = by_prototype_.find(prototype);
  if (it != by_prototype_.end()) return it->second;
  std::string name;
  try {
    uint64_t map = heap_.MapOf(prototype);
    int type = heap_.MapInstanceType(map);
    if (type >= first_receiver_type_) {
      name = OwnTag(prototype, map);
      if (name.empty()) name = OwnConstructorName(prototype, map);
      if (name.empty()) {
        Tagged next = ReadMap(heap_, map).prototype;
        if (next.kind == Tagged::Kind::kStrong && next.address != prototype) name = ChainName(next.address, depth + 1);
      }
    }
  } catch (const Error&) {
    name.clear();
  }
  by_prototype_[prototype] = name;
  return name;
}

std::string ObjectNamer::JsName(uint64_t object, uint64_t map_word) {
  Tagged map = heap_.Decode(map_word);
  int type = heap_.MapInstanceType(map.address);
  if (heap_.metadata().TypeName(type) == "JS_PROXY_TYPE") return "Proxy";
  try {
    MapInfo mi = ReadMap(heap_, map.address);
    const MapLayout& ml = heap_.LayoutOf<MapLayout>();
    uint8_t bit_field2 = heap_.memory().ReadU8(map.address + static_cast<uint64_t>(ml.bit_field2));
    HeapJsModel model(heap_, InspectOptions{});
    // 1. The constructor the map was made for, when the object was made with
    //    new.target == that constructor (not for prototypes, whose maps V8
    //    resets to Object).
    if (!(mi.bit_field3 & kIsPrototypeMap) && (bit_field2 & kNewTargetIsBase)) {
      Tagged ctor = MapConstructor(heap_, mi);
      if (ctor.kind == Tagged::Kind::kStrong && model.IsFunctionType(heap_.InstanceTypeOf(ctor.address))) {
        std::string name = model.FunctionName(ctor.address);
        if (!name.empty() && name != "Object") return name;
      }
    }
    // 2. Symbol.toStringTag on the object or its chain, `constructor` on the chain.
    std::string tag = OwnTag(object, map.address);
    if (!tag.empty()) return tag;
    if (mi.prototype.kind == Tagged::Kind::kStrong && mi.prototype.address != object) {
      std::string name = ChainName(mi.prototype.address, 0);
      if (!name.empty()) return name;
    }
  } catch (const Error&) {
    // A map or chain that cannot be read: the built-in class still names it.
  }
  return BuiltinName(type);
}

uint32_t ObjectNamer::ClassOfSlow(const ObjectRef& object) {
  auto it = by_map_.find(object.map);
  if (it != by_map_.end()) {
    object.facts->class_id = it->second;
    object.facts->class_namer = serial_;
    return it->second;
  }
  const int type = object.facts->type;
  uint32_t id;
  if (type >= first_receiver_type_) {
    id = Intern(JsName(object.address, object.map), true);
  } else {
    auto t = internal_by_type_.find(type);
    if (t == internal_by_type_.end()) t = internal_by_type_.emplace(type, Intern(InternalName(type), false)).first;
    id = t->second;
  }
  by_map_.emplace(object.map, id);
  object.facts->class_id = id;
  object.facts->class_namer = serial_;
  return id;
}

uint32_t ObjectNamer::ClassOfAddress(uint64_t address) {
  ObjectRef ref;
  ref.address = address;
  ref.map = heap_.ReadWord(address + static_cast<uint64_t>(heap_.layout().heap_object_map));
  const MapFacts& facts = sizer_.Facts(ref.map);
  if (!facts.valid) throw heap_.NotA(address, "V8 heap object");
  ref.facts = &facts;
  return ClassOf(ref);
}

namespace {

class CensusVisitor : public ObjectVisitor {
 public:
  CensusVisitor(ObjectNamer& namer, std::vector<std::pair<uint64_t, uint64_t>>& per_class)
      : namer_(namer), per_class_(per_class) {}
  void Visit(const ObjectRef& o) override {
    uint32_t id = namer_.ClassOf(o);
    if (id >= per_class_.size()) per_class_.resize(id + 1);
    per_class_[id].first++;
    per_class_[id].second += o.size;
  }

 private:
  ObjectNamer& namer_;
  std::vector<std::pair<uint64_t, uint64_t>>& per_class_;
};

class InstanceVisitor : public ObjectVisitor {
 public:
  InstanceVisitor(ObjectNamer& namer, uint32_t id, std::vector<uint64_t>& out) : namer_(namer), id_(id), out_(out) {}
  void Visit(const ObjectRef& o) override {
    uint32_t id = namer_.ClassOf(o);
    if (id == id_) out_.push_back(o.address);
  }

 private:
  ObjectNamer& namer_;
  uint32_t id_;
  std::vector<uint64_t>& out_;
};

}  // namespace

void HeapCensus::Build(const ProgressFn& progress, ObjectVisitor* also) {
  CensusVisitor visitor(namer_, per_class_);
  if (!also) {
    report_ = walker_.Walk(visitor, progress);
    return;
  }
  TeeVisitor both(visitor, *also);
  report_ = walker_.Walk(both, progress);
}

std::vector<CensusRow> HeapCensus::Rows() const {
  std::vector<CensusRow> rows;
  for (uint32_t id = 0; id < per_class_.size(); ++id) {
    if (!per_class_[id].first) continue;
    CensusRow r;
    r.id = id;
    r.name = namer_.Name(id);
    r.js = namer_.IsJs(id);
    r.count = per_class_[id].first;
    r.bytes = per_class_[id].second;
    rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end(), [](const CensusRow& a, const CensusRow& b) {
    if (a.bytes != b.bytes) return a.bytes > b.bytes;
    if (a.count != b.count) return a.count > b.count;
    return a.name < b.name;
  });
  return rows;
}

std::vector<uint64_t> FindInstances(HeapWalker& walker, ObjectNamer& namer, uint32_t id, const ProgressFn& progress,
                                    WalkReport* report) {
  std::vector<uint64_t> out;
  InstanceVisitor visitor(namer, id, out);
  WalkReport r = walker.Walk(visitor, progress);
  if (report) *report = r;
  return out;
}

}  // namespace nodegdb
