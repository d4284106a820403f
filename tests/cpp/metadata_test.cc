#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/meta/metadata.h"

namespace nodegdb {
namespace {

TEST(Metadata, SplitsClassAndFieldWhateverTheTypeSuffix) {
  std::string_view cls, field;
  ASSERT_TRUE(SplitClassField("Map__prototype__Object", &cls, &field));
  EXPECT_EQ(cls, "Map");
  EXPECT_EQ(field, "prototype");
  ASSERT_TRUE(SplitClassField("Map__prototype__Tagged_JSPrototype_", &cls, &field));
  EXPECT_EQ(field, "prototype");
  ASSERT_TRUE(SplitClassField("BaseObject__persistent_handle___v8_Persistent_v8_Object", &cls, &field));
  EXPECT_EQ(cls, "BaseObject");
  EXPECT_EQ(field, "persistent_handle_");
  ASSERT_TRUE(SplitClassField("Environment_HandleWrapQueue__head___ListNode_HandleWrap", &cls, &field));
  EXPECT_EQ(cls, "Environment_HandleWrapQueue");
  EXPECT_EQ(field, "head_");
  ASSERT_TRUE(SplitClassField("Map__instance_descriptors_offset", &cls, &field));
  EXPECT_EQ(field, "instance_descriptors_offset");
  EXPECT_FALSE(SplitClassField("NoSeparator", &cls, &field));
}

TEST(Metadata, LooksUpFieldsAcrossVersionsAndNamesWhatIsMissing) {
  Metadata node20 = Metadata::FromTable({{"v8dbg_class_Oddball__kind_offset__int", 40},
                                         {"v8dbg_class_Map__prototype__Object", 24},
                                         {"v8dbg_type_Map__MAP_TYPE", 255}});
  Metadata node26 = Metadata::FromTable({{"v8dbg_class_Oddball__kind__int", 32},
                                         {"v8dbg_class_Map__prototype__Tagged_JSPrototype_", 24}});
  EXPECT_EQ(node20.GetField("Oddball", {"kind", "kind_offset"}), 40);
  EXPECT_EQ(node26.GetField("Oddball", {"kind", "kind_offset"}), 32);
  EXPECT_EQ(node26.GetField("Map", {"prototype"}), 24);
  EXPECT_EQ(node20.GetType("MAP_TYPE"), 255);
  EXPECT_EQ(node20.TypeName(255), "MAP_TYPE");
  EXPECT_EQ(node20.TypeClass(255), "Map");
  try {
    node26.GetField("Symbol", {"name"});
    FAIL();
  } catch (const MissingConstant& e) {
    EXPECT_NE(std::string(e.what()).find("v8dbg_class_Symbol__name__*"), std::string::npos);
  }
  EXPECT_THROW(node26.Get("v8dbg_SmiTag"), MissingConstant);
}

TEST(Metadata, NodeConstantsAreIndexedByKindClassAndField) {
  Metadata md = Metadata::FromTable(
      {}, {{"nodedbg_const_ContextEmbedderIndex__kEnvironment__int", 0x1000},
           {"nodedbg_offset_ListNode_HandleWrap__next___uintptr_t", 0x1008}});
  ASSERT_TRUE(md.FindNode("const", "ContextEmbedderIndex", "kEnvironment"));
  EXPECT_EQ(md.FindNode("offset", "ListNode_HandleWrap", "next_")->address, 0x1008u);
  EXPECT_FALSE(md.FindNode("offset", "Nope", "x"));
}

}  // namespace
}  // namespace nodegdb
