#include "core/view/call_site_info.h"

#include <algorithm>
#include <functional>

#include "core/v8/js_function.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/oddball.h"
#include "core/v8/property.h"
#include "core/v8/shared_function_info.h"
#include "core/v8/source_positions.h"
#include "core/v8/string.h"
#include "core/view/debug_print.h"
#include "core/view/js_model.h"
#include "core/view/v8_view.h"

namespace nodegdb {

namespace {

// Slots of one frame in a raw capture array (V8 13+).
constexpr int64_t kRawFrameSlots = 6;
constexpr int64_t kRawCode = 0, kRawReceiver = 1, kRawFunction = 2, kRawOffset = 3, kRawParameters = 4, kRawFlags = 5;
// Longest source position table read, and most prototypes walked.
constexpr size_t kMaxPositionTable = 16u << 20;
constexpr int kMaxChain = 64;
// Nested evals followed for an eval origin.
constexpr int kMaxEvalDepth = 16;

struct CallSiteLayout {
  int call_site_info_type = -1, error_stack_data_type = -1, fixed_array_type = -1;
  int bytecode_array_type = -1, bytecode_wrapper_type = -1, byte_array_type = -1, trusted_byte_array_type = -1;
  int global_proxy_type = -1, proxy_type = -1, big_int_type = -1;
  int64_t receiver = 8, function = 16, code_object = 24, offset = 32, flags = 40, parameters = 48;
  int64_t error_stack_data_stack = 8;  // call_site_infos_or_formatted_stack
  int64_t bytecode_positions = 32;     // BytecodeArray::source_position_table
  bool raw_frames = false;
  bool builtin_bit = true;  // CallSiteFlags' layout (V8 12+)
  PositionTableFormat position_format = PositionTableFormat::kSignedOffsets;

  static CallSiteLayout From(const Metadata& md) {
    CallSiteLayout l;
    const V8Rules& rules = md.rules();
    auto type = [&](const char* name) { return md.FindType(name).value_or(-1); };
    l.call_site_info_type = type("CALL_SITE_INFO_TYPE");
    l.error_stack_data_type = type("ERROR_STACK_DATA_TYPE");
    l.fixed_array_type = type("FIXED_ARRAY_TYPE");
    l.bytecode_array_type = type("BYTECODE_ARRAY_TYPE");
    l.bytecode_wrapper_type = type("BYTECODE_WRAPPER_TYPE");
    l.byte_array_type = type("BYTE_ARRAY_TYPE");
    l.trusted_byte_array_type = type("TRUSTED_BYTE_ARRAY_TYPE");
    l.global_proxy_type = type("JS_GLOBAL_PROXY_TYPE");
    l.proxy_type = type("JS_PROXY_TYPE");
    l.big_int_type = type("BIGINT_TYPE");
    if (rules.call_site_info_code_object_first()) {
      l.code_object = 8;
      l.receiver = 16;
      l.function = 24;
    }
    auto field = [&](const char* name, int64_t fallback) {
      return md.FindField("CallSiteInfo", {name}).value_or(fallback);
    };
    l.receiver = field("receiver_or_instance", l.receiver);
    l.function = field("function", l.function);
    l.code_object = field("code_object", l.code_object);
    l.offset = field("code_offset_or_source_position", l.offset);
    l.flags = field("flags", l.flags);
    l.parameters = field("parameters", l.parameters);
    l.error_stack_data_stack =
        md.FindField("ErrorStackData", {"call_site_infos_or_formatted_stack"}).value_or(l.error_stack_data_stack);
    l.bytecode_positions = md.FindField("BytecodeArray", {"source_position_table"})
                               .value_or(rules.bytecode_positions_at_24() ? 24 : 32);
    l.raw_frames = rules.error_stack_raw_frames();
    l.builtin_bit = rules.call_site_flags_have_builtin_bit();
    l.position_format = PositionTableFormatFor(rules);
    return l;
  }
};

const CallSiteLayout& LayoutOf(Heap& heap) { return heap.LayoutOf<CallSiteLayout>(); }

// Stored flags in CallSiteFlags' bits: V8 11 has no is_builtin bit 6, its
// is_source_position_computed sits there.
int64_t CanonicalFlags(const CallSiteLayout& l, int64_t raw) {
  if (l.builtin_bit) return raw;
  const int64_t low = raw & ((1 << 6) - 1);
  return low | ((raw >> 6) << 7);
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// String::IsIdentifier, close enough for naming frames: ASCII letters,
// digits, $ and _, and anything non-ASCII.
bool IsIdentifier(const std::string& s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); i++) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool ok = c >= 0x80 || c == '$' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// StringEndsWithMethodName: "a.b" and "get b" end with method "b".
// V8 11: '.' only.
bool EndsWithMethodName(const std::string& function_name, const std::string& method, bool after_space) {
  if (function_name == method) return true;
  if (function_name.size() <= method.size()) return false;
  char before = function_name[function_name.size() - method.size() - 1];
  return EndsWith(function_name, method) && (before == '.' || (after_space && before == ' '));
}

std::string StringOf(Heap& heap, uint64_t raw, size_t limit = 1000) {
  uint64_t address = 0;
  int type = heap.StrongTypeOf(raw, &address);
  if (type < 0 || !heap.IsString(type)) return "";
  return Utf16ToUtf8(ReadString(heap, address, limit).units);
}

bool IsString(Heap& heap, uint64_t raw) {
  int type = heap.StrongTypeOf(raw);
  return type >= 0 && heap.IsString(type);
}

// CheckMethodName's accessor case: an AccessorPair whose getter or setter
// is the function.
bool AccessorHolds(Heap& heap, const Tagged& value, uint64_t function) {
  if (value.kind != Tagged::Kind::kStrong || heap.metadata().TypeClass(heap.InstanceTypeOf(value.address)) != "AccessorPair") {
    return false;
  }
  const int64_t getter = heap.metadata().FindField("AccessorPair", {"getter"}).value_or(8);
  const int64_t setter = heap.metadata().FindField("AccessorPair", {"setter"}).value_or(16);
  return heap.ReadWord(value.address + static_cast<uint64_t>(getter)) == function ||
         heap.ReadWord(value.address + static_cast<uint64_t>(setter)) == function;
}

// Where GetMethodName finds the function on the receiver: under the
// function's own name (without a "get "/"set " prefix) along the prototype
// chain, else under the one enumerable own key of the objects on the chain
// that holds it ("" if none, or more than one).
std::string MethodName(Heap& heap, uint64_t receiver, uint64_t function, const std::string& own_name) {
  V8View view(heap);
  const int proxy_type = LayoutOf(heap).proxy_type;
  auto receiver_map = [&](uint64_t object, MapInfo* map) {
    try {
      *map = ReadMap(heap, heap.MapOf(object));
      return view.IsReceiverType(map->instance_type) && map->instance_type != proxy_type;
    } catch (const Error&) {
      return false;
    }
  };
  std::string name = own_name;
  if (StartsWith(name, "get ") || StartsWith(name, "set ")) name = name.substr(4);
  bool ascii = !name.empty();
  for (char c : name) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    std::u16string key(name.begin(), name.end());
    uint64_t object = receiver;
    for (int depth = 0; depth < kMaxChain; depth++) {
      MapInfo map;
      if (!receiver_map(object, &map)) break;
      if (auto p = FindOwnProperty(heap, object, map, key)) {
        if (p->details.accessor ? AccessorHolds(heap, p->value, function) : p->value.raw == function) return name;
        break;  // the first property found decides
      }
      if (map.prototype.kind != Tagged::Kind::kStrong) break;
      object = map.prototype.address;
    }
  }
  const PropertyLayout& pl = heap.LayoutOf<PropertyLayout>();
  std::string found;
  uint64_t object = receiver;
  std::vector<uint64_t> seen;
  for (int depth = 0; depth < kMaxChain; depth++) {
    if (std::find(seen.begin(), seen.end(), object) != seen.end()) break;
    seen.push_back(object);
    MapInfo map;
    if (!receiver_map(object, &map)) break;
    for (const OwnProperty& p : ReadOwnProperties(heap, object, map, 4096)) {
      if (p.details.accessor || !p.details.enumerable(pl) || p.value.raw != function) continue;
      KeyText key = ReadKey(heap, p.key);
      if (key.is_symbol || key.is_private) continue;
      if (!found.empty()) return "";  // ambiguous: V8 names none
      found = key.text;
    }
    if (map.prototype.kind != Tagged::Kind::kStrong) break;
    object = map.prototype.address;
  }
  return found;
}

// JSReceiver::GetConstructorName (HeapJsModel::InternalConstructorName).
std::string ConstructorNameOf(Heap& heap, uint64_t object) {
  InspectOptions options;
  options.depth = 0;
  options.max_array_length = 0;
  HeapJsModel model(heap, options);
  JsDescription d = model.Describe(object + heap.layout().tagging.heap_object_tag);
  return model.InternalConstructorName(object, ReadMap(heap, heap.MapOf(object)), d.builtin_name);
}

// The source position of a bytecode offset (BytecodeArray::SourcePosition),
// nullopt if the BytecodeArray has no source position table.
std::optional<int64_t> BytecodePosition(Heap& heap, uint64_t bytecode_array, int64_t offset) {
  const CallSiteLayout& l = LayoutOf(heap);
  uint64_t table = 0;
  int type = heap.StrongTypeOf(heap.ReadWord(bytecode_array + static_cast<uint64_t>(l.bytecode_positions)), &table);
  if (type < 0 || (type != l.byte_array_type && type != l.trusted_byte_array_type)) return std::nullopt;
  Tagged length = heap.ReadTagged(table + 8);
  if (!length.is_smi() || length.smi < 0 || static_cast<uint64_t>(length.smi) > kMaxPositionTable) {
    throw CorruptObject("source position table " + heap.Shown(table) + " has a bad length");
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(length.smi));
  if (!bytes.empty()) heap.memory().ReadOrThrow(table + 16, bytes.data(), bytes.size());
  auto entry = PositionAt(DecodeSourcePositionTable(bytes.data(), bytes.size(), l.position_format), offset);
  return entry ? entry->script_offset : 0;  // V8: 0 before the first entry
}

// The BytecodeArray a code object slot leads to (directly or through its
// BytecodeWrapper), 0 if none.
uint64_t BytecodeOf(Heap& heap, uint64_t raw) {
  const CallSiteLayout& l = LayoutOf(heap);
  uint64_t address = 0;
  int type = heap.StrongTypeOf(raw, &address);
  if (type < 0) return 0;
  if (type == l.bytecode_array_type) return address;
  if (type == l.bytecode_wrapper_type) return BytecodeFromFunctionData(heap, raw);
  return 0;
}

// Script::GetEvalPosition: a negative eval_from_position is a code offset in
// the evaluating function, not yet translated.
std::optional<int64_t> EvalPosition(Heap& heap, const ScriptInfo& script) {
  if (script.eval_from_position >= 0) return script.eval_from_position;
  uint64_t shared = 0;
  if (heap.StrongTypeOf(script.eval_from_shared_or_wrapped_arguments, &shared) < 0 ||
      !IsSharedFunctionInfo(heap, shared)) {
    return 0;
  }
  SharedFunctionInfoData sfi = ReadSharedFunctionInfo(heap, shared);
  if (!sfi.bytecode_array) return std::nullopt;
  return BytecodePosition(heap, sfi.bytecode_array, -script.eval_from_position);
}

// FormatEvalOrigin: "eval at f (file:1:2)", nested for eval in eval.
std::string EvalOrigin(Heap& heap, const ScriptInfo& script, int depth = 0) {
  if (IsString(heap, script.source_url)) return StringOf(heap, script.source_url);
  if (script.has_name) return script.name_text;
  std::string out = "eval at ";
  uint64_t shared = 0;
  if (heap.StrongTypeOf(script.eval_from_shared_or_wrapped_arguments, &shared) < 0 ||
      !IsSharedFunctionInfo(heap, shared)) {
    return out + "<anonymous>";
  }
  SharedFunctionInfoData sfi = ReadSharedFunctionInfo(heap, shared);
  out += sfi.debug_name.empty() ? "<anonymous>" : sfi.debug_name;
  if (!sfi.script) return out;
  ScriptInfo from = ReadScript(heap, sfi.script);
  out += " (";
  if (from.compilation_type == 1) {
    out += depth < kMaxEvalDepth ? EvalOrigin(heap, from, depth + 1) : "...";
  } else if (from.has_name) {
    out += from.name_text;
    std::optional<int64_t> position = EvalPosition(heap, script);
    // Without the script's line and column offsets (kNoOffset).
    ScriptInfo plain = from;
    plain.line_offset = plain.column_offset = 0;
    if (position) {
      if (auto loc = ScriptLocation(heap, plain, *position)) {
        out += ":" + std::to_string(loc->line) + ":" + std::to_string(loc->column);
      }
    }
  } else {
    out += "unknown source";
  }
  return out + ")";
}

JSFunctionData FunctionOf(Heap& heap, const CallSiteRecord& record) {
  Tagged f = heap.Decode(record.function);
  if (f.kind != Tagged::Kind::kStrong || !IsJSFunction(heap, f.address)) {
    throw CorruptObject("call site function " + Hex(record.function) + " is no JSFunction");
  }
  return ReadJSFunction(heap, f.address);
}

bool IsPromiseCombinator(const JSFunctionData& fn) {
  const std::string& n = fn.sfi.name_text;
  return fn.sfi.builtin_id && (n == "all" || n == "allSettled" || n == "any");
}

}  // namespace

bool IsCallSiteInfo(Heap& heap, uint64_t address) {
  try {
    return heap.InstanceTypeOf(address) == LayoutOf(heap).call_site_info_type;
  } catch (const Error&) {
    return false;
  }
}

CallSiteRecord ReadCallSiteInfo(Heap& heap, uint64_t address) {
  if (!IsCallSiteInfo(heap, address)) throw heap.NotA(address, "CallSiteInfo");
  const CallSiteLayout& l = LayoutOf(heap);
  CallSiteRecord r;
  r.address = address;
  r.receiver = heap.ReadWord(address + static_cast<uint64_t>(l.receiver));
  r.function = heap.ReadWord(address + static_cast<uint64_t>(l.function));
  r.code_object = heap.ReadWord(address + static_cast<uint64_t>(l.code_object));
  r.code_offset_or_source_position = heap.ReadSmiField(address, l.offset, "code_offset_or_source_position");
  r.raw_flags = heap.ReadSmiField(address, l.flags, "CallSiteInfo flags");
  r.flags = CanonicalFlags(l, r.raw_flags);
  if (l.parameters >= 0) r.parameters = heap.ReadWord(address + static_cast<uint64_t>(l.parameters));
  return r;
}

std::optional<std::vector<CallSiteRecord>> ReadUnformattedStack(Heap& heap, uint64_t raw, size_t max_frames) {
  const CallSiteLayout& l = LayoutOf(heap);
  uint64_t address = 0;
  int type = heap.StrongTypeOf(raw, &address);
  if (type >= 0 && type == l.error_stack_data_type) {
    raw = heap.ReadWord(address + static_cast<uint64_t>(l.error_stack_data_stack));
    type = heap.StrongTypeOf(raw, &address);
  }
  if (type < 0 || type != l.fixed_array_type) return std::nullopt;
  const int64_t length = FixedArrayLength(heap, address);
  std::vector<CallSiteRecord> frames;
  if (length == 0) return frames;
  // CallSiteInfo objects, one a slot (V8 11-12, and what V8 13+ makes).
  Tagged first = FixedArrayGet(heap, address, 0);
  if (first.kind == Tagged::Kind::kStrong && IsCallSiteInfo(heap, first.address)) {
    for (int64_t i = 0; i < length && frames.size() < max_frames; i++) {
      Tagged t = FixedArrayGet(heap, address, i);
      if (t.kind != Tagged::Kind::kStrong) throw CorruptObject("stack slot " + std::to_string(i) + " holds no CallSiteInfo");
      frames.push_back(ReadCallSiteInfo(heap, t.address));
    }
    return frames;
  }
  if (!l.raw_frames || length % kRawFrameSlots != 0) return std::nullopt;
  // A raw capture array: function and flags slots tell it from other arrays.
  for (int64_t i = 0; i + kRawFrameSlots <= length && frames.size() < max_frames; i += kRawFrameSlots) {
    CallSiteRecord r;
    r.code_object = FixedArrayGet(heap, address, i + kRawCode).raw;
    r.receiver = FixedArrayGet(heap, address, i + kRawReceiver).raw;
    r.function = FixedArrayGet(heap, address, i + kRawFunction).raw;
    Tagged offset = FixedArrayGet(heap, address, i + kRawOffset);
    Tagged flags = FixedArrayGet(heap, address, i + kRawFlags);
    r.parameters = FixedArrayGet(heap, address, i + kRawParameters).raw;
    Tagged fn = heap.Decode(r.function);
    const bool function_ok = fn.is_smi() || (fn.kind == Tagged::Kind::kStrong && IsJSFunction(heap, fn.address));
    if (!offset.is_smi() || !flags.is_smi() || !function_ok) {
      if (i == 0) return std::nullopt;  // not a stack at all
      throw CorruptObject("raw stack frame " + std::to_string(i / kRawFrameSlots) + " of " + heap.Shown(address) +
                          " is malformed");
    }
    r.code_offset_or_source_position = offset.smi;
    r.raw_flags = flags.smi;
    r.flags = CanonicalFlags(l, flags.smi);
    frames.push_back(r);
  }
  return frames;
}

CallSitePosition LocateCallSite(Heap& heap, const CallSiteRecord& record) {
  CallSitePosition p;
  if (record.is(CallSiteFlags::kIsWasm) || record.is(CallSiteFlags::kIsBuiltin)) return p;
  JSFunctionData fn = FunctionOf(heap, record);
  if (!fn.sfi.script) return p;
  ScriptInfo script = ReadScript(heap, fn.sfi.script);
  // Script::GetNameOrSourceURL: a //# sourceURL first.
  const bool has_source_url = IsString(heap, script.source_url);
  p.has_script = true;
  p.script = has_source_url ? StringOf(heap, script.source_url, 100000) : script.name_text;
  if (!has_source_url && !script.has_name && script.compilation_type == 1) p.eval_origin = EvalOrigin(heap, script);
  std::optional<int64_t> position;
  if (record.is(CallSiteFlags::kIsSourcePositionComputed)) {
    position = record.code_offset_or_source_position;
  } else if (uint64_t bytecode = BytecodeOf(heap, record.code_object)) {
    position = BytecodePosition(heap, bytecode, record.code_offset_or_source_position);
  }
  if (position) {
    if (auto loc = ScriptLocation(heap, script, *position)) {
      p.source_position = *position;
      p.line = loc->line;
      p.column = loc->column;
      // GetLineNumber / GetColumnNumber: a sourceURL'd script counts from its own start.
      if (has_source_url) {
        if (p.line - 1 == script.line_offset) p.column -= script.column_offset;
        p.line -= script.line_offset;
      }
      return p;
    }
  }
  if (auto start = LocateFunction(heap, fn.sfi); start && start->location) {
    p.line = start->location->line;
    p.column = start->location->column;
    p.function_start = true;
  }
  return p;
}

std::string CallSiteLocationText(const CallSitePosition& position) {
  std::string out;
  if (!position.eval_origin.empty()) out = position.eval_origin + ", ";
  out += position.script.empty() ? "<anonymous>" : position.script;
  if (position.has_script && position.line > 0) {
    out += ":" + std::to_string(position.line) + ":" + std::to_string(position.column);
    if (position.function_start) out += ", function start";
  }
  return out;
}

std::string CallSiteName(const CallSiteParts& parts) {
  const std::string& name = parts.function_name;
  if (parts.is_method_call) {
    // AppendMethodCall.
    if (name.empty()) {
      return (parts.type_name.empty() ? "" : parts.type_name + ".") +
             (parts.method_name.empty() ? std::string("<anonymous>") : parts.method_name);
    }
    std::string out;
    if (!parts.type_name.empty() && IsIdentifier(name) && name != parts.type_name) out = parts.type_name + ".";
    out += name;
    if (!parts.method_name.empty() && !EndsWithMethodName(name, parts.method_name, parts.method_after_space)) {
      out += " [as " + parts.method_name + "]";
    }
    return out;
  }
  if (parts.is_constructor) return "new " + (name.empty() ? std::string("<anonymous>") : name);
  return name;
}

std::string FormatCallSite(const CallSiteParts& parts) {
  std::string out = parts.is_async ? "async " : "";
  if (parts.is_async && !parts.promise_combinator.empty()) {
    return out + "Promise." + parts.promise_combinator + " (index " + std::to_string(parts.promise_index) + ")";
  }
  std::string name = CallSiteName(parts);
  if (name.empty()) return out + parts.location;
  return out + name + " (" + parts.location + ")";
}

std::string FunctionDebugName(Heap& heap, uint64_t function, const JSFunctionData& fn) {
  try {
    Tagged f = heap.Decode(function);
    if (f.kind == Tagged::Kind::kStrong) {
      MapInfo map = ReadMap(heap, heap.MapOf(f.address));
      if (auto p = FindOwnProperty(heap, f.address, map, u"name")) {
        if (!p->details.accessor && IsString(heap, p->value.raw)) return StringOf(heap, p->value.raw);
      }
    }
  } catch (const Error&) {
    // an unreadable property: the SharedFunctionInfo's name
  }
  return fn.sfi.debug_name;
}

CallSiteReceiverNames NameReceiver(Heap& heap, uint64_t receiver, uint64_t function, const JSFunctionData& fn) {
  const CallSiteLayout& l = LayoutOf(heap);
  CallSiteReceiverNames out;
  Tagged r = heap.Decode(receiver);
  try {
    if (r.is_smi()) {
      out.type_name = "Number";
      return out;
    }
    if (r.kind != Tagged::Kind::kStrong) return out;
    int type = heap.InstanceTypeOf(r.address);
    ObjectKind kind = heap.KindOf(type);
    if (type == l.global_proxy_type) {
      out.top_level = true;
    } else if (kind == ObjectKind::kString) {
      out.type_name = "String";
    } else if (kind == ObjectKind::kHeapNumber) {
      out.type_name = "Number";
    } else if (kind == ObjectKind::kSymbol) {
      out.type_name = "Symbol";
    } else if (kind == ObjectKind::kOddball || kind == ObjectKind::kHole) {
      std::string name = ReadOddball(heap, r.address).name;
      if (name == "true" || name == "false") {
        out.type_name = "Boolean";
      } else {
        out.top_level = true;  // undefined, null (a hole: V8 made it undefined)
      }
    } else if (type == l.big_int_type) {
      out.type_name = "BigInt";
    } else if (type == l.proxy_type) {
      out.type_name = "Proxy";
    } else if (IsJSFunctionType(heap, type)) {
      // A function as receiver (a static method): V8 13+ names the type
      // after the function ("Module._load"), V8 11-12 only class
      // constructors, others are "Function" (seen in Error.stack of each).
      JSFunctionData receiver_fn = ReadJSFunction(heap, r.address);
      const std::string& receiver_name = receiver_fn.sfi.debug_name;
      bool named = heap.rules().frames_name_function_receivers() || receiver_fn.is_class_constructor;
      out.type_name = named && !receiver_name.empty() ? receiver_name : "Function";
      out.method_name = MethodName(heap, r.address, function, fn.sfi.name_text);
    } else if (kind == ObjectKind::kOther) {
      out.type_name = ConstructorNameOf(heap, r.address);
      out.method_name = MethodName(heap, r.address, function, fn.sfi.name_text);
    }
  } catch (const Error&) {
    // an unreadable receiver: the function's own name is shown
  }
  return out;
}

std::string CallSiteText(Heap& heap, const CallSiteRecord& record) {
  try {
    if (record.is(CallSiteFlags::kIsWasm) && !record.is(CallSiteFlags::kIsAsmJsWasm)) return "<WebAssembly frame>";
    CallSiteParts parts;
    parts.is_async = record.is(CallSiteFlags::kIsAsync);
    parts.method_after_space = heap.rules().method_name_may_follow_space();
    parts.is_constructor = record.is(CallSiteFlags::kIsConstructor);
    if (record.is(CallSiteFlags::kIsBuiltin)) {
      // A builtin called from WebAssembly: its id, not a function.
      Tagged id = heap.Decode(record.function);
      return "<builtin " + (id.is_smi() ? std::to_string(id.smi) : Hex(record.function)) + "> (<anonymous>)";
    }
    JSFunctionData fn = FunctionOf(heap, record);
    if (parts.is_async && IsPromiseCombinator(fn)) {
      parts.promise_combinator = fn.sfi.name_text;
      parts.promise_index = record.code_offset_or_source_position;
      return FormatCallSite(parts);
    }
    CallSitePosition position = LocateCallSite(heap, record);
    parts.function_name = FunctionDebugName(heap, record.function, fn);
    if (parts.function_name.empty() && position.has_script && fn.sfi.script &&
        ReadScript(heap, fn.sfi.script).compilation_type == 1) {
      parts.function_name = "eval";
    }
    if (!parts.is_constructor) {
      CallSiteReceiverNames receiver = NameReceiver(heap, record.receiver, record.function, fn);
      parts.is_method_call = !receiver.top_level;
      parts.type_name = receiver.type_name;
      parts.method_name = receiver.method_name;
    }
    parts.location = CallSiteLocationText(position);
    return FormatCallSite(parts);
  } catch (const Error& e) {
    return std::string("<unreadable frame: ") + e.what() + ">";
  }
}

std::string CallSiteLines(Heap& heap, const std::vector<CallSiteRecord>& records) {
  std::string out;
  for (const CallSiteRecord& r : records) {
    if (!out.empty()) out += "\n";
    out += "    at " + CallSiteText(heap, r);
  }
  return out;
}

std::string DebugPrintCallSiteInfo(Heap& heap, V8View& view, uint64_t address) {
  const CallSiteLayout& l = LayoutOf(heap);
  CallSiteRecord r = ReadCallSiteInfo(heap, address);
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  const uint64_t map = heap.MapOf(address) + tag;
  std::string out = Hex(address + tag) + ": [CallSiteInfo]\n";
  out += " - map: " + Hex(map) + " " + view.Brief(map) + "\n";
  auto brief = [&](const char* name, uint64_t raw) {
    out += std::string(" - ") + name + ": " + V8Brief(heap, raw) + "\n";
  };
  // The Torque printer's order: the fields as laid out.
  std::vector<std::pair<int64_t, std::function<void()>>> fields = {
      {l.receiver, [&] { brief("receiver_or_instance", r.receiver); }},
      {l.function, [&] { brief("function", r.function); }},
      {l.code_object, [&] { brief("code_object", r.code_object); }},
      {l.offset, [&] { out += " - code_offset_or_source_position: " + std::to_string(r.code_offset_or_source_position) + "\n"; }},
      {l.flags, [&] { out += " - flags: " + std::to_string(r.raw_flags) + "\n"; }},
  };
  if (l.parameters >= 0) fields.emplace_back(l.parameters, [&] { brief("parameters", r.parameters); });
  std::stable_sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [offset, print] : fields) print();
  // Beyond %DebugPrint: what the flags say, where it is, and its line.
  std::string flags;
  const std::pair<int64_t, const char*> kFlagNames[] = {
      {CallSiteFlags::kIsWasm, "wasm"},         {CallSiteFlags::kIsAsmJsWasm, "asm.js"},
      {CallSiteFlags::kIsStrict, "strict"},     {CallSiteFlags::kIsConstructor, "constructor"},
      {CallSiteFlags::kIsAsync, "async"},       {CallSiteFlags::kIsBuiltin, "builtin"},
      {CallSiteFlags::kIsSourcePositionComputed, "source position computed"},
  };
  for (auto [bit, name] : kFlagNames) {
    if (r.is(bit)) flags += (flags.empty() ? "" : ", ") + std::string(name);
  }
  out += " - flag names: " + (flags.empty() ? std::string("none") : flags) + "\n";
  try {
    CallSitePosition p = LocateCallSite(heap, r);
    if (p.source_position >= 0) out += " - source position: " + std::to_string(p.source_position) + "\n";
    out += " - location: " + CallSiteLocationText(p) + "\n";
  } catch (const Error& e) {
    out += std::string(" - location: unknown (") + e.what() + ")\n";
  }
  out += " - stack trace line: at " + CallSiteText(heap, r) + "\n";
  return out;
}

}  // namespace nodegdb
