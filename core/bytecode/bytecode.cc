#include "core/bytecode/bytecode.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "core/errors.h"
#include "core/arch/arch.h"

namespace nodegdb {

const char* OperandKindName(OperandKind kind) {
  switch (kind) {
    case OperandKind::kUnknown: return "unknown";
    case OperandKind::kNone: return "None";
    case OperandKind::kReg: return "Reg";
    case OperandKind::kRegOut: return "RegOut";
    case OperandKind::kRegInOut: return "RegInOut";
    case OperandKind::kRegList: return "RegList";
    case OperandKind::kRegOutList: return "RegOutList";
    case OperandKind::kRegPair: return "RegPair";
    case OperandKind::kRegOutPair: return "RegOutPair";
    case OperandKind::kRegOutTriple: return "RegOutTriple";
    case OperandKind::kRegCount: return "RegCount";
    case OperandKind::kImm: return "Imm";
    case OperandKind::kUImm: return "UImm";
    case OperandKind::kIdx: return "Idx";
    case OperandKind::kConstantPoolIndex: return "ConstantPoolIndex";
    case OperandKind::kFeedbackSlot: return "FeedbackSlot";
    case OperandKind::kEmbeddedFeedback: return "EmbeddedFeedback";
    case OperandKind::kContextSlot: return "ContextSlot";
    case OperandKind::kCoverageSlot: return "CoverageSlot";
    case OperandKind::kFlag8: return "Flag8";
    case OperandKind::kFlag16: return "Flag16";
    case OperandKind::kIntrinsicId: return "IntrinsicId";
    case OperandKind::kRuntimeId: return "RuntimeId";
    case OperandKind::kNativeContextIndex: return "NativeContextIndex";
    case OperandKind::kAbortReason: return "AbortReason";
  }
  return "?";
}

namespace {

const std::string kBytecodes = "_ZN2v88internal11interpreter9Bytecodes";

struct Symbol {
  uint64_t address = 0;
  uint64_t size = 0;
};

Symbol FindSymbol(const ElfFile& binary, const std::string& name) {
  Symbol found;
  binary.ForEachSymbol(name, [&](const ElfSymbol& sym) {
    if (sym.name == name && sym.value) found = {sym.value, sym.size};
  });
  return found;
}

Symbol NeedSymbol(const ElfFile& binary, const std::string& name, const char* what) {
  Symbol s = FindSymbol(binary, name);
  if (!s.address) {
    throw Error(std::string("this node binary lacks V8's ") + what + " (symbol " + name +
                "): bytecode cannot be decoded without it");
  }
  return s;
}

uint64_t ReadPointer(const ElfFile& binary, uint64_t address, const char* what) {
  uint64_t value;
  if (!binary.ReadVirtual(address, &value, 8)) {
    throw Error(std::string("cannot read V8's ") + what + " at " + Hex(address) + " in the node binary");
  }
  return value;
}

std::vector<uint8_t> ReadBytes(const ElfFile& binary, uint64_t address, size_t n, const char* what) {
  std::vector<uint8_t> out(n);
  if (n && !binary.ReadVirtual(address, out.data(), n)) {
    throw Error(std::string("cannot read V8's ") + what + " at " + Hex(address) + " in the node binary");
  }
  return out;
}

bool IsMnemonic(const std::string& s) {
  if (s.empty() || s.size() > 64 || !(s[0] >= 'A' && s[0] <= 'Z')) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Native context slot names: snake_case (a few embed a JS name: iterator_flatMap_helper_map).
bool IsSnakeName(const std::string& s) {
  if (s.empty() || s.size() > 96 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Bytecodes::ToString(Bytecode): a switch over every bytecode returning its
// name, compiled to a table of string pointers or a jump table of stubs.
std::vector<std::string> ReadMnemonics(const ElfFile& binary, size_t count) {
  const std::string fn = kBytecodes + "8ToStringENS1_8BytecodeE";
  uint64_t fn_address = 0;
  std::vector<uint8_t> code = FunctionBytes(binary, fn, &fn_address);
  if (code.empty()) {
    throw Error("this node binary lacks v8::internal::interpreter::Bytecodes::ToString(Bytecode) (" + fn +
                "): the bytecode names come from it");
  }
  const Arch& arch = ArchOf(binary);
  for (const IndexedLoad& load : arch.find_tables(&binary, code.data(), code.size(), fn_address)) {
    if ((!load.is_jump && load.scale != 8) || (load.entries >= 0 && static_cast<size_t>(load.entries) != count)) continue;
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (size_t i = 0; i < count; i++) {
      std::optional<uint64_t> str;
      if (load.is_jump) {
        if (auto stub = JumpTarget(binary, load, i)) str = arch.stub_string(binary, *stub);
      } else {
        uint64_t entry;
        if (binary.ReadVirtual(load.table + 8 * i, &entry, 8)) str = entry;
      }
      if (!str) break;
      std::optional<std::string> name = ReadCString(binary, *str, 64);
      if (!name || !IsMnemonic(*name) || !seen.insert(*name).second) break;
      names.push_back(*name);
    }
    if (names.size() == count) return names;
  }
  throw Error("cannot find the bytecode name table in " + fn + " at " + Hex(fn_address) +
              " (" + arch.name + " code)");
}

// Runtime::kIntrinsicFunctions: {FunctionId id; IntrinsicType type; const
// char* name; Address entry; int8 nargs; int8 result_size} per function, in
// FunctionId order. The stride is checked by the ids running 0, 1, 2, ...
std::vector<std::string> ReadRuntimeNames(const ElfFile& binary) {
  const std::string name = "_ZN2v88internalL19kIntrinsicFunctionsE";
  Symbol table = FindSymbol(binary, name);
  if (!table.address) {
    throw Error("this node binary lacks v8::internal::kIntrinsicFunctions (" + name +
                "): runtime function names come from it");
  }
  for (uint64_t stride : {32u, 40u, 24u, 48u}) {
    if (table.size % stride) continue;
    const uint64_t count = table.size / stride;
    bool ok = count > 10;
    for (uint64_t i = 0; ok && i < 4; i++) {
      int32_t id;
      ok = binary.ReadVirtual(table.address + i * stride, &id, 4) && id == static_cast<int32_t>(i);
    }
    if (!ok) continue;
    std::vector<std::string> names;
    for (uint64_t i = 0; i < count; i++) {
      int32_t id;
      uint64_t name_address;
      if (!binary.ReadVirtual(table.address + i * stride, &id, 4) || id != static_cast<int32_t>(i) ||
          !binary.ReadVirtual(table.address + i * stride + 8, &name_address, 8)) {
        break;
      }
      std::optional<std::string> s = ReadCString(binary, name_address, 128);
      names.push_back(s ? *s : "(runtime " + std::to_string(i) + ")");
    }
    if (names.size() == count) return names;
  }
  throw Error("v8::internal::kIntrinsicFunctions in this node binary has an unexpected layout");
}

// IntrinsicsHelper::ToRuntimeId: a switch compiled to a table of int32
// FunctionIds indexed by IntrinsicId.
std::vector<int> ReadIntrinsicIds(const ElfFile& binary, size_t runtime_count) {
  const std::string fn =
      "_ZN2v88internal11interpreter16IntrinsicsHelper11ToRuntimeIdENS2_11IntrinsicIdE";
  uint64_t fn_address = 0;
  std::vector<uint8_t> code = FunctionBytes(binary, fn, &fn_address);
  if (code.empty()) return {};
  for (const IndexedLoad& load : ArchOf(binary).find_tables(&binary, code.data(), code.size(), fn_address)) {
    if (load.scale != 4 || load.is_jump || load.entries <= 0 || load.entries > 256) continue;
    std::vector<int> ids;
    for (int64_t i = 0; i < load.entries; i++) {
      int32_t id;
      if (!binary.ReadVirtual(load.table + 4 * i, &id, 4) || id < 0 ||
          static_cast<size_t>(id) >= runtime_count) {
        break;
      }
      ids.push_back(id);
    }
    if (static_cast<int64_t>(ids.size()) == load.entries) return ids;
  }
  return {};
}

// The native context slot names (NATIVE_CONTEXT_FIELDS) that
// BytecodeDecoder::Decode prints for CallJSRuntime: a table of string
// pointers inside Decode, the only one whose entries are snake_case names.
std::vector<std::string> ReadNativeContextNames(const ElfFile& binary, int* first) {
  std::vector<uint8_t> code;
  uint64_t fn_address = 0;
  binary.ForEachSymbol("_ZN2v88internal11interpreter15BytecodeDecoder6DecodeE", [&](const ElfSymbol& sym) {
    if (!code.empty() || sym.size == 0 || sym.size > (1u << 20)) return;
    std::vector<uint8_t> b(sym.size);
    if (binary.ReadVirtual(sym.value, b.data(), b.size())) {
      code = std::move(b);
      fn_address = sym.value;
    }
  });
  for (const IndexedLoad& load : ArchOf(binary).find_tables(&binary, code.data(), code.size(), fn_address)) {
    if (load.scale != 8 || load.is_jump || load.entries < 16 || load.entries > 4096) continue;
    std::vector<std::string> names;
    for (int64_t i = 0; i < load.entries; i++) {
      uint64_t p;
      if (!binary.ReadVirtual(load.table + 8 * i, &p, 8)) break;
      std::optional<std::string> s = ReadCString(binary, p, 96);
      if (!s || !IsSnakeName(*s)) break;
      names.push_back(*s);
    }
    if (static_cast<int64_t>(names.size()) == load.entries) {
      *first = static_cast<int>(load.bias);
      return names;
    }
  }
  return {};
}

}  // namespace

int BytecodeTables::Find(const std::string& name) const {
  for (size_t i = 0; i < bytecodes.size(); i++) {
    if (bytecodes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void BytecodeTables::FindPrefixes() {
  wide = Find("Wide");
  extra_wide = Find("ExtraWide");
  debug_break_wide = Find("DebugBreakWide");
  debug_break_extra_wide = Find("DebugBreakExtraWide");
  if (wide < 0 || extra_wide < 0) throw Error("no Wide/ExtraWide bytecodes in this node binary's tables");
}

bool BytecodeTables::IsDebugBreak(int opcode) const {
  return opcode >= 0 && static_cast<size_t>(opcode) < bytecodes.size() &&
         bytecodes[opcode].name.rfind("DebugBreak", 0) == 0;
}

bool BytecodeTables::IsJump(int opcode) const {
  return opcode >= 0 && static_cast<size_t>(opcode) < bytecodes.size() &&
         bytecodes[opcode].name.rfind("Jump", 0) == 0;
}

bool BytecodeTables::IsJumpConstant(int opcode) const {
  if (!IsJump(opcode)) return false;
  const std::string& n = bytecodes[opcode].name;
  return n.size() > 8 && n.compare(n.size() - 8, 8, "Constant") == 0;
}

bool BytecodeTables::IsSwitch(int opcode) const {
  return opcode >= 0 && static_cast<size_t>(opcode) < bytecodes.size() &&
         bytecodes[opcode].name.rfind("SwitchOn", 0) == 0;
}

namespace {

// Roles: what an operand of a well-known bytecode is. One OperandType
// number may play several roles (before V8 14 a constant pool index and a
// feedback slot were both kIdx).
enum Role {
  kRoleReg, kRoleRegOut, kRoleImm, kRoleUImm, kRolePool, kRoleFeedback, kRoleEmbedded, kRoleContextSlot,
  kRoleCoverage, kRoleFlag8, kRoleAbort, kRoleRuntime, kRoleIntrinsic, kRoleNativeContext, kRoleRegList,
  kRoleRegOutList, kRoleRegCount, kRoleRegPair, kRoleRegOutPair, kRoleRegOutTriple, kRoleFlag16, kRoleRegInOut,
  kRoleCount
};
struct Anchor {
  const char* bytecode;
  int operand;
  Role role;
};
const Anchor kAnchors[] = {
    {"Ldar", 0, kRoleReg},
    {"Star", 0, kRoleRegOut},
    {"Mov", 0, kRoleReg},
    {"Mov", 1, kRoleRegOut},
    {"LdaSmi", 0, kRoleImm},
    {"Jump", 0, kRoleUImm},
    {"JumpLoop", 0, kRoleUImm},
    {"JumpLoop", 1, kRoleImm},
    {"LdaConstant", 0, kRolePool},
    {"LdaGlobal", 0, kRolePool},
    {"LdaGlobal", 1, kRoleFeedback},
    {"GetNamedProperty", 2, kRoleFeedback},
    {"TestLessThan", 1, kRoleEmbedded},
    {"LdaContextSlot", 1, kRoleContextSlot},
    {"LdaContextSlotNoCell", 1, kRoleContextSlot},
    {"LdaContextSlot", 2, kRoleUImm},
    {"IncBlockCounter", 0, kRoleCoverage},
    {"TestTypeOf", 0, kRoleFlag8},
    {"CreateClosure", 2, kRoleFlag8},
    {"Abort", 0, kRoleAbort},
    {"CallRuntime", 0, kRoleRuntime},
    {"CallRuntime", 1, kRoleRegList},
    {"CallRuntime", 2, kRoleRegCount},
    {"InvokeIntrinsic", 0, kRoleIntrinsic},
    {"CallJSRuntime", 0, kRoleNativeContext},
    {"CallRuntimeForPair", 3, kRoleRegOutPair},
    {"ForInPrepare", 0, kRoleRegOutTriple},
    {"ForInNext", 2, kRoleRegPair},
    {"ResumeGenerator", 1, kRoleRegOutList},
    {"CreateRegExpLiteral", 2, kRoleFlag16},
    {"ForInStep", 0, kRoleRegInOut},  // kReg before V8 13
};

// The kind of operand an OperandType is, from the roles it plays;
// kUnknown if they conflict.
OperandKind KindOfRoles(const std::set<Role>& r, bool constant_pool_values) {
  auto only = [&](std::initializer_list<Role> allowed) {
    for (Role x : r) {
      bool ok = false;
      for (Role y : allowed) ok |= x == y;
      if (!ok) return false;
    }
    return true;
  };
  auto has = [&](Role x) { return r.count(x) > 0; };
  OperandKind k = OperandKind::kUnknown;
  if (only({kRolePool, kRoleFeedback, kRoleEmbedded, kRoleContextSlot, kRoleCoverage, kRoleAbort}) &&
      !(r.size() == 1 && has(kRoleAbort))) {
    if (has(kRolePool) && has(kRoleFeedback)) k = OperandKind::kIdx;
    else if (has(kRolePool)) k = constant_pool_values ? OperandKind::kConstantPoolIndex : OperandKind::kIdx;
    else if (has(kRoleFeedback)) k = constant_pool_values ? OperandKind::kFeedbackSlot : OperandKind::kIdx;
    else if (has(kRoleEmbedded)) k = OperandKind::kEmbeddedFeedback;
    else if (has(kRoleContextSlot)) k = OperandKind::kContextSlot;
    else k = OperandKind::kCoverageSlot;
  } else if (only({kRoleFlag8, kRoleAbort})) {
    k = has(kRoleFlag8) ? OperandKind::kFlag8 : OperandKind::kAbortReason;
  } else if (only({kRoleReg, kRoleRegInOut})) {
    k = has(kRoleReg) ? OperandKind::kReg : OperandKind::kRegInOut;
  } else if (r.size() == 1 || only({kRoleUImm, kRoleContextSlot})) {
    switch (*r.begin()) {
      case kRoleReg: k = OperandKind::kReg; break;
      case kRoleRegOut: k = OperandKind::kRegOut; break;
      case kRoleImm: k = OperandKind::kImm; break;
      case kRoleUImm: k = OperandKind::kUImm; break;
      case kRoleRuntime: k = OperandKind::kRuntimeId; break;
      case kRoleIntrinsic: k = OperandKind::kIntrinsicId; break;
      case kRoleNativeContext: k = OperandKind::kNativeContextIndex; break;
      case kRoleRegList: k = OperandKind::kRegList; break;
      case kRoleRegOutList: k = OperandKind::kRegOutList; break;
      case kRoleRegCount: k = OperandKind::kRegCount; break;
      case kRoleRegPair: k = OperandKind::kRegPair; break;
      case kRoleRegOutPair: k = OperandKind::kRegOutPair; break;
      case kRoleRegOutTriple: k = OperandKind::kRegOutTriple; break;
      case kRoleFlag16: k = OperandKind::kFlag16; break;
      default: break;
    }
  }
  return k;
}

}  // namespace

void BytecodeTables::InferOperandKinds() {
  size_t type_count = signed_types.size();
  for (const BytecodeDef& b : bytecodes) {
    for (uint8_t t : b.operand_types) type_count = std::max<size_t>(type_count, t + 1u);
  }
  std::vector<std::set<Role>> roles(type_count);
  for (const Anchor& a : kAnchors) {
    int op = Find(a.bytecode);
    if (op < 0 || a.operand >= static_cast<int>(bytecodes[op].operand_types.size())) continue;
    roles[bytecodes[op].operand_types[a.operand]].insert(a.role);
  }
  kinds.assign(type_count, OperandKind::kUnknown);
  if (!kinds.empty()) kinds[0] = OperandKind::kNone;
  for (size_t t = 0; t < type_count; t++) {
    const std::set<Role>& r = roles[t];
    if (r.empty()) continue;
    OperandKind k = KindOfRoles(r, style.constant_pool_values);
    if (k == OperandKind::kUnknown) {
      std::string list;
      for (Role x : r) list += " " + std::to_string(static_cast<int>(x));
      throw Error("V8's OperandType " + std::to_string(t) +
                  " plays conflicting roles in this node binary's bytecode tables (roles" + list + ")");
    }
    kinds[t] = k;
  }
}

BytecodeTables BytecodeTables::FromBinary(const ElfFile& binary, const Metadata& metadata,
                                          const std::string& v8_version) {
  BytecodeTables t;
  auto words = [&](const char* name, int fallback) {
    std::optional<int64_t> v = metadata.Find(name);
    return v ? static_cast<int>(*v / 8) : fallback;
  };
  t.frame.context = words("v8dbg_off_fp_context", t.frame.context);
  t.frame.closure = words("v8dbg_off_fp_function", t.frame.closure);
  t.frame.register_file_start = words("v8dbg_off_fp_bytecode_offset", t.frame.register_file_start + 1) - 1;
  // Register::FromOperand computes kRegisterFileStartOffset - operand:
  // BytecodeDecoder::DecodeRegisterOperand holds it as a constant
  // (`mov $imm32, %eax`, `movn w0, #imm`). (V8 12 put the feedback vector in
  // the frame: -6 became -7.)
  std::vector<uint8_t> decode_register = FunctionBytes(
      binary, "_ZN2v88internal11interpreter15BytecodeDecoder21DecodeRegisterOperandEmNS1_11OperandTypeENS1_12OperandScaleE");
  if (auto imm = ArchOf(binary).small_negative_constant(decode_register.data(), decode_register.size())) {
    t.frame.register_file_start = *imm;
  }
  t.frame.first_parameter = words("v8dbg_off_fp_args", t.frame.first_parameter);
  t.v8_version = v8_version;
  t.style.constant_pool_values = metadata.rules().print_bytecode_v14_style();
  t.style.hex_flags = metadata.rules().print_bytecode_v14_style();

  Symbol count = NeedSymbol(binary, kBytecodes + "13kOperandCountE", "bytecode operand counts");
  Symbol types = NeedSymbol(binary, kBytecodes + "13kOperandTypesE", "bytecode operand types");
  Symbol sizes = NeedSymbol(binary, kBytecodes + "13kOperandSizesE", "bytecode operand sizes");
  Symbol lengths = NeedSymbol(binary, kBytecodes + "14kBytecodeSizesE", "bytecode sizes");
  Symbol infos = FindSymbol(binary, kBytecodes + "17kOperandTypeInfosE");
  Symbol kind_sizes = FindSymbol(binary, kBytecodes + "17kOperandKindSizesE");

  const uint64_t n = count.size / 4;
  if (n < 32 || n > 256 || types.size != 8 * n || sizes.size != 24 * n || lengths.size != 3 * n) {
    throw Error("V8's bytecode tables in this node binary have unexpected sizes (" + std::to_string(n) +
                " bytecodes)");
  }
  std::vector<std::string> names = ReadMnemonics(binary, n);
  std::vector<uint8_t> length_bytes = ReadBytes(binary, lengths.address, 3 * n, "bytecode sizes");
  if (kind_sizes.address && kind_sizes.size % 3 == 0) t.signed_types.assign(kind_sizes.size / 3, false);
  t.bytecodes.resize(n);
  for (uint64_t i = 0; i < n; i++) {
    BytecodeDef& b = t.bytecodes[i];
    b.name = names[i];
    int32_t operand_count;
    if (!binary.ReadVirtual(count.address + 4 * i, &operand_count, 4) || operand_count < 0 || operand_count > 8) {
      throw Error("V8's bytecode operand counts in this node binary are unreadable");
    }
    if (operand_count > 0) {
      uint64_t p = ReadPointer(binary, types.address + 8 * i, "bytecode operand types");
      b.operand_types = ReadBytes(binary, p, operand_count, "bytecode operand types");
      if (infos.address && infos.size == 8 * n) {
        uint64_t q = ReadPointer(binary, infos.address + 8 * i, "operand type infos");
        std::vector<uint8_t> info = ReadBytes(binary, q, operand_count, "operand type infos");
        for (int k = 0; k < operand_count; k++) {
          uint8_t type = b.operand_types[k];
          if (type >= t.signed_types.size()) t.signed_types.resize(type + 1u, false);
          // OperandTypeInfo 1 is kScalableSignedByte (registers and kImm).
          if (info[k] == 1) t.signed_types[type] = true;
        }
      }
    }
    for (int s = 0; s < 3; s++) {
      b.size[s] = length_bytes[s * n + i];
      if (operand_count > 0) {
        uint64_t p = ReadPointer(binary, sizes.address + 8 * (s * n + i), "bytecode operand sizes");
        b.operand_sizes[s] = ReadBytes(binary, p, operand_count, "bytecode operand sizes");
      }
      unsigned total = 1;
      for (uint8_t size : b.operand_sizes[s]) {
        if (size != 0 && size != 1 && size != 2 && size != 4) {
          throw Error("V8's bytecode operand sizes in this node binary are unreadable");
        }
        total += size;
      }
      if (b.size[s] != total) {
        throw Error("V8's bytecode sizes in this node binary disagree with its operand sizes (" + b.name + ")");
      }
    }
  }
  t.FindPrefixes();
  t.InferOperandKinds();
  t.runtime_names = ReadRuntimeNames(binary);
  t.intrinsic_runtime_ids = ReadIntrinsicIds(binary, t.runtime_names.size());
  t.native_context_names = ReadNativeContextNames(binary, &t.native_context_first);
  return t;
}

const BytecodeTables& BytecodeTables::For(const ElfFile& binary, const Metadata& metadata,
                                          const std::string& v8_version) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const BytecodeTables>> cache;
  const std::string key = binary.path() + "\n" + binary.BuildId() + "\n" + v8_version;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(key);
  if (it != cache.end()) return *it->second;
  auto tables = std::make_shared<const BytecodeTables>(FromBinary(binary, metadata, v8_version));
  cache[key] = tables;
  return *tables;
}

Instruction DecodeInstruction(const BytecodeTables& tables, const uint8_t* code, size_t length, int offset) {
  Instruction insn;
  insn.offset = offset;
  if (offset < 0 || static_cast<size_t>(offset) >= length) {
    throw CorruptObject("bytecode offset " + std::to_string(offset) + " is outside the array");
  }
  const size_t n = tables.bytecodes.size();
  int opcode = code[offset];
  if (static_cast<size_t>(opcode) >= n) {
    throw CorruptObject("byte " + Hex(opcode) + " at bytecode offset " + std::to_string(offset) +
                        " is not a bytecode of this V8");
  }
  if (tables.IsPrefix(opcode)) {
    insn.scale = tables.PrefixScale(opcode);
    insn.prefix = 1;
    if (static_cast<size_t>(offset) + 1 >= length) {
      throw CorruptObject("prefix at bytecode offset " + std::to_string(offset) + " ends the array");
    }
    opcode = code[offset + 1];
    if (static_cast<size_t>(opcode) >= n || tables.IsPrefix(opcode)) {
      throw CorruptObject("byte " + Hex(opcode) + " after a prefix at bytecode offset " +
                          std::to_string(offset) + " is not a scalable bytecode");
    }
  }
  insn.opcode = opcode;
  const BytecodeDef& def = tables.bytecodes[opcode];
  const int si = ScaleIndex(insn.scale);
  insn.length = insn.prefix + def.size[si];
  if (static_cast<size_t>(offset) + insn.length > length) {
    throw CorruptObject(def.name + " at bytecode offset " + std::to_string(offset) + " runs past the end of the array");
  }
  int at = insn.prefix + 1;
  for (size_t k = 0; k < def.operand_types.size(); k++) {
    Operand op;
    op.type = def.operand_types[k];
    op.kind = static_cast<size_t>(op.type) < tables.kinds.size() ? tables.kinds[op.type] : OperandKind::kUnknown;
    op.offset = at;
    op.size = def.operand_sizes[si][k];
    uint32_t raw = 0;
    for (int b = 0; b < op.size; b++) raw |= static_cast<uint32_t>(code[offset + at + b]) << (8 * b);
    const bool is_signed = static_cast<size_t>(op.type) < tables.signed_types.size() && tables.signed_types[op.type];
    if (is_signed) {
      op.value = op.size == 1 ? static_cast<int8_t>(raw) : op.size == 2 ? static_cast<int16_t>(raw)
                                                                        : static_cast<int32_t>(raw);
    } else {
      op.value = raw;
    }
    insn.operands.push_back(op);
    at += op.size;
  }
  return insn;
}

std::string RegisterName(int64_t operand, const RegisterFrame& frame) {
  if (operand == frame.context) return "<context>";
  if (operand == frame.closure) return "<closure>";
  const int64_t index = frame.register_file_start - operand;
  if (index < 0) {
    const int64_t parameter = operand - frame.first_parameter;
    if (parameter == 0) return "<this>";
    return "a" + std::to_string(parameter - 1);
  }
  return "r" + std::to_string(index);
}

namespace {

// The name of the register `count - 1` registers after `first` (a register
// list's last register, as RegisterList::last_register computes it).
// V8 prints an empty list as "r0-r0".
std::string LastRegisterName(int64_t first, int64_t count, const RegisterFrame& frame) {
  return RegisterName(count > 0 ? first - (count - 1) : first, frame);
}

std::string HexNumber(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string NameAt(const std::vector<std::string>& names, int64_t i, const char* what) {
  if (i >= 0 && static_cast<size_t>(i) < names.size()) return names[i];
  return std::string("(") + what + " " + std::to_string(i) + ")";
}

}  // namespace

std::string FormatOperands(const BytecodeTables& tables, const Instruction& insn, const OperandContext& context) {
  std::string os;
  const size_t n = insn.operands.size();
  for (size_t i = 0; i < n; i++) {
    const Operand& op = insn.operands[i];
    switch (op.kind) {
      case OperandKind::kIdx:
      case OperandKind::kUImm:
      case OperandKind::kContextSlot:
      case OperandKind::kCoverageSlot:
      case OperandKind::kAbortReason:
      case OperandKind::kNone:
        os += "[" + std::to_string(op.value) + "]";
        break;
      case OperandKind::kUnknown:
      case OperandKind::kImm:
        os += "[" + std::to_string(op.value) + "]";
        break;
      case OperandKind::kConstantPoolIndex:
        os += "[" + std::to_string(op.value) + ":";
        os += context.constant_brief ? context.constant_brief(static_cast<uint32_t>(op.value)) : std::string("?");
        os += "]";
        break;
      case OperandKind::kFeedbackSlot:
        os += "FBV[" + std::to_string(op.value) + "]";
        break;
      case OperandKind::kEmbeddedFeedback:
        os += "EmbeddedFeedback[0x" + HexNumber(static_cast<uint64_t>(op.value) & 0xffff) + "]";
        break;
      case OperandKind::kIntrinsicId: {
        int64_t runtime = op.value >= 0 && static_cast<size_t>(op.value) < tables.intrinsic_runtime_ids.size()
                              ? tables.intrinsic_runtime_ids[op.value]
                              : -1;
        os += "[" + (runtime >= 0 ? NameAt(tables.runtime_names, runtime, "runtime")
                                  : "(intrinsic " + std::to_string(op.value) + ")") + "]";
        break;
      }
      case OperandKind::kNativeContextIndex:
        os += "[" + NameAt(tables.native_context_names, op.value - tables.native_context_first, "native context slot") + "]";
        break;
      case OperandKind::kRuntimeId:
        os += "[" + NameAt(tables.runtime_names, op.value, "runtime") + "]";
        break;
      case OperandKind::kFlag8:
      case OperandKind::kFlag16:
        os += "#" + (tables.style.hex_flags ? HexNumber(op.value) : std::to_string(op.value));
        break;
      case OperandKind::kReg:
      case OperandKind::kRegOut:
      case OperandKind::kRegInOut:
        os += RegisterName(op.value, tables.frame);
        break;
      case OperandKind::kRegOutTriple:
        os += RegisterName(op.value, tables.frame) + "-" + LastRegisterName(op.value, 3, tables.frame);
        break;
      case OperandKind::kRegPair:
      case OperandKind::kRegOutPair:
        os += RegisterName(op.value, tables.frame) + "-" + LastRegisterName(op.value, 2, tables.frame);
        break;
      case OperandKind::kRegList:
      case OperandKind::kRegOutList: {
        int64_t count = i + 1 < n ? insn.operands[i + 1].value : 0;
        os += RegisterName(op.value, tables.frame) + "-" + LastRegisterName(op.value, count, tables.frame);
        i++;  // the count operand
        break;
      }
      case OperandKind::kRegCount:
        os += "[" + std::to_string(op.value) + "]";
        break;
    }
    if (i + 1 < n) os += ", ";
  }
  return os;
}

std::string FormatInstruction(const BytecodeTables& tables, const Instruction& insn, const uint8_t* code,
                              const OperandContext& context) {
  static const char digits[] = "0123456789abcdef";
  std::string os;
  for (int i = 0; i < insn.length; i++) {
    uint8_t b = code[insn.offset + i];
    os += digits[b >> 4];
    os += digits[b & 15];
    os += ' ';
  }
  for (int i = insn.length; i < 6; i++) os += "   ";
  os += tables.bytecodes[insn.opcode].name;
  if (insn.scale > 1) os += "." + tables.bytecodes[insn.scale == 2 ? tables.wide : tables.extra_wide].name;
  if (tables.IsDebugBreak(insn.opcode) || insn.operands.empty()) return os;
  return os + " " + FormatOperands(tables, insn, context);
}

}  // namespace nodegdb
