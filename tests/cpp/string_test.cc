#include <gtest/gtest.h>

#include "core/view/js_view.h"
#include "core/v8/string.h"
#include "core/view/v8_view.h"
#include "fake_heap.h"

namespace nodegdb {
namespace {

using testing::FakeHeap;

std::string Print(FakeHeap& f, uint64_t address) { return JsView(f.heap(), InspectOptions{}).Format(FakeHeap::Tag(address)); }

TEST(String, SequentialOneByteAndLatin1) {
  FakeHeap f;
  EXPECT_EQ(Print(f, f.SeqOneByte("plain")), "'plain'");
  EXPECT_EQ(Print(f, f.SeqOneByte("h\xe9llo")), "'h\xc3\xa9llo'");  // Latin-1 é to UTF-8
  EXPECT_EQ(Print(f, f.SeqOneByte("")), "''");
}

TEST(String, TwoByteWithSurrogatePairsAndLoneSurrogates) {
  FakeHeap f;
  EXPECT_EQ(Print(f, f.SeqTwoByte(u"snow \u2603 \U0001F600")), "'snow \xe2\x98\x83 \xf0\x9f\x98\x80'");
  std::u16string lone = u"a";
  lone += char16_t{0xD800};
  lone += u"b";
  lone += char16_t{0xDC00};
  EXPECT_EQ(Print(f, f.SeqTwoByte(lone)), "'a\\ud800b\\udc00'");
}

TEST(String, QuotesAsUtilInspectChooses) {
  FakeHeap f;
  EXPECT_EQ(Print(f, f.SeqOneByte("it's")), "\"it's\"");
  EXPECT_EQ(Print(f, f.SeqOneByte("it's \"x\"")), "`it's \"x\"`");
  EXPECT_EQ(Print(f, f.SeqOneByte("it's \"x\" `y`")), "'it\\'s \"x\" `y`'");
  EXPECT_EQ(Print(f, f.SeqOneByte("it's \"x\" ${y}")), "'it\\'s \"x\" ${y}'");
  EXPECT_EQ(Print(f, f.SeqOneByte("a\\b\n\t\x01\x7f\x85")), "'a\\\\b\\n\\t\\x01\\x7F\\x85'");
}

TEST(String, DeepConsTreeIsReadIteratively) {
  FakeHeap f;
  // A left-deep tree as `s += 'x'` builds it, 200000 levels.
  uint64_t s = f.SeqOneByte("start");
  int32_t length = 5;
  uint64_t x = f.SeqOneByte("x");
  for (int i = 0; i < 200000; i++) {
    length += 1;
    s = f.Cons(s, x, length);
  }
  StringContents c = ReadString(f.heap(), s, kInspectMaxStringLength);
  EXPECT_EQ(c.length, 200005);
  EXPECT_EQ(c.units.size(), kInspectMaxStringLength);
  std::string text = Print(f, s);
  EXPECT_EQ(text.substr(0, 12), "'startxxxxxx");
  EXPECT_EQ(text.substr(text.size() - 27), "'... 190005 more characters");
}

TEST(String, CyclicConsStopsWithAClearError) {
  FakeHeap f;
  uint64_t leaf = f.SeqOneByte("ab");
  uint64_t c = f.Cons(leaf, leaf, 4);
  f.Put64(c + 16, FakeHeap::Tag(c));  // first part points back at itself
  try {
    ReadString(f.heap(), c, 100);
    FAIL() << "expected an error";
  } catch (const CorruptObject& e) {
    EXPECT_NE(std::string(e.what()).find("cons"), std::string::npos) << e.what();
  }
}

TEST(String, SlicedThinAndExternal) {
  FakeHeap f;
  uint64_t parent = f.SeqOneByte("0123456789abcdef");
  EXPECT_EQ(Print(f, f.Sliced(parent, 3, 5)), "'34567'");
  EXPECT_EQ(Print(f, f.Thin(f.SeqOneByte("actual", true), 6)), "'actual'");
  EXPECT_EQ(Print(f, f.External("outside the heap")), "'outside the heap'");
  // A cons of a sliced and a thin string.
  uint64_t cons = f.Cons(f.Sliced(parent, 10, 6), f.Thin(f.SeqOneByte("!", true), 1), 7);
  EXPECT_EQ(Print(f, cons), "'abcdef!'");
}

TEST(String, ImpossibleLengthIsCorrupt) {
  FakeHeap f;
  uint64_t s = f.SeqOneByte("abc");
  f.Put32(s + 12, 0x7fffffff);
  EXPECT_THROW(ReadString(f.heap(), s, 10), CorruptObject);
}

TEST(String, ChildShorterThanParentSaysIsCorrupt) {
  FakeHeap f;
  uint64_t cons = f.Cons(f.SeqOneByte("ab"), f.SeqOneByte("cd"), 40);
  EXPECT_THROW(ReadString(f.heap(), cons, 100), CorruptObject);
}

TEST(Values, OddballsNumbersSymbols) {
  FakeHeap f;
  EXPECT_EQ(Print(f, f.Oddball(5)), "undefined");
  EXPECT_EQ(Print(f, f.Oddball(3)), "null");
  EXPECT_EQ(Print(f, f.Oddball(1)), "true");
  EXPECT_EQ(Print(f, f.Oddball(0)), "false");
  EXPECT_EQ(Print(f, f.Oddball(2)), "<the_hole>");
  EXPECT_EQ(Print(f, f.HeapNumber(-0.0)), "-0");
  EXPECT_EQ(Print(f, f.HeapNumber(1.5)), "1.5");
  EXPECT_EQ(Print(f, f.Symbol(FakeHeap::Tag(f.SeqOneByte("desc", true)))), "Symbol(desc)");
  EXPECT_EQ(Print(f, f.Symbol(FakeHeap::Tag(f.Oddball(5)))), "Symbol()");
  EXPECT_EQ(JsView(f.heap(), InspectOptions{}).Format(FakeHeap::Smi(-42)), "-42");
}

TEST(Values, BadPointersGiveErrorsNotCrashes) {
  FakeHeap f;
  JsView view(f.heap(), InspectOptions{});
  EXPECT_THROW(view.Format(0x1234), Error);           // not a Smi: low word not zero
  EXPECT_THROW(view.Format(0x7000000001), ReadError);  // unmapped
  uint64_t junk = f.Allocate(16);
  f.Put64(junk, 0x4242424242424241);  // a "map" that points nowhere
  EXPECT_THROW(view.Format(FakeHeap::Tag(junk)), Error);
  uint64_t not_map = f.SeqOneByte("x");
  uint64_t fake = f.Allocate(16);
  f.Put64(fake, FakeHeap::Tag(not_map));  // a map slot holding a string
  EXPECT_THROW(view.Format(FakeHeap::Tag(fake)), CorruptObject);
  EXPECT_NE(V8View(f.heap()).DebugPrint(FakeHeap::Smi(3)).find("Smi 3"), std::string::npos);
}

}  // namespace
}  // namespace nodegdb
