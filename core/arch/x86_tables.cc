#include "core/arch/x86_tables.h"

#include <cstring>

namespace nodegdb {

namespace {

int32_t Disp32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

bool IsRex(uint8_t b) { return b >= 0x40 && b <= 0x4f; }

// A compare of a register with an immediate ending right before a ja/jae at
// `code + i`: returns the number of table entries it allows, or -1.
struct Guard {
  size_t start;      // offset of the compare
  size_t end;        // offset just after the conditional jump
  int64_t entries;
};

// `sub $imm8, %r32` or `add $-imm8, %r32` in the `window` bytes before
// `end`: the lowest case value a switch subtracts before its compare.
int64_t FindBias(const uint8_t* code, size_t end, size_t window) {
  int64_t bias = 0;
  for (size_t i = end > window ? end - window : 0; i + 3 <= end; i++) {
    size_t p = i;
    if (IsRex(code[p])) p++;
    if (p + 3 > end || code[p] != 0x83) continue;
    const uint8_t modrm = code[p + 1];
    if ((modrm & 0xc0) != 0xc0) continue;
    const int8_t imm = static_cast<int8_t>(code[p + 2]);
    const int op = (modrm >> 3) & 7;
    if (op == 5 && imm > 0) bias = imm;        // sub
    if (op == 0 && imm < 0) bias = -imm;       // add of a negative
  }
  return bias;
}

std::vector<Guard> FindGuards(const uint8_t* code, size_t size) {
  std::vector<Guard> guards;
  for (size_t i = 0; i + 2 < size; i++) {
    size_t p = i;
    if (IsRex(code[p])) p++;
    if (p + 2 >= size) continue;
    int64_t imm = -1;
    size_t after = 0;
    const uint8_t op = code[p];
    if ((op == 0x83 || op == 0x80) && (code[p + 1] & 0xf8) == 0xf8) {  // cmp $imm8, %reg
      imm = code[p + 2];
      after = p + 3;
    } else if (op == 0x81 && (code[p + 1] & 0xf8) == 0xf8 && p + 6 <= size) {  // cmp $imm32, %reg
      imm = Disp32(code + p + 2);
      after = p + 6;
    } else if (op == 0x3d && p + 5 <= size) {  // cmp $imm32, %eax
      imm = Disp32(code + p + 1);
      after = p + 5;
    } else if (op == 0x3c) {  // cmp $imm8, %al
      imm = code[p + 1];
      after = p + 2;
    } else {
      continue;
    }
    if (imm < 0 || after + 2 > size) continue;
    bool above = false, above_or_equal = false;
    size_t end = 0;
    if (code[after] == 0x77) {
      above = true;
      end = after + 2;
    } else if (code[after] == 0x73) {
      above_or_equal = true;
      end = after + 2;
    } else if (code[after] == 0x0f && after + 6 <= size && code[after + 1] == 0x87) {
      above = true;
      end = after + 6;
    } else if (code[after] == 0x0f && after + 6 <= size && code[after + 1] == 0x83) {
      above_or_equal = true;
      end = after + 6;
    }
    if (above) guards.push_back({i, end, imm + 1});
    if (above_or_equal) guards.push_back({i, end, imm});
  }
  return guards;
}

}  // namespace

std::vector<IndexedLoad> FindIndexedLoads(const uint8_t* code, size_t size) {
  std::vector<IndexedLoad> loads;
  const std::vector<Guard> guards = FindGuards(code, size);
  for (size_t i = 0; i + 7 <= size; i++) {
    size_t p = i;
    if (IsRex(code[p])) p++;
    if (p + 7 > size) continue;
    const uint8_t op = code[p];
    const uint8_t modrm = code[p + 1];
    const uint8_t sib = code[p + 2];
    // ModRM mod=00 rm=100 (SIB follows); SIB base=101 (disp32, no base).
    if ((modrm & 0xc7) != 0x04 || (sib & 7) != 5) continue;
    const int scale = 1 << (sib >> 6);
    if (scale != 4 && scale != 8) continue;
    bool is_jump;
    if (op == 0x8b) {
      is_jump = false;
    } else if (op == 0xff && ((modrm >> 3) & 7) == 4) {
      is_jump = true;
    } else {
      continue;
    }
    const int32_t disp = Disp32(code + p + 3);
    if (disp <= 0) continue;
    IndexedLoad load{static_cast<uint64_t>(disp), scale, is_jump, i, -1, 0, {}};
    // The closest guard before the load, within a few instructions.
    for (const Guard& g : guards) {
      if (g.end <= i && i - g.end <= 24) {
        load.entries = g.entries;
        load.bias = FindBias(code, g.start, 48);
      }
    }
    loads.push_back(load);
  }
  return loads;
}

std::optional<uint64_t> StubStringAddress(const ElfFile& binary, uint64_t address) {
  uint8_t b[8];
  if (!binary.ReadVirtual(address, b, sizeof b)) return std::nullopt;
  if (b[0] == 0xb8) return static_cast<uint32_t>(Disp32(b + 1));  // mov $imm32, %eax
  if (b[0] == 0x48 && b[1] == 0xc7 && b[2] == 0xc0) {           // mov $imm32, %rax
    int32_t v = Disp32(b + 3);
    if (v > 0) return static_cast<uint64_t>(v);
    return std::nullopt;
  }
  if (b[0] == 0x48 && b[1] == 0x8d && b[2] == 0x05) {  // lea rel32(%rip), %rax
    return address + 7 + static_cast<int64_t>(Disp32(b + 3));
  }
  return std::nullopt;
}

}  // namespace nodegdb
