// V8's interpreter bytecodes as this node binary defines them, and the
// decoding and printing of one instruction in the format of V8's own
// BytecodeDecoder (--print-bytecode).
//
// Nothing here is written per V8 version: the tables come from the binary.
//   - Bytecodes::kOperandCount, kOperandTypes, kOperandSizes, kBytecodeSizes
//     and kOperandKindSizes are data symbols (.rodata / .data.rel.ro).
//   - Mnemonics come from Bytecodes::ToString(Bytecode), runtime function
//     names from Runtime::kIntrinsicFunctions, the intrinsic-to-runtime map
//     from IntrinsicsHelper::ToRuntimeId and native context slot names from
//     the table BytecodeDecoder::Decode indexes: the first three are compiled
//     switches whose tables (pointer tables or jump tables to `mov $str, %eax;
//     ret` stubs) are found by scanning their x86-64 code (x86_tables.h).
//   - What each OperandType number means (register, register list, constant
//     pool index, ...) is inferred from bytecodes whose signatures have been
//     stable since V8 8 (Ldar takes a register, CallRuntime a runtime id, a
//     register list and a count, ...), and checked for every type in use.
// Only how operands are *printed* changed between versions (V8 14 prints
// constant-pool values and FBV[] feedback slots); that is a Style.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/platform/elf_file.h"
#include "core/meta/metadata.h"

namespace nodegdb {

// What an OperandType number means to the disassembler.
enum class OperandKind : uint8_t {
  kUnknown,
  kNone,
  kReg,            // input register: r0, a0, <this>, <context>, <closure>
  kRegOut,         // output register
  kRegInOut,       // input and output register (V8 14.7+)
  kRegList,        // first register of a list whose count is the next operand
  kRegOutList,
  kRegPair,
  kRegOutPair,
  kRegOutTriple,
  kRegCount,       // printed as part of the list before it
  kImm,            // signed immediate: [-1]
  kUImm,           // unsigned immediate: [3]
  kIdx,            // constant pool index or feedback slot (V8 < 14): [3]
  kConstantPoolIndex,  // V8 14: [3:"name"]
  kFeedbackSlot,       // V8 14: FBV[3]
  kEmbeddedFeedback,   // V8 14: EmbeddedFeedback[0x0]
  kContextSlot,    // V8 14.7+ (printed as kUImm)
  kCoverageSlot,   // V8 14.7+ (printed as kUImm)
  kFlag8,          // #41
  kFlag16,
  kIntrinsicId,    // [_GeneratorGetResumeMode]
  kRuntimeId,      // [DeclareGlobals]
  kNativeContextIndex,  // [reflect_apply]
  kAbortReason,
};
const char* OperandKindName(OperandKind kind);

// Operand scale of a prefixed instruction: 1 (none), 2 (Wide), 4 (ExtraWide).
inline int ScaleIndex(int scale) { return scale == 4 ? 2 : scale == 2 ? 1 : 0; }

struct BytecodeDef {
  std::string name;
  std::vector<uint8_t> operand_types;  // V8 OperandType numbers
  // Per scale index (1x, 2x, 4x): each operand's size in bytes, and the
  // size of the whole bytecode (opcode and operands, without a prefix).
  std::array<std::vector<uint8_t>, 3> operand_sizes;
  std::array<uint8_t, 3> size{};
};

// Where an interpreter frame keeps what register operands name, in words
// from the frame pointer (a register operand is such an offset). Defaults
// are x64's; the v8dbg_off_fp_* constants give them for a binary.
struct RegisterFrame {
  int context = -1;              // v8dbg_off_fp_context / 8
  int closure = -2;              // v8dbg_off_fp_function / 8
  int register_file_start = -6;  // r0: just below v8dbg_off_fp_bytecode_offset
  int first_parameter = 2;       // <this>: v8dbg_off_fp_args / 8
};

// How this V8 version prints operands (the BytecodeDecoder changed).
struct BytecodeStyle {
  bool constant_pool_values = false;  // [3:"name"] (V8 14)
  bool hex_flags = false;             // #29 printed in hex (V8 14)
};

struct BytecodeTables {
  std::vector<BytecodeDef> bytecodes;  // by opcode
  std::vector<OperandKind> kinds;      // by OperandType number
  std::vector<bool> signed_types;      // by OperandType number (register or kImm)
  int wide = -1, extra_wide = -1, debug_break_wide = -1, debug_break_extra_wide = -1;
  std::vector<std::string> runtime_names;  // by Runtime::FunctionId ("_Name" for inline ones)
  std::vector<int> intrinsic_runtime_ids;  // by IntrinsicsHelper::IntrinsicId
  std::vector<std::string> native_context_names;  // by native context slot - native_context_first
  int native_context_first = 0;
  BytecodeStyle style;
  RegisterFrame frame;
  std::string v8_version;

  // Infers `kinds` from the anchor bytecodes; throws Error naming an
  // OperandType in use whose meaning could not be established.
  void InferOperandKinds();
  // Wide/ExtraWide/DebugBreak* opcodes by name.
  void FindPrefixes();

  int Find(const std::string& name) const;  // opcode, or -1
  bool IsPrefix(int opcode) const {
    return opcode >= 0 && (opcode == wide || opcode == extra_wide || opcode == debug_break_wide ||
                           opcode == debug_break_extra_wide);
  }
  // 2 for Wide/DebugBreakWide, 4 for ExtraWide/DebugBreakExtraWide.
  int PrefixScale(int opcode) const {
    return opcode == wide || opcode == debug_break_wide ? 2 : 4;
  }
  bool IsDebugBreak(int opcode) const;
  bool IsJump(int opcode) const;          // Jump*, including JumpLoop
  bool IsJumpConstant(int opcode) const;  // Jump*Constant: target in the constant pool
  bool IsSwitch(int opcode) const;        // SwitchOnSmiNoFeedback, SwitchOnGeneratorState

  // Reads every table from the node binary. `v8_version` ("11.3.244.8")
  // picks the printing style. Throws Error with a one-line message.
  // The frame layout comes from the v8dbg_off_fp_* constants.
  static BytecodeTables FromBinary(const ElfFile& binary, const Metadata& metadata, const std::string& v8_version);
  // Shared per binary (by path and build-id), since reading takes a few ms.
  static const BytecodeTables& For(const ElfFile& binary, const Metadata& metadata, const std::string& v8_version);
};

// One decoded operand.
struct Operand {
  OperandKind kind;
  int type;        // V8 OperandType number
  int offset;      // from the instruction start (prefix included)
  int size;        // bytes
  int64_t value;   // sign-extended for signed types
};

struct Instruction {
  int offset = 0;  // in the bytecode array (of the prefix if any)
  int length = 0;  // bytes, prefix included
  int opcode = -1;
  int scale = 1;   // 1, 2 (Wide) or 4 (ExtraWide)
  int prefix = 0;  // 1 if a scaling prefix precedes the opcode
  std::vector<Operand> operands;
};

// Decodes the instruction at `offset` of `code`. Throws CorruptObject if
// the bytes are not a valid instruction or run past the end.
Instruction DecodeInstruction(const BytecodeTables& tables, const uint8_t* code, size_t length, int offset);

// Register operand -> "r3", "a0", "<this>", "<context>", "<closure>".
std::string RegisterName(int64_t operand, const RegisterFrame& frame = RegisterFrame());

// What the printer needs from the heap, supplied by the caller.
struct OperandContext {
  // V8 14: the text after "idx:" for a constant pool entry.
  std::function<std::string(uint32_t index)> constant_brief;
};

// "0c                LdaZero" / "0b 03             Ldar a0": the raw bytes
// padded to six columns, then the mnemonic and operands, as V8's
// BytecodeDecoder::Decode prints them (no jump-target suffix).
std::string FormatInstruction(const BytecodeTables& tables, const Instruction& insn, const uint8_t* code,
                              const OperandContext& context);

// The operands alone ("r1, [0]").
std::string FormatOperands(const BytecodeTables& tables, const Instruction& insn, const OperandContext& context);

}  // namespace nodegdb
