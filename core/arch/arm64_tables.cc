#include "core/arch/arm64_tables.h"

#include <cstring>

namespace nodegdb {

namespace {

uint32_t Insn(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

int64_t SignExtend(uint64_t v, int bits) {
  const uint64_t m = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((v ^ m) - m);
}

unsigned Rd(uint32_t i) { return i & 31; }
unsigned Rn(uint32_t i) { return (i >> 5) & 31; }
unsigned Rm(uint32_t i) { return (i >> 16) & 31; }

// adrp xD, PAGE: the page address; adr xD, LABEL: the address.
std::optional<uint64_t> PcRelative(uint32_t i, uint64_t pc) {
  const uint64_t imm = ((i >> 29) & 3) | (((i >> 5) & 0x7ffff) << 2);
  // Unsigned arithmetic: a negative offset wraps to the lower address (a
  // left shift of a negative signed value is undefined).
  const uint64_t offset = static_cast<uint64_t>(SignExtend(imm, 21));
  if ((i & 0x9f000000) == 0x90000000) return (pc & ~uint64_t{0xfff}) + (offset << 12);
  if ((i & 0x9f000000) == 0x10000000) return pc + offset;
  return std::nullopt;
}

bool IsAdrp(uint32_t i) { return (i & 0x9f000000) == 0x90000000; }

// add xD, xN, #imm12 (unshifted, 64-bit): the immediate, or -1.
int64_t AddImmediate(uint32_t i) { return (i & 0xffc00000) == 0x91000000 ? int64_t{(i >> 10) & 0xfff} : -1; }

// cmp wN/xN, #imm12 (subs zr, unshifted): the immediate, or -1.
int64_t CompareImmediate(uint32_t i) { return (i & 0x7fc0001f) == 0x7100001f ? int64_t{(i >> 10) & 0xfff} : -1; }

// sub wD/xD, wN/xN, #imm12 (unshifted): the immediate, or -1.
int64_t SubImmediate(uint32_t i) { return (i & 0x7fc00000) == 0x51000000 ? int64_t{(i >> 10) & 0xfff} : -1; }

// b.cond: the condition (HI 8, HS 2), or -1.
int Condition(uint32_t i) { return (i & 0xff000010) == 0x54000000 ? static_cast<int>(i & 0xf) : -1; }

bool IsBr(uint32_t i, unsigned* reg) {
  if ((i & 0xfffffc1f) != 0xd61f0000) return false;
  *reg = Rn(i);
  return true;
}

// ldr{b,h,,} / ldrsw with a register offset scaled by the entry size (or a
// byte): the entry size, else 0.
struct RegisterLoad {
  int size = 0;
  bool is_signed = false;
  unsigned base = 0, index = 0, dest = 0;
};
RegisterLoad DecodeRegisterLoad(uint32_t i) {
  RegisterLoad l;
  const bool unsigned_load = (i & 0x3fe00c00) == 0x38600800;        // opc 01
  const bool signed_word = (i & 0xffe00c00) == 0xb8a00800;          // ldrsw
  if (!unsigned_load && !signed_word) return l;
  const unsigned option = (i >> 13) & 7;
  if (option != 2 && option != 3 && option != 6 && option != 7) return l;  // uxtw, lsl, sxtw, sxtx
  const int size = 1 << (i >> 30);
  const bool scaled = (i >> 12) & 1;
  if (size > 1 && !scaled) return l;  // a byte offset into a table of wider entries: not a switch
  l.size = size;
  l.is_signed = signed_word;
  l.base = Rn(i);
  l.index = Rm(i);
  l.dest = Rd(i);
  return l;
}

// add xD, xB, wO, {u,s}xt{b,h} #2 or add xD, xB, xO, lsl #2: the jump
// target computation. Sets *signed_entries for sxtb/sxth.
bool IsJumpAdd(uint32_t i, unsigned offset_reg, unsigned* base, unsigned* dest, bool* signed_entries) {
  if ((i & 0xffe00000) == 0x8b200000 && ((i >> 10) & 7) == 2) {  // extended register
    const unsigned option = (i >> 13) & 7;
    if (Rm(i) != offset_reg || (option != 0 && option != 1 && option != 4 && option != 5 && option != 2)) return false;
    *signed_entries = option == 4 || option == 5;
  } else if ((i & 0xffe0fc00) == 0x8b000800) {  // shifted register, lsl #2
    if (Rm(i) != offset_reg) return false;
    *signed_entries = false;
  } else {
    return false;
  }
  *base = Rn(i);
  *dest = Rd(i);
  return true;
}

constexpr size_t kWindow = 16;  // instructions searched around a load

// The address register `reg` holds at instruction `at`, from an adrp/add
// pair or an adr in the instructions before it.
std::optional<uint64_t> AddressIn(const uint8_t* code, size_t at, uint64_t address, unsigned reg) {
  std::optional<int64_t> low;
  for (size_t k = 1; k <= kWindow && k <= at; k++) {
    const size_t j = at - k;
    const uint32_t i = Insn(code + 4 * j);
    const uint64_t pc = address + 4 * j;
    if (!low && AddImmediate(i) >= 0 && Rd(i) == reg && Rn(i) == reg) {
      low = AddImmediate(i);
      continue;
    }
    if (Rd(i) != reg) continue;
    auto base = PcRelative(i, pc);
    if (!base) continue;
    if (IsAdrp(i)) {
      if (!low) return std::nullopt;  // a page without its offset
      return *base + *low;
    }
    if (!low) return base;  // adr
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::vector<IndexedLoad> Arm64FindIndexedLoadsWith(const uint8_t* code, size_t size, uint64_t address,
                                                   TableReader read, const void* context) {
  std::vector<IndexedLoad> loads;
  const size_t n = size / 4;
  for (size_t at = 0; at < n; at++) {
    const RegisterLoad l = DecodeRegisterLoad(Insn(code + 4 * at));
    if (!l.size || l.base == l.index) continue;
    auto table = AddressIn(code, at, address, l.base);
    if (!table) continue;
    IndexedLoad load{*table, l.size, false, 4 * at, -1, 0, {}};
    // The guard: cmp of the index register, then b.hi (or b.hs), before the load.
    for (size_t k = 1; k <= kWindow && k <= at; k++) {
      const uint32_t i = Insn(code + 4 * (at - k));
      const int64_t imm = CompareImmediate(i);
      if (imm < 0 || Rn(i) != l.index || at - k + 1 >= n) continue;
      for (size_t b = at - k + 1; b < at && b <= at - k + 2; b++) {
        const int cond = Condition(Insn(code + 4 * b));
        if (cond == 8) load.entries = imm + 1;
        if (cond == 2) load.entries = imm;
      }
      if (load.entries < 0) continue;
      for (size_t s = 1; s <= kWindow && s <= at - k; s++) {
        const uint32_t sub = Insn(code + 4 * (at - k - s));
        if (SubImmediate(sub) > 0 && Rd(sub) == l.index) {
          load.bias = SubImmediate(sub);
          break;
        }
      }
      break;
    }
    // A jump table: the loaded offset scaled onto a base, then br.
    for (size_t k = at + 1; k < n && k <= at + 4; k++) {
      unsigned base = 0, dest = 0;
      bool signed_entries = false;
      if (!IsJumpAdd(Insn(code + 4 * k), l.dest, &base, &dest, &signed_entries)) continue;
      unsigned target = 0;
      bool branches = false;
      size_t br_at = 0;
      for (size_t b = k + 1; b < n && b <= k + 3 && !branches; b++) {
        branches = IsBr(Insn(code + 4 * b), &target) && target == dest;
        br_at = b;
      }
      // clang loads one case's string into x0 before the br (`adrp x0; add
      // x0, x0, #lo; br`) and jumps that case to a bare `ret`: its stub is
      // then the pair before the br.
      std::optional<uint64_t> preloaded;
      if (branches && br_at >= 2 && Arm64StubStringAt(code + 4 * (br_at - 2), address + 4 * (br_at - 2))) {
        preloaded = address + 4 * (br_at - 2);
      }
      auto base_address = AddressIn(code, k, address, base);
      if (!branches || !base_address) break;
      load.is_jump = true;
      if (load.entries > 0 && load.entries <= 4096 && read) {
        for (int64_t e = 0; e < load.entries; e++) {
          uint64_t raw = 0;
          if (!read(context, load.table + static_cast<uint64_t>(e * l.size), &raw, static_cast<size_t>(l.size))) break;
          int64_t v = static_cast<int64_t>(raw);
          if (signed_entries && l.size < 8) v = SignExtend(raw, 8 * l.size);
          uint64_t stub = *base_address + (static_cast<uint64_t>(v) << 2);  // entries count instructions; wraps as the CPU does
          uint32_t first = 0;
          if (preloaded && read(context, stub, &first, 4) && first == 0xd65f03c0) stub = *preloaded;  // ret
          load.jump_targets.push_back(stub);
        }
      }
      break;
    }
    loads.push_back(load);
  }
  return loads;
}

std::vector<IndexedLoad> Arm64FindIndexedLoads(const ElfFile* binary, const uint8_t* code, size_t size,
                                               uint64_t address) {
  auto read = [](const void* context, uint64_t at, void* out, size_t n) {
    return static_cast<const ElfFile*>(context)->ReadVirtual(at, out, n);
  };
  return Arm64FindIndexedLoadsWith(code, size, address, binary ? +read : nullptr, binary);
}

std::optional<uint64_t> Arm64StubStringAt(const uint8_t code[8], uint64_t address) {
  const uint32_t first = Insn(code), second = Insn(code + 4);
  if (Rd(first) != 0) return std::nullopt;
  auto base = PcRelative(first, address);
  if (!base) return std::nullopt;
  if (!IsAdrp(first)) return base;  // adr x0, S
  if (AddImmediate(second) < 0 || Rd(second) != 0 || Rn(second) != 0) return std::nullopt;
  return *base + static_cast<uint64_t>(AddImmediate(second));
}

std::optional<uint64_t> Arm64StubStringAddress(const ElfFile& binary, uint64_t address) {
  uint8_t b[8];
  if (!binary.ReadVirtual(address, b, sizeof b)) return std::nullopt;
  return Arm64StubStringAt(b, address);
}

std::optional<int32_t> Arm64SmallNegativeConstant(const uint8_t* code, size_t size) {
  for (size_t at = 0; at + 4 <= size; at += 4) {
    const uint32_t i = Insn(code + at);
    if ((i & 0xffe00000) != 0x12800000) continue;  // movn wD, #imm16 (hw 0)
    const int32_t v = ~static_cast<int32_t>((i >> 5) & 0xffff);
    if (v <= -3 && v >= -32) return v;
  }
  return std::nullopt;
}

}  // namespace nodegdb
