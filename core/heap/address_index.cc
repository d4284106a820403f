#include "core/heap/address_index.h"

#include <algorithm>
#include <utility>

namespace nodegdb {

namespace {
constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
}  // namespace

AddressIndex::AddressIndex(const std::vector<uint64_t>& addresses) {
  bool plain = true;  // ascending and aligned: sorted position == walk position
  for (size_t i = 0; i < addresses.size() && plain; ++i) {
    plain = (addresses[i] & 7) == 0 && (i == 0 || addresses[i] > addresses[i - 1]);
  }
  std::vector<uint64_t> sorted;
  const std::vector<uint64_t>* list = &addresses;
  if (!plain) {
    std::vector<std::pair<uint64_t, uint32_t>> pairs;
    for (size_t i = 0; i < addresses.size(); ++i) {
      if ((addresses[i] & 7) == 0) pairs.emplace_back(addresses[i], static_cast<uint32_t>(i));
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
                pairs.end());
    for (const auto& [a, i] : pairs) sorted.push_back(a), walk_of_.push_back(i);
    list = &sorted;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const uint64_t a = (*list)[i];
    if (buckets_.empty() || buckets_.back().number != a >> kBucketBits) {
      buckets_.push_back({a >> kBucketBits, static_cast<uint32_t>(i), static_cast<uint32_t>(bits_.size())});
      bits_.resize(bits_.size() + kCells, 0);
    }
    const uint64_t word = (a & ((uint64_t{1} << kBucketBits) - 1)) >> 3;
    bits_[buckets_.back().cells + word / 64] |= uint64_t{1} << (word % 64);
  }
  before_.resize(bits_.size());
  for (const Bucket& b : buckets_) {
    uint32_t count = 0;
    for (size_t c = 0; c < kCells; ++c) {
      before_[b.cells + c] = static_cast<uint16_t>(count);
      count += static_cast<uint32_t>(__builtin_popcountll(bits_[b.cells + c]));
    }
  }
  size_t size = 16;
  while (size < 2 * buckets_.size()) size *= 2;
  table_.assign(size, -1);
  for (size_t i = 0; i < buckets_.size(); ++i) {
    size_t slot = static_cast<size_t>(buckets_[i].number * kGolden) & (size - 1);
    while (table_[slot] >= 0) slot = (slot + 1) & (size - 1);
    table_[slot] = static_cast<int32_t>(i);
  }
}

int64_t AddressIndex::BucketOf(uint64_t number) const {
  const size_t mask = table_.size() - 1;
  for (size_t slot = static_cast<size_t>(number * kGolden) & mask;; slot = (slot + 1) & mask) {
    const int32_t i = table_[slot];
    if (i < 0) return -1;
    if (buckets_[static_cast<size_t>(i)].number == number) return i;
  }
}

int64_t AddressIndex::Find(uint64_t address) const {
  if (address & 7) return -1;
  const int64_t b = BucketOf(address >> kBucketBits);
  if (b < 0) return -1;
  const Bucket& bucket = buckets_[static_cast<size_t>(b)];
  const uint64_t word = (address & ((uint64_t{1} << kBucketBits) - 1)) >> 3;
  const size_t cell = bucket.cells + static_cast<size_t>(word / 64);
  const uint64_t bits = bits_[cell];
  const unsigned bit = static_cast<unsigned>(word % 64);
  if (!((bits >> bit) & 1)) return -1;
  const uint64_t position =
      bucket.first + before_[cell] + static_cast<uint64_t>(__builtin_popcountll(bits & ((uint64_t{1} << bit) - 1)));
  return static_cast<int64_t>(walk_of_.empty() ? position : walk_of_[position]);
}

}  // namespace nodegdb
