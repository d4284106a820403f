// v8 source's pure parts (core/view/source_listing.h): which lines a window
// shows, where lines start, how one line and a numbered listing read.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/view/source_listing.h"

using namespace nodegdb;

namespace {

std::pair<int64_t, int64_t> Range(int64_t line, int64_t count, int64_t lo, int64_t hi) {
  LineRange r = LinesAround(line, count, lo, hi);
  return {r.first, r.last};
}

}  // namespace

TEST(SourceListingTest, WindowIsCentredAsGdbListCentres) {
  // GDB's `list 52` with listsize 10: 47-56.
  EXPECT_EQ(Range(52, 10, 1, 190), std::make_pair(int64_t{47}, int64_t{56}));
  EXPECT_EQ(Range(52, 11, 1, 190), std::make_pair(int64_t{47}, int64_t{57}));
  EXPECT_EQ(Range(52, 1, 1, 190), std::make_pair(int64_t{52}, int64_t{52}));
  EXPECT_EQ(Range(52, 2, 1, 190), std::make_pair(int64_t{51}, int64_t{52}));
  // Moved, not cut, at either end of the script.
  EXPECT_EQ(Range(2, 10, 1, 190), std::make_pair(int64_t{1}, int64_t{10}));
  EXPECT_EQ(Range(189, 10, 1, 190), std::make_pair(int64_t{181}, int64_t{190}));
  // A script shorter than the window: all of it.
  EXPECT_EQ(Range(3, 10, 1, 4), std::make_pair(int64_t{1}, int64_t{4}));
  // A line outside the script is clamped; no lines asked, or none there: empty.
  EXPECT_EQ(Range(500, 4, 1, 190), std::make_pair(int64_t{187}, int64_t{190}));
  EXPECT_EQ(LinesAround(5, 0, 1, 190).size(), 0);
  EXPECT_EQ(LinesAround(5, 10, 1, 0).size(), 0);
  EXPECT_EQ(LinesAround(5, 10, 1, 190).size(), 10);
  // Huge counts do not overflow.
  EXPECT_EQ(Range(5, int64_t{1} << 40, 1, 190), std::make_pair(int64_t{1}, int64_t{190}));
}

TEST(SourceListingTest, LineStartsAtEveryJsTerminator) {
  // \n, \r\n (once), a lone \r, U+2028 and U+2029: as ScriptLocation counts.
  std::u16string text = u"ab\ncd\r\nef\rgh\u2028ij\u2029k";
  EXPECT_EQ(LineStarts(text), (std::vector<size_t>{0, 3, 7, 10, 13, 16}));
  EXPECT_EQ(LineStarts(u""), (std::vector<size_t>{0}));
  // A final terminator starts an empty last line, as V8 counts it.
  EXPECT_EQ(LineStarts(u"a\n"), (std::vector<size_t>{0, 2}));
  EXPECT_EQ(LineStarts(u"\r\n\r\n"), (std::vector<size_t>{0, 2, 4}));
}

TEST(SourceListingTest, LineTextDropsTerminatorsAndEscapesControls) {
  std::u16string text = u"ab\r\n\tx\x1b[31my\n\u00e9\u2028";
  auto starts = LineStarts(text);
  ASSERT_EQ(starts.size(), 4u);
  EXPECT_EQ(ListingLineText(text, starts[0], starts[1], 100), "ab");
  EXPECT_EQ(ListingLineText(text, starts[1], starts[2], 100), "\tx\\x1b[31my");
  EXPECT_EQ(ListingLineText(text, starts[2], starts[3], 100), "\xc3\xa9");
  EXPECT_EQ(ListingLineText(text, starts[3], text.size(), 100), "");
  // Long lines are cut with a note; out-of-range bounds are clamped.
  EXPECT_EQ(ListingLineText(u"abcdef", 0, 6, 4), "abcd … (2 more characters)");
  EXPECT_EQ(ListingLineText(u"abc", 2, 99, 10), "c");
  EXPECT_EQ(ListingLineText(u"abc", 9, 99, 10), "");
}

TEST(SourceListingTest, NumberedLinesMarkOneLine) {
  EXPECT_EQ(FormatNumberedLines({"a", "  b", ""}, 9, 10), "   9\ta\n=> 10\t  b\n   11\t\n");
  EXPECT_EQ(FormatNumberedLines({"a"}, 1, 5), "   1\ta\n");
  EXPECT_EQ(FormatNumberedLines({}, 1, 1), "");
}
