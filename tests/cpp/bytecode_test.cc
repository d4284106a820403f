// The pure parts of bytecode decoding: operand-kind inference from V8's
// tables, instruction decoding and formatting (registers, lists, Wide and
// ExtraWide scaling, names), source position and handler tables, and the
// x86-64 switch-table finder. Real binaries are covered by the GDB tests.
#include <gtest/gtest.h>

#include "core/bytecode/bytecode.h"
#include "core/bytecode/bytecode_array.h"
#include "core/errors.h"
#include "core/arch/x86_tables.h"

namespace nodegdb {
namespace {

// OperandType numbers as V8 11 numbers them (the tests do not depend on it).
enum : uint8_t {
  kNone = 0, kFlag8 = 1, kFlag16 = 2, kIntrinsicId = 3, kRuntimeId = 4, kNativeContextIndex = 5, kIdx = 6,
  kUImm = 7, kRegCount = 8, kImm = 9, kReg = 10, kRegList = 11, kRegPair = 12, kRegOut = 13, kRegOutList = 14,
  kRegOutPair = 15, kRegOutTriple = 16,
  // V8 14's additions, numbered after the others here.
  kConstantPoolIndex = 17, kFeedbackSlot = 18, kEmbeddedFeedback = 19, kRegInOut = 20,
};

int SizeOf(uint8_t type, int scale) {
  switch (type) {
    case kFlag8:
    case kIntrinsicId:
    case kNativeContextIndex:
      return 1;
    case kFlag16:
    case kRuntimeId:
    case kEmbeddedFeedback:
      return 2;
    default:
      return scale;
  }
}

void Add(BytecodeTables& t, const std::string& name, std::vector<uint8_t> types) {
  BytecodeDef b;
  b.name = name;
  b.operand_types = types;
  for (int s = 0; s < 3; s++) {
    const int scale = 1 << s;
    unsigned total = 1;
    for (uint8_t type : types) {
      b.operand_sizes[s].push_back(static_cast<uint8_t>(SizeOf(type, scale)));
      total += SizeOf(type, scale);
    }
    b.size[s] = static_cast<uint8_t>(total);
  }
  t.bytecodes.push_back(b);
}

// A small bytecode set with the anchors InferOperandKinds looks for.
// `v14` uses V8 14's separate constant pool / feedback / embedded types.
BytecodeTables MakeTables(bool v14) {
  BytecodeTables t;
  t.style.constant_pool_values = v14;
  t.style.hex_flags = v14;
  const uint8_t pool = v14 ? kConstantPoolIndex : kIdx;
  const uint8_t slot = v14 ? kFeedbackSlot : kIdx;
  const uint8_t embedded = v14 ? kEmbeddedFeedback : kIdx;
  Add(t, "Wide", {});                                                   // 0x00
  Add(t, "ExtraWide", {});                                              // 0x01
  Add(t, "DebugBreakWide", {});                                         // 0x02
  Add(t, "DebugBreakExtraWide", {});                                    // 0x03
  Add(t, "Ldar", {kReg});                                               // 0x04
  Add(t, "Star", {kRegOut});                                            // 0x05
  Add(t, "Mov", {kReg, kRegOut});                                       // 0x06
  Add(t, "LdaSmi", {kImm});                                             // 0x07
  Add(t, "Jump", {kUImm});                                              // 0x08
  Add(t, "JumpLoop", {kUImm, kImm, slot});                              // 0x09
  Add(t, "LdaConstant", {pool});                                        // 0x0a
  Add(t, "LdaGlobal", {pool, slot});                                    // 0x0b
  Add(t, "TestLessThan", {kReg, embedded});                             // 0x0c
  Add(t, "TestTypeOf", {kFlag8});                                       // 0x0d
  Add(t, "CreateClosure", {pool, slot, kFlag8});                        // 0x0e
  Add(t, "CallRuntime", {kRuntimeId, kRegList, kRegCount});             // 0x0f
  Add(t, "InvokeIntrinsic", {kIntrinsicId, kRegList, kRegCount});       // 0x10
  Add(t, "CallJSRuntime", {kNativeContextIndex, kRegList, kRegCount});  // 0x11
  Add(t, "CallRuntimeForPair", {kRuntimeId, kRegList, kRegCount, kRegOutPair});  // 0x12
  Add(t, "ForInPrepare", {kRegOutTriple, slot});                        // 0x13
  Add(t, "ForInNext", {kReg, kReg, kRegPair, slot});                    // 0x14
  Add(t, "ResumeGenerator", {kReg, kRegOutList, kRegCount});            // 0x15
  Add(t, "CreateRegExpLiteral", {pool, slot, kFlag16});                 // 0x16
  Add(t, "ForInStep", {v14 ? kRegInOut : kReg});                        // 0x17
  Add(t, "DebugBreak1", {kReg});                                        // 0x18
  Add(t, "Return", {});                                                 // 0x19
  t.signed_types.assign(21, false);
  for (uint8_t s : {kImm, kReg, kRegList, kRegPair, kRegOut, kRegOutList, kRegOutPair, kRegOutTriple, kRegInOut}) {
    t.signed_types[s] = true;
  }
  t.FindPrefixes();
  t.InferOperandKinds();
  t.runtime_names = {"Abort", "DeclareGlobals", "ThrowIteratorResultNotAnObject"};
  t.intrinsic_runtime_ids = {2, 0};
  t.native_context_names = {"global_proxy_object", "embedder_data", "reflect_apply"};
  t.native_context_first = 3;
  t.frame.register_file_start = -7;  // V8 12+
  return t;
}

std::string Disassemble(const BytecodeTables& t, const std::vector<uint8_t>& code, int offset = 0) {
  Instruction insn = DecodeInstruction(t, code.data(), code.size(), offset);
  OperandContext context;
  context.constant_brief = [](uint32_t i) { return "\"c" + std::to_string(i) + "\""; };
  return FormatInstruction(t, insn, code.data(), context);
}

TEST(BytecodeTables, InfersWhatEachOperandTypeMeansFromAnchorBytecodes) {
  BytecodeTables t = MakeTables(false);
  EXPECT_EQ(t.kinds[kReg], OperandKind::kReg);
  EXPECT_EQ(t.kinds[kRegOut], OperandKind::kRegOut);
  EXPECT_EQ(t.kinds[kImm], OperandKind::kImm);
  EXPECT_EQ(t.kinds[kUImm], OperandKind::kUImm);
  EXPECT_EQ(t.kinds[kIdx], OperandKind::kIdx);  // pool index and feedback slot share it
  EXPECT_EQ(t.kinds[kFlag8], OperandKind::kFlag8);
  EXPECT_EQ(t.kinds[kFlag16], OperandKind::kFlag16);
  EXPECT_EQ(t.kinds[kRuntimeId], OperandKind::kRuntimeId);
  EXPECT_EQ(t.kinds[kIntrinsicId], OperandKind::kIntrinsicId);
  EXPECT_EQ(t.kinds[kNativeContextIndex], OperandKind::kNativeContextIndex);
  EXPECT_EQ(t.kinds[kRegList], OperandKind::kRegList);
  EXPECT_EQ(t.kinds[kRegCount], OperandKind::kRegCount);
  EXPECT_EQ(t.kinds[kRegPair], OperandKind::kRegPair);
  EXPECT_EQ(t.kinds[kRegOutPair], OperandKind::kRegOutPair);
  EXPECT_EQ(t.kinds[kRegOutTriple], OperandKind::kRegOutTriple);
  EXPECT_EQ(t.kinds[kRegOutList], OperandKind::kRegOutList);

  BytecodeTables v14 = MakeTables(true);
  EXPECT_EQ(v14.kinds[kConstantPoolIndex], OperandKind::kConstantPoolIndex);
  EXPECT_EQ(v14.kinds[kFeedbackSlot], OperandKind::kFeedbackSlot);
  EXPECT_EQ(v14.kinds[kEmbeddedFeedback], OperandKind::kEmbeddedFeedback);
  EXPECT_EQ(v14.kinds[kRegInOut], OperandKind::kRegInOut);
  EXPECT_EQ(v14.kinds[kReg], OperandKind::kReg);
}

TEST(BytecodeTables, RejectsAnOperandTypeWithConflictingRoles) {
  BytecodeTables t;
  Add(t, "Wide", {});
  Add(t, "ExtraWide", {});
  Add(t, "Ldar", {kReg});
  Add(t, "LdaSmi", {kReg});  // a register and an immediate at once
  t.FindPrefixes();
  EXPECT_THROW(t.InferOperandKinds(), Error);
}

TEST(BytecodeTables, KnowsJumpsSwitchesAndDebugBreaksByName) {
  BytecodeTables t = MakeTables(false);
  EXPECT_TRUE(t.IsJump(t.Find("JumpLoop")));
  EXPECT_FALSE(t.IsJumpConstant(t.Find("JumpLoop")));
  EXPECT_TRUE(t.IsDebugBreak(t.Find("DebugBreak1")));
  EXPECT_FALSE(t.IsJump(t.Find("Ldar")));
  EXPECT_TRUE(t.IsPrefix(t.wide) && t.IsPrefix(t.debug_break_extra_wide));
  EXPECT_EQ(t.PrefixScale(t.extra_wide), 4);
}

TEST(BytecodeDecoding, FormatsLikeV8sBytecodeDecoder) {
  BytecodeTables t = MakeTables(false);
  EXPECT_EQ(Disassemble(t, {0x19}), "19                Return");
  EXPECT_EQ(Disassemble(t, {0x04, 0x03}), "04 03             Ldar a0");
  EXPECT_EQ(Disassemble(t, {0x04, 0x02}), "04 02             Ldar <this>");
  EXPECT_EQ(Disassemble(t, {0x06, 0xff, 0xf8}), "06 ff f8          Mov <context>, r1");
  EXPECT_EQ(Disassemble(t, {0x06, 0xfe, 0xf9}), "06 fe f9          Mov <closure>, r0");
  EXPECT_EQ(Disassemble(t, {0x07, 0xff}), "07 ff             LdaSmi [-1]");
  EXPECT_EQ(Disassemble(t, {0x0d, 0x05}), "0d 05             TestTypeOf #5");
  EXPECT_EQ(Disassemble(t, {0x09, 0x18, 0x00, 0x04}), "09 18 00 04       JumpLoop [24], [0], [4]");
  EXPECT_EQ(Disassemble(t, {0x0f, 0x01, 0x00, 0xf8, 0x03}), "0f 01 00 f8 03    CallRuntime [DeclareGlobals], r1-r3");
  // An empty register list prints its first register twice, as V8 does.
  EXPECT_EQ(Disassemble(t, {0x0f, 0x02, 0x00, 0xf9, 0x00}),
            "0f 02 00 f9 00    CallRuntime [ThrowIteratorResultNotAnObject], r0-r0");
  EXPECT_EQ(Disassemble(t, {0x10, 0x00, 0xf9, 0x02}), "10 00 f9 02       InvokeIntrinsic [ThrowIteratorResultNotAnObject], r0-r1");
  EXPECT_EQ(Disassemble(t, {0x11, 0x05, 0xf9, 0x03}), "11 05 f9 03       CallJSRuntime [reflect_apply], r0-r2");
  EXPECT_EQ(Disassemble(t, {0x13, 0xf9, 0x01}), "13 f9 01          ForInPrepare r0-r2, [1]");
  EXPECT_EQ(Disassemble(t, {0x14, 0x03, 0x04, 0xf9, 0x02}), "14 03 04 f9 02    ForInNext a0, a1, r0-r1, [2]");
  // Debug breaks show no operands.
  EXPECT_EQ(Disassemble(t, {0x18, 0x03}), "18 03             DebugBreak1");
}

TEST(BytecodeDecoding, ScalesOperandsAfterWideAndExtraWidePrefixes) {
  BytecodeTables t = MakeTables(false);
  EXPECT_EQ(Disassemble(t, {0x00, 0x07, 0xe8, 0x03}), "00 07 e8 03       LdaSmi.Wide [1000]");
  EXPECT_EQ(Disassemble(t, {0x01, 0x07, 0xa0, 0x86, 0x01, 0x00}), "01 07 a0 86 01 00 LdaSmi.ExtraWide [100000]");
  EXPECT_EQ(Disassemble(t, {0x01, 0x07, 0x00, 0x00, 0x00, 0x80}), "01 07 00 00 00 80 LdaSmi.ExtraWide [-2147483648]");
  // r300 is operand -7 - 300 = -307 = 0xfecd as int16.
  EXPECT_EQ(Disassemble(t, {0x00, 0x05, 0xcd, 0xfe}), "00 05 cd fe       Star.Wide r300");
  // Fixed-size operands keep their size: the runtime id stays 16 bits.
  Instruction insn = DecodeInstruction(t, std::vector<uint8_t>{0x00, 0x0f, 0x01, 0x00, 0xf9, 0xff, 0x02, 0x00}.data(), 8, 0);
  EXPECT_EQ(insn.length, 8);
  EXPECT_EQ(insn.scale, 2);
  EXPECT_EQ(insn.operands[0].size, 2);
  EXPECT_EQ(insn.operands[1].size, 2);
}

TEST(BytecodeDecoding, PrintsV8_14OperandsWithPoolValuesAndFeedbackVectorSlots) {
  BytecodeTables t = MakeTables(true);
  EXPECT_EQ(Disassemble(t, {0x0b, 0x00, 0x05}), "0b 00 05          LdaGlobal [0:\"c0\"], FBV[5]");
  EXPECT_EQ(Disassemble(t, {0x0c, 0xf8, 0x3c, 0x00}), "0c f8 3c 00       TestLessThan r1, EmbeddedFeedback[0x3c]");
  EXPECT_EQ(Disassemble(t, {0x0e, 0x02, 0x01, 0x29}), "0e 02 01 29       CreateClosure [2:\"c2\"], FBV[1], #29");  // hex flags
  EXPECT_EQ(Disassemble(t, {0x17, 0xf9}), "17 f9             ForInStep r0");
}

TEST(BytecodeDecoding, RejectsTruncatedAndUnknownInstructions) {
  BytecodeTables t = MakeTables(false);
  std::vector<uint8_t> truncated{0x0f, 0x01};
  EXPECT_THROW(DecodeInstruction(t, truncated.data(), truncated.size(), 0), CorruptObject);
  std::vector<uint8_t> unknown{0xf0};
  EXPECT_THROW(DecodeInstruction(t, unknown.data(), unknown.size(), 0), CorruptObject);
  std::vector<uint8_t> double_prefix{0x00, 0x01, 0x07, 0x00};
  EXPECT_THROW(DecodeInstruction(t, double_prefix.data(), double_prefix.size(), 0), CorruptObject);
  std::vector<uint8_t> lone_prefix{0x00};
  EXPECT_THROW(DecodeInstruction(t, lone_prefix.data(), lone_prefix.size(), 0), CorruptObject);
  EXPECT_THROW(DecodeInstruction(t, lone_prefix.data(), lone_prefix.size(), 5), CorruptObject);
}

TEST(RegisterNames, FollowTheInterpreterFrameLayout) {
  RegisterFrame v8_11;
  v8_11.register_file_start = -6;
  EXPECT_EQ(RegisterName(-6, v8_11), "r0");
  EXPECT_EQ(RegisterName(-7, v8_11), "r1");
  RegisterFrame v8_12;
  v8_12.register_file_start = -7;
  EXPECT_EQ(RegisterName(-7, v8_12), "r0");
  EXPECT_EQ(RegisterName(-1, v8_12), "<context>");
  EXPECT_EQ(RegisterName(-2, v8_12), "<closure>");
  EXPECT_EQ(RegisterName(2, v8_12), "<this>");
  EXPECT_EQ(RegisterName(3, v8_12), "a0");
  EXPECT_EQ(RegisterName(5, v8_12), "a2");
}

// The source position table of `held_arith` in the issue, as V8 11 and
// V8 14 encode it (from real cores): the same positions either way.
const std::vector<uint8_t> kPositionsV8_11 = {0x01, 0x50, 0x02, 0x4c, 0x04, 0x48, 0x04, 0x14, 0x05, 0x00, 0x0a};
const std::vector<uint8_t> kPositionsV8_14 = {0x02, 0x50, 0x07, 0x4c, 0x0b, 0x48, 0x0b, 0x14, 0x0a, 0x00};

TEST(SourcePositions, DecodeBothEncodings) {
  for (bool breakable : {false, true}) {
    const std::vector<uint8_t>& bytes = breakable ? kPositionsV8_14 : kPositionsV8_11;
    std::vector<SourcePositionEntry> e =
        DecodeSourcePositions(bytes.data(), breakable ? bytes.size() : bytes.size() - 1, breakable);
    ASSERT_EQ(e.size(), 5u);
    // The function entry (offset -1, the stack check), then 38 S> @0,
    // 56 S> @2, 61 S> @4, 61 E> @6.
    EXPECT_EQ(e[0].code_offset, -1);
    EXPECT_EQ(e[0].script_offset(), 19);
    EXPECT_EQ(e[1].code_offset, 0);
    EXPECT_EQ(e[1].script_offset(), 38);
    EXPECT_TRUE(e[1].is_statement);
    EXPECT_EQ(e[2].code_offset, 2);
    EXPECT_EQ(e[2].script_offset(), 56);
    EXPECT_EQ(e[3].code_offset, 4);
    EXPECT_EQ(e[3].script_offset(), 61);
    EXPECT_EQ(e[4].code_offset, 6);
    EXPECT_EQ(e[4].script_offset(), 61);
    EXPECT_FALSE(e[4].is_statement);
    EXPECT_TRUE(e[4].is_breakable);
  }
}

TEST(SourcePositions, TruncatedTablesThrowAndLongOnesAreBounded) {
  std::vector<uint8_t> truncated = {0x01, 0x80};
  EXPECT_THROW(DecodeSourcePositions(truncated.data(), truncated.size(), false), CorruptObject);
  std::vector<uint8_t> overlong(20, 0xff);
  EXPECT_THROW(DecodeSourcePositions(overlong.data(), overlong.size(), false), CorruptObject);
  std::vector<uint8_t> many(2000, 0x02);
  EXPECT_EQ(DecodeSourcePositions(many.data(), many.size(), false, 100).size(), 100u);
}

TEST(HandlerTables, UnpackHandlerOffsetAndPrediction) {
  // held_arith's two ranges: V8 11 keeps the offset above bit 3, V8 13+
  // above bit 4 (bit 3 says whether the handler was used).
  const int32_t v8_11[] = {35, 80, 86 << 3, 4, 38, 62, (64 << 3) | 1, 5};
  const int32_t v8_14[] = {38, 83, 89 << 4, 5, 41, 65, (67 << 4) | 1, 6};
  auto a = DecodeHandlerTable(reinterpret_cast<const uint8_t*>(v8_11), sizeof v8_11, 3);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].start, 35);
  EXPECT_EQ(a[0].end, 80);
  EXPECT_EQ(a[0].handler, 86);
  EXPECT_EQ(a[0].prediction, 0);
  EXPECT_EQ(a[0].data, 4);
  EXPECT_EQ(a[1].handler, 64);
  EXPECT_EQ(a[1].prediction, 1);
  auto b = DecodeHandlerTable(reinterpret_cast<const uint8_t*>(v8_14), sizeof v8_14, 4);
  EXPECT_EQ(b[0].handler, 89);
  EXPECT_EQ(b[1].handler, 67);
  EXPECT_EQ(b[1].prediction, 1);
  // A partial entry at the end is ignored.
  EXPECT_EQ(DecodeHandlerTable(reinterpret_cast<const uint8_t*>(v8_11), 20, 3).size(), 1u);
}

TEST(X86Tables, FindsPointerTablesJumpTablesTheirBoundsAndBias) {
  // Node 20's Bytecodes::ToString(Bytecode): cmp $0xc5,%dil; ja; movzbl;
  // mov 0x2c3ada0(,%rdi,8),%rax; ret.
  const std::vector<uint8_t> pointers = {0x40, 0x80, 0xff, 0xc5, 0x77, 0x0d, 0x40, 0x0f, 0xb6, 0xff,
                                         0x48, 0x8b, 0x04, 0xfd, 0xa0, 0xad, 0xc3, 0x02, 0xc3};
  std::vector<IndexedLoad> a = FindIndexedLoads(pointers.data(), pointers.size());
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a[0].table, 0x2c3ada0u);
  EXPECT_EQ(a[0].scale, 8);
  EXPECT_FALSE(a[0].is_jump);
  EXPECT_EQ(a[0].entries, 0xc6);
  // Node 26's: cmp $0xd3,%edi; ja rel32; mov %edi,%eax; jmp *0x41e9f28(,%rax,8).
  const std::vector<uint8_t> jumps = {0x81, 0xff, 0xd3, 0x00, 0x00, 0x00, 0x0f, 0x87, 0x01, 0x05, 0x00,
                                      0x00, 0x89, 0xf8, 0xff, 0x24, 0xc5, 0x28, 0x9f, 0x1e, 0x04};
  std::vector<IndexedLoad> b = FindIndexedLoads(jumps.data(), jumps.size());
  ASSERT_FALSE(b.empty());
  EXPECT_TRUE(b[0].is_jump);
  EXPECT_EQ(b[0].table, 0x41e9f28u);
  EXPECT_EQ(b[0].entries, 0xd4);
  // Native context names in Node 26's decoder: add $-3,%r14d; cmp
  // $0x12e,%r14d; jae; mov %r14d,%eax; mov 0x41e8828(,%rax,8),%r14.
  const std::vector<uint8_t> biased = {0x41, 0x83, 0xc6, 0xfd, 0x41, 0x81, 0xfe, 0x2e, 0x01, 0x00, 0x00,
                                       0x0f, 0x83, 0x94, 0x03, 0x00, 0x00, 0x44, 0x89, 0xf0, 0x4c, 0x8b,
                                       0x34, 0xc5, 0x28, 0x88, 0x1e, 0x04};
  std::vector<IndexedLoad> c = FindIndexedLoads(biased.data(), biased.size());
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c.back().table, 0x41e8828u);
  EXPECT_EQ(c.back().entries, 0x12e);
  EXPECT_EQ(c.back().bias, 3);
  // No table in code without an indexed load.
  const std::vector<uint8_t> none = {0x55, 0x48, 0x89, 0xe5, 0x5d, 0xc3};
  EXPECT_TRUE(FindIndexedLoads(none.data(), none.size()).empty());
}

}  // namespace
}  // namespace nodegdb
