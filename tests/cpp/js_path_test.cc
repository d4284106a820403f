// ParsePath: the JS property path syntax after an EXPR (core/view/js_path.h).
// The lookups themselves are tested on real cores (tests/python/test_js_paths.py).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/errors.h"
#include "core/view/js_path.h"

namespace nodegdb {
namespace {

using K = PathStep::Kind;

TEST(JsPath, MembersIndicesQuotedKeysAndCollectionLookups) {
  std::vector<PathStep> steps = ParsePath(".locals.items[0]['k 1'][\"q\\\"x\"].get('key').has(3).héllo");
  ASSERT_EQ(steps.size(), 8u);
  EXPECT_EQ(steps[0].kind, K::kProperty);
  EXPECT_EQ(steps[0].name, u"locals");
  EXPECT_EQ(steps[2].kind, K::kIndex);
  EXPECT_EQ(steps[2].index, 0u);
  EXPECT_EQ(steps[3].name, u"k 1");
  EXPECT_EQ(steps[4].name, u"q\"x");
  EXPECT_EQ(steps[5].kind, K::kMapGet);
  EXPECT_EQ(steps[5].key_string, u"key");
  EXPECT_EQ(steps[5].text, ".get('key')");
  EXPECT_EQ(steps[6].kind, K::kHas);
  EXPECT_EQ(steps[6].key_type, PathStep::KeyType::kNumber);
  EXPECT_EQ(steps[6].key_number, 3);
  EXPECT_EQ(steps[7].name, u"h\u00e9llo");
  EXPECT_TRUE(ParsePath("").empty());
}

TEST(JsPath, LiteralKeysAndSpaces) {
  std::vector<PathStep> steps = ParsePath(" .get( true ).get(null).get(undefined).get(-1.5) [ 2 ]");
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].key_type, PathStep::KeyType::kTrue);
  EXPECT_EQ(steps[1].key_type, PathStep::KeyType::kNull);
  EXPECT_EQ(steps[2].key_type, PathStep::KeyType::kUndefined);
  EXPECT_EQ(steps[3].key_number, -1.5);
  EXPECT_EQ(steps[4].index, 2u);
  // `get` without a call is an ordinary property.
  EXPECT_EQ(ParsePath(".get")[0].kind, K::kProperty);
}

TEST(JsPath, MalformedPathsNameTheColumn) {
  for (const char* bad : {"x", ".", "[", "[x]", "['open", ".get('a'", ".get(nope)", "[1", "[99999999999999999]"}) {
    try {
      ParsePath(bad);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("bad JS path at column ", 0), 0u) << e.what();
    }
  }
  std::string long_path;
  for (int i = 0; i < 300; i++) long_path += ".a";
  EXPECT_THROW(ParsePath(long_path), Error);  // bounded: at most 256 steps
}

}  // namespace
}  // namespace nodegdb
