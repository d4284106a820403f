// libFuzzer entry points of the heap targets: LLVMFuzzerTestOneInput and a
// structure-aware mutator that keeps inputs well-formed (fuzz/seed.h) and
// changes what a corrupt core changes: words of objects (map words,
// lengths, pointers redirected to other objects or to themselves), the
// roots, and now and then a metadata constant.
#include "fuzz/driver.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>

namespace nodegdb::fuzz {

std::vector<TargetInfo>& Targets() {
  static std::vector<TargetInfo> targets;
  return targets;
}

namespace {
std::shared_ptr<const Metadata> MetadataOf(const Seed& seed) {
  return seed.metadata ? seed.metadata : std::make_shared<const Metadata>(Metadata::FromTable(seed.v8dbg, {}, seed.v8_major));
}
}  // namespace

FuzzHeap::FuzzHeap(Seed seed) : seed_(std::move(seed)), metadata_(MetadataOf(seed_)) {
  auto memory = std::make_shared<BufferMemory>();
  for (const auto& [address, bytes] : seed_.regions) memory->Map(address, bytes);
  memory_ = memory;
  heap_ = std::make_unique<Heap>(*memory_, *metadata_);
  heap_->set_environment_index(seed_.environment_index);
}

FuzzHeap::FuzzHeap(Seed seed, std::shared_ptr<Memory> memory)
    : seed_(std::move(seed)), metadata_(MetadataOf(seed_)), memory_(std::move(memory)) {
  heap_ = std::make_unique<Heap>(*memory_, *metadata_);
  heap_->set_environment_index(seed_.environment_index);
}

std::shared_ptr<Target> FuzzHeap::target() {
  if (target_tried_) return target_;
  target_tried_ = true;
  if (seed_.binary.empty() || access(seed_.binary.c_str(), R_OK) != 0) return nullptr;
  try {
    target_ = std::make_shared<Target>(seed_.binary, memory_, seed_.load_bias);
  } catch (const Error&) {
    // Not a node binary (any more): the targets that need one skip the input.
  }
  return target_;
}

std::string FuzzHeap::v8_version() const {
  if (seed_.tables && !seed_.tables->v8_version.empty()) return seed_.tables->v8_version;
  return std::to_string(seed_.v8_major) + ".0.0";
}

std::vector<uint64_t> ObjectRoots(FuzzHeap& fuzz) {
  std::vector<uint64_t> objects;
  for (uint64_t root : fuzz.roots()) {
    Tagged t = fuzz.heap().Decode(root);
    if (t.is_heap_object()) objects.push_back(t.address);
  }
  return objects;
}

void RunTargets(const uint8_t* data, size_t size) {
  static ParseCache cache;
  Seed seed = ParseSeed(data, size, &cache);
  std::unique_ptr<FuzzHeap> fuzz;
  try {
    fuzz = std::make_unique<FuzzHeap>(std::move(seed));
  } catch (const Error&) {
    return;  // metadata without the basics: every command says so in one line
  }
  for (const TargetInfo& target : Targets()) target.run(*fuzz);
}

}  // namespace nodegdb::fuzz

using namespace nodegdb::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  RunTargets(data, size);
  return 0;
}

#ifndef NODEGDB_FUZZ_REPLAY_ONLY

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

// Words a corrupt heap is made of: pointers to other objects of the same
// image, to the object itself, to nowhere; Smis at the edges; lengths.
uint64_t InterestingWord(const Seed& seed, uint64_t old, uint64_t self, std::minstd_rand& rng) {
  switch (rng() % 10) {
    case 0: {  // a pointer-looking word from anywhere in the image
      for (int tries = 0; tries < 16 && !seed.regions.empty(); tries++) {
        const auto& region = seed.regions[rng() % seed.regions.size()].second;
        if (region.size() < 8) continue;
        uint64_t w;
        std::memcpy(&w, region.data() + (rng() % (region.size() / 8)) * 8, 8);
        if ((w & 3) == 1) return w;
      }
      return old;
    }
    case 1: return self + 1;  // points at its own object: a cycle
    case 2: return old + 8 * (static_cast<int>(rng() % 9) - 4);
    case 3: {
      static const int64_t kSmis[] = {0, 1, -1, 2, 0x3fffffff, 0x7fffffff, INT32_MIN, 1 << 24, 1 << 30};
      return static_cast<uint64_t>(kSmis[rng() % 9]) << 32;
    }
    case 4: {  // a 32-bit field (lengths, counts, flags) in either half
      static const uint32_t kInts[] = {0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0x40000000, 0xffff, 0x10000};
      uint32_t v = kInts[rng() % 8];
      return rng() % 2 ? (old & 0xffffffff00000000ull) | v : (old & 0xffffffffull) | (uint64_t{v} << 32);
    }
    case 5: return 0;
    case 6: return 0x4141414141414141ull;  // garbage
    case 7: return old ^ (uint64_t{1} << (rng() % 64));
    case 8: return (old & ~uint64_t{0xffff}) | (rng() & 0xffff);  // a 16-bit field (instance type, counts)
    default: return static_cast<uint64_t>(rng()) << 32 | rng();
  }
}

void MutateConstant(Seed& seed, std::minstd_rand& rng) {
  if (seed.v8dbg.empty()) return;
  auto it = seed.v8dbg.begin();
  std::advance(it, rng() % seed.v8dbg.size());
  switch (rng() % 6) {
    case 0: seed.v8dbg.erase(it); return;  // a constant this binary lacks
    // Wrapping, not overflowing: a constant may be INT64_MIN already.
    case 1: it->second = static_cast<int64_t>(static_cast<uint64_t>(it->second) + 8); return;
    case 2: it->second = static_cast<int64_t>(static_cast<uint64_t>(it->second) - 8); return;
    case 3: it->second = static_cast<int64_t>(rng() % 512); return;
    case 4: it->second = -1; return;
    default: it->second ^= int64_t{1} << (rng() % 16); return;
  }
}

void MutateRoot(Seed& seed, std::minstd_rand& rng) {
  if (!seed.threads.empty() && rng() % 4 == 0) {  // a thread's registers (stack unwinding)
    Seed::Thread& t = seed.threads[rng() % seed.threads.size()];
    uint64_t* reg = rng() % 3 == 0 ? &t.pc : rng() % 2 ? &t.sp : &t.fp;
    *reg = rng() % 2 ? *reg + 8 * (static_cast<int>(rng() % 17) - 8) : InterestingWord(seed, *reg, *reg, rng);
    return;
  }
  if (seed.roots.empty() || seed.regions.empty()) return;
  uint64_t& root = seed.roots[rng() % seed.roots.size()];
  const auto& [address, bytes] = seed.regions[rng() % seed.regions.size()];
  if (rng() % 2 && bytes.size() >= 8) {
    root = address + (rng() % (bytes.size() / 8)) * 8 + 1;  // any word of the image as an object
  } else {
    root = InterestingWord(seed, root, root - 1, rng);
  }
}

void MutateMemory(Seed& seed, std::minstd_rand& rng) {
  if (seed.regions.empty()) return;
  // Larger regions get more mutations.
  size_t total = 0;
  for (const auto& r : seed.regions) total += r.second.size();
  if (total == 0) return;
  size_t pick = rng() % total;
  size_t index = 0;
  while (pick >= seed.regions[index].second.size()) pick -= seed.regions[index++].second.size();
  auto& [address, bytes] = seed.regions[index];
  size_t word = (pick / 8) * 8;
  if (rng() % 2 && word + 8 <= bytes.size()) {
    uint64_t old;
    std::memcpy(&old, bytes.data() + word, 8);
    // "Itself": the object this word is the map word of, or one a few words before.
    uint64_t back = std::min<uint64_t>(word / 8, rng() % 4);
    uint64_t w = InterestingWord(seed, old, address + word - 8 * back, rng);
    std::memcpy(bytes.data() + word, &w, 8);
  } else {
    size_t length = std::min<size_t>(bytes.size() - pick, 1 + rng() % 32);
    LLVMFuzzerMutate(bytes.data() + pick, length, length);
  }
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int rng_seed) {
  if (size < kMagicSize || std::memcmp(data, kMagic, kMagicSize) != 0) return LLVMFuzzerMutate(data, size, max_size);
  std::minstd_rand rng(rng_seed);
  const int metadata_percent = Targets().empty() ? 3 : Targets()[0].metadata_mutation_percent;
  const int pick = static_cast<int>(rng() % 100);
  if (pick < 2) return LLVMFuzzerMutate(data, size, max_size);  // the format itself
  Seed seed = ParseSeed(data, size);
  int mutations = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < mutations; i++) {
    const int what = static_cast<int>(rng() % 100);
    if (what < metadata_percent) {
      MutateConstant(seed, rng);
    } else if (what < metadata_percent + 8) {
      MutateRoot(seed, rng);
    } else {
      MutateMemory(seed, rng);
    }
  }
  std::vector<uint8_t> out = SerializeSeed(seed);
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

#endif  // NODEGDB_FUZZ_REPLAY_ONLY
