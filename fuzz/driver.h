// The common fuzz driver: turns an input (fuzz/seed.h) into a heap of
// memory regions with the metadata of a real node binary, and runs one
// decoder on its roots. A target for a new decoder is one small file:
//
//   #include "fuzz/driver.h"
//   NODEGDB_FUZZ_TARGET(my_decoder) {
//     for (uint64_t root : fuzz.roots()) {
//       fuzz::Try([&] { ReadMyThing(fuzz.heap(), root - 1); });
//     }
//   }
//
// plus one line in fuzz/CMakeLists.txt (nodegdb_fuzz_target(my_decoder)).
// nodegdb::Error is the decoders' way of saying "corrupt": Try swallows it.
// Anything else (a crash, a sanitizer report, a leak, another exception, a
// slow input) is a finding.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/bytecode/bytecode.h"
#include "core/errors.h"
#include "core/v8/heap.h"
#include "core/platform/memory.h"
#include "core/meta/metadata.h"
#include "core/target.h"
#include "fuzz/seed.h"

namespace nodegdb::fuzz {

class FuzzHeap {
 public:
  explicit FuzzHeap(Seed seed);  // throws Error if the metadata is unusable
  // The seed's metadata and roots over other memory (the seed writer's
  // recording of a real core); the seed's regions are ignored.
  FuzzHeap(Seed seed, std::shared_ptr<Memory> memory);

  Heap& heap() { return *heap_; }
  Memory& memory() { return *memory_; }
  const Metadata& metadata() const { return *metadata_; }
  const Seed& seed() const { return seed_; }
  const BytecodeTables* tables() const { return seed_.tables ? &*seed_.tables : nullptr; }
  // "11.3.244.8" if the seed has bytecode tables, else "<major>.0.0".
  std::string v8_version() const;

  const std::vector<uint64_t>& roots() const { return seed_.roots; }  // tagged words to decode
  // A Target over this memory with the seed's node binary, for decoders of
  // Node's structures and of the stack (symbols, vtables, builtins); null
  // if the seed names no binary or the binary is not on this machine. Its
  // heap uses the binary's own metadata.
  std::shared_ptr<Target> target();
  int node_major() const { return seed_.node_major; }

 private:
  Seed seed_;
  std::shared_ptr<const Metadata> metadata_;
  std::shared_ptr<Memory> memory_;
  std::unique_ptr<Heap> heap_;
  std::shared_ptr<Target> target_;
  bool target_tried_ = false;
};

// Runs `f`, swallowing the decoders' one-line errors.
template <typename F>
void Try(F&& f) {
  try {
    f();
  } catch (const Error&) {
  }
}

// Every tagged heap object among the roots, untagged (for decoders that take
// addresses); Smis and other words are left out.
std::vector<uint64_t> ObjectRoots(FuzzHeap& fuzz);

using TargetFunction = void (*)(FuzzHeap&);
struct TargetInfo {
  const char* name;
  TargetFunction run;
  // How often the structure-aware mutator changes the metadata instead of
  // memory (0..100): a wrong binary is a kind of corruption too.
  int metadata_mutation_percent;
};
std::vector<TargetInfo>& Targets();
struct Registrar {
  Registrar(const char* name, TargetFunction run, int metadata_mutation_percent = 3) {
    Targets().push_back({name, run, metadata_mutation_percent});
  }
};

// Builds the heap of an input and runs every registered target on it (a
// fuzz binary links one target). Used by LLVMFuzzerTestOneInput and by the
// replay and seed tools.
void RunTargets(const uint8_t* data, size_t size);

}  // namespace nodegdb::fuzz

#define NODEGDB_FUZZ_TARGET_WITH(name, metadata_percent)                                         \
  static void NodeGdbFuzz_##name(::nodegdb::fuzz::FuzzHeap& fuzz);                               \
  static ::nodegdb::fuzz::Registrar node_gdb_fuzz_registrar_##name(#name, NodeGdbFuzz_##name,   \
                                                                   metadata_percent);            \
  static void NodeGdbFuzz_##name([[maybe_unused]] ::nodegdb::fuzz::FuzzHeap& fuzz)

#define NODEGDB_FUZZ_TARGET(name) NODEGDB_FUZZ_TARGET_WITH(name, 3)
