#include "core/platform/sectioned_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

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

SectionedFile::SectionedFile(const std::string& path, size_t sections, Join join) : path_(path), sections_(sections) {
  collapsing_ = join == Join::kBest && CanCollapse(path, &block_);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot write " + path + ": " + std::strerror(errno));
  for (size_t s = 0; s < sections_.size(); ++s) {
    Section& section = sections_[s];
    section.buffer.resize(kBufferBytes);
    if (s == 0 || collapsing_) {
      section.fd = fd_;
      section.base = collapsing_ ? s * kSectionSpacing : 0;
      continue;
    }
    section.temp = path + "." + std::to_string(s) + ".tmp";
    section.fd = ::open(section.temp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (section.fd < 0) {
      Abandon();
      throw Error("cannot write " + section.temp + ": " + std::strerror(errno));
    }
  }
}

SectionedFile::~SectionedFile() {
  if (!finished_) Abandon();
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
  if (section.used + n > section.buffer.size()) {
    Flush(section);
    if (n > section.buffer.size()) section.buffer.resize(n);
  }
  return section.buffer.data() + section.used;
}

void SectionedFile::Flush(Section& section) {
  const uint64_t at = section.base + section.size - section.used;
  if (!WriteAll(section.fd, section.buffer.data(), section.used, at)) Fail("write");
  section.used = 0;
}

void SectionedFile::Patch(uint64_t offset, std::string_view text) {
  Flush(sections_[0]);
  if (!WriteAll(fd_, text.data(), text.size(), sections_[0].base + offset)) Fail("write");
}

void SectionedFile::PadToBlock(Section& section) {
  const uint64_t end = section.base + section.size;
  const uint64_t pad = (block_ - end % block_) % block_;
  if (pad) Write(static_cast<size_t>(&section - sections_.data()), std::string(pad, ' '));
}

void SectionedFile::Finish() {
  for (Section& section : sections_) {
    if (collapsing_ && &section != &sections_.back()) PadToBlock(section);
    Flush(section);
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
