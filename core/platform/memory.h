// The one interface through which the decoders see the target's memory.
// Three sources implement it: an ELF core file (core_file.h), a live process
// through /proc/PID/mem, and a callback (GDB's read_memory) wrapped in a page
// cache. Nothing else in the core touches the target.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/errors.h"

namespace nodegdb {

// A readable address range [start, end) of the target.
struct MemoryRange {
  uint64_t start = 0, end = 0;
};

class Memory {
 public:
  virtual ~Memory() = default;

  // Copies exactly `size` bytes at `address` into `out`. Returns false, and
  // leaves `out` unspecified, if any byte is unavailable.
  virtual bool Read(uint64_t address, void* out, size_t size) = 0;

  // A short description for `v8 info` ("core file /x/core", ...).
  virtual std::string Describe() const = 0;

  // Heap walks (heap_walk.h) need two more things a source may offer:
  // the address ranges it can read, sorted (empty if it cannot tell, as for
  // GDB's remote targets), and bulk reads that need not stay resident (a
  // core file reads those with pread rather than through its mapping, so a
  // walk over a 1 GB heap does not map 1 GB into GDB).
  virtual std::vector<MemoryRange> Ranges() { return {}; }
  virtual bool ReadBulk(uint64_t address, void* out, size_t size) { return Read(address, out, size); }
  // A file descriptor and offset from which pread gives [address, address +
  // size) as it is (a core segment, /proc/PID/mem), or -1. Such reads may
  // run on another thread: the walk reads its next pages ahead that way.
  virtual int BulkFile(uint64_t address, size_t size, uint64_t* offset) { return -1; }
  // Lets go of the pages a mapped source has resident from reads so far
  // (later reads fault them in again from the page cache): heap walks call
  // it as they go, so GDB's resident memory does not grow to the core's size.
  virtual void DropResidentPages() {}

  // Throwing helpers for decoders.
  void ReadOrThrow(uint64_t address, void* out, size_t size) {
    if (!Read(address, out, size)) throw ReadError(address, size);
  }
  template <typename T>
  T ReadValue(uint64_t address) {
    T value;
    ReadOrThrow(address, &value, sizeof value);
    return value;
  }
  // Throws ReadError unless the first and the last of `size` bytes at
  // `address` can be read. Decoders call it before allocating a buffer for
  // a length read from the target: a corrupt length then fails at once
  // instead of allocating gigabytes first.
  void CheckReadable(uint64_t address, size_t size) {
    uint8_t byte;
    if (size == 0) return;
    if (address + size < address || !Read(address, &byte, 1) || !Read(address + size - 1, &byte, 1)) {
      throw ReadError(address, size);
    }
  }
  uint64_t ReadU64(uint64_t address) { return ReadValue<uint64_t>(address); }
  uint32_t ReadU32(uint64_t address) { return ReadValue<uint32_t>(address); }
  uint16_t ReadU16(uint64_t address) { return ReadValue<uint16_t>(address); }
  uint8_t ReadU8(uint64_t address) { return ReadValue<uint8_t>(address); }
};

// The 8-byte words of [address, address + size), read 4 KiB page by page (a
// read never crosses a page boundary, where a core's mappings may part);
// the words of unreadable pages are 0. For searches over a window of
// memory whose ends may not all be mapped.
std::vector<uint64_t> ReadWordsOrZero(Memory& memory, uint64_t address, uint64_t size);

// A live process, read through /proc/PID/mem with pread (no ptrace calls of
// our own: GDB is the tracer and that gives us access).
class ProcessMemory : public Memory {
 public:
  explicit ProcessMemory(int pid);  // throws Error if /proc/PID/mem can't be opened
  int pid() const { return pid_; }
  ~ProcessMemory() override;
  bool Read(uint64_t address, void* out, size_t size) override;
  std::string Describe() const override;
  std::vector<MemoryRange> Ranges() override;  // readable mappings of /proc/PID/maps
  int BulkFile(uint64_t address, size_t size, uint64_t* offset) override;

 private:
  int pid_;
  int fd_;
};

// Any reader function; used for GDB's own read_memory (remote targets, or
// cores whose files are elsewhere). Reads go through a page cache since each
// call may cross into Python.
class CallbackMemory : public Memory {
 public:
  using Reader = std::function<bool(uint64_t address, void* out, size_t size)>;
  CallbackMemory(Reader reader, std::string description);
  bool Read(uint64_t address, void* out, size_t size) override;
  std::string Describe() const override { return description_; }

 private:
  static constexpr uint64_t kPageSize = 4096;
  static constexpr size_t kMaxCachedPages = 4096;  // 16 MiB
  const std::vector<uint8_t>* Page(uint64_t page_address);

  Reader reader_;
  std::string description_;
  // An empty vector marks a page that could not be read as a whole.
  std::unordered_map<uint64_t, std::vector<uint8_t>> pages_;
};

// Tries each source in turn for every read (e.g. a core file first, then
// GDB's view, which also knows the executable's sections).
class LayeredMemory : public Memory {
 public:
  void Add(std::shared_ptr<Memory> layer) { layers_.push_back(std::move(layer)); }
  bool Read(uint64_t address, void* out, size_t size) override;
  std::string Describe() const override;
  std::vector<MemoryRange> Ranges() override;  // the first layer that knows its ranges
  bool ReadBulk(uint64_t address, void* out, size_t size) override;
  int BulkFile(uint64_t address, size_t size, uint64_t* offset) override;  // the first layer's
  void DropResidentPages() override;  // every layer's

 private:
  std::vector<std::shared_ptr<Memory>> layers_;
};

// Plain bytes at a base address; for tests and for fuzzing.
class BufferMemory : public Memory {
 public:
  BufferMemory() = default;
  void Map(uint64_t address, std::vector<uint8_t> bytes);
  std::vector<uint8_t>& Region(uint64_t address);  // the region starting at address
  bool Read(uint64_t address, void* out, size_t size) override;
  std::vector<MemoryRange> Ranges() override;  // the mapped regions, sorted
  std::string Describe() const override { return "memory buffer"; }

 private:
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> regions_;
};

}  // namespace nodegdb
