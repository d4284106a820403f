// The JSON shape of JS values (core/view/js_json.h) over hand-made
// descriptions: what each kind writes, and the depth, length, cycle and
// error bounds. The heap side is the same model `v8 print` uses; the
// Python tests compare real values with what Node says of them.
#include "core/view/js_json.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/errors.h"

namespace nodegdb {
namespace {

// Descriptions by raw word; a word nobody described cannot be read.
class FakeModel : public JsModel {
 public:
  JsDescription Describe(uint64_t raw) override {
    auto it = values_.find(raw);
    if (it == values_.end()) throw Error("cannot read " + std::to_string(raw));
    return it->second;
  }
  JsSlot Reserve() {
    uint64_t raw = next_;
    next_ += 0x10;
    return JsSlot::Tagged(raw);
  }
  void Set(const JsSlot& slot, JsDescription d) {
    if (d.kind != JsKind::kPrimitive && d.kind != JsKind::kOpaque) d.identity = slot.raw;
    values_[slot.raw] = std::move(d);
  }
  JsSlot Add(JsDescription d) {
    JsSlot slot = Reserve();
    Set(slot, std::move(d));
    return slot;
  }

 private:
  std::map<uint64_t, JsDescription> values_;
  uint64_t next_ = 0x1001;  // tagged heap pointers end in 1
};

JsDescription Number(const std::string& text) {
  JsDescription d;
  d.kind = JsKind::kPrimitive;
  d.text = text;
  d.is_number = true;
  return d;
}

JsDescription String(const std::string& value, uint64_t length) {
  JsDescription d;
  d.kind = JsKind::kPrimitive;
  d.text = "'" + value + "'";
  d.is_string = true;
  d.string_value = value;
  d.string_length = length;
  return d;
}

JsDescription Object(const std::string& constructor) {
  JsDescription d;
  d.kind = JsKind::kObject;
  d.constructor_name = constructor;
  return d;
}

void Prop(JsDescription& d, const std::string& key, JsSlot value) {
  JsProperty p;
  p.key.text = key;
  p.value = value;
  d.properties.push_back(p);
}

std::string Json(FakeModel& m, const JsSlot& slot, InspectOptions o = {}) { return JsJson(m, slot.raw, o, 0); }

TEST(JsJson, Primitives) {
  FakeModel m;
  EXPECT_EQ(Json(m, m.Add(Number("-1.5"))), R"J({"type":"number","address":"0x1001","value":-1.5,"text":"-1.5"})J");
  EXPECT_EQ(Json(m, m.Add(Number("NaN"))), R"J({"type":"number","address":"0x1011","value":null,"text":"NaN"})J");
  EXPECT_EQ(Json(m, m.Add(Number("12345678901234567890n"))),
            R"J({"type":"bigint","address":"0x1021","value":"12345678901234567890","text":"12345678901234567890n"})J");
  JsDescription t;
  t.kind = JsKind::kPrimitive;
  t.text = "true";
  EXPECT_EQ(Json(m, m.Add(t)), R"J({"type":"boolean","address":"0x1031","value":true,"text":"true"})J");
  t.text = "undefined";
  EXPECT_EQ(Json(m, m.Add(t)), R"J({"type":"undefined","address":"0x1041","text":"undefined"})J");
  t.text = "Symbol(a)";
  EXPECT_EQ(Json(m, m.Add(t)), R"J({"type":"symbol","address":"0x1051","text":"Symbol(a)"})J");
  EXPECT_EQ(Json(m, m.Add(String("a\"b", 3))),
            R"J({"type":"string","address":"0x1061","value":"a\"b","length":3,"text":"'a\"b'"})J");
}

TEST(JsJson, StringCutAtMaxStringLength) {
  FakeModel m;
  InspectOptions o;
  o.max_string_length = 2;
  EXPECT_EQ(Json(m, m.Add(String("ab", 5)), o),
            R"J({"type":"string","address":"0x1001","value":"ab","length":5,"truncated":true,"text":"'ab'"})J");
}

TEST(JsJson, ObjectWithPropertiesAndText) {
  FakeModel m;
  JsDescription p = Object("Point");
  Prop(p, "x", m.Add(Number("1")));
  JsProperty getter;
  getter.key.text = "g";
  getter.accessor = getter.has_getter = true;
  p.properties.push_back(getter);
  EXPECT_EQ(Json(m, m.Add(p)),
            R"J({"type":"object","address":"0x1011","constructor":"Point","text":"Point { x: 1, g: [Getter] }",)J"
            R"J("properties":[{"key":"x","value":{"type":"number","address":"0x1001","value":1,"text":"1"}},)J"
            R"J({"key":"g","accessor":true,"getter":true,"setter":false}]})J");
}

TEST(JsJson, NullPrototypeHasNullConstructor) {
  FakeModel m;
  JsDescription d;
  d.kind = JsKind::kObject;
  d.constructor_name.reset();
  EXPECT_EQ(Json(m, m.Add(d)),
            R"J({"type":"object","address":"0x1001","constructor":null,"text":"[Object: null prototype] {}","properties":[]})J");
}

TEST(JsJson, DepthCutsAsUtilInspect) {
  FakeModel m;
  JsDescription inner = Object("Object");
  Prop(inner, "v", m.Add(Number("2")));
  JsSlot inner_slot = m.Add(inner);
  JsDescription outer = Object("Object");
  Prop(outer, "inner", inner_slot);
  InspectOptions o;
  o.depth = 0;
  EXPECT_EQ(Json(m, m.Add(outer), o),
            R"J({"type":"object","address":"0x1021","constructor":"Object","text":"{ inner: [Object] }",)J"
            R"J("properties":[{"key":"inner","value":{"type":"object","address":"0x1011","constructor":"Object",)J"
            R"J("text":"[Object]","truncated":"depth"}}]})J");
}

TEST(JsJson, CycleMarked) {
  FakeModel m;
  JsSlot self = m.Reserve();
  JsDescription d = Object("Object");
  Prop(d, "self", self);
  m.Set(self, d);
  EXPECT_EQ(Json(m, self),
            R"J({"type":"object","address":"0x1001","constructor":"Object","text":"<ref *1> { self: [Circular *1] }",)J"
            R"J("properties":[{"key":"self","value":{"type":"object","address":"0x1001","constructor":"Object",)J"
            R"J("circular":"0x1001"}}]})J");
}

TEST(JsJson, ArrayElementsCutAtMaxArrayLength) {
  FakeModel m;
  JsDescription a;
  a.kind = JsKind::kArray;
  a.constructor_name = "Array";
  a.length = 3;
  a.elements = {{0, JsSlot::Number("1")}, {2, JsSlot::Number("3")}};  // a hole at 1
  InspectOptions o;
  o.max_array_length = 1;
  EXPECT_EQ(Json(m, m.Add(a), o),
            R"J({"type":"array","address":"0x1001","constructor":"Array","text":"[ 1, ... 2 more items ]","length":3,)J"
            R"J("elements":[{"index":0,"value":{"type":"number","value":1,"text":"1"}}],"elements_truncated":true,)J"
            R"J("properties":[]})J");
}

TEST(JsJson, MapEntriesAndSize) {
  FakeModel m;
  JsDescription d;
  d.kind = JsKind::kMap;
  d.constructor_name = "Map";
  d.length = 1;
  d.entries = {{m.Add(String("k", 1)), JsSlot::Number("1")}};
  EXPECT_EQ(Json(m, m.Add(d)),
            R"J({"type":"map","address":"0x1011","constructor":"Map","text":"Map(1) { 'k' => 1 }","size":1,)J"
            R"J("entries":[{"key":{"type":"string","address":"0x1001","value":"k","length":1,"text":"'k'"},)J"
            R"J("value":{"type":"number","value":1,"text":"1"}}],"properties":[]})J");
}

TEST(JsJson, UnreadableNestedValueIsAnErrorNode) {
  FakeModel m;
  JsDescription d = Object("Object");
  Prop(d, "bad", JsSlot::Tagged(0xdead1));
  std::string json = Json(m, m.Add(d));
  EXPECT_NE(json.find(R"J({"key":"bad","value":{"address":"0xdead1","error":"cannot read 912081"}})J"), std::string::npos)
      << json;
}

TEST(JsJson, UnreadableTopValueThrows) {
  FakeModel m;
  EXPECT_THROW(JsJson(m, 0x51, InspectOptions{}), Error);
}

TEST(JsJson, ErrorAndPromiseFields) {
  FakeModel m;
  JsDescription e;
  e.kind = JsKind::kError;
  e.constructor_name = "TypeError";
  e.text = "TypeError: no\n    at f (a.js:1:1)";
  e.error_name = "TypeError";
  e.error_message = "no";
  JsSlot error = m.Add(e);
  JsDescription p;
  p.kind = JsKind::kPromise;
  p.constructor_name = "Promise";
  p.promise_state = JsPromiseState::kRejected;
  p.promise_result = error;
  std::string json = Json(m, m.Add(p));
  EXPECT_NE(json.find(R"J("state":"rejected","result":{"type":"error","address":"0x1001","constructor":"TypeError")J"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"J("name":"TypeError","message":"no","stack":"TypeError: no\n    at f (a.js:1:1)")J"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace nodegdb
