// A file written as several sections at once and joined in order at the
// end: a heap snapshot's nodes, edges and strings are produced together by
// one walk but must follow each other in the file. Where the file system
// can (ext4, XFS: fallocate's FALLOC_FL_COLLAPSE_RANGE), each section is
// written far apart in the file itself (1 TiB apart, sparse) and the gaps
// between them are collapsed at the end: no byte is written twice. Each
// section but the last is padded with spaces up to a block boundary, so
// only whitespace, which JSON allows between tokens, separates it from
// the next. Elsewhere the later sections go to temporary files beside the
// output and are appended at the end (copy_file_range).
//
// What may fail: every call may throw Error naming the file (cannot create,
// disk full); Abandon() removes what was written and never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nodegdb {

class SectionedFile {
 public:
  // kBest collapses where the file system can, kAppend always appends
  // temporary files (what other file systems get; for tests).
  enum class Join { kBest, kAppend };
  // kDirect: where the sections are collapsed, write around the page cache
  // (O_DIRECT, whole blocks): a file of gigabytes written through the page
  // cache is throttled to the disk's speed by writeback anyway, and copying
  // it into the cache costs a core. Without O_DIRECT support, buffered.
  enum class Io { kBuffered, kDirect };
  SectionedFile(const std::string& path, size_t sections, Join join = Join::kBest, Io io = Io::kBuffered);
  ~SectionedFile();
  SectionedFile(const SectionedFile&) = delete;
  SectionedFile& operator=(const SectionedFile&) = delete;

  // Appends to section `s` (buffered).
  void Write(size_t s, std::string_view text);
  // Room for `n` bytes at the end of section `s`, to write in place; then
  // Commit the bytes written (at most `n`). No other call in between.
  char* Reserve(size_t s, size_t n);
  void Commit(size_t s, size_t n) {
    sections_[s].used += n;
    sections_[s].size += n;
  }
  // Bytes written to section `s` so far.
  uint64_t Size(size_t s) const { return sections_[s].size; }
  // Overwrites bytes already written in section 0 at `offset` (placeholders).
  void Patch(uint64_t offset, std::string_view text);
  // Joins the sections; the file is complete.
  void Finish();
  // Removes the file and any temporary one.
  void Abandon() noexcept;
  // Whether the sections are joined by collapsing gaps (for tests and notes).
  bool collapsing() const { return collapsing_; }

 private:
  struct Section {
    int fd = -1;
    uint64_t base = 0;  // where it starts in its file
    uint64_t size = 0;  // bytes written (buffered ones included)
    std::string temp;   // its temporary file's path, if it has one
    char* buffer = nullptr;  // block-aligned
    size_t capacity = 0, used = 0;
  };
  void Flush(Section& section, bool all);
  void Resize(Section& section, size_t capacity);
  bool WriteAt(int fd, const char* data, size_t n, uint64_t at);
  void PadToBlock(Section& section);
  void Fail(const char* what) const;
  static bool CanCollapse(const std::string& path, uint64_t* block);

  std::string path_;
  std::vector<Section> sections_;
  int fd_ = -1;
  bool collapsing_ = false;
  bool direct_ = false;  // fd_ is O_DIRECT: whole blocks from aligned buffers
  uint64_t block_ = 4096;
  bool finished_ = false;
};

}  // namespace nodegdb
