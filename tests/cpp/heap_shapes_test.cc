// The grouping of `v8 findjsobjects -d`: maps with the same property names
// merge, dictionary-mode maps are one group per class, and classes and
// shapes come biggest first.
#include "core/heap/heap_shapes.h"

#include <gtest/gtest.h>

namespace nodegdb {
namespace {

TEST(ShapeTable, MergesMapsWithTheSameNames) {
  ShapeTable t;
  t.Add("Point", false, {"x", "y"}, 600);
  t.Add("Point", false, {"x", "y"}, 400);  // another map (a field changed representation)
  t.Add("Point", false, {"x", "y", "z"}, 7);
  std::vector<ClassShapes> rows = t.Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].name, "Point");
  EXPECT_EQ(rows[0].instances, 1007u);
  ASSERT_EQ(rows[0].shapes.size(), 2u);
  EXPECT_EQ(rows[0].shapes[0].instances, 1000u);
  EXPECT_EQ(ShapeText(rows[0].shapes[0]), "{ x, y }");
  EXPECT_EQ(rows[0].shapes[1].instances, 7u);
  EXPECT_EQ(ShapeText(rows[0].shapes[1]), "{ x, y, z }");
}

TEST(ShapeTable, NamesInOrderAreTheShape) {
  ShapeTable t;
  t.Add("Object", false, {"a", "b"}, 1);
  t.Add("Object", false, {"b", "a"}, 1);
  EXPECT_EQ(t.Rows()[0].shapes.size(), 2u);
}

TEST(ShapeTable, DictionaryMapsAreOneGroupPerClass) {
  ShapeTable t;
  t.Add("Point", true, {}, 2);
  t.Add("Point", true, {"ignored"}, 1);
  t.Add("Other", true, {}, 5);
  std::vector<ClassShapes> rows = t.Rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "Other");
  ASSERT_EQ(rows[1].shapes.size(), 1u);
  EXPECT_EQ(rows[1].shapes[0].instances, 3u);
  EXPECT_TRUE(rows[1].shapes[0].dictionary);
  EXPECT_EQ(ShapeText(rows[1].shapes[0]), "(dictionary mode)");
}

TEST(ShapeTable, ClassesBiggestFirstThenByName) {
  ShapeTable t;
  t.Add("B", false, {}, 3);
  t.Add("A", false, {}, 3);
  t.Add("C", false, {"x"}, 10);
  std::vector<ClassShapes> rows = t.Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "C");
  EXPECT_EQ(rows[1].name, "A");
  EXPECT_EQ(rows[2].name, "B");
  EXPECT_EQ(ShapeText(rows[1].shapes[0]), "{}");
}

TEST(ShapeTable, TiesPreferFewerProperties) {
  ShapeTable t;
  t.Add("P", false, {"x", "y", "z"}, 4);
  t.Add("P", true, {}, 4);
  t.Add("P", false, {"x"}, 4);
  std::vector<ClassShapes> rows = t.Rows();
  ASSERT_EQ(rows[0].shapes.size(), 3u);
  EXPECT_EQ(ShapeText(rows[0].shapes[0]), "{ x }");
  EXPECT_EQ(ShapeText(rows[0].shapes[1]), "{ x, y, z }");
  EXPECT_EQ(ShapeText(rows[0].shapes[2]), "(dictionary mode)");
}

}  // namespace
}  // namespace nodegdb
