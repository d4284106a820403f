// The fuzz input format: a self-contained memory image of part of a V8 heap
// and everything needed to decode it without the node binary or the core.
//
//   "NGFZ1\n"
//   u8  v8 major      u8  node major (util.inspect rules)
//   i32 Node's Environment embedder slot (-1: unknown)
//   u32 count, then count x { u16 length, name, i64 value }  v8dbg_ constants
//   u32 count, then count x { u64 address, u32 size, bytes }  memory regions
//   u32 count, then count x u64                               roots (tagged words)
//   u32 size,  then size bytes                                 bytecode tables (0: none)
// and, optionally, for the targets that need the node binary itself (Node's
// structures, stack unwinding: symbols, vtables, builtins):
//   u16 length, path; u64 load bias                            the node binary
//   u32 count, then count x { u64 start, end, offset, u16 length, path }  file mappings
//   u32 count, then count x { u64 pc, sp, fp }                 threads' registers
//
// Little-endian throughout. Parse() never rejects: whatever is truncated or
// impossible is dropped (a fuzzer's mutation still decodes as much as it
// can), and sizes are capped so that no input makes the harness itself slow.
// An input without the magic is garbage as a user might give it: it becomes
// one region of raw bytes under the synthetic Node 20 constants of
// tests/cpp/fake_heap.h, with every word of it as a root.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bytecode/bytecode.h"
#include "core/meta/metadata.h"

namespace nodegdb::fuzz {

struct Seed {
  int v8_major = 11;
  int node_major = 20;
  int64_t environment_index = -1;
  std::map<std::string, int64_t> v8dbg;
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> regions;
  std::vector<uint64_t> roots;
  std::optional<BytecodeTables> tables;
  bool from_garbage = false;  // no magic: see above
  // The node binary (a path on this machine) and the process's file
  // mappings and threads, for the targets that need them ("" if none).
  std::string binary;
  uint64_t load_bias = 0;
  struct Mapping {
    uint64_t start, end, offset;
    std::string path;
  };
  std::vector<Mapping> mappings;
  struct Thread {
    uint64_t pc, sp, fp;
  };
  std::vector<Thread> threads;
  // Set instead of `v8dbg` when parsed through a ParseCache.
  std::shared_ptr<const Metadata> metadata;
};

// Most inputs of a fuzz run share their constants and bytecode tables with
// the previous one (the mutator rarely touches them): a cache keeps the
// Metadata built from the last ones, which is most of the time of an input.
struct ParseCache {
  std::vector<uint8_t> constants_bytes, tables_bytes;
  std::shared_ptr<const Metadata> metadata;
  std::optional<BytecodeTables> tables;
};

constexpr char kMagic[] = "NGFZ1\n";
constexpr size_t kMagicSize = 6;

// Caps on what one input may hold.
constexpr size_t kMaxRegions = 256;
constexpr size_t kMaxRegionBytes = 1 << 20;
constexpr size_t kMaxTotalBytes = 4 << 20;
constexpr size_t kMaxRoots = 64;
constexpr size_t kMaxConstants = 8192;

// `cache` (optional): see ParseCache; the seed then has `metadata` set and
// `v8dbg` empty.
Seed ParseSeed(const uint8_t* data, size_t size, ParseCache* cache = nullptr);
std::vector<uint8_t> SerializeSeed(const Seed& seed);

// The bytecode tables as bytes, and back (lenient, bounded like ParseSeed).
std::vector<uint8_t> SerializeTables(const BytecodeTables& tables);
std::optional<BytecodeTables> ParseTables(const uint8_t* data, size_t size);

}  // namespace nodegdb::fuzz
