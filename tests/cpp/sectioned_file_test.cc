// SectionedFile: sections written together come out joined in order,
// whichever way the file system lets them be joined.
#include "core/platform/sectioned_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace nodegdb {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string TempPath(const char* name) {
  return ::testing::TempDir() + "/sectioned_" + std::to_string(::getpid()) + "_" + name;
}

// What the file holds, with the padding between sections taken out; the
// padding must be spaces only, and only where a section ends.
void ExpectJoined(const std::string& file, const std::string (&sections)[3], bool padded) {
  size_t at = 0;
  for (int s = 0; s < 3; ++s) {
    ASSERT_EQ(file.compare(at, sections[s].size(), sections[s]), 0) << "section " << s;
    at += sections[s].size();
    if (s == 2) break;
    size_t spaces = 0;
    while (at < file.size() && file[at] == ' ' && file.compare(at, sections[s + 1].size(), sections[s + 1]) != 0) {
      ++at, ++spaces;
    }
    if (!padded) {
      EXPECT_EQ(spaces, 0u);
    }
    EXPECT_LT(spaces, 1u << 20);
  }
  EXPECT_EQ(at, file.size());
}

void WriteThree(SectionedFile::Join join, bool* collapsing, SectionedFile::Io io = SectionedFile::Io::kBuffered) {
  const std::string path = TempPath(join == SectionedFile::Join::kBest ? "best" : "append");
  std::string expected[3];
  {
    SectionedFile f(path, 3, join, io);
    *collapsing = f.collapsing();
    f.Write(0, "{\"count\":");
    const uint64_t placeholder = f.Size(0);
    f.Write(0, "    ,\"a\":[");
    expected[0] = "{\"count\":    ,\"a\":[";
    // Interleaved, and past the 1 MiB buffer in section 1.
    for (int i = 0; i < 300000; ++i) {
      const std::string a = std::to_string(i) + ",", b = "edge" + std::to_string(i) + ",";
      f.Write(0, a), expected[0] += a;
      char* p = f.Reserve(1, b.size());
      b.copy(p, b.size());
      f.Commit(1, b.size()), expected[1] += b;
      if (i % 1000 == 0) f.Write(2, "s"), expected[2] += "s";
    }
    f.Write(2, "]}"), expected[2] += "]}";
    f.Patch(placeholder, "1234");
    expected[0].replace(placeholder, 4, "1234");
    f.Finish();
  }
  ExpectJoined(ReadAll(path), expected, *collapsing);
  ::unlink(path.c_str());
}

TEST(SectionedFile, SectionsAreJoinedInOrder) {
  bool collapsing = false;
  WriteThree(SectionedFile::Join::kBest, &collapsing);
  // The build's file system (ext4 or XFS here) collapses; elsewhere the
  // same content is made by appending.
  RecordProperty("collapsing", collapsing ? "yes" : "no");
}

TEST(SectionedFile, DirectWritesGiveTheSameFile) {
  // O_DIRECT where the file system allows it: whole blocks, the
  // placeholder patched in a block already written, the padding cut off.
  bool collapsing = false;
  WriteThree(SectionedFile::Join::kBest, &collapsing, SectionedFile::Io::kDirect);
}

TEST(SectionedFile, AppendingGivesTheSameFileWithoutPadding) {
  bool collapsing = true;
  WriteThree(SectionedFile::Join::kAppend, &collapsing);
  EXPECT_FALSE(collapsing);
}

TEST(SectionedFile, EmptyLastSectionsAreCutOff) {
  const std::string path = TempPath("empty");
  {
    SectionedFile f(path, 3);
    f.Write(0, "only");
    f.Finish();
  }
  std::string file = ReadAll(path);
  while (!file.empty() && file.back() == ' ') file.pop_back();
  EXPECT_EQ(file, "only");
  ::unlink(path.c_str());
}

TEST(SectionedFile, AbandonLeavesNothing) {
  const std::string path = TempPath("abandon");
  {
    SectionedFile f(path, 3, SectionedFile::Join::kAppend);
    f.Write(1, "x");
    f.Abandon();
  }
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
  EXPECT_NE(::access((path + ".1.tmp").c_str(), F_OK), 0);
  {
    SectionedFile f(path, 3);  // destroyed unfinished: as Abandon
    f.Write(2, "y");
  }
  EXPECT_NE(::access(path.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace nodegdb
