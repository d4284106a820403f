#include "core/bytecode/bytecode_printer.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <sstream>

#include "core/bytecode/bytecode.h"
#include "core/bytecode/bytecode_array.h"
#include "core/v8/heap_number.h"
#include "core/meta/read_only_roots.h"
#include "core/v8/string.h"
#include "core/v8/program.h"
#include "core/view/v8_view.h"

namespace nodegdb {

namespace {

// Addresses as V8 prints them in briefs: 0x and 12 hex digits.
std::string Address12(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%012llx", static_cast<unsigned long long>(v));
  return buf;
}

// Addresses as `os << reinterpret_cast<void*>(p)` prints them.
std::string Pointer(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string Right(int64_t v, int width) {
  std::string s = std::to_string(v);
  return s.size() < static_cast<size_t>(width) ? std::string(width - s.size(), ' ') + s : s;
}

bool TypeIs(const Heap& heap, int type, const char* name) {
  std::optional<int> t = heap.metadata().FindType(name);
  return t && *t == type;
}

// ScopeType names by number: V8 13 moved the script scopes first.
const char* ScopeTypeName(int v, const V8Rules& rules) {
  static const char* const kOld[] = {"CLASS_SCOPE", "EVAL_SCOPE",  "FUNCTION_SCOPE", "MODULE_SCOPE", "SCRIPT_SCOPE",
                                     "CATCH_SCOPE", "BLOCK_SCOPE", "WITH_SCOPE",     "SHADOW_REALM_SCOPE"};
  static const char* const kNew[] = {"SCRIPT_SCOPE", "REPL_MODE_SCOPE", "CLASS_SCOPE", "EVAL_SCOPE",
                                     "FUNCTION_SCOPE", "MODULE_SCOPE",  "CATCH_SCOPE", "BLOCK_SCOPE",
                                     "WITH_SCOPE",     "SHADOW_REALM_SCOPE"};
  if (rules.scope_info_v13()) return v >= 0 && v < 10 ? kNew[v] : nullptr;
  return v >= 0 && v < 9 ? kOld[v] : nullptr;
}

// BigInt has no v8dbg_type_ constant. Its instance type sits between
// SYMBOL_TYPE and HEAP_NUMBER_TYPE (V8 sorts the primitive heap objects:
// Symbol, BigIntBase, HeapNumber), which the metadata does name.
bool IsBigIntType(const Heap& heap, int type) {
  if (TypeIs(heap, type, "BIGINT_TYPE") || TypeIs(heap, type, "BIG_INT_BASE_TYPE")) return true;
  std::optional<int> symbol = heap.metadata().FindType("SYMBOL_TYPE");
  std::optional<int> number = heap.metadata().FindType("HEAP_NUMBER_TYPE");
  return symbol && number && *number - *symbol == 2 && type == *symbol + 1;
}

const char* ElementsKindName(int64_t kind) {
  static const char* const kNames[] = {"PACKED_SMI_ELEMENTS", "HOLEY_SMI_ELEMENTS",   "PACKED_ELEMENTS",
                                       "HOLEY_ELEMENTS",      "PACKED_DOUBLE_ELEMENTS", "HOLEY_DOUBLE_ELEMENTS"};
  return kind >= 0 && kind < 6 ? kNames[kind] : nullptr;
}

// HeapNumber::HeapNumberShortPrint: integers (within 2^53) as "N.0", -0 as
// "-0.0", anything else as an ostream prints a double (%g, 6 digits).
std::string HeapNumberShort(double v) {
  if (v == 0 && std::signbit(v)) return "-0.0";
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) <= 9007199254740991.0) {
    return std::to_string(static_cast<int64_t>(v)) + ".0";
  }
  std::ostringstream os;
  os << v;
  return os.str();
}

// String::PrintUC16: printable ASCII as is, other code units escaped.
std::string PrintUC16(const std::u16string& units) {
  std::string out;
  char buf[16];
  for (char16_t c : units) {
    if (c >= 0x20 && c <= 0x7e) {
      out += static_cast<char>(c);
    } else {
      std::snprintf(buf, sizeof buf, c <= 0xff ? "\\x%02x" : "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    }
  }
  return out;
}

std::string ShortPrintHeapObject(Heap& heap, uint64_t address, const V8Rules& rules, const ReadOnlyRoots* roots) {
  const Metadata& md = heap.metadata();
  const uint64_t tagged = address + heap.layout().tagging.heap_object_tag;  // V8View and roots take tagged words
  int type = heap.InstanceTypeOf(address);
  std::string cls = md.TypeClass(type);
  if (TypeIs(heap, type, "SCOPE_INFO_TYPE")) {
    int flags = rules.scope_info_v13() ? static_cast<int>(heap.memory().ReadU32(address + 8))
                               : static_cast<int>(heap.ReadSmiField(address, 8, "flags"));
    const char* name = ScopeTypeName(flags & 0xf, rules);
    return name ? std::string("<ScopeInfo ") + name + ">" : "<ScopeInfo>";
  }
  if (TypeIs(heap, type, "SHARED_FUNCTION_INFO_TYPE")) {
    std::string name = SharedFunctionName(heap, address);
    return name.empty() ? "<SharedFunctionInfo>" : "<SharedFunctionInfo " + name + ">";
  }
  if (TypeIs(heap, type, "HEAP_NUMBER_TYPE")) return "<HeapNumber " + HeapNumberShort(ReadHeapNumber(heap, address)) + ">";
  if (TypeIs(heap, type, "SYMBOL_TYPE") && heap.layout().symbol_name >= 0) {
    Tagged d = heap.ReadTagged(address + heap.layout().symbol_name);
    if (d.kind == Tagged::Kind::kStrong && heap.IsString(heap.InstanceTypeOf(d.address))) {
      return "<Symbol: " + PrintUC16(ReadString(heap, d.address, 1024).units) + ">";
    }
    // Private symbols have no description: V8 names them by their root.
    std::optional<std::string> root = roots ? roots->NameOf(tagged) : std::nullopt;
    return "<Symbol: (" + (root ? *root : std::string("private")) + ")>";
  }
  if (IsBigIntType(heap, type)) {
    // bitfield: sign in bit 0, digit count above; 64-bit digits follow.
    uint32_t bits = heap.memory().ReadU32(address + 8);
    uint32_t length = (bits >> 1) & 0x3fffffff;
    std::string s = bits & 1 ? "-" : "";
    if (length == 0) return "<BigInt 0>";
    if (length > 1) s += "...";
    return "<BigInt " + s + std::to_string(heap.memory().ReadU64(address + 16)) + ">";
  }
  if (TypeIs(heap, type, "ARRAY_BOILERPLATE_DESCRIPTION_TYPE")) {
    int64_t kind = heap.ReadSmiField(address, 8, "elements_kind");
    uint64_t elements = heap.ReadWord(address + 16);
    const char* kind_name = ElementsKindName(kind);
    std::string inner = ConstantBrief(heap, elements, rules, roots);
    return "<ArrayBoilerplateDescription " + std::string(kind_name ? kind_name : "?") + ", " + inner + ">";
  }
  if (cls == "FixedArray" || cls == "FixedDoubleArray" || cls == "ObjectBoilerplateDescription" ||
      cls == "TrustedFixedArray" || cls == "ByteArray" || cls == "TrustedByteArray" || cls == "WeakFixedArray") {
    int64_t length = heap.ReadSmiField(address, 8, "length");
    return "<" + cls + "[" + std::to_string(length) + "]>";
  }
  if (cls == "TemplateObjectDescription" || cls == "ClassBoilerplate") return "<" + cls + ">";
  return V8View(heap).Brief(tagged);
}

}  // namespace

std::string ConstantBrief(Heap& heap, uint64_t word, const V8Rules& rules, const ReadOnlyRoots* roots) {
  Tagged t = heap.Decode(word);
  if (t.is_smi()) return std::to_string(t.smi);
  if (t.kind != Tagged::Kind::kStrong) return V8View(heap).Brief(word);
  try {
    return Address12(word) + " " + ShortPrintHeapObject(heap, t.address, rules, roots);
  } catch (const Error& e) {
    return Address12(word) + " <unreadable: " + e.what() + ">";
  }
}

std::string ConstantOperandBrief(Heap& heap, uint64_t word, const V8Rules& rules, const ReadOnlyRoots* roots) {
  Tagged t = heap.Decode(word);
  if (t.kind == Tagged::Kind::kStrong) {
    try {
      if (heap.IsString(heap.InstanceTypeOf(t.address))) {
        constexpr size_t kMaxShortPrintLength = 1024;
        StringContents s = ReadString(heap, t.address, kMaxShortPrintLength + 1);
        if (s.length > static_cast<int64_t>(kMaxShortPrintLength)) {
          s.units.resize(kMaxShortPrintLength - 3);
          return "\"" + PrintUC16(s.units) + "...\"";
        }
        return "\"" + PrintUC16(s.units) + "\"";
      }
    } catch (const Error& e) {
      return Address12(word) + " <unreadable: " + e.what() + ">";
    }
  }
  return ConstantBrief(heap, word, rules, roots);
}

namespace {

// The read-only roots, looked up once per disassembly and only if a
// constant needs them (a private symbol).
class LazyRoots {
 public:
  explicit LazyRoots(Program* target) : target_(target) {}
  const ReadOnlyRoots* For(Heap& heap, uint64_t word) {
    if (tried_ || !target_) return roots_.get();
    Tagged t = heap.Decode(word);
    if (t.kind != Tagged::Kind::kStrong || heap.layout().symbol_name < 0) return nullptr;
    try {
      if (heap.InstanceTypeOf(t.address) != heap.layout().symbol_type) return nullptr;
      uint64_t description = heap.ReadWord(t.address + heap.layout().symbol_name);
      Tagged d = heap.Decode(description);
      if (d.kind != Tagged::Kind::kStrong || heap.KindOf(heap.InstanceTypeOf(d.address)) != ObjectKind::kOddball) {
        return nullptr;
      }
      tried_ = true;
      uint64_t map = heap.MapOf(t.address) + heap.layout().tagging.heap_object_tag;
      roots_ = std::make_unique<ReadOnlyRoots>(target_->binary(), target_->memory(), target_->load_bias(), description, map);
    } catch (const Error&) {
      tried_ = true;
    }
    return roots_.get();
  }

 private:
  Program* target_;
  bool tried_ = false;
  std::unique_ptr<ReadOnlyRoots> roots_;
};

// Throws unless node-gdb decodes this V8's bytecode (V8 11, Node 20, on).
void RequireBytecodeVersion(const std::string& version) {
  if (std::atoi(version.c_str()) < 11) {
    throw Error("bytecode decoding needs V8 11 or newer (Node 20+); this binary's V8 is " +
                (version.empty() ? std::string("unknown") : version));
  }
}

// The tables are read from the binary only once there is bytecode to show.
std::string Disassemble(Heap& heap, uint64_t raw, const std::string& version,
                        const std::function<const BytecodeTables&()>& get_tables, Program* target);

}  // namespace

std::string DisassembleBytecode(Program& target, uint64_t raw) {
  const std::string version = target.V8Version();
  return Disassemble(
      target.heap(), raw, version,
      [&]() -> const BytecodeTables& { return BytecodeTables::For(target.binary(), target.metadata(), version); },
      &target);
}

std::string DisassembleBytecode(Heap& heap, const BytecodeTables& tables, const std::string& v8_version, uint64_t raw,
                                Program* target) {
  return Disassemble(heap, raw, v8_version, [&]() -> const BytecodeTables& { return tables; }, target);
}

namespace {

// The BytecodeArray's constant pool (a FixedArray), read on demand.
struct ConstantPool {
  Heap& heap;
  const BytecodeArrayLayout& layout;
  uint64_t address = 0;  // untagged; 0 if there is none
  int64_t length = 0;
  std::optional<uint64_t> Word(int64_t i) const {
    if (!address || i < 0 || i >= length) return std::nullopt;
    return heap.ReadWord(address + layout.array_data + 8 * i);
  }
};

// Throws CorruptObject on an impossible length.
ConstantPool ReadConstantPool(Heap& heap, const BytecodeArrayLayout& layout, const BytecodeArray& b) {
  ConstantPool pool{heap, layout};
  Tagged p = heap.Decode(b.constant_pool);
  if (p.kind != Tagged::Kind::kStrong) return pool;
  pool.address = p.address;
  pool.length = heap.ReadSmiField(pool.address, layout.array_length, "constant pool length");
  if (pool.length < 0 || pool.length > (1 << 24)) {
    throw CorruptObject("the constant pool of " + heap.Shown(b.address) + " has an impossible length");
  }
  return pool;
}

// Source positions (JavaScript ones; the function entry is skipped), and
// why there are none or not all (`note`, a line of its own).
struct Positions {
  std::vector<SourcePositionEntry> entries;
  std::string note;
  uint64_t table = 0;  // untagged; 0 if there is none
  int64_t table_size = 0;
};

Positions ReadPositions(Heap& heap, const BytecodeArrayLayout& layout, const BytecodeArray& b) {
  Positions p;
  Tagged s = heap.Decode(b.source_position_table);
  bool is_table = false;
  if (s.kind == Tagged::Kind::kStrong) {
    std::string cls = heap.metadata().TypeClass(heap.InstanceTypeOf(s.address));
    is_table = cls == "ByteArray" || cls == "TrustedByteArray";
  }
  if (!is_table) {
    p.note = "(no source positions: V8 collects them lazily, when a stack trace or the debugger needs them)\n";
    return p;
  }
  p.table = s.address;
  std::vector<uint8_t> bytes = ReadByteArray(heap, layout, s.address);
  p.table_size = static_cast<int64_t>(bytes.size());
  try {
    for (const SourcePositionEntry& e : DecodeSourcePositions(bytes.data(), bytes.size(), layout.breakable_positions)) {
      if (!e.is_external()) p.entries.push_back(e);
    }
  } catch (const Error& e) {
    p.note = std::string("(source positions: ") + e.what() + ")\n";
  }
  if (!p.entries.empty() && p.entries.front().code_offset == -1) p.entries.erase(p.entries.begin());
  return p;
}

// The title and the counts above the instructions.
std::string HeaderText(const Heap& heap, const BytecodeLocation& loc, const BytecodeArray& b) {
  std::string out;
  std::string title = loc.function || loc.shared ? (loc.name.empty() ? "(anonymous)" : loc.name) : "";
  out += "[bytecode" + (title.empty() ? std::string() : " for " + title) + ", " + heap.Shown(b.address) +
         " <BytecodeArray[" + std::to_string(b.length) + "]>]\n";
  if (!loc.function && !loc.shared) {
    out += "(the function is unknown: a BytecodeArray does not point back to it; give the function for its name)\n";
  }
  for (const std::string& note : loc.notes) out += "(" + note + ")\n";
  out += "Bytecode length: " + std::to_string(b.length) + "\n";
  out += "Parameter count " + std::to_string(b.parameter_count) + "\n";
  out += "Register count " + std::to_string(b.register_count) + "\n";
  out += "Frame size " + std::to_string(b.frame_size) + "\n";
  if (b.age >= 0) out += "Bytecode age: " + std::to_string(b.age) + "\n";
  return out;
}

// " (0x... @ 12)": where a jump at `offset` goes, if it can be told.
std::string JumpTargetText(Heap& heap, const BytecodeTables& tables, const Instruction& insn, const BytecodeArray& b,
                           const ConstantPool& pool, int offset) {
  if (!tables.IsJump(insn.opcode) || insn.operands.empty()) return "";
  std::optional<int64_t> relative;
  if (tables.IsJumpConstant(insn.opcode)) {
    std::optional<uint64_t> w = pool.Word(insn.operands[0].value);
    if (w && heap.Decode(*w).is_smi()) relative = heap.Decode(*w).smi;
  } else {
    relative = tables.bytecodes[insn.opcode].name == "JumpLoop" ? -insn.operands[0].value : insn.operands[0].value;
  }
  if (!relative) return "";
  int64_t target = offset + *relative + insn.prefix;
  return " (" + Pointer(b.first_bytecode + target) + " @ " + std::to_string(target) + ")";
}

// " { 0: @12, 1: @20 }": the cases of a switch at `offset`.
std::string SwitchCasesText(Heap& heap, const BytecodeTables& tables, const Instruction& insn,
                            const ConstantPool& pool, int offset) {
  if (!tables.IsSwitch(insn.opcode) || insn.operands.size() < 3) return "";
  int64_t start, size, base;
  if (tables.bytecodes[insn.opcode].name == "SwitchOnGeneratorState") {
    start = insn.operands[1].value;
    size = insn.operands[2].value;
    base = 0;
  } else {
    start = insn.operands[0].value;
    size = insn.operands[1].value;
    base = insn.operands[2].value;
  }
  std::string line = " {";
  bool first = true;
  for (int64_t i = 0; i < size && i < 65536; i++) {
    std::optional<uint64_t> w = pool.Word(start + i);
    if (!w || !heap.Decode(*w).is_smi()) continue;
    line += first ? " " : ", ";
    first = false;
    line += std::to_string(base + i) + ": @" + std::to_string(offset + heap.Decode(*w).smi + insn.prefix);
  }
  return line + " }";
}

// One line per instruction, its source position in front; an undecodable
// instruction ends the listing with why.
std::string InstructionsText(Heap& heap, const BytecodeTables& tables, const BytecodeArray& b,
                             const ConstantPool& pool, const Positions& positions, const OperandContext& context) {
  std::string out;
  size_t next_position = 0;
  int offset = 0;
  for (int guard = 0; offset < b.length && guard <= b.length; guard++) {
    std::string line;
    if (next_position < positions.entries.size() && positions.entries[next_position].code_offset == offset) {
      const SourcePositionEntry& e = positions.entries[next_position];
      line += Right(e.script_offset(), 5);
      // V8 14 writes positions the debugger cannot break at in lower case.
      line += e.is_statement ? (e.is_breakable ? " S> " : " s> ") : (e.is_breakable ? " E> " : " e> ");
      next_position++;
    } else {
      line += "         ";
    }
    line += Pointer(b.first_bytecode + offset) + " @ " + Right(offset, 4) + " : ";
    Instruction insn;
    try {
      insn = DecodeInstruction(tables, b.code.data(), b.code.size(), offset);
    } catch (const Error& e) {
      out += line + "(" + e.what() + ")\n";
      break;
    }
    line += FormatInstruction(tables, insn, b.code.data(), context);
    line += JumpTargetText(heap, tables, insn, b, pool, offset);
    line += SwitchCasesText(heap, tables, insn, pool, offset);
    out += line + "\n";
    offset += insn.length;
  }
  return out;
}

// The pool as V8's FixedArray print shows it: runs of one value as "i-j".
std::string ConstantPoolText(Heap& heap, const ConstantPool& pool, const V8Rules& rules, LazyRoots& roots) {
  std::string out = "Constant pool (size = " + std::to_string(pool.length) + ")\n";
  if (!pool.address || pool.length <= 0) return out;
  int type = heap.InstanceTypeOf(pool.address);
  std::string cls = heap.metadata().TypeClass(type);
  V8View view(heap);
  out += heap.Shown(pool.address) + ": [" + (cls.empty() ? heap.TypeName(type) : cls) + "]\n";
  uint64_t map = heap.MapOf(pool.address) + heap.layout().tagging.heap_object_tag;
  out += " - map: " + Address12(map) + " " + view.Brief(map) + "\n";
  out += " - length: " + std::to_string(pool.length) + "\n";
  for (int64_t i = 0; i < pool.length;) {
    uint64_t w = *pool.Word(i);
    int64_t j = i + 1;
    while (j < pool.length && *pool.Word(j) == w) j++;
    std::string index = j - i > 1 ? std::to_string(i) + "-" + std::to_string(j - 1) : std::to_string(i);
    out += std::string(index.size() < 12 ? 12 - index.size() : 0, ' ') + index + ": " +
           ConstantBrief(heap, w, rules, roots.For(heap, w)) + "\n";
    i = j;
  }
  return out;
}

std::string HandlerTableText(Heap& heap, const BytecodeArrayLayout& layout, const BytecodeArray& b) {
  Tagged h = heap.Decode(b.handler_table);
  std::vector<uint8_t> bytes;
  if (h.kind == Tagged::Kind::kStrong) bytes = ReadByteArray(heap, layout, h.address);
  std::string out = "Handler Table (size = " + std::to_string(bytes.size()) + ")\n";
  if (bytes.empty()) return out;
  out += "   from   to       hdlr (prediction,   data)\n";
  for (const HandlerRange& r : DecodeHandlerTable(bytes.data(), bytes.size(), layout.handler_offset_shift)) {
    out += "  (" + Right(r.start, 4) + "," + Right(r.end, 4) + ")  ->  " + Right(r.handler, 4) +
           " (prediction=" + std::to_string(r.prediction) + ", data=" + std::to_string(r.data) + ")\n";
  }
  return out;
}

std::string PositionTableText(Heap& heap, const Positions& positions) {
  std::string out = "Source Position Table (size = " + std::to_string(positions.table_size) + ")\n";
  if (positions.table && positions.table_size > 0) {
    std::string cls = heap.metadata().TypeClass(heap.InstanceTypeOf(positions.table));
    out += Address12(positions.table + heap.layout().tagging.heap_object_tag) + " <" + cls + "[" +
           std::to_string(positions.table_size) + "]>\n";
  }
  return out + positions.note;
}

std::string Disassemble(Heap& heap, uint64_t raw, const std::string& version,
                        const std::function<const BytecodeTables&()>& get_tables, Program* target) {
  RequireBytecodeVersion(version);
  const V8Rules& rules = heap.rules();
  BytecodeLocation loc = LocateBytecode(heap, raw, rules);
  if (!loc.bytecode_array) {
    std::string what = loc.function ? "function" : loc.shared ? "SharedFunctionInfo" : "object";
    what += " " + Hex(raw);
    if (!loc.name.empty()) what += " (" + loc.name + ")";
    throw Error("no bytecode for " + what + ": " + loc.missing);
  }

  const BytecodeTables& tables = get_tables();
  const BytecodeArrayLayout layout = BytecodeArrayLayout::For(heap.metadata());
  BytecodeArray b = ReadBytecodeArray(heap, layout, loc.bytecode_array);
  const ConstantPool pool = ReadConstantPool(heap, layout, b);
  const Positions positions = ReadPositions(heap, layout, b);

  LazyRoots roots(target);
  OperandContext context;
  context.constant_brief = [&](uint32_t index) {
    std::optional<uint64_t> w = pool.Word(index);
    return w ? ConstantOperandBrief(heap, *w, rules, roots.For(heap, *w)) : std::string("<out of range>");
  };
  std::string out = HeaderText(heap, loc, b);
  out += InstructionsText(heap, tables, b, pool, positions, context);
  out += ConstantPoolText(heap, pool, rules, roots);
  out += HandlerTableText(heap, layout, b);
  out += PositionTableText(heap, positions);
  return out;
}

}  // namespace

}  // namespace nodegdb

namespace nodegdb {

std::optional<std::string> DisassembleIfBytecodeArray(Program& target, uint64_t raw) {
  Heap& heap = target.heap();
  Tagged t = heap.Decode(raw);
  if (t.kind != Tagged::Kind::kStrong) return std::nullopt;
  std::optional<int> type = heap.metadata().FindType("BYTECODE_ARRAY_TYPE");
  try {
    if (!type || heap.InstanceTypeOf(t.address) != *type) return std::nullopt;
  } catch (const Error&) {
    return std::nullopt;  // not an object: the caller's own view says why
  }
  return DisassembleBytecode(target, raw);
}

}  // namespace nodegdb
