// The per-architecture facts (core/arch): the AArch64 switch-table finder on
// hand-assembled instruction words (the value tables are the forms GCC gave
// Node 20-24's Bytecodes::ToString, BytecodeDecoder::Decode and
// IntrinsicsHelper::ToRuntimeId; the jump table the form clang and GCC give
// a switch of stubs), frame edges, and the machine lookup. Real binaries are
// covered by tests/python/test_arm64.py.
#include <elf.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "core/arch/arch.h"
#include "core/arch/arm64_tables.h"
#include "core/errors.h"
#include "core/platform/elf_file.h"

using namespace nodegdb;

namespace {

std::vector<uint8_t> Bytes(const std::vector<uint32_t>& words) {
  std::vector<uint8_t> b(words.size() * 4);
  std::memcpy(b.data(), words.data(), b.size());
  return b;
}

struct Buffer {
  std::vector<uint8_t> bytes;
  uint64_t base;
};

bool ReadBuffer(const void* context, uint64_t address, void* out, size_t size) {
  const Buffer* b = static_cast<const Buffer*>(context);
  if (address < b->base || address - b->base + size > b->bytes.size()) return false;
  std::memcpy(out, b->bytes.data() + (address - b->base), size);
  return true;
}

}  // namespace

TEST(Arm64Tables, FindsAPointerTableAndItsBound) {
  // Node 22's Bytecodes::ToString at 0x14ff594: cmp w0, #0xca; b.hi; and
  // x0, x0, #0xff; adrp x1, 0x389e000; add x1, x1, #0xe48; ldr x0, [x1, x0,
  // lsl #3]; ret.
  auto code = Bytes({0x7103281f, 0x540000c8, 0x92401c00, 0xf0011ce1, 0x91392021, 0xf8607820, 0xd65f03c0});
  auto loads = Arm64FindIndexedLoadsWith(code.data(), code.size(), 0x14ff594, nullptr, nullptr);
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_EQ(loads[0].table, 0x389ee48u);
  EXPECT_EQ(loads[0].scale, 8);
  EXPECT_FALSE(loads[0].is_jump);
  EXPECT_EQ(loads[0].entries, 0xcb);
  EXPECT_EQ(loads[0].bias, 0);
  EXPECT_EQ(loads[0].at, 20u);
}

TEST(Arm64Tables, FindsTheBiasAndAWordTable) {
  // BytecodeDecoder::Decode's native context names: sub w21, w21, #3; cmp
  // w21, #0x11a; b.hi; adrp x0, 0x389c000 (at 0x14e0140); add x0, x0,
  // #0xa20; ldr x21, [x0, w21, uxtw #3].
  auto code = Bytes({0x51000eb5, 0x71046abf, 0x54ffe028, 0x90011de0, 0x91288000, 0xf8755815});
  auto loads = Arm64FindIndexedLoadsWith(code.data(), code.size(), 0x14e0134, nullptr, nullptr);
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_EQ(loads[0].table, 0x389ca20u);
  EXPECT_EQ(loads[0].entries, 0x11b);
  EXPECT_EQ(loads[0].bias, 3);
  // IntrinsicsHelper::ToRuntimeId (Node 20): cmp w0, #0x11; b.hi; adrp x1,
  // 0x29f7000 (at 0x11c42d8); add x1, x1, #0x350; ldr w0, [x1, w0, uxtw #2].
  auto ids = Bytes({0x7100441f, 0x540000a8, 0xf000c181, 0x910d4021, 0xb8605820});
  loads = Arm64FindIndexedLoadsWith(ids.data(), ids.size(), 0x11c42d0, nullptr, nullptr);
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_EQ(loads[0].table, 0x29f7350u);
  EXPECT_EQ(loads[0].scale, 4);
  EXPECT_EQ(loads[0].entries, 0x12);
}

TEST(Arm64Tables, FollowsAJumpTableToItsStubsStrings) {
  // cmp w0, #3; b.hi; adrp x1, f; add x1, x1, #0x100; ldrb w2, [x1, w0,
  // uxtw]; adr x3, stubs; add x3, x3, w2, sxtb #2; br x3; then four stubs
  // (adrp/add x0 or adr x0, then ret), and the byte table at f + 0x100.
  Buffer b{Bytes({0x71000c1f, 0x540003e8, 0x90000001, 0x91040021, 0x38604822, 0x10000063, 0x8b228863, 0xd61f0060,
                  0x90000000, 0x91080000, 0xd65f03c0, 0x90000000, 0x91082000, 0xd65f03c0, 0x10000ec0, 0xd65f03c0,
                  0xd503201f, 0x90000000, 0x91086000, 0xd65f03c0}),
           0x400000};
  const size_t code_size = b.bytes.size();
  b.bytes.resize(0x104);
  const uint8_t entries[4] = {0, 3, 6, 9};
  std::memcpy(b.bytes.data() + 0x100, entries, 4);
  auto loads = Arm64FindIndexedLoadsWith(b.bytes.data(), code_size, b.base, ReadBuffer, &b);
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_TRUE(loads[0].is_jump);
  EXPECT_EQ(loads[0].entries, 4);
  ASSERT_EQ(loads[0].jump_targets, (std::vector<uint64_t>{0x400020, 0x40002c, 0x400038, 0x400044}));
  const uint64_t strings[4] = {0x400200, 0x400208, 0x400210, 0x400218};
  for (int i = 0; i < 4; i++) {
    auto s = Arm64StubStringAt(b.bytes.data() + (loads[0].jump_targets[i] - b.base), loads[0].jump_targets[i]);
    ASSERT_TRUE(s) << i;
    EXPECT_EQ(*s, strings[i]) << i;
  }
  // The nop at 0x40 returns nothing.
  EXPECT_FALSE(Arm64StubStringAt(b.bytes.data() + 0x40, 0x400040));
}

TEST(Arm64Tables, ACaseThatReturnsTheStringLoadedBeforeTheBranch) {
  // clang (Node 26's Bytecodes::ToString): cmp w8, #1; b.hi; adrp x9, f; add
  // x9, x9, #0x100; adr x10, stubs; ldrh w11, [x9, x8, lsl #1]; add x10, x10,
  // x11, lsl #2; adrp x0, f; add x0, x0, #0x200; br x10; then stubs: adrp
  // x0, f; add x0, x0, #0x208; ret. Case 0 jumps to that bare ret: its string
  // is the one loaded before the br.
  Buffer b{Bytes({0x7100051f, 0x540003e8, 0x90000009, 0x91040129, 0x100000ca, 0x7868792b, 0x8b0b094a, 0x90000000,
                  0x91080000, 0xd61f0140, 0x90000000, 0x91082000, 0xd65f03c0}),
           0x400000};
  const size_t code_size = b.bytes.size();
  b.bytes.resize(0x104);
  const uint16_t entries[2] = {2, 0};
  std::memcpy(b.bytes.data() + 0x100, entries, 4);
  auto loads = Arm64FindIndexedLoadsWith(b.bytes.data(), code_size, b.base, ReadBuffer, &b);
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_TRUE(loads[0].is_jump);
  EXPECT_EQ(loads[0].scale, 2);
  ASSERT_EQ(loads[0].jump_targets, (std::vector<uint64_t>{0x40001c, 0x400028}));
  EXPECT_EQ(Arm64StubStringAt(b.bytes.data() + 0x1c, 0x40001c), 0x400200u);
  EXPECT_EQ(Arm64StubStringAt(b.bytes.data() + 0x28, 0x400028), 0x400208u);
}

TEST(Arm64Tables, IgnoresLoadsWithoutATableAddress) {
  // ldrh w11, [x9, x8, lsl #1] with x9 never set by adrp/add: no table.
  auto code = Bytes({0x7868792b, 0x8b0b094a});
  EXPECT_TRUE(Arm64FindIndexedLoadsWith(code.data(), code.size(), 0x1000, nullptr, nullptr).empty());
  // An adrp whose page offset is never added: no table either.
  auto half = Bytes({0x90000001, 0xf8607820});
  EXPECT_TRUE(Arm64FindIndexedLoadsWith(half.data(), half.size(), 0x1000, nullptr, nullptr).empty());
}

TEST(Arm64Tables, SmallNegativeConstant) {
  // DecodeRegisterOperand: mov w0, #-7 (movn w0, #6).
  auto code = Bytes({0x7100083f, 0x128000c0, 0x4b010000});
  EXPECT_EQ(Arm64SmallNegativeConstant(code.data(), code.size()), -7);
  auto none = Bytes({0x52800000});  // mov w0, #0
  EXPECT_FALSE(Arm64SmallNegativeConstant(none.data(), none.size()));
}

TEST(Arch, FrameEdges) {
  const Arch* a = ArchForMachine(EM_AARCH64);
  ASSERT_NE(a, nullptr);
  auto w = [](uint32_t v) {
    std::vector<uint8_t> b(4);
    std::memcpy(b.data(), &v, 4);
    return b;
  };
  auto stp = w(0xa9bf7bfd), mov = w(0x910003fd), ret = w(0xd65f03c0), nop = w(0xd503201f);
  EXPECT_EQ(a->edge_at(nop.data(), true, stp.data()).edge, FrameEdge::kEntry);
  EdgeAt pushed = a->edge_at(stp.data(), true, mov.data());
  EXPECT_EQ(pushed.edge, FrameEdge::kPushedFp);
  EXPECT_EQ(pushed.pushed, 16u);
  auto stp48 = w(0xa9bd7bfd);  // stp x29, x30, [sp, #-48]!
  EXPECT_EQ(a->edge_at(stp48.data(), true, mov.data()).pushed, 48u);
  EXPECT_EQ(a->edge_at(nop.data(), false, mov.data()).edge, FrameEdge::kNone);
  EXPECT_EQ(a->edge_at(nop.data(), true, ret.data()).edge, FrameEdge::kReturn);
  EXPECT_EQ(a->edge_at(nop.data(), true, nop.data()).edge, FrameEdge::kNone);
  EXPECT_EQ(a->pc, "pc");
  EXPECT_EQ(a->bytecode_offset_register, "x19");
  EXPECT_EQ(a->entry_caller_sp, 160);
  EXPECT_EQ(a->uv_loop_closing_handles, 368u);
}

TEST(Arch, MachinesByElfNumber) {
  ASSERT_NE(ArchForMachine(EM_X86_64), nullptr);
  EXPECT_EQ(ArchForMachine(EM_X86_64)->sp, "rsp");
  EXPECT_EQ(ArchForMachine(EM_X86_64)->uv_loop_time, 544u);
  EXPECT_EQ(ArchForMachine(EM_ARM), nullptr);
  EXPECT_EQ(ArchForMachine(EM_RISCV), nullptr);
}

TEST(Arch, AnUnknownMachineIsOneLine) {
  char path[] = "/tmp/nodegdb_arch_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_type = ET_EXEC;
  eh.e_machine = EM_RISCV;
  ASSERT_EQ(write(fd, &eh, sizeof eh), static_cast<ssize_t>(sizeof eh));
  close(fd);
  ElfFile file(path);
  try {
    ArchOf(file);
    ADD_FAILURE() << "no error for a RISC-V binary";
  } catch (const Error& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("ELF machine 243"), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
  unlink(path);
}
