#include "core/bytecode/bytecode_array.h"

#include "core/v8/shared_function_info.h"

#include <cstring>

#include "core/v8/string.h"

namespace nodegdb {

namespace {

constexpr int kMaxBytecodeLength = 16 << 20;  // far above any real function

int32_t ReadI32(Heap& heap, uint64_t address) { return static_cast<int32_t>(heap.memory().ReadU32(address)); }

bool IsType(Heap& heap, uint64_t address, const char* type_name, int* type_out = nullptr) {
  std::optional<int> wanted = heap.metadata().FindType(type_name);
  int type = heap.InstanceTypeOf(address);
  if (type_out) *type_out = type;
  return wanted && type == *wanted;
}

bool TypeIs(const Heap& heap, int type, const char* type_name) {
  std::optional<int> wanted = heap.metadata().FindType(type_name);
  return wanted && type == *wanted;
}

bool IsJSFunctionType(const Heap& heap, int type) {
  const Metadata& md = heap.metadata();
  std::optional<int64_t> first = md.Find("v8dbg_FirstJSFunctionType");
  std::optional<int64_t> last = md.Find("v8dbg_LastJSFunctionType");
  if (first && last) return type >= *first && type <= *last;
  // V8 11 names only JS_FUNCTION_TYPE; its relatives (class constructors,
  // promise constructors...) are named *_CONSTRUCTOR_TYPE / *_FUNCTION_TYPE.
  std::string name = md.TypeName(type);
  if (name.rfind("JS_", 0) != 0) return false;
  auto ends = [&](const char* s) {
    size_t n = std::strlen(s);
    return name.size() > n && name.compare(name.size() - n, n, s) == 0;
  };
  return name == "JS_FUNCTION_TYPE" || ends("_CONSTRUCTOR_TYPE") ||
         (ends("_FUNCTION_TYPE") && name.find("BOUND") == std::string::npos &&
          name.find("WRAPPED") == std::string::npos);
}

// The SharedFunctionInfo of a JSFunction (of any of the JS function types:
// class and promise constructors have their own), or 0 if `address` is not
// one. V8 11 names only JS_FUNCTION_TYPE; the shared field then decides.
uint64_t FunctionShared(Heap& heap, uint64_t address, int type) {
  std::optional<int64_t> field = heap.metadata().FindField("JSFunction", {"shared"});
  if (!field) return 0;
  const bool known = IsJSFunctionType(heap, type);
  std::string name = heap.metadata().TypeName(type);
  if (!known && !name.empty() && name.find("FUNCTION") == std::string::npos &&
      name.find("CONSTRUCTOR") == std::string::npos) {
    return 0;
  }
  Tagged shared = heap.ReadTagged(address + *field);
  if (shared.kind == Tagged::Kind::kStrong && IsType(heap, shared.address, "SHARED_FUNCTION_INFO_TYPE")) {
    return shared.address;
  }
  if (known) throw CorruptObject("the shared field of function " + heap.Shown(address) + " is not a SharedFunctionInfo");
  return 0;
}

// The first of the object's tagged fields in [8, 8 * fields] that points to
// an object of one of the given types: for objects whose layout changed but
// that hold exactly one such pointer (baseline Code, InterpreterData).
uint64_t FindFieldOfType(Heap& heap, uint64_t object, int fields, std::initializer_list<const char*> types) {
  for (int i = 1; i <= fields; i++) {
    uint64_t word;
    if (!heap.memory().Read(object + 8 * i, &word, 8)) break;
    Tagged t = heap.Decode(word);
    if (t.kind != Tagged::Kind::kStrong) continue;
    try {
      int type = heap.InstanceTypeOf(t.address);
      for (const char* name : types) {
        if (TypeIs(heap, type, name)) return t.address;
      }
    } catch (const Error&) {
      // not an object: look at the next field
    }
  }
  return 0;
}

}  // namespace

BytecodeArrayLayout BytecodeArrayLayout::For(const Metadata& md) {
  const V8Rules& rules = md.rules();
  BytecodeArrayLayout l;
  l.data = md.FindField("BytecodeArray", {"data"}).value_or(rules.trusted_space_headers() ? 64 : 54);
  l.array_length = md.FindField("FixedArrayBase", {"length"}).value_or(8);
  l.array_data = md.FindField("FixedArray", {"data"}).value_or(16);
  if (rules.bytecode_array_after_wrapper()) {
    l.length = md.FindField("BytecodeArray", {"length"}).value_or(8);
    l.wrapper = md.FindField("BytecodeArray", {"wrapper"}).value_or(16);
    l.source_position_table = l.wrapper + 8;
    l.handler_table = l.wrapper + 16;
    l.constant_pool = l.wrapper + 24;
    l.frame_size = l.wrapper + 32;
    l.parameter = l.frame_size + 4;
    l.incoming_register = l.frame_size + 8;
    l.parameter_count_u16 = rules.bytecode_array_v13_fields();
    l.handler_offset_shift = rules.bytecode_array_v13_fields() ? 4 : 3;
    l.breakable_positions = rules.breakable_positions();
  } else {
    l.length = l.array_length;
    l.constant_pool = 16;
    l.handler_table = 24;
    l.source_position_table = 32;
    l.frame_size = 40;
    l.parameter = 44;
    l.incoming_register = 48;
    l.age = 52;
  }
  return l;
}

BytecodeArray ReadBytecodeArray(Heap& heap, const BytecodeArrayLayout& l, uint64_t address) {
  BytecodeArray b;
  b.address = address;
  if (!IsType(heap, address, "BYTECODE_ARRAY_TYPE")) {
    throw heap.NotA(address, "BytecodeArray");
  }
  const std::string shown = heap.Shown(address);
  int64_t length = heap.ReadSmiField(address, l.length, "length");
  if (length < 0 || length > kMaxBytecodeLength) {
    throw CorruptObject("BytecodeArray " + shown + " has an impossible length " + std::to_string(length));
  }
  b.length = static_cast<int>(length);
  b.frame_size = ReadI32(heap, address + l.frame_size);
  if (b.frame_size < 0 || b.frame_size % 8 != 0 || b.frame_size > (1 << 24)) {
    throw CorruptObject("BytecodeArray " + shown + " has an impossible frame size " + std::to_string(b.frame_size));
  }
  b.register_count = b.frame_size / 8;
  if (l.parameter_count_u16) {
    b.parameter_count = heap.memory().ReadU16(address + l.parameter);
  } else {
    int32_t bytes = ReadI32(heap, address + l.parameter);
    if (bytes < 0 || bytes % 8 != 0) {
      throw CorruptObject("BytecodeArray " + shown + " has an impossible parameter size " + std::to_string(bytes));
    }
    b.parameter_count = bytes / 8;
  }
  if (l.age >= 0) b.age = heap.memory().ReadU16(address + l.age);
  b.constant_pool = heap.ReadWord(address + l.constant_pool);
  b.handler_table = heap.ReadWord(address + l.handler_table);
  b.source_position_table = heap.ReadWord(address + l.source_position_table);
  b.first_bytecode = address + l.data;
  b.code.resize(b.length);
  if (b.length) heap.memory().ReadOrThrow(b.first_bytecode, b.code.data(), b.code.size());
  return b;
}

std::vector<uint8_t> ReadByteArray(Heap& heap, const BytecodeArrayLayout& l, uint64_t address, size_t limit) {
  int64_t length = heap.ReadSmiField(address, l.array_length, "length");
  if (length < 0 || static_cast<uint64_t>(length) > limit) {
    throw CorruptObject("byte array " + heap.Shown(address) + " has an impossible length " + std::to_string(length));
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(length));
  if (length) heap.memory().ReadOrThrow(address + l.array_data, bytes.data(), bytes.size());
  return bytes;
}

std::vector<SourcePositionEntry> DecodeSourcePositions(const uint8_t* bytes, size_t size, bool breakable,
                                                       size_t max_entries) {
  std::vector<SourcePositionEntry> out;
  size_t i = 0;
  auto read_unsigned = [&]() -> uint64_t {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (i >= size) throw CorruptObject("source position table ends inside an entry");
      if (shift > 63) throw CorruptObject("source position table has an over-long number");
      uint8_t b = bytes[i++];
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  auto zigzag = [](uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); };
  // A damaged table may hold any 64-bit deltas: sums wrap instead of
  // overflowing, and a code offset outside a bytecode array's range ends it.
  auto add = [](int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); };
  int64_t code_offset = -1;  // V8's kFunctionEntryBytecodeOffset
  int64_t position = 0;
  while (i < size && out.size() < max_entries) {
    SourcePositionEntry e;
    if (breakable) {
      uint64_t v = read_unsigned();
      code_offset = add(code_offset, static_cast<int64_t>(v >> 2));
      e.is_statement = v & 1;
      e.is_breakable = (v >> 1) & 1;
    } else {
      int64_t v = zigzag(read_unsigned());
      if (v >= 0) {
        e.is_statement = true;
        code_offset = add(code_offset, v);
      } else {
        e.is_statement = false;
        code_offset = add(code_offset, -(v + 1));
      }
    }
    if (code_offset < -1 || code_offset > INT32_MAX) {
      throw CorruptObject("source position table has an impossible bytecode offset " + std::to_string(code_offset));
    }
    position = add(position, zigzag(read_unsigned()));
    e.code_offset = static_cast<int>(code_offset);
    e.raw = position;
    out.push_back(e);
  }
  return out;
}

std::vector<HandlerRange> DecodeHandlerTable(const uint8_t* bytes, size_t size, int shift) {
  std::vector<HandlerRange> out;
  for (size_t at = 0; at + 16 <= size; at += 16) {
    int32_t v[4];
    std::memcpy(v, bytes + at, 16);
    const uint32_t handler = static_cast<uint32_t>(v[2]);
    out.push_back({v[0], v[1], static_cast<int>(handler >> shift), static_cast<int>(handler & 7), v[3]});
  }
  return out;
}


std::string SharedFunctionName(Heap& heap, uint64_t shared) {
  // SharedFunctionInfo::DebugName: the name, else the inferred name.
  return ReadSharedFunctionInfo(heap, shared).debug_name;
}

namespace {

// Follows a SharedFunctionInfo's function data to its BytecodeArray.
void FromSharedData(Heap& heap, uint64_t word, BytecodeLocation* loc, int depth) {
  Tagged t = heap.Decode(word);
  if (t.is_smi()) {
    loc->missing = "it is a builtin (id " + std::to_string(t.smi) + "), implemented in machine code: no bytecode";
    return;
  }
  if (t.kind != Tagged::Kind::kStrong) {
    loc->missing = "its function data " + Hex(word) + " is not an object";
    return;
  }
  int type = heap.InstanceTypeOf(t.address);
  std::string name = heap.TypeName(type);
  if (TypeIs(heap, type, "BYTECODE_ARRAY_TYPE")) {
    loc->bytecode_array = t.address;
  } else if (TypeIs(heap, type, "BYTECODE_WRAPPER_TYPE") && depth < 3) {
    FromSharedData(heap, heap.ReadWord(t.address + 8), loc, depth + 1);
  } else if (TypeIs(heap, type, "INTERPRETER_DATA_TYPE")) {
    uint64_t b = FindFieldOfType(heap, t.address, 3, {"BYTECODE_ARRAY_TYPE"});
    if (!b) throw CorruptObject("InterpreterData " + heap.Shown(t.address) + " holds no BytecodeArray");
    loc->notes.push_back("bytecode via InterpreterData " + heap.Shown(t.address) +
                         " (--interpreted-frames-native-stack)");
    loc->bytecode_array = b;
  } else if (TypeIs(heap, type, "CODE_TYPE")) {
    uint64_t b = FindFieldOfType(heap, t.address, 3, {"BYTECODE_ARRAY_TYPE", "INTERPRETER_DATA_TYPE"});
    if (!b) {
      loc->missing = "its function data is Code " + heap.Shown(t.address) + " without bytecode";
      return;
    }
    loc->notes.push_back("the function has baseline (Sparkplug) code " + heap.Shown(t.address) +
                         " compiled from this bytecode");
    if (depth < 3) FromSharedData(heap, b + heap.layout().tagging.heap_object_tag, loc, depth + 1);
  } else if (name.find("UNCOMPILED_DATA") != std::string::npos) {
    loc->missing = "it is not compiled: V8 compiles a function on its first call, and flushes the bytecode of "
                   "functions that have not run for a while";
  } else if (TypeIs(heap, type, "FUNCTION_TEMPLATE_INFO_TYPE")) {
    loc->missing = "it is an API function implemented in C++ (FunctionTemplateInfo): no bytecode";
  } else if (name.find("WASM") != std::string::npos || name.find("ASM_WASM") != std::string::npos) {
    loc->missing = "it is WebAssembly (" + name + "): no bytecode";
  } else {
    loc->missing = "its function data is a " + name + ": no bytecode";
  }
}

void FromShared(Heap& heap, uint64_t shared, const V8Rules& rules, BytecodeLocation* loc) {
  loc->shared = shared;
  try {
    loc->name = SharedFunctionName(heap, shared);
  } catch (const Error&) {
    // an unreadable name: the bytecode is still shown, as (anonymous)
  }
  const Metadata& md = heap.metadata();
  // V8 11: function_data; V8 12+: the (trusted) function data is the first
  // field, and from V8 13 the untrusted one (builtin ids, uncompiled data,
  // API functions) follows it.
  int64_t data = md.FindField("SharedFunctionInfo", {"function_data", "trusted_function_data"}).value_or(8);
  uint64_t word = heap.ReadWord(shared + data);
  Tagged t = heap.Decode(word);
  if (rules.untrusted_function_data() && !(t.kind == Tagged::Kind::kStrong)) {
    int64_t untrusted = md.FindField("SharedFunctionInfo", {"untrusted_function_data"}).value_or(16);
    word = heap.ReadWord(shared + untrusted);
  }
  FromSharedData(heap, word, loc, 0);
}

// The kind of code a JSFunction runs, from its code field (V8 11, 12; V8
// 13+ keep it in the JS dispatch table, which is not read).
void NoteCodeKind(Heap& heap, uint64_t function, const V8Rules& rules, BytecodeLocation* loc) {
  const Metadata& md = heap.metadata();
  std::optional<int64_t> code_field = md.FindField("JSFunction", {"code"});
  if (!code_field && rules.function_code_field_unnamed_at_48()) code_field = 48;  // between feedback cell (40) and prototype (56)
  if (!code_field) return;
  std::optional<int64_t> baseline = md.Find("v8dbg_CodeKindBaseline");
  std::optional<int64_t> mask = md.Find("v8dbg_CodeKindFieldMask");
  std::optional<int64_t> shift = md.Find("v8dbg_CodeKindFieldShift");
  int64_t flags_offset = md.FindField("Code", {"flags"}).value_or(48);
  if (!baseline || !mask || !shift) return;
  try {
    Tagged code = heap.ReadTagged(function + *code_field);
    if (code.kind != Tagged::Kind::kStrong || !IsType(heap, code.address, "CODE_TYPE")) return;
    uint32_t flags = heap.memory().ReadU32(code.address + flags_offset);
    int64_t kind = (flags >> *shift) & *mask;
    if (kind == *baseline + 1) {
      loc->notes.push_back("the function runs optimized code (MAGLEV " + heap.Shown(code.address) +
                           "); this is the bytecode it was compiled from and deoptimizes to");
    } else if (kind == *baseline + 2) {
      loc->notes.push_back("the function runs optimized code (TURBOFAN " + heap.Shown(code.address) +
                           "); this is the bytecode it was compiled from and deoptimizes to");
    }  // baseline code is noted with the SharedFunctionInfo's data
  } catch (const Error&) {
    // an unreadable code field: the note is optional
  }
}

}  // namespace

BytecodeLocation LocateBytecode(Heap& heap, uint64_t raw, const V8Rules& rules) {
  BytecodeLocation loc;
  Tagged t = heap.Decode(raw);
  switch (t.kind) {
    case Tagged::Kind::kSmi:
      throw Error(Hex(raw) + " is the Smi " + std::to_string(t.smi) +
                  ", not a function, SharedFunctionInfo or BytecodeArray");
    case Tagged::Kind::kInvalid:
      throw Error(NotTaggedMessage(raw));
    case Tagged::Kind::kCleared:
      throw Error(Hex(raw) + " is a cleared weak reference");
    default:
      break;
  }
  const uint64_t a = t.address;
  int type = heap.InstanceTypeOf(a);
  if (TypeIs(heap, type, "BYTECODE_ARRAY_TYPE")) {
    loc.bytecode_array = a;
  } else if (TypeIs(heap, type, "BYTECODE_WRAPPER_TYPE")) {
    FromSharedData(heap, heap.ReadWord(a + 8), &loc, 0);
  } else if (TypeIs(heap, type, "SHARED_FUNCTION_INFO_TYPE")) {
    FromShared(heap, a, rules, &loc);
  } else if (uint64_t shared = FunctionShared(heap, a, type)) {
    loc.function = a;
    FromShared(heap, shared, rules, &loc);
    if (loc.bytecode_array) NoteCodeKind(heap, a, rules, &loc);
  } else if (TypeIs(heap, type, "INTERPRETER_DATA_TYPE") || TypeIs(heap, type, "CODE_TYPE")) {
    FromSharedData(heap, raw, &loc, 0);
  } else {
    throw Error(Hex(raw) + " is a " + heap.TypeName(type) +
                ", not a function, SharedFunctionInfo or BytecodeArray");
  }
  return loc;
}

}  // namespace nodegdb
