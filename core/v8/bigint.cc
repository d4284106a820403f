#include "core/v8/bigint.h"

#include <algorithm>
#include <vector>

namespace nodegdb {

int BigIntType(const Heap& heap) {
  if (auto t = heap.metadata().FindType("BIGINT_TYPE")) return *t;
  return heap.layout().heap_number_type > 0 ? heap.layout().heap_number_type - 1 : -1;
}

std::string ReadBigIntDecimal(Heap& heap, uint64_t address) {
  // BigIntBase: map, a 32-bit bitfield (bit 0 sign, bits 1..30 length in
  // digits), padding, then the digits, least significant first.
  uint32_t bitfield = heap.memory().ReadU32(address + 8);
  bool negative = bitfield & 1;
  uint32_t length = (bitfield >> 1) & 0x3fffffff;
  // BigInt::kMaxLengthBits is 2^30 bits: 16M digits would be 128 MiB.
  if (length > (1u << 24)) throw CorruptObject("BigInt " + Hex(address + 1) + " claims " + std::to_string(length) + " digits");
  std::vector<uint64_t> digits(length);
  if (length) heap.memory().ReadOrThrow(address + 16, digits.data(), length * 8);
  if (length > 4096) {
    return std::string(negative ? "-" : "") + "<BigInt of " + std::to_string(length * 64) + " bits>";
  }
  // Repeated division by 10^19 over 32-bit halves.
  std::vector<uint32_t> words;
  for (uint64_t d : digits) {
    words.push_back(static_cast<uint32_t>(d));
    words.push_back(static_cast<uint32_t>(d >> 32));
  }
  while (!words.empty() && words.back() == 0) words.pop_back();
  if (words.empty()) return "0";
  std::vector<uint64_t> chunks;  // base 10^9, least significant first
  while (!words.empty()) {
    uint64_t remainder = 0;
    for (size_t i = words.size(); i-- > 0;) {
      uint64_t cur = (remainder << 32) | words[i];
      words[i] = static_cast<uint32_t>(cur / 1000000000u);
      remainder = cur % 1000000000u;
    }
    chunks.push_back(remainder);
    while (!words.empty() && words.back() == 0) words.pop_back();
  }
  std::string out = negative ? "-" : "";
  out += std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    std::string part = std::to_string(chunks[i]);
    out += std::string(9 - part.size(), '0') + part;
  }
  return out;
}

}  // namespace nodegdb
