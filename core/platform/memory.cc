#include "core/platform/memory.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace nodegdb {

std::vector<uint64_t> ReadWordsOrZero(Memory& memory, uint64_t address, uint64_t size) {
  std::vector<uint64_t> words(size / 8, 0);
  constexpr uint64_t kPage = 4096;
  const uint64_t end = address + words.size() * 8;
  for (uint64_t at = address; at < end;) {
    const uint64_t n = std::min((at | (kPage - 1)) + 1, end) - at;
    uint64_t* out = words.data() + (at - address) / 8;
    if (!memory.ReadBulk(at, out, n)) std::fill_n(out, n / 8, 0);
    at += n;
  }
  return words;
}

std::string Hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

ReadError::ReadError(uint64_t address, size_t size)
    : Error("cannot read " + std::to_string(size) + " bytes at " + Hex(address) +
            " (not in the core or process memory)"),
      address_(address) {}

MissingConstant::MissingConstant(const std::string& name)
    : Error("postmortem constant " + name +
            " is missing from this node binary (is it the binary that made the core?)") {}

// ---------------------------------------------------------------- process

ProcessMemory::ProcessMemory(int pid) : pid_(pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/mem";
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
}

ProcessMemory::~ProcessMemory() {
  if (fd_ >= 0) ::close(fd_);
}

bool ProcessMemory::Read(uint64_t address, void* out, size_t size) {
  auto* dst = static_cast<uint8_t*>(out);
  while (size > 0) {
    // pread's offset is signed: addresses with the top bit set can't be read,
    // and are never user-space addresses anyway.
    if (address > static_cast<uint64_t>(INT64_MAX)) return false;
    ssize_t n = ::pread(fd_, dst, size, static_cast<off_t>(address));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    dst += n;
    address += static_cast<uint64_t>(n);
    size -= static_cast<size_t>(n);
  }
  return true;
}

std::string ProcessMemory::Describe() const { return "live process " + std::to_string(pid_); }

int ProcessMemory::BulkFile(uint64_t address, size_t size, uint64_t* offset) {
  if (address > static_cast<uint64_t>(INT64_MAX) - size) return -1;
  *offset = address;
  return fd_;
}

std::vector<MemoryRange> ProcessMemory::Ranges() {
  // "start-end perms offset dev inode path"; readable mappings only.
  std::vector<MemoryRange> ranges;
  std::ifstream maps("/proc/" + std::to_string(pid_) + "/maps");
  std::string line;
  while (std::getline(maps, line)) {
    unsigned long long start = 0, end = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), "%llx-%llx %7s", &start, &end, perms) != 3) continue;
    if (perms[0] != 'r' || end <= start) continue;
    ranges.push_back({start, end});
  }
  std::sort(ranges.begin(), ranges.end(), [](const MemoryRange& a, const MemoryRange& b) { return a.start < b.start; });
  return ranges;
}

// ---------------------------------------------------------------- callback

CallbackMemory::CallbackMemory(Reader reader, std::string description)
    : reader_(std::move(reader)), description_(std::move(description)) {}

const std::vector<uint8_t>* CallbackMemory::Page(uint64_t page_address) {
  auto it = pages_.find(page_address);
  if (it != pages_.end()) return &it->second;
  if (pages_.size() >= kMaxCachedPages) pages_.clear();
  std::vector<uint8_t> page(kPageSize);
  if (!reader_(page_address, page.data(), kPageSize)) page.clear();
  return &pages_.emplace(page_address, std::move(page)).first->second;
}

bool CallbackMemory::Read(uint64_t address, void* out, size_t size) {
  if (size == 0) return true;
  if (address + size < address) return false;
  auto* dst = static_cast<uint8_t*>(out);
  uint64_t cursor = address;
  size_t left = size;
  while (left > 0) {
    uint64_t page_address = cursor & ~(kPageSize - 1);
    size_t in_page = static_cast<size_t>(cursor - page_address);
    size_t chunk = std::min<size_t>(left, kPageSize - in_page);
    const std::vector<uint8_t>* page = Page(page_address);
    if (page->empty()) {
      // The page is only partly readable (end of a mapping): ask for exactly
      // what is wanted instead.
      return reader_(address, out, size);
    }
    std::memcpy(dst, page->data() + in_page, chunk);
    dst += chunk;
    cursor += chunk;
    left -= chunk;
  }
  return true;
}

// ---------------------------------------------------------------- layered

bool LayeredMemory::Read(uint64_t address, void* out, size_t size) {
  for (auto& layer : layers_) {
    if (layer->Read(address, out, size)) return true;
  }
  return false;
}

std::vector<MemoryRange> LayeredMemory::Ranges() {
  for (auto& layer : layers_) {
    std::vector<MemoryRange> ranges = layer->Ranges();
    if (!ranges.empty()) return ranges;
  }
  return {};
}

bool LayeredMemory::ReadBulk(uint64_t address, void* out, size_t size) {
  for (auto& layer : layers_) {
    if (layer->ReadBulk(address, out, size)) return true;
  }
  return false;
}

int LayeredMemory::BulkFile(uint64_t address, size_t size, uint64_t* offset) {
  return layers_.empty() ? -1 : layers_.front()->BulkFile(address, size, offset);
}

void LayeredMemory::DropResidentPages() {
  for (auto& layer : layers_) layer->DropResidentPages();
}

std::string LayeredMemory::Describe() const {
  std::string text;
  for (auto& layer : layers_) {
    if (!text.empty()) text += ", then ";
    text += layer->Describe();
  }
  return text;
}

// ---------------------------------------------------------------- buffer

void BufferMemory::Map(uint64_t address, std::vector<uint8_t> bytes) {
  regions_.emplace_back(address, std::move(bytes));
}

std::vector<uint8_t>& BufferMemory::Region(uint64_t address) {
  for (auto& region : regions_) {
    if (region.first == address) return region.second;
  }
  throw Error("no region at " + Hex(address));
}

bool BufferMemory::Read(uint64_t address, void* out, size_t size) {
  for (auto& [base, bytes] : regions_) {
    if (address >= base && address - base <= bytes.size() &&
        size <= bytes.size() - (address - base)) {
      std::memcpy(out, bytes.data() + (address - base), size);
      return true;
    }
  }
  return false;
}

std::vector<MemoryRange> BufferMemory::Ranges() {
  std::vector<MemoryRange> out;
  for (const auto& [base, bytes] : regions_) {
    if (!bytes.empty()) out.push_back({base, base + bytes.size()});
  }
  std::sort(out.begin(), out.end(), [](const MemoryRange& a, const MemoryRange& b) { return a.start < b.start; });
  return out;
}

}  // namespace nodegdb
