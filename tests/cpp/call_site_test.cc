// The rules V8's SerializeJSStackFrame writes an Error.stack line by
// (view/call_site_info.h), on the parts CallSiteInfo gives it.
#include <gtest/gtest.h>

#include "core/view/call_site_info.h"

namespace nodegdb {
namespace {

CallSiteParts Parts(std::string function_name, std::string location = "/app/x.js:1:2") {
  CallSiteParts p;
  p.function_name = std::move(function_name);
  p.location = std::move(location);
  return p;
}

CallSiteParts Method(std::string function_name, std::string type, std::string method = "") {
  CallSiteParts p = Parts(std::move(function_name));
  p.is_method_call = true;
  p.type_name = std::move(type);
  p.method_name = std::move(method);
  return p;
}

TEST(CallSiteLine, TopLevelCallsAreTheNameOrTheLocationAlone) {
  EXPECT_EQ(FormatCallSite(Parts("f")), "f (/app/x.js:1:2)");
  EXPECT_EQ(FormatCallSite(Parts("")), "/app/x.js:1:2");
  EXPECT_EQ(CallSiteName(Parts("")), "");
}

TEST(CallSiteLine, ConstructorsAreNew) {
  CallSiteParts p = Parts("Foo");
  p.is_constructor = true;
  EXPECT_EQ(FormatCallSite(p), "new Foo (/app/x.js:1:2)");
  p.function_name.clear();
  EXPECT_EQ(FormatCallSite(p), "new <anonymous> (/app/x.js:1:2)");
}

TEST(CallSiteLine, MethodCallsNameTheTypeUnlessTheNameIsNoIdentifier) {
  EXPECT_EQ(FormatCallSite(Method("area", "Shape", "area")), "Shape.area (/app/x.js:1:2)");
  // A debug name inferred as "Module._load" is no identifier: no type prefix.
  EXPECT_EQ(CallSiteName(Method("Module._load", "Function", "_load")), "Module._load");
  // The type is not repeated when the function is named like it.
  EXPECT_EQ(CallSiteName(Method("Shape", "Shape")), "Shape");
  EXPECT_EQ(CallSiteName(Method("area", "")), "area");
}

TEST(CallSiteLine, MethodCallsAddTheKeyTheyWereFoundUnder) {
  EXPECT_EQ(CallSiteName(Method("area", "Object", "run")), "Object.area [as run]");
  EXPECT_EQ(CallSiteName(Method("executeUserEntryPoint", "Function", "runMain")),
            "Function.executeUserEntryPoint [as runMain]");
  // "a.b" ends with method "b"; "get b" too from V8 12 (V8 11: '.' only).
  EXPECT_EQ(CallSiteName(Method("Module._load", "Function", "_load")), "Module._load");
  CallSiteParts getter = Method("get size", "Square", "size");
  EXPECT_EQ(CallSiteName(getter), "get size");
  getter.method_after_space = false;
  EXPECT_EQ(CallSiteName(getter), "get size [as size]");
}

TEST(CallSiteLine, AnonymousMethodsUseTheMethodName) {
  EXPECT_EQ(CallSiteName(Method("", "Object", "go")), "Object.go");
  EXPECT_EQ(CallSiteName(Method("", "Object")), "Object.<anonymous>");
  EXPECT_EQ(CallSiteName(Method("", "")), "<anonymous>");
}

TEST(CallSiteLine, AsyncFramesAndPromiseCombinators) {
  CallSiteParts p = Parts("g");
  p.is_async = true;
  EXPECT_EQ(FormatCallSite(p), "async g (/app/x.js:1:2)");
  p.function_name.clear();
  EXPECT_EQ(FormatCallSite(p), "async /app/x.js:1:2");
  p.promise_combinator = "all";
  p.promise_index = 3;
  EXPECT_EQ(FormatCallSite(p), "async Promise.all (index 3)");
}

TEST(CallSiteLocation, FileLineColumnOrAnonymous) {
  CallSitePosition p;
  EXPECT_EQ(CallSiteLocationText(p), "<anonymous>");  // a builtin: no script
  p.has_script = true;
  p.script = "node:internal/modules/cjs/loader";
  p.line = 1521;
  p.column = 14;
  EXPECT_EQ(CallSiteLocationText(p), "node:internal/modules/cjs/loader:1521:14");
  p.function_start = true;
  EXPECT_EQ(CallSiteLocationText(p), "node:internal/modules/cjs/loader:1521:14, function start");
}

TEST(CallSiteLocation, EvalCodeNamesItsOrigin) {
  CallSitePosition p;
  p.has_script = true;
  p.eval_origin = "eval at <anonymous> (/app/x.js:3:4)";
  p.line = 1;
  p.column = 1;
  EXPECT_EQ(CallSiteLocationText(p), "eval at <anonymous> (/app/x.js:3:4), <anonymous>:1:1");
}

}  // namespace
}  // namespace nodegdb
