// fuzz_seed_writer: cuts fuzz seeds out of a real core.
//
//   fuzz_seed_writer NODE_BINARY CORE --out FILE TAGGED... [--out FILE TAGGED...]
//   (before the words of an --out: --threads adds the threads' registers, --heap
//   makes a heap seed)
//
// Runs every heap fuzz target on the given values over the core, records
// the memory they read, and writes a seed (fuzz/seed.h) per --out holding the
// binary's v8dbg_ constants, its bytecode tables, the values as roots, and
// only those slices of memory: the page around each value's object and the
// ranges (rounded to 64 bytes) the decoders touched. tools/make_fuzz_seeds.py
// calls it on the fixture cores of every Node version.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include "core/bytecode/bytecode.h"
#include "core/platform/core_file.h"
#include "core/heap/heap_pages.h"
#include "core/target.h"
#include "core/heap/isolate_roots.h"
#include "core/v8/isolate_handles.h"
#include "fuzz/driver.h"

using namespace nodegdb;

namespace {

class RecordingMemory : public Memory {
 public:
  explicit RecordingMemory(std::shared_ptr<Memory> inner) : inner_(std::move(inner)) {}
  bool Read(uint64_t address, void* out, size_t size) override {
    if (!inner_->Read(address, out, size)) return false;
    if (size <= (1u << 20)) reads.emplace_back(address, size);
    return true;
  }
  std::vector<MemoryRange> Ranges() override { return inner_->Ranges(); }  // where the heap walk looks
  std::string Describe() const override { return inner_->Describe(); }
  std::vector<std::pair<uint64_t, size_t>> reads;

 private:
  std::shared_ptr<Memory> inner_;
};

constexpr uint64_t kGrain = 64;
constexpr uint64_t kPage = 4096;
constexpr size_t kMaxSeedMemory = 128 << 10;
constexpr size_t kMaxHeapSeedMemory = 512 << 10;  // every page header and the start of each page
constexpr size_t kHeapPagePrefix = 2048;

}  // namespace

namespace {

// One seed: `roots` over the core, written to `path`.
// A heap seed (`heap`) holds what the heap walk reads: page headers, the
// spaces and heaps they point to, and the first bytes of every page.
bool WriteSeed(Target& target, CoreFileMemory& core, const fuzz::Seed& base, const std::string& path,
               const std::vector<uint64_t>& roots, bool heap_seed) {
  fuzz::Seed seed = base;
  seed.roots = roots;
  // Run every target over the real memory, recording what it reads.
  auto recording = std::make_shared<RecordingMemory>(std::shared_ptr<Memory>(&core, [](Memory*) {}));
  std::set<uint64_t> chunks;
  if (heap_seed) {
    // What the page search reads (headers, the spaces and heaps they point
    // to, allocation areas), and the first objects of every page.
    fuzz::FuzzHeap heap(seed, recording);
    try {
      const HeapPageSet set = FindHeapPages(heap.heap());
      for (const HeapPage& page : set.pages) {
        chunks.insert(page.chunk);
        recording->reads.emplace_back(page.area_start, std::min<uint64_t>(kHeapPagePrefix, page.area_end - page.area_start));
      }
      // Each isolate's handles (the isolate_handles target): the Isolate
      // around its Heap and the handle blocks, as the search reads them.
      // And their own roots (isolate_roots): IsolateData before the Heap,
      // the caches after it, what the tables point to.
      for (uint64_t h : set.heaps) {
        FindIsolateHandles(heap.memory(), h);
        FindIsolateRoots(heap.heap(), set, h);
      }
    } catch (const Error&) {
    }
  } else {
    fuzz::FuzzHeap heap(seed, recording);
    for (const fuzz::TargetInfo& t : fuzz::Targets()) {
      // The whole heap (the walk, the snapshot): heap seeds only.
      const std::string name = t.name;
      if (name != "heap" && name != "heap_snapshot" && name != "isolate_handles" && name != "isolate_roots" &&
          name != "js_dispatch_table") t.run(heap);
    }
  }
  const size_t max_memory = heap_seed ? kMaxHeapSeedMemory : kMaxSeedMemory;
  if (heap_seed) {
    // The page search probes every 256 KiB boundary of the process; only the
    // probes that found a page are worth the seed's room.
    auto& reads = recording->reads;
    reads.erase(std::remove_if(reads.begin(), reads.end(),
                               [&](const std::pair<uint64_t, size_t>& r) {
                                 return r.first % kV8PageSize == 0 && !chunks.count(r.first);
                               }),
                reads.end());
  }
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // [start, end)
  for (uint64_t root : seed.roots) {
    Tagged t = target.heap().Decode(root);
    if (t.is_heap_object()) ranges.emplace_back(t.address & ~(kPage - 1), (t.address & ~(kPage - 1)) + kPage);
  }
  for (auto [address, size] : recording->reads) {
    ranges.emplace_back(address & ~(kGrain - 1), (address + size + kGrain - 1) & ~(kGrain - 1));
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<uint64_t, uint64_t>> merged;
  for (auto r : ranges) {
    if (!merged.empty() && r.first <= merged.back().second + kGrain) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  size_t total = 0;
  for (auto [start, end] : merged) {
    // Only what the core has: a page around an object may run off a mapping.
    std::vector<uint8_t> bytes;
    for (uint64_t a = start; a < end; a += kGrain) {
      uint8_t chunk[kGrain];
      if (core.Read(a, chunk, kGrain)) {
        if (bytes.empty()) start = a;
        bytes.insert(bytes.end(), chunk, chunk + kGrain);
      } else if (!bytes.empty()) {
        break;
      }
    }
    if (bytes.empty() || total + bytes.size() > max_memory) continue;
    total += bytes.size();
    seed.regions.emplace_back(start, std::move(bytes));
    if (seed.regions.size() >= fuzz::kMaxRegions) break;
  }
  std::vector<uint8_t> out = fuzz::SerializeSeed(seed);
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
  if (!file) {
    std::fprintf(stderr, "fuzz_seed_writer: cannot write %s\n", path.c_str());
    return false;
  }
  std::printf("%s: %zu roots, %zu regions, %zu bytes of memory, %zu bytes\n", path.c_str(), seed.roots.size(),
              seed.regions.size(), total, out.size());
  return true;
}

// Each thread's pc, sp and fp from the core's NT_PRSTATUS notes (x86-64:
// struct elf_prstatus has pr_reg, a user_regs_struct, at offset 112; rbp is
// its 5th word, rip the 17th, rsp the 20th).
std::vector<fuzz::Seed::Thread> Threads(const std::string& core_path) {
  std::vector<fuzz::Seed::Thread> threads;
  ElfFile core(core_path);
  core.ForEachNote([&](std::string_view name, uint32_t type, const uint8_t* desc, uint64_t size) {
    if (name != "CORE" || type != 1 /* NT_PRSTATUS */ || size < 112 + 27 * 8) return;
    uint64_t regs[27];
    std::memcpy(regs, desc + 112, sizeof regs);
    threads.push_back({regs[16], regs[19], regs[4]});
  });
  if (threads.size() > 8) threads.resize(8);
  return threads;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5 || std::string(argv[3]) != "--out") {
    std::fprintf(stderr, "usage: %s NODE_BINARY CORE --out FILE [--threads] [--heap] WORD... [--out FILE ...]\n", argv[0]);
    return 2;
  }
  try {
    auto core = std::make_shared<CoreFileMemory>(argv[2]);
    ElfFile binary(argv[1]);
    uint64_t bias = 0;
    if (binary.is_position_independent()) {
      uint64_t base = core->LoadBaseOf(argv[1]);
      if (base) bias = base - binary.FirstLoadAddress();
    }
    Target target(argv[1], core, bias);
    fuzz::Seed base;
    base.v8_major = target.heap().rules().major;
    std::string node = target.NodeVersion();
    base.node_major = node.size() > 1 ? std::atoi(node.c_str() + 1) : 26;
    base.environment_index = target.heap().environment_index();
    base.v8dbg.insert(target.metadata().v8dbg().begin(), target.metadata().v8dbg().end());
    try {
      base.tables = BytecodeTables::For(target.binary(), target.metadata(), target.V8Version());
    } catch (const Error& e) {
      std::fprintf(stderr, "fuzz_seed_writer: no bytecode tables: %s\n", e.what());
    }
    base.binary = argv[1];
    base.load_bias = bias;
    for (const auto& m : core->file_mappings()) base.mappings.push_back({m.start, m.end, m.file_offset, m.path});
    const std::vector<fuzz::Seed::Thread> threads = Threads(argv[2]);
    for (int i = 3; i < argc;) {
      std::string path = argv[i + 1 < argc ? i + 1 : i];
      std::vector<uint64_t> roots;
      fuzz::Seed seed = base;
      bool heap_seed = false;
      for (i += 2; i < argc && std::string(argv[i]) != "--out"; i++) {
        if (std::string(argv[i]) == "--threads") {
          seed.threads = threads;
        } else if (std::string(argv[i]) == "--heap") {
          heap_seed = true;
        } else {
          roots.push_back(std::strtoull(argv[i], nullptr, 0));
        }
      }
      if (!WriteSeed(target, *core, seed, path, roots, heap_seed)) return 1;
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "fuzz_seed_writer: %s\n", e.what());
    return 1;
  }
  return 0;
}
