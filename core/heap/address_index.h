// Which object of a walk starts at an address, in constant time: every
// edge of a heap snapshot asks (39 M on the benchmark heap), so a binary
// search over millions of addresses, or a hash of each, would dominate
// the walk. Per 256 KiB of address space (a V8 page) that holds objects:
// one bit per 8-byte word where an object starts, and the count of starts
// before each 64-word cell; an object's position is its bucket's first
// position plus the starts before it. Objects are 8-byte aligned (64-bit
// V8 without pointer compression); an address that is not is no object.
//
// What may fail: nothing; an address that starts no object gives -1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nodegdb {

class AddressIndex {
 public:
  // `addresses`: the objects in walk order (usually ascending: pages by
  // address, objects up each page; any order is accepted).
  explicit AddressIndex(const std::vector<uint64_t>& addresses);
  // The position in `addresses` of the object starting at `address`, or -1.
  int64_t Find(uint64_t address) const;
  size_t buckets() const { return buckets_.size(); }

 private:
  static constexpr int kBucketBits = 18;
  static constexpr size_t kCells = (size_t{1} << kBucketBits) / 8 / 64;  // 64-word cells per bucket
  struct Bucket {
    uint64_t number = 0;   // address >> kBucketBits
    uint32_t first = 0;    // sorted position of its first object
    uint32_t cells = 0;    // index of its first cell in bits_ and before_
  };
  int64_t BucketOf(uint64_t number) const;

  std::vector<Bucket> buckets_;
  std::vector<int32_t> table_;  // open addressing: bucket number -> index in buckets_, -1 empty
  std::vector<uint64_t> bits_;
  std::vector<uint16_t> before_;   // starts in the bucket before each cell
  std::vector<uint32_t> walk_of_;  // sorted position -> walk position; empty when they are equal
};

}  // namespace nodegdb
