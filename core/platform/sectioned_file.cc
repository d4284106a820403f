#include "core/platform/sectioned_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "core/errors.h"

namespace nodegdb {

namespace {

constexpr uint64_t kSectionSpacing = uint64_t{1} << 40;  // 1 TiB: no section is larger
constexpr size_t kBufferBytes = size_t{1} << 20;

bool WriteAll(int fd, const char* data, size_t n, uint64_t at) {
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, data, n, static_cast<off_t>(at));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w, n -= static_cast<size_t>(w), at += static_cast<uint64_t>(w);
  }
  return true;
}

}  // namespace

// Whether the directory's file system collapses ranges: tried on a small
// file of three blocks beside the output.
bool SectionedFile::CanCollapse(const std::string& path, uint64_t* block) {
  const std::string probe = path + ".probe.tmp";
  const int fd = ::open(probe.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  struct stat st;
  bool ok = ::fstat(fd, &st) == 0 && st.st_blksize > 0 && st.st_blksize <= (1 << 20);
  if (ok) {
    *block = static_cast<uint64_t>(st.st_blksize);
    const std::string bytes(3 * *block, ' ');
    // The sections' offsets must be allowed too (ext4 with 1 KiB blocks
    // stops at 16 GiB).
    ok = WriteAll(fd, bytes.data(), bytes.size(), 0) &&
         ::fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, static_cast<off_t>(*block), static_cast<off_t>(*block)) == 0 &&
         ::fstat(fd, &st) == 0 && static_cast<uint64_t>(st.st_size) == 2 * *block &&
         WriteAll(fd, " ", 1, 4 * kSectionSpacing);
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return ok;
}

SectionedFile::SectionedFile(const std::string& path, size_t sections, Join join, Io io)
    : path_(path), sections_(sections) {
  collapsing_ = join == Join::kBest && CanCollapse(path, &block_);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot write " + path + ": " + std::strerror(errno));
  if (collapsing_ && io == Io::kDirect) {
    const int flags = ::fcntl(fd_, F_GETFL);
    direct_ = flags >= 0 && ::fcntl(fd_, F_SETFL, flags | O_DIRECT) == 0;
  }
  for (size_t s = 0; s < sections_.size(); ++s) {
    Section& section = sections_[s];
    Resize(section, kBufferBytes);
    if (s == 0 || collapsing_) {
      section.fd = fd_;
      section.base = collapsing_ ? s * kSectionSpacing : 0;
      continue;
    }
    section.temp = path + "." + std::to_string(s) + ".tmp";
    section.fd = ::open(section.temp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (section.fd < 0) {
      const std::string message = "cannot write " + section.temp + ": " + std::strerror(errno);
      Abandon();
      for (Section& each : sections_) std::free(each.buffer);
      throw Error(message);
    }
  }
}

SectionedFile::~SectionedFile() {
  if (!finished_) Abandon();
  for (Section& section : sections_) std::free(section.buffer);
}

void SectionedFile::Resize(Section& section, size_t capacity) {
  capacity = (capacity + block_ - 1) / block_ * block_;
  char* buffer = static_cast<char*>(std::aligned_alloc(static_cast<size_t>(block_), capacity));
  if (!buffer) throw std::bad_alloc();
  if (section.used) std::memcpy(buffer, section.buffer, section.used);
  std::free(section.buffer);
  section.buffer = buffer, section.capacity = capacity;
}

// A write that falls back to buffered writing once when the file system
// refuses O_DIRECT for it (EINVAL).
bool SectionedFile::WriteAt(int fd, const char* data, size_t n, uint64_t at) {
  if (WriteAll(fd, data, n, at)) return true;
  if (!(direct_ && fd == fd_ && errno == EINVAL)) return false;
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0) return false;
  direct_ = false;
  return WriteAll(fd, data, n, at);
}

void SectionedFile::Fail(const char* what) const {
  throw Error(std::string("cannot ") + what + " " + path_ + ": " + std::strerror(errno) +
              (errno == ENOSPC ? " (disk full)" : ""));
}

void SectionedFile::Write(size_t s, std::string_view text) {
  std::memcpy(Reserve(s, text.size()), text.data(), text.size());
  Commit(s, text.size());
}

char* SectionedFile::Reserve(size_t s, size_t n) {
  Section& section = sections_[s];
  if (section.used + n > section.capacity) {
    Flush(section, false);
    if (section.used + n > section.capacity) Resize(section, section.used + n);
  }
  return section.buffer + section.used;
}

// Writes what is buffered: with O_DIRECT only whole blocks unless `all`
// (the rest moves to the buffer's start). The buffer's first byte always
// goes to a block-aligned offset: the sections start at aligned offsets.
void SectionedFile::Flush(Section& section, bool all) {
  const uint64_t at = section.base + section.size - section.used;
  const size_t n = direct_ && section.fd == fd_ && !all ? section.used / block_ * block_ : section.used;
  if (n && !WriteAt(section.fd, section.buffer, n, at)) Fail("write");
  std::memmove(section.buffer, section.buffer + n, section.used - n);
  section.used -= n;
}

void SectionedFile::Patch(uint64_t offset, std::string_view text) {
  Section& first = sections_[0];
  const uint64_t buffered_from = first.size - first.used;
  if (offset >= buffered_from) {
    std::memcpy(first.buffer + (offset - buffered_from), text.data(), text.size());
    return;
  }
  if (!direct_) {
    if (!WriteAll(fd_, text.data(), text.size(), first.base + offset)) Fail("write");
    return;
  }
  // Direct: the blocks that hold it, read, changed and written back whole
  // (the placeholders are in the file's first block).
  const uint64_t start = (first.base + offset) / block_ * block_;
  const uint64_t end = (first.base + offset + text.size() + block_ - 1) / block_ * block_;
  char* blocks = static_cast<char*>(std::aligned_alloc(static_cast<size_t>(block_), static_cast<size_t>(end - start)));
  if (!blocks) throw std::bad_alloc();
  const bool ok = ::pread(fd_, blocks, static_cast<size_t>(end - start), static_cast<off_t>(start)) ==
                      static_cast<ssize_t>(end - start) &&
                  (std::memcpy(blocks + (first.base + offset - start), text.data(), text.size()),
                   WriteAt(fd_, blocks, static_cast<size_t>(end - start), start));
  std::free(blocks);
  if (!ok) Fail("write");
}

void SectionedFile::PadToBlock(Section& section) {
  const uint64_t end = section.base + section.size;
  const uint64_t pad = (block_ - end % block_) % block_;
  if (pad) Write(static_cast<size_t>(&section - sections_.data()), std::string(pad, ' '));
}

void SectionedFile::Finish() {
  // With O_DIRECT the last section too ends on a block, its padding cut
  // off once the sections are joined.
  const uint64_t last_size = sections_.back().size;
  for (Section& section : sections_) {
    if (collapsing_ && (&section != &sections_.back() || direct_)) PadToBlock(section);
    Flush(section, true);
  }
  if (collapsing_) {
    // From the last gap to the first, so the earlier offsets stay put. A
    // gap with nothing after it is cut off instead (a collapse may not
    // reach the end of the file).
    uint64_t end = sections_.back().base + sections_.back().size;
    for (size_t s = sections_.size() - 1; s > 0; --s) {
      const uint64_t gap_start = sections_[s - 1].base + sections_[s - 1].size;
      const uint64_t gap = sections_[s].base - gap_start;
      if (sections_[s].base >= end) {
        if (::ftruncate(fd_, static_cast<off_t>(gap_start)) != 0) Fail("write");
        end = gap_start;
      } else if (::fallocate(fd_, FALLOC_FL_COLLAPSE_RANGE, static_cast<off_t>(gap_start), static_cast<off_t>(gap)) != 0) {
        Fail("join the sections of");
      } else {
        end -= gap;
      }
    }
  } else {
    uint64_t at = sections_[0].size;
    for (size_t s = 1; s < sections_.size(); ++s) {
      loff_t in = 0, out = static_cast<loff_t>(at);
      const uint64_t size = sections_[s].size;
      // In the kernel where it can; else through a buffer.
      while (static_cast<uint64_t>(in) < size) {
        const ssize_t n = ::copy_file_range(sections_[s].fd, &in, fd_, &out, static_cast<size_t>(size - in), 0);
        if (n <= 0) break;
      }
      std::vector<char> buffer(kBufferBytes);
      while (static_cast<uint64_t>(in) < size) {
        const ssize_t n = ::pread(sections_[s].fd, buffer.data(), buffer.size(), in);
        if (n <= 0 || !WriteAll(fd_, buffer.data(), static_cast<size_t>(n), static_cast<uint64_t>(out))) Fail("write");
        in += n, out += n;
      }
      at += size;
      ::close(sections_[s].fd);
      sections_[s].fd = -1;
      ::unlink(sections_[s].temp.c_str());
    }
  }
  if (direct_) {
    uint64_t size = last_size;
    for (size_t s = 0; s + 1 < sections_.size(); ++s) size += sections_[s].size;
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) Fail("write");
  }
  if (::close(fd_) != 0) Fail("write");
  fd_ = -1;
  finished_ = true;
}

void SectionedFile::Abandon() noexcept {
  for (Section& section : sections_) {
    if (!section.temp.empty()) {
      if (section.fd >= 0) ::close(section.fd);
      ::unlink(section.temp.c_str());
    }
    section.fd = -1;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(path_.c_str());
  finished_ = true;
}

}  // namespace nodegdb
