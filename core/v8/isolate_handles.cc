#include "core/v8/isolate_handles.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "core/errors.h"

namespace nodegdb {
namespace {

// The Isolate starts at most this far before its Heap (53-62 KiB in V8 11-14)...
constexpr uint64_t kIsolateWindow = 256 << 10;
// ...and its GlobalHandles* field lies within this much after the Heap's
// start (3.3-4.4 KiB in V8 11-14).
constexpr uint64_t kFieldWindow = 32 << 10;
constexpr int kStrides[] = {32, 24, 40, 48};     // sizeof(GlobalHandles::Node) tried, the known one first
constexpr int kIndexAt = 10;                     // after Address object_ and uint16 class_id_
constexpr size_t kMaxEternalBlocks = 4096;

struct BlockShape {
  int stride = 0;
  uint64_t owner = 0, space = 0;  // the GlobalHandles and NodeSpace every block names
};

bool ReadWords(Memory& memory, uint64_t address, uint64_t* words, size_t n) {
  return address % 8 == 0 && memory.Read(address, words, n * 8);
}

// A block's nodes and trailer, or an empty vector if they are unreadable.
std::vector<uint8_t> ReadBlock(Memory& memory, uint64_t block, int stride) {
  std::vector<uint8_t> bytes(kHandleBlockSize * stride + 24);
  if (!memory.Read(block, bytes.data(), bytes.size())) bytes.clear();
  return bytes;
}

uint64_t WordAt(const std::vector<uint8_t>& bytes, size_t offset) {
  uint64_t w;
  std::memcpy(&w, bytes.data() + offset, 8);
  return w;
}

// Whether `bytes` is a NodeBlock of `shape`: index bytes 0..255 at its
// stride, its trailer naming the same GlobalHandles and NodeSpace.
bool IsBlock(const std::vector<uint8_t>& bytes, const BlockShape& shape) {
  if (bytes.empty()) return false;
  for (size_t i = 0; i < kHandleBlockSize; ++i) {
    if (bytes[i * shape.stride + kIndexAt] != i) return false;
  }
  const size_t trailer = kHandleBlockSize * shape.stride;
  return WordAt(bytes, trailer + 8) == shape.owner && WordAt(bytes, trailer + 16) == shape.space;
}

// The shape of the first block of NodeSpace `space` owned by `owner`, or stride 0.
BlockShape FirstBlockShape(Memory& memory, uint64_t owner, uint64_t space, uint64_t first_block) {
  for (int stride : kStrides) {
    BlockShape shape{stride, owner, space};
    if (IsBlock(ReadBlock(memory, first_block, stride), shape)) return shape;
  }
  return {};
}

struct Found {
  uint64_t field = 0;  // the Isolate's GlobalHandles* field
  uint64_t owner = 0, isolate = 0, first_block = 0;
  BlockShape shape;
};

// Is `candidate` a GlobalHandles whose isolate holds the Heap at `heap`?
bool CheckGlobalHandles(Memory& memory, uint64_t heap, uint64_t candidate, Found* found) {
  uint64_t g[4];
  if (candidate < 4096 || !ReadWords(memory, candidate, g, 4)) return false;
  if (g[0] >= heap || heap - g[0] > kIsolateWindow) return false;  // V8 embeds the Heap in its Isolate
  for (int k = 1; k < 4; ++k) {
    uint64_t s[2];
    if (g[k] < 4096 || !ReadWords(memory, g[k], s, 2) || s[0] != candidate || s[1] < 4096) continue;
    BlockShape shape = FirstBlockShape(memory, candidate, g[k], s[1]);
    if (shape.stride == 0) continue;
    *found = {0, candidate, g[0], s[1], shape};
    return true;
  }
  return false;
}

bool FindGlobalHandles(Memory& memory, uint64_t heap, Found* found) {
  std::vector<uint64_t> window(kFieldWindow / 8);
  if (!memory.Read(heap, window.data(), kFieldWindow)) {
    // The window may run past the mapping: read it page by page.
    for (size_t i = 0; i < window.size(); i += 512) {
      if (!memory.Read(heap + i * 8, &window[i], 4096)) std::fill(window.begin() + i, window.begin() + i + 512, 0);
    }
  }
  for (size_t i = 0; i < window.size(); ++i) {
    const uint64_t w = window[i];
    if (w % 8 != 0) continue;
    // The field must be the Isolate's own (its NodeSpace names it too).
    const uint64_t field = heap + i * 8;
    if (CheckGlobalHandles(memory, heap, w, found) && field >= found->isolate) {
      found->field = field;
      return true;
    }
  }
  return false;
}

void ReadGlobalHandles(Memory& memory, const Found& found, IsolateHandles* out) {
  std::unordered_set<uint64_t> seen;
  const int stride = found.shape.stride;
  for (uint64_t block = found.first_block; block != 0;) {
    if (!seen.insert(block).second) {
      out->notes.push_back("global handles: the block list loops at " + Hex(block) + "; read up to there");
      return;
    }
    if (seen.size() > kMaxHandleBlocks) {
      out->notes.push_back("global handles: more than " + std::to_string(kMaxHandleBlocks) + " blocks; read those");
      return;
    }
    const std::vector<uint8_t> bytes = ReadBlock(memory, block, stride);
    if (!IsBlock(bytes, found.shape)) {
      out->notes.push_back("global handles: block " + Hex(block) + " is unreadable or not a handle block; " +
                           "the handles after it are not read");
      return;
    }
    for (size_t i = 0; i < kHandleBlockSize; ++i) {
      const size_t node = i * stride;
      const int state = bytes[node + kIndexAt + 1] & 3;
      if (state == 0) continue;  // free
      (state == 1 ? out->strong : out->weak).push_back(WordAt(bytes, node));
    }
    ++out->blocks;
    block = WordAt(bytes, kHandleBlockSize * stride);
  }
}

// EternalHandles {int size_; std::vector<Address*> blocks_; ...}, pointed
// to by a word near the Isolate's GlobalHandles* field (the next one in V8
// 11; after the embedded TracedHandles, 17 words on, in V8 12-14): the
// nearest that fits.
constexpr int kEternalSearch = 64;  // words on each side

void ReadEternalHandles(Memory& memory, uint64_t field, IsolateHandles* out) {
  for (int step = 1; step <= 2 * kEternalSearch; ++step) {
    const int delta = (step + 1) / 2 * (step % 2 ? 1 : -1);  // +1, -1, +2, -2, ...
    uint64_t candidate = 0, e[4];
    if (!ReadWords(memory, field + delta * 8, &candidate, 1)) continue;
    if (candidate < 4096 || !ReadWords(memory, candidate, e, 4)) continue;
    const uint64_t size = static_cast<uint32_t>(e[0]);
    const uint64_t blocks = (e[2] - e[1]) / 8;
    if (size == 0 || e[1] > e[2] || e[2] > e[3] || (e[2] - e[1]) % 8 != 0 || blocks > kMaxEternalBlocks ||
        blocks != (size + kHandleBlockSize - 1) / kHandleBlockSize) {
      continue;
    }
    std::vector<uint64_t> block_list(blocks), slots(kHandleBlockSize);
    if (!ReadWords(memory, e[1], block_list.data(), blocks)) continue;
    std::vector<uint64_t> values;
    for (uint64_t b = 0; b < blocks; ++b) {
      if (!ReadWords(memory, block_list[b], slots.data(), kHandleBlockSize)) break;
      const uint64_t n = std::min<uint64_t>(kHandleBlockSize, size - b * kHandleBlockSize);
      values.insert(values.end(), slots.begin(), slots.begin() + n);
    }
    if (values.size() != size || (values[0] & 1) == 0) continue;  // slots hold tagged objects (the hole when unused)
    out->eternal_handles = candidate;
    out->eternal = std::move(values);
    return;
  }
  out->notes.push_back("eternal handles: not found next to the isolate's GlobalHandles* at " + Hex(field));
}

}  // namespace

IsolateHandles FindIsolateHandles(Memory& memory, uint64_t heap) {
  IsolateHandles out;
  out.heap = heap;
  Found found;
  if (heap <= kIsolateWindow || !FindGlobalHandles(memory, heap, &found)) {
    out.notes.push_back("global and eternal handles: no GlobalHandles found near the isolate's heap " + Hex(heap));
    return out;
  }
  out.isolate = found.isolate;
  out.global_handles = found.owner;
  out.node_stride = found.shape.stride;
  ReadGlobalHandles(memory, found, &out);
  ReadEternalHandles(memory, found.field, &out);
  return out;
}

}  // namespace nodegdb
