#include "core/view/json_writer.h"

#include <gtest/gtest.h>

namespace nodegdb {
namespace {

TEST(JsonWriter, NestedPretty) {
  JsonWriter w(2);
  w.BeginObject().Field("a", 1).Key("b").BeginArray().String("x").Bool(true).Null().EndArray();
  w.Key("c").BeginObject().EndObject().Key("d").BeginArray().EndArray().EndObject();
  EXPECT_EQ(w.text(), "{\n  \"a\": 1,\n  \"b\": [\n    \"x\",\n    true,\n    null\n  ],\n  \"c\": {},\n  \"d\": []\n}");
}

TEST(JsonWriter, Compact) {
  JsonWriter w(0);
  w.BeginArray().Number(-5).Unsigned(18446744073709551615ull).Double(0.1).Double(1.0 / 0.0).EndArray();
  EXPECT_EQ(w.text(), "[-5,18446744073709551615,0.1,null]");
}

TEST(JsonWriter, Escapes) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(JsonQuote("h\xC3\xA9llo \xE2\x98\x83"), "\"h\xC3\xA9llo \xE2\x98\x83\"");
  // Invalid UTF-8 (a lone continuation byte, a truncated sequence, an overlong form) becomes U+FFFD.
  EXPECT_EQ(JsonQuote("\x80" "a\xE2\x98" "\xC0\xAF"), "\"\xEF\xBF\xBD" "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonWriter, ReportAddress) { EXPECT_EQ(ReportAddress(0xd59a08), "0x0000000000d59a08"); }

}  // namespace
}  // namespace nodegdb
