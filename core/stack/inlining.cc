#include "core/stack/inlining.h"

#include <set>

#include "core/errors.h"
#include "core/v8/shared_function_info.h"

namespace nodegdb {

namespace {

constexpr int kMaxDepth = 64;
constexpr int64_t kMaxEntries = 1 << 20;
// (Trusted/Protected)FixedArray and (Trusted)ByteArray: map, length (Smi), data.
constexpr uint64_t kLength = 8, kData = 16, kInliningPositionSize = 16;

int64_t ScriptOffsetOf(uint64_t position) { return static_cast<int64_t>((position >> 1) & 0x3fffffff) - 1; }
int InliningIdOf(uint64_t position) { return static_cast<int>((position >> 31) & 0xffff) - 1; }

std::string TypeNameAt(Heap& heap, const Tagged& t) {
  if (t.kind != Tagged::Kind::kStrong) return "";
  return heap.metadata().TypeName(heap.InstanceTypeOf(t.address));
}

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

int64_t LengthOf(Heap& heap, uint64_t address) {
  Tagged length = heap.ReadTagged(address + kLength);
  if (!length.is_smi() || length.smi < 0 || length.smi > kMaxEntries) throw heap.NotA(address, "array");
  return length.smi;
}

struct DeoptData {
  uint64_t positions = 0;  // untagged byte array of InliningPositions
  int64_t position_count = 0;
  std::vector<uint64_t> literal_arrays;  // untagged candidates
};

DeoptData ReadDeoptData(Heap& heap, uint64_t raw) {
  Tagged data = heap.Decode(raw);
  const std::string type = TypeNameAt(heap, data);
  if (!EndsWith(type, "FIXED_ARRAY_TYPE")) throw heap.NotA(data.address, "DeoptimizationData");
  const int64_t length = LengthOf(heap, data.address);
  DeoptData d;
  for (int64_t i = 2; i < length && i < 12; i++) {
    Tagged entry = heap.ReadTagged(data.address + kData + 8 * static_cast<uint64_t>(i));
    const std::string t = TypeNameAt(heap, entry);
    if (!d.positions && EndsWith(t, "BYTE_ARRAY_TYPE")) {
      const int64_t bytes = LengthOf(heap, entry.address);
      if (bytes % kInliningPositionSize == 0) {
        d.positions = entry.address;
        d.position_count = bytes / kInliningPositionSize;
      }
    } else if (!d.positions && (EndsWith(t, "FIXED_ARRAY_TYPE") || t.find("LITERAL_ARRAY") != std::string::npos)) {
      d.literal_arrays.push_back(entry.address);
    }
  }
  if (!d.positions) throw heap.NotA(data.address, "DeoptimizationData with inlining positions");
  return d;
}

// The SharedFunctionInfo at `index` of one of the literal arrays.
uint64_t InlinedFunction(Heap& heap, const DeoptData& d, int64_t index) {
  for (uint64_t array : d.literal_arrays) {
    if (index < 0 || index >= LengthOf(heap, array)) continue;
    Tagged entry = heap.Decode(heap.ReadWord(array + kData + 8 * static_cast<uint64_t>(index)));
    if (entry.kind == Tagged::Kind::kStrong || entry.kind == Tagged::Kind::kWeak) {
      if (IsSharedFunctionInfo(heap, entry.address)) return entry.address;
    }
  }
  return 0;
}

}  // namespace

InliningChain ResolveInlining(Heap& heap, uint64_t deoptimization_data, int inlining_id, int64_t script_offset) {
  InliningChain chain;
  try {
    DeoptData d = ReadDeoptData(heap, deoptimization_data);
    std::set<int> seen;
    int id = inlining_id;
    int64_t offset = script_offset;
    while (id >= 0) {
      if (!seen.insert(id).second || seen.size() > kMaxDepth) throw Error("the inlining ids form a cycle");
      if (id >= d.position_count) throw Error("inlining id " + std::to_string(id) + " is past the code's positions");
      const uint64_t at = d.positions + kData + kInliningPositionSize * static_cast<uint64_t>(id);
      const uint64_t caller_position = heap.memory().ReadU64(at);
      const int32_t function_index = static_cast<int32_t>(heap.memory().ReadU32(at + 8));
      const uint64_t shared = InlinedFunction(heap, d, function_index);
      if (!shared) throw Error("no SharedFunctionInfo for inlined function " + std::to_string(function_index));
      chain.inlined.push_back({shared, offset});
      offset = ScriptOffsetOf(caller_position);
      id = InliningIdOf(caller_position);
    }
    chain.outer_offset = offset;
  } catch (const Error& e) {
    chain.error = e.what();
  }
  return chain;
}

}  // namespace nodegdb
