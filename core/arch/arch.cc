#include "core/arch/arch.h"

#include <elf.h>

#include <cstring>

#include "core/arch/arm64_tables.h"
#include "core/arch/x86_tables.h"
#include "core/errors.h"

namespace nodegdb {

namespace {

// x86-64: `push %rbp` at a function's start, `mov %rsp,%rbp` right after it,
// `ret` / `ret $N` at its end.
EdgeAt X86EdgeAt(const uint8_t before[4], bool has_before, const uint8_t at[4]) {
  EdgeAt e;
  if (at[0] == 0x55) {
    e.edge = FrameEdge::kEntry;
  } else if (has_before && before[3] == 0x55 && at[0] == 0x48 &&
             ((at[1] == 0x89 && at[2] == 0xe5) || (at[1] == 0x8b && at[2] == 0xec))) {
    e.edge = FrameEdge::kPushedFp;
    e.pushed = 16;
  } else if (at[0] == 0xc3) {
    e.edge = FrameEdge::kReturn;
  } else if (at[0] == 0xc2) {
    e.edge = FrameEdge::kReturn;
    e.return_pop = static_cast<uint64_t>(at[1]) | (static_cast<uint64_t>(at[2]) << 8);
  }
  return e;
}

uint32_t Word(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// arm64: `stp x29, x30, [sp, #-N]!` at a function's start (V8's frames and
// GCC's alike), `mov x29, sp` right after it, `ret` at its end.
EdgeAt Arm64EdgeAt(const uint8_t before[4], bool has_before, const uint8_t at[4]) {
  auto push_bytes = [](uint32_t i) -> int64_t {
    if ((i & 0xffc07fff) != 0xa9807bfd) return 0;  // stp x29, x30, [sp, #imm7*8]! (pre-index)
    const int64_t imm7 = static_cast<int64_t>(((i >> 15) & 0x7f) ^ 0x40) - 0x40;
    return imm7 < 0 ? -imm7 * 8 : 0;
  };
  EdgeAt e;
  const uint32_t insn = Word(at);
  if (push_bytes(insn)) {
    e.edge = FrameEdge::kEntry;
  } else if (has_before && insn == 0x910003fd && push_bytes(Word(before))) {  // mov x29, sp
    e.edge = FrameEdge::kPushedFp;
    e.pushed = static_cast<uint64_t>(push_bytes(Word(before)));
  } else if (insn == 0xd65f03c0) {  // ret
    e.edge = FrameEdge::kReturn;
  }
  return e;
}

std::vector<IndexedLoad> X86Tables(const ElfFile*, const uint8_t* code, size_t size, uint64_t) {
  return FindIndexedLoads(code, size);
}

// mov $imm32, %eax with a value in [-32, -3].
std::optional<int32_t> X86SmallNegativeConstant(const uint8_t* code, size_t size) {
  for (size_t i = 0; i + 5 <= size; i++) {
    int32_t imm;
    std::memcpy(&imm, code + i + 1, 4);
    if (code[i] == 0xb8 && imm <= -3 && imm >= -32) return imm;
  }
  return std::nullopt;
}

const Arch kX86_64{
    "x86-64", EM_X86_64, {"i386:x86-64"}, "rip", "rsp", "rbp", "", "r9",
    {"rbx", "r12", "r13", "r14", "r15"},
    // Generate_JSEntryVariant: push r12, r13, r14, r15, rbx after the marker
    // pair and the c_entry_fp slot (fp-8 marker, fp-16 the second marker).
    {{"r12", -24}, {"r13", -32}, {"r14", -40}, {"r15", -48}, {"rbx", -56}},
    16,
    360, 544,
    64, 16,
    0x2d0, true, 0,
    X86EdgeAt, X86Tables, StubStringAddress, X86SmallNegativeConstant,
};

const Arch kArm64{
    "arm64", EM_AARCH64, {"aarch64"}, "pc", "sp", "x29", "x30", "x19",
    {"x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28"},
    // PushCalleeSavedRegisters (frame-constants-arm64.h, EntryFrame): x19..x28
    // above the {fp, lr} pair fp points at, then d8..d15; the C++ caller's sp
    // is above all 18 of them.
    {{"x19", 16}, {"x20", 24}, {"x21", 32}, {"x22", 40}, {"x23", 48},
     {"x24", 56}, {"x25", 64}, {"x26", 72}, {"x27", 80}, {"x28", 88}},
    16 + 18 * 8,
    368, 552,
    32,  // InstructionStreams of Node 22 arm64 cores start at 32-byte boundaries, each right after the last
    8,   // read-only space's empty SwissNameDictionary is 32 bytes on arm64 (40 on x64)
    0xd0, false, 0xc0,
    Arm64EdgeAt, Arm64FindIndexedLoads, Arm64StubStringAddress, Arm64SmallNegativeConstant,
};

}  // namespace

const Arch* ArchForMachine(uint16_t elf_machine) {
  for (const Arch* a : {&kX86_64, &kArm64}) {
    if (a->elf_machine == elf_machine) return a;
  }
  return nullptr;
}

const Arch& ArchOf(const ElfFile& binary) {
  if (const Arch* a = ArchForMachine(binary.machine())) return *a;
  throw Error(binary.path() + " is a node binary for ELF machine " + std::to_string(binary.machine()) +
              ": node-gdb understands x86-64 and arm64 (aarch64) Linux builds");
}

}  // namespace nodegdb
