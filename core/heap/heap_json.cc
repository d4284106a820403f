#include "core/heap/heap_json.h"

#include "core/v8/heap.h"

namespace nodegdb {

namespace {

void Reference(JsonWriter& w, const HeapReference& r) {
  w.BeginObject()
      .Field("holder", Hex(r.owner ? r.owner : r.holder))
      .Field("class", r.owner ? r.owner_class : r.holder_class)
      .Field("slot", r.slot_name)
      .Field("slot_address", Hex(r.slot))
      .Field("weak", r.weak);
  if (r.owner) w.Field("store", Hex(r.holder)).Field("store_class", r.holder_class);
  w.EndObject();
}

void References(JsonWriter& w, const std::vector<HeapReference>& refs) {
  w.BeginArray();
  for (const HeapReference& r : refs) Reference(w, r);
  w.EndArray();
}

}  // namespace

void WalkJson(JsonWriter& w, const WalkReport& r) {
  w.BeginObject()
      .Field("isolates", static_cast<uint64_t>(r.heaps))
      .Field("pages", r.pages)
      .Field("area_bytes", r.area_bytes)
      .Field("walked_bytes", r.walked_bytes())
      .Field("objects", r.objects)
      .Field("object_bytes", r.object_bytes)
      .Field("failed_bytes", r.failed_bytes())
      .Field("cancelled", r.cancelled)
      .EndObject();
}

std::string CensusJson(const std::vector<CensusRow>& rows, const WalkReport& report) {
  JsonWriter w;
  uint64_t count = 0, bytes = 0;
  w.BeginObject().Key("types").BeginArray();
  for (const CensusRow& r : rows) {
    count += r.count, bytes += r.bytes;
    w.BeginObject().Field("name", r.name).Field("instances", r.count).Field("bytes", r.bytes).Field("js", r.js).EndObject();
  }
  w.EndArray().Field("instances", count).Field("bytes", bytes).Key("walk");
  WalkJson(w, report);
  return w.EndObject().Take();
}

std::string ShapesJson(const std::vector<ClassShapes>& classes, const WalkReport& report) {
  JsonWriter w;
  w.BeginObject().Key("types").BeginArray();
  for (const ClassShapes& c : classes) {
    w.BeginObject().Field("name", c.name).Field("instances", c.instances).Key("shapes").BeginArray();
    for (const Shape& s : c.shapes) {
      w.BeginObject().Field("instances", s.instances).Field("dictionary", s.dictionary).Key("properties");
      if (s.dictionary) {
        w.Null();
      } else {
        w.BeginArray();
        for (const std::string& p : s.properties) w.String(p);
        w.EndArray();
      }
      w.EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray().Key("walk");
  WalkJson(w, report);
  return w.EndObject().Take();
}

std::string InstancesJson(const std::string& name, uint64_t total, uint64_t start,
                          const std::vector<ShownObject>& objects) {
  JsonWriter w;
  w.BeginObject().Field("name", name).Field("instances", total).Field("start", start).Key("objects").BeginArray();
  for (const ShownObject& o : objects) w.BeginObject().Field("address", Hex(o.tagged)).Field("view", o.view).EndObject();
  return w.EndArray().EndObject().Take();
}

std::string ReferencesJson(const ShownObject& target, const std::vector<HeapReference>& refs, uint64_t total,
                           const WalkReport& report) {
  JsonWriter w;
  w.BeginObject().Field("target", Hex(target.tagged)).Field("view", target.view).Key("references");
  References(w, refs);
  w.Field("total", total).Key("walk");
  WalkJson(w, report);
  return w.EndObject().Take();
}

std::string PropertyHoldersJson(const std::string& name, const std::vector<PropertyHolder>& holders,
                                const std::vector<std::string>& value_views, uint64_t total,
                                const WalkReport& report) {
  JsonWriter w;
  w.BeginObject().Field("name", name).Key("holders").BeginArray();
  for (size_t i = 0; i < holders.size(); ++i) {
    const PropertyHolder& h = holders[i];
    w.BeginObject().Field("address", Hex(h.object)).Field("class", h.object_class).Field("accessor", h.accessor);
    if (!h.accessor) w.Field("value", Hex(h.value)).Field("view", i < value_views.size() ? value_views[i] : "");
    w.EndObject();
  }
  w.EndArray().Field("total", total).Key("walk");
  WalkJson(w, report);
  return w.EndObject().Take();
}

std::string StringSearchJson(const std::string& text, const StringSearch& search) {
  JsonWriter w;
  w.BeginObject().Field("string", text).Key("strings").BeginArray();
  for (const EqualString& s : search.strings) {
    w.BeginObject()
        .Field("address", Hex(s.tagged))
        .Field("type", s.type)
        .Field("representation", s.representation)
        .Field("one_byte", s.one_byte)
        .Field("internalized", s.internalized)
        .Key("holders");
    References(w, s.holders);
    w.Field("holders_total", s.total_holders).EndObject();
  }
  w.EndArray()
      .Field("holders_total", search.total_holders)
      .Field("holders_listed", search.listed_holders)
      .Field("unreadable_strings", search.unreadable)
      .Key("walk");
  WalkJson(w, search.report);
  return w.EndObject().Take();
}

}  // namespace nodegdb
