// The heap snapshot's address index (core/heap/address_index.h) on any
// list of addresses: the raw input is little-endian 64-bit words, folded
// into a few 256 KiB buckets so that they crowd. Every aligned address must
// be found at its first position, and nothing else found (abort otherwise).
// This target has its own entry point: no heap image.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#include "core/heap/address_index.h"

using namespace nodegdb;

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "address_index fuzz target: %s\n", what);
    std::abort();
  }
}

uint64_t Fold(uint64_t w) { return 0x7f0000000000 + ((w >> 48) % 5) * 0x40000 + (w & 0x3ffff); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint64_t> addresses;
  for (size_t i = 0; i + 8 <= size && addresses.size() < 100000; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    addresses.push_back(Fold(w));
  }
  AddressIndex index(addresses);
  std::map<uint64_t, size_t> first;
  for (size_t i = 0; i < addresses.size(); ++i) {
    if ((addresses[i] & 7) == 0) first.emplace(addresses[i], i);
  }
  for (size_t i = 0; i < addresses.size(); ++i) {
    const auto it = first.find(addresses[i]);
    const int64_t found = index.Find(addresses[i]);
    Check(it == first.end() ? found == -1 : found == static_cast<int64_t>(it->second), "an address found wrong");
    const uint64_t probe = addresses[i] + 8;  // the next word: found only if listed
    const auto next = first.find(probe);
    Check(next == first.end() ? index.Find(probe) == -1 : index.Find(probe) == static_cast<int64_t>(next->second),
          "a neighbour found wrong");
  }
  return 0;
}
