#include "core/arch/arch.h"
#include "core/stack/frames.h"

#include <algorithm>

#include "core/v8/js_function.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/property.h"
#include "core/v8/scope_info.h"
#include "core/v8/shared_function_info.h"
#include "core/v8/string.h"
#include "core/view/call_site_info.h"

namespace nodegdb {

namespace {

// A frame pointer further than this above sp is not one (thread stacks are
// at most a few hundred MiB).
constexpr uint64_t kMaxFrameDistance = 512ull << 20;
// Most arguments read from a frame.
constexpr int64_t kMaxArguments = 64;

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Builtins that run in an interpreted frame: the trampolines that enter
// one and the bytecode handlers (frameless) that execute its bytecodes.
bool IsInterpreterBuiltin(const std::string& name) {
  return name.rfind("InterpreterEntryTrampoline", 0) == 0 || name.rfind("InterpreterEnterAt", 0) == 0 ||
         EndsWith(name, "Handler");
}

}  // namespace

// ---- FrameInfo ----

std::string FrameInfo::Summary() const {
  switch (kind) {
    case FrameKind::kNative:
      return "";
    case FrameKind::kFrameless:
      return (builtin.empty() ? std::string("<JIT code>") : builtin) + " [" + (label.empty() ? "no frame yet" : label) + "]";
    case FrameKind::kTyped: {
      std::string who = builtin.empty() ? "<" + frame_type + ">" : builtin;
      return who + " [" + label + (target.empty() ? "" : ": " + target) + "]";
    }
    case FrameKind::kBuiltinJs:
      return (name.empty() ? std::string("<anonymous>") : name) + " [builtin" + (builtin.empty() ? "" : " " + builtin) + "]";
    case FrameKind::kJavaScript:
      break;
  }
  std::string out = name.empty() ? "<anonymous>" : name;
  std::string where = script.empty() ? "<anonymous>" : script;
  if (line > 0) {
    where += ":" + std::to_string(line) + ":" + std::to_string(column);
    if (location_is_function_start) where += ", function start";
    if (location_approximate) where += ", approximately";
  }
  out += " (" + where + ") [" + tier;
  if (!builtin.empty() && tier == "interpreted" && !IsInterpreterBuiltin(builtin.substr(9))) out += ", in " + builtin;
  return out + "]";
}

// ---- StackDecoder ----

struct StackDecoder::Shape {
  enum class Form { kNone, kStandard, kPushedFp, kAtReturn };  // kAtReturn: also at the entry
  Form form = Form::kNone;
  FrameState state;
  std::optional<CodeMap::Builtin> builtin;
  uint64_t fp = 0;
  int marker_type = -1;   // typed frame
  uint64_t function = 0;  // raw JSFunction of a JavaScript frame
  uint64_t return_pop = 0;
  uint64_t pushed = 16;  // kPushedFp: bytes the caller's fp and return address take
  bool innermost = false;
  bool entering = false;  // rbp is the frame's, its slots are not pushed yet
};

StackDecoder::StackDecoder(std::shared_ptr<Program> target)
    : target_(std::move(target)),
      arch_(target_->arch()),
      heap_(target_->heap()),
      memory_(target_->memory()),
      code_map_(target_->binary(), target_->load_bias()),
      bytecode_sizes_(BytecodeSizes::FromBinary(target_->binary())) {
  const Metadata& md = target_->metadata();
  auto get = [&](const char* name, int64_t fallback) { return md.Find(name).value_or(fallback); };
  off_marker_ = get("v8dbg_off_fp_context_or_frame_type", get("v8dbg_off_fp_context", -8));
  off_function_ = get("v8dbg_off_fp_function", -16);
  // The argument count sits right below the function in every JavaScript
  // frame since V8 dropped the arguments adaptor (not in the metadata).
  off_argc_ = off_function_ - 8;
  off_bytecode_array_ = get("v8dbg_off_fp_bytecode_array", -32);
  off_bytecode_offset_ = get("v8dbg_off_fp_bytecode_offset", -40);
  off_args_ = get("v8dbg_off_fp_args", 16);
  bytecode_data_ = md.FindField("BytecodeArray", {"data"}).value_or(54);
  bytecode_length_ = md.FindField("BytecodeArray", {"length"}).value_or(md.FindField("FixedArrayBase", {"length"}).value_or(8));
  // BytecodeArray: V8 11 has constant pool, handler table, then the source
  // position table at 32; V8 12+ put the wrapper at 16 and the source
  // position table at 24 (unnamed by the metadata; seen in cores of each).
  bytecode_positions_ = md.rules().bytecode_positions_at_24() ? 24 : 32;
  rules_ = md.rules();
  position_format_ = PositionTableFormatFor(rules_);
  bytecode_array_type_ = md.FindType("BYTECODE_ARRAY_TYPE").value_or(-1);
  feedback_vector_type_ = md.FindType("FEEDBACK_VECTOR_TYPE").value_or(-1);
  byte_array_type_ = md.FindType("BYTE_ARRAY_TYPE").value_or(-1);
  trusted_byte_array_type_ = md.FindType("TRUSTED_BYTE_ARRAY_TYPE").value_or(-1);
  global_proxy_type_ = md.FindType("JS_GLOBAL_PROXY_TYPE").value_or(-1);
  constexpr std::string_view kPrefix = "v8dbg_frametype_";
  for (const auto& [name, value] : md.v8dbg()) {
    if (name.rfind(kPrefix, 0) == 0 && value > 0 && value < 256) {
      frame_types_[static_cast<int>(value)] = name.substr(kPrefix.size());
    }
  }
}

int StackDecoder::MarkerType(uint64_t word) const {
  // StackFrame::TypeToMarker: the type shifted left by one (an even word,
  // unlike a context, which is a tagged pointer).
  if (word & 1 || word == 0 || word >= 512) return -1;
  int type = static_cast<int>(word >> 1);
  return frame_types_.count(type) ? type : -1;
}

std::string StackDecoder::TypeName(int type) const {
  auto it = frame_types_.find(type);
  return it == frame_types_.end() ? "frame type " + std::to_string(type) : it->second;
}

std::string StackDecoder::TypeLabel(const std::string& t) const {
  if (t == "EntryFrame" || t == "ConstructEntryFrame" || t == "CWasmEntryFrame") return "entry frame";
  if (EndsWith(t, "ExitFrame")) return "exit frame";
  if (t == "InternalFrame") return "internal frame";
  if (t == "ConstructFrame" || t == "FastConstructFrame") return "construct frame";
  if (EndsWith(t, "ContinuationFrame") || EndsWith(t, "ContinuationWithCatchFrame")) return "continuation frame";
  if (t == "StubFrame" || t == "TurbofanStubWithContextFrame") return "stub frame";
  if (t == "IrregexpFrame") return "regexp frame";
  if (t.rfind("Wasm", 0) == 0 || t.find("Wasm") != std::string::npos) return "wasm frame";
  std::string label = t;
  if (EndsWith(label, "Frame")) label = label.substr(0, label.size() - 5);
  return label + " frame";
}

std::optional<CodeObject> StackDecoder::CodeAt(uint64_t pc) {
  // Interpreted frames share their pc; JIT frames are looked up once per pc.
  auto it = code_cache_.find(pc);
  if (it != code_cache_.end()) return it->second;
  std::optional<CodeObject> code;
  try {
    code = FindCodeForPc(heap_, pc);
  } catch (const Error&) {
    // unreadable code space: the frame is shown without its code
  }
  if (code_cache_.size() > 100000) code_cache_.clear();
  code_cache_[pc] = code;
  return code;
}

std::optional<CodeObject> StackDecoder::FunctionCodeAt(const JSFunctionData& fn, uint64_t pc) {
  // The function's own code first (cheap), then the code page itself.
  std::optional<CodeObject> code;
  for (uint64_t raw : {fn.sfi.function_data, fn.code.value_or(0)}) {
    if (!raw) continue;
    auto c = ReadCodeObject(heap_, raw);
    if (c && c->contains(pc)) code = c;
  }
  if (!code) code = CodeAt(pc);
  return code;
}

bool StackDecoder::IsBytecodeArray(uint64_t raw) {
  Tagged t = heap_.Decode(raw);
  if (t.kind != Tagged::Kind::kStrong || bytecode_array_type_ < 0) return false;
  try {
    return heap_.InstanceTypeOf(t.address) == bytecode_array_type_;
  } catch (const Error&) {
    return false;
  }
}

std::optional<std::vector<uint8_t>> StackDecoder::ReadByteArray(uint64_t raw, size_t limit) {
  Tagged t = heap_.Decode(raw);
  if (t.kind != Tagged::Kind::kStrong) return std::nullopt;
  int type = heap_.InstanceTypeOf(t.address);
  if (type != byte_array_type_ && type != trusted_byte_array_type_) return std::nullopt;
  // (Trusted)ByteArray: map, length (Smi), then the bytes.
  Tagged length = heap_.ReadTagged(t.address + 8);
  if (!length.is_smi() || length.smi < 0 || static_cast<uint64_t>(length.smi) > limit) return std::nullopt;
  std::vector<uint8_t> bytes(static_cast<size_t>(length.smi));
  if (!bytes.empty()) memory_.ReadOrThrow(t.address + 16, bytes.data(), bytes.size());
  return bytes;
}

StackDecoder::Shape StackDecoder::Analyze(const FrameState& state, bool innermost) {
  Shape s;
  s.state = state;
  s.innermost = innermost;
  if (code_map_.IsNativeCode(state.pc)) return s;
  s.builtin = code_map_.FindBuiltin(state.pc);
  if (innermost) {
    // Stopped at the edges of a function, before its frame exists or after
    // it is gone (arch.h FrameEdge: push rbp / stp x29, x30 at the start,
    // ret at the end).
    uint8_t code[4] = {0, 0, 0, 0};
    uint8_t before[4] = {0, 0, 0, 0};
    // Builtins' code from the binary: memory may hold a debugger's breakpoint.
    auto link = code_map_.BuiltinLinkAddress(state.pc);
    auto read_code = [&](uint64_t pc, void* out, size_t size) {
      if (link && target_->binary().ReadVirtual(*link + (pc - state.pc), out, size)) return true;
      return memory_.Read(pc, out, size);
    };
    if (read_code(state.pc, code, sizeof code)) {
      const bool has_before = read_code(state.pc - 4, before, sizeof before);
      const EdgeAt edge = arch_.edge_at(before, has_before, code);
      if (edge.edge == FrameEdge::kEntry || edge.edge == FrameEdge::kReturn) {
        s.form = Shape::Form::kAtReturn;
        s.return_pop = edge.return_pop;
      } else if (edge.edge == FrameEdge::kPushedFp) {
        s.form = Shape::Form::kPushedFp;
        s.pushed = edge.pushed;
      }
      if (s.form != Shape::Form::kNone) {
        // The return address: in the link register, or at sp.
        uint64_t ret = 0;
        if (!arch_.lr.empty()) {
          ret = s.form == Shape::Form::kAtReturn ? state.lr.value_or(0) : 1;
        } else if (!memory_.Read(state.sp, &ret, 8)) {
          ret = 0;
        }
        if (ret == 0) s.form = Shape::Form::kNone;
        return s;
      }
    }
  }
  const uint64_t fp = state.fp;
  if (fp & 7 || fp < state.sp || fp - state.sp > kMaxFrameDistance) return s;
  uint64_t marker;
  if (!memory_.Read(fp + static_cast<uint64_t>(off_marker_), &marker, 8)) return s;
  s.fp = fp;
  // Stopped while a builtin pushes its fixed slots (right after
  // push rbp; mov rbp,rsp): slots below sp hold nothing yet.
  const bool marker_pushed = !innermost || fp + static_cast<uint64_t>(off_marker_) >= state.sp;
  const bool function_pushed = !innermost || fp + static_cast<uint64_t>(off_function_) >= state.sp;
  int type = marker_pushed ? MarkerType(marker) : -1;
  // A small even word below rbp proves little: outside the builtins (code
  // in no file: JIT code, or a vDSO) a typed frame must also be in a Code.
  if (type >= 0 && (s.builtin || CodeAt(state.pc))) {
    s.marker_type = type;
    s.form = Shape::Form::kStandard;
    return s;
  }
  if (!function_pushed && s.builtin) {
    s.entering = true;
    s.form = Shape::Form::kStandard;
    return s;
  }
  // A JS frame's pc is in V8's code: a builtin (interpreted frames run in
  // the interpreter's) or a Code object. Else rbp only happens to point at
  // a JS frame (GDB's own unwinding through JIT code, a garbage pc): the
  // frame is not V8's.
  if (!s.builtin && !CodeAt(state.pc)) return s;
  uint64_t function;
  if (heap_.Decode(marker).is_heap_object() && memory_.Read(fp + static_cast<uint64_t>(off_function_), &function, 8)) {
    Tagged f = heap_.Decode(function);
    try {
      if (f.kind == Tagged::Kind::kStrong && IsJSFunction(heap_, f.address)) {
        s.function = function;
        s.form = Shape::Form::kStandard;
        return s;
      }
    } catch (const Error&) {
      // not a function: try the next frame shape
    }
  }
  // A builtin's frame we cannot read (a corrupt slot): still unwind through
  // it if the chain goes on upward.
  uint64_t caller_fp;
  if (s.builtin && memory_.Read(fp, &caller_fp, 8) && caller_fp > fp && caller_fp - fp < kMaxFrameDistance) {
    s.form = Shape::Form::kStandard;
  }
  return s;
}

std::optional<UnwindResult> StackDecoder::Unwind(const FrameState& state, bool innermost) {
  auto key = std::make_tuple(state.pc, state.sp, state.fp, innermost);
  auto cached = unwind_cache_.find(key);
  if (cached != unwind_cache_.end()) return cached->second;
  std::optional<UnwindResult> result;
  try {
    Shape s = Analyze(state, innermost);
    UnwindResult r;
    const uint64_t start = s.builtin ? s.builtin->start : state.pc;
    switch (s.form) {
      case Shape::Form::kNone:
        break;
      case Shape::Form::kAtReturn:
        if (!arch_.lr.empty()) {
          r.pc = *state.lr;  // nothing on the stack: the return address is in lr
          r.sp = state.sp;
        } else {
          r.pc = memory_.ReadU64(state.sp);
          r.sp = state.sp + 8 + s.return_pop;
        }
        r.fp = state.fp;
        r.id_sp = arch_.lr.empty() ? state.sp + 8 : r.sp;
        r.id_pc = start;
        result = r;
        break;
      case Shape::Form::kPushedFp:
        r.fp = memory_.ReadU64(state.sp);
        r.pc = memory_.ReadU64(state.sp + 8);
        r.sp = state.sp + s.pushed;
        r.id_sp = r.sp;
        r.id_pc = start;
        result = r;
        break;
      case Shape::Form::kStandard: {
        r.fp = memory_.ReadU64(s.fp);
        r.pc = memory_.ReadU64(s.fp + 8);
        r.sp = s.fp + static_cast<uint64_t>(off_args_);
        r.id_sp = r.sp;
        r.id_pc = start;
        if (!s.builtin) {
          // JIT code: the Code's first instruction, so the frame keeps its
          // identity as its pc moves.
          if (auto code = CodeAt(state.pc)) r.id_pc = code->instruction_start;
        }
        if (r.pc == 0) break;
        const std::string type = s.marker_type >= 0 ? TypeName(s.marker_type) : "";
        if (type == "EntryFrame" || type == "ConstructEntryFrame") {
          // JSEntry pushed C++'s callee-saved registers (where: arch.h), and
          // on arm64 they lie between its frame and its C++ caller's sp.
          for (const auto& [reg, offset] : arch_.entry_saved) {
            uint64_t value;
            if (memory_.Read(s.fp + static_cast<uint64_t>(offset), &value, 8)) r.saved.push_back({reg, value});
          }
          r.sp = s.fp + static_cast<uint64_t>(arch_.entry_caller_sp);
          r.id_sp = r.sp;
        }
        result = r;
        break;
      }
    }
  } catch (const Error&) {
    result.reset();
  }
  unwind_cache_[key] = result;
  return result;
}

FrameInfo StackDecoder::Describe(const FrameState& state, bool innermost) {
  auto key = std::make_tuple(state.pc, state.sp, state.fp, innermost);
  auto cached = describe_cache_.find(key);
  if (cached != describe_cache_.end()) return cached->second;
  FrameInfo info;
  try {
    Shape s = Analyze(state, innermost);
    if (s.builtin) info.builtin = "Builtins_" + *s.builtin->name;
    if (s.form == Shape::Form::kNone) {
      if (s.builtin) info.kind = FrameKind::kFrameless;  // a builtin, but no frame we can read
    } else if (s.form != Shape::Form::kStandard || s.entering) {
      info.kind = FrameKind::kFrameless;
      info.fp = s.fp;
      info.label = s.entering ? "entering" : "no frame yet";
    } else if (s.marker_type >= 0 || !s.function) {
      info.kind = FrameKind::kTyped;
      info.fp = s.fp;
      info.frame_type = s.marker_type >= 0 ? TypeName(s.marker_type) : "unknown frame";
      info.label = s.marker_type >= 0 ? TypeLabel(info.frame_type) : "frame";
      // Exit frames into API callbacks and C++ builtins keep the called
      // function among the slots the builtin pushed above fp (where varies
      // by version: fp+16 .. fp+48).
      if (info.frame_type == "BuiltinExitFrame" || EndsWith(info.frame_type, "ExitFrame")) {
        if (info.frame_type != "ExitFrame") {
          for (int64_t off = 16; off <= 48; off += 8) {
            Tagged t = heap_.Decode(memory_.ReadU64(s.fp + static_cast<uint64_t>(off)));
            if (t.kind == Tagged::Kind::kStrong && IsJSFunction(heap_, t.address)) {
              info.target = ReadJSFunction(heap_, t.address).sfi.debug_name;
              break;
            }
          }
        }
      }
    } else {
      info.fp = s.fp;
      DescribeJs(s, info);
    }
  } catch (const Error& e) {
    if (info.note.empty()) info.note = e.what();
  }
  describe_cache_[key] = info;
  return info;
}

void StackDecoder::DescribeJs(const Shape& s, FrameInfo& info) {
  info.kind = FrameKind::kJavaScript;
  info.function = s.function;
  info.context = memory_.ReadU64(s.fp + static_cast<uint64_t>(off_marker_));
  const uint64_t fn_address = heap_.Decode(s.function).address;
  JSFunctionData fn = ReadJSFunction(heap_, fn_address);
  info.function_name = fn.sfi.debug_name;

  // Receiver and arguments: the caller pushed them above the return address.
  uint64_t argc = memory_.ReadU64(s.fp + static_cast<uint64_t>(off_argc_));
  info.receiver = memory_.ReadU64(s.fp + static_cast<uint64_t>(off_args_));
  try {
    Tagged r = heap_.Decode(info.receiver);
    info.receiver_is_global = r.kind == Tagged::Kind::kStrong && global_proxy_type_ >= 0 &&
                              heap_.InstanceTypeOf(r.address) == global_proxy_type_;
  } catch (const Error&) {
    // an unreadable receiver is not the global proxy
  }
  if (argc >= 1 && argc <= 65536) {
    info.argc = static_cast<int64_t>(argc) - 1;  // V8 counts the receiver
    int64_t n = std::min<int64_t>(info.argc, kMaxArguments);
    for (int64_t i = 0; i < n; i++) {
      uint64_t value;
      if (!memory_.Read(s.fp + static_cast<uint64_t>(off_args_ + 8 * (i + 1)), &value, 8)) break;
      info.arguments.push_back(value);
    }
  }

  // The tier.
  const uint64_t bytecode_slot = memory_.ReadU64(s.fp + static_cast<uint64_t>(off_bytecode_array_));
  const uint64_t offset_slot = memory_.ReadU64(s.fp + static_cast<uint64_t>(off_bytecode_offset_));
  const bool interpreted_layout = IsBytecodeArray(bytecode_slot) && heap_.Decode(offset_slot).is_smi();
  if (s.builtin) {
    if (interpreted_layout) {
      info.tier = "interpreted";
    } else {
      info.kind = FrameKind::kBuiltinJs;
      info.tier = "builtin";
    }
  } else if (interpreted_layout) {
    // An interpreted frame whose pc is in a copy of the builtins we could
    // not locate (no file mappings, e.g. a remote target).
    info.tier = "interpreted";
  } else {
    info.tier = "optimized";
    std::optional<CodeObject> code = FunctionCodeAt(fn, s.state.pc);
    if (code) {
      CodeTier tier = TierOf(heap_, code->kind);
      if (tier == CodeTier::kBaseline || tier == CodeTier::kMaglev || tier == CodeTier::kTurbofan) {
        info.tier = TierName(tier);
      }
    } else if (IsBytecodeArray(bytecode_slot)) {
      Tagged fv = heap_.Decode(offset_slot);
      if (fv.kind == Tagged::Kind::kStrong && heap_.InstanceTypeOf(fv.address) == feedback_vector_type_) {
        info.tier = "baseline";
      }
    } else if (fn.sfi.builtin_id) {
      // A builtin's frame in a copy of the builtins we could not locate.
      info.kind = FrameKind::kBuiltinJs;
      info.tier = "builtin";
    }
  }

  info.visible = fn.sfi.is_native;
  if (fn.sfi.script) {
    try {
      info.visible = info.visible || ReadScript(heap_, fn.sfi.script).type == 2;  // Script::Type::kNormal
    } catch (const Error&) {
      // an unreadable script: visible only if native
    }
  }
  info.name = StackTraceName(info, fn, s.fp);
  if (info.kind == FrameKind::kJavaScript) {
    try {
      Locate(s, info, fn);
    } catch (const Error& e) {
      info.note = std::string("no position: ") + e.what();
    }
    if (info.line == 0) {
      // No position for the pc (V8 collects source positions lazily): the
      // function's own start.
      if (auto loc = LocateFunction(heap_, fn.sfi)) {
        info.script = loc->script_name;
        if (loc->location) {
          info.line = loc->location->line;
          info.column = loc->location->column;
          info.location_is_function_start = true;
        }
      }
    }
    if (auto src = FunctionSource(heap_, fn.sfi, 2000)) info.parameter_names = ParameterNamesFromSource(src->units);
  }
}

FrameInfo::Inlined StackDecoder::DescribeInlined(const InlinedCall& call) {
  FrameInfo::Inlined out;
  try {
    SharedFunctionInfoData sfi = ReadSharedFunctionInfo(heap_, call.shared);
    out.name = sfi.debug_name;
    if (sfi.script) {
      ScriptInfo script = ReadScript(heap_, sfi.script);
      out.script = script.name_text;
      if (auto loc = ScriptLocation(heap_, script, call.script_offset)) {
        out.line = loc->line;
        out.column = loc->column;
      }
    }
  } catch (const Error&) {
    // Named as far as it could be read.
  }
  return out;
}

std::string FrameInfo::Inlined::Text() const {
  std::string text = name.empty() ? "<anonymous>" : name;
  if (line) text += " (" + script + ":" + std::to_string(line) + ":" + std::to_string(column) + ")";
  return text;
}

void StackDecoder::Locate(const Shape& s, FrameInfo& info, const JSFunctionData& fn) {
  if (!fn.sfi.script) return;
  ScriptInfo script = ReadScript(heap_, fn.sfi.script);
  info.script = script.name_text;
  const uint64_t tag = heap_.layout().tagging.heap_object_tag;
  const uint64_t bytecode_raw = memory_.ReadU64(s.fp + static_cast<uint64_t>(off_bytecode_array_));

  // The bytecode array's own table: bytecode offset -> source position.
  auto position_of_bytecode = [&](int64_t offset) -> std::optional<int64_t> {
    if (!IsBytecodeArray(bytecode_raw)) return std::nullopt;
    uint64_t ba = heap_.Decode(bytecode_raw).address;
    auto table = ReadByteArray(heap_.ReadWord(ba + static_cast<uint64_t>(bytecode_positions_)), 16u << 20);
    if (!table) {
      info.note = "source positions not collected for this function";
      return std::nullopt;
    }
    auto entry = PositionAt(DecodeSourcePositionTable(table->data(), table->size(), position_format_), offset);
    if (!entry) return std::nullopt;
    return entry->script_offset;
  };

  std::optional<int64_t> position;
  if (info.tier == "interpreted") {
    Tagged raw = heap_.ReadTagged(s.fp + static_cast<uint64_t>(off_bytecode_offset_));
    if (raw.is_smi()) info.bytecode_offset = raw.smi - (bytecode_data_ - static_cast<int64_t>(tag));
    // Stopped inside a bytecode handler: the register has the bytecode
    // being executed (counted like the slot, untagged).
    if (s.innermost && s.state.bytecode_offset_register && s.builtin && EndsWith(*s.builtin->name, "Handler") &&
        IsBytecodeArray(bytecode_raw)) {
      Tagged length = heap_.ReadTagged(heap_.Decode(bytecode_raw).address + static_cast<uint64_t>(bytecode_length_));
      int64_t offset = static_cast<int64_t>(*s.state.bytecode_offset_register) - (bytecode_data_ - static_cast<int64_t>(tag));
      if (length.is_smi() && offset >= 0 && offset < length.smi) info.bytecode_offset = offset;
    }
    if (info.bytecode_offset >= -1) position = position_of_bytecode(info.bytecode_offset);
  } else {
    std::optional<CodeObject> code = FunctionCodeAt(fn, s.state.pc);
    if (!code) {
      info.note = "code object not found";
      return;
    }
    const uint64_t pc_offset = s.state.pc - code->instruction_start;
    if (info.tier == "baseline") {
      if (!bytecode_sizes_) {
        info.note = "no bytecode size table in the binary";
        return;
      }
      auto table = ReadByteArray(code->position_table, 16u << 20);
      if (!table || !IsBytecodeArray(bytecode_raw)) return;
      uint64_t ba = heap_.Decode(bytecode_raw).address;
      Tagged length = heap_.ReadTagged(ba + static_cast<uint64_t>(bytecode_length_));
      if (!length.is_smi() || length.smi < 0 || length.smi > (16 << 20)) return;
      std::vector<uint8_t> bytecode(static_cast<size_t>(length.smi));
      memory_.ReadOrThrow(ba + static_cast<uint64_t>(bytecode_data_), bytecode.data(), bytecode.size());
      auto offset = BaselineBytecodeOffset(table->data(), table->size(), bytecode.data(), bytecode.size(),
                                           *bytecode_sizes_, pc_offset);
      if (offset) {
        info.bytecode_offset = *offset;
        position = position_of_bytecode(*offset);
      }
    } else {
      // Optimized code maps machine code offsets; a return address (any
      // frame but the innermost) is one past its call.
      auto table = ReadByteArray(code->position_table, 16u << 20);
      if (!table || table->empty()) {
        info.note = "optimized code without source positions";
        return;
      }
      auto entries = DecodeSourcePositionTable(table->data(), table->size(), position_format_);
      int64_t offset = static_cast<int64_t>(pc_offset) - (s.innermost ? 0 : 1);
      auto entry = PositionAt(entries, offset);
      if (entry && entry->inlining_id != -1) {
        // Inside code inlined from other functions: each is a frame of its
        // own, and the frame's function is at the outermost inlined call.
        InliningChain chain = ResolveInlining(heap_, code->deoptimization_data, entry->inlining_id, entry->script_offset);
        if (chain.error.empty() && chain.outer_offset >= 0) {
          for (const InlinedCall& call : chain.inlined) info.inlined.push_back(DescribeInlined(call));
          position = chain.outer_offset;
        } else {
          // The frame's own function is at its last position before the
          // inlined code.
          entry = PositionAt(entries, offset, true);
          info.location_approximate = true;
          info.note = "inlined code: " + chain.error;
          if (entry) position = entry->script_offset;
        }
      } else if (entry) {
        position = entry->script_offset;
      }
    }
  }
  if (!position || *position < 0) return;
  info.source_position = *position;
  if (auto loc = ScriptLocation(heap_, script, *position)) {
    info.line = loc->line;
    info.column = loc->column;
  }
}

std::string StackDecoder::StackTraceName(const FrameInfo& info, const JSFunctionData& fn, uint64_t fp) {
  // As V8's stack trace serialization names the call (view/call_site_info.h):
  // "new F" for constructor calls (the caller is a construct frame), the
  // bare name for top-level calls, else a method call.
  CallSiteParts parts;
  parts.function_name = FunctionDebugName(heap_, info.function, fn);
  parts.method_after_space = rules_.method_name_may_follow_space();
  uint64_t caller_fp;
  if (memory_.Read(fp, &caller_fp, 8) && caller_fp > fp) {
    uint64_t marker;
    if (memory_.Read(caller_fp + static_cast<uint64_t>(off_marker_), &marker, 8)) {
      int type = MarkerType(marker);
      if (type >= 0) {
        std::string t = TypeName(type);
        parts.is_constructor = t == "ConstructFrame" || t == "FastConstructFrame";
      }
    }
  }
  if (!parts.is_constructor) {
    CallSiteReceiverNames receiver = NameReceiver(heap_, info.receiver, info.function, fn);
    parts.is_method_call = !receiver.top_level;
    parts.type_name = receiver.type_name;
    parts.method_name = receiver.method_name;
  }
  return CallSiteName(parts);
}

// ---- parameter names ----

std::vector<std::string> ParameterNamesFromSource(const std::u16string& source, size_t max) {
  std::vector<std::string> names;
  size_t i = 0;
  auto skip_space = [&]() {
    while (i < source.size()) {
      char16_t c = source[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
      } else if (c == '/' && i + 1 < source.size() && source[i + 1] == '/') {
        while (i < source.size() && source[i] != '\n') i++;
      } else if (c == '/' && i + 1 < source.size() && source[i + 1] == '*') {
        size_t end = source.find(u"*/", i + 2);
        i = end == std::u16string::npos ? source.size() : end + 2;
      } else {
        break;
      }
    }
  };
  auto is_ident = [](char16_t c, bool first) {
    return c >= 0x80 || c == '$' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (!first && c >= '0' && c <= '9');
  };
  skip_space();
  if (i >= source.size()) return names;
  if (is_ident(source[i], true)) {
    // `x => ...`: one parameter without parentheses.
    size_t start = i;
    while (i < source.size() && is_ident(source[i], false)) i++;
    std::u16string ident = source.substr(start, i - start);
    skip_space();
    if (source.compare(i, 2, u"=>") == 0) names.push_back(Utf16ToUtf8(ident));
    return names;
  }
  if (source[i] != '(') return names;
  i++;
  int depth = 0;
  std::u16string current;
  auto flush = [&]() {
    // Trim, then keep the binding: `a = 1` -> a, `...rest` -> ...rest,
    // destructuring patterns as written.
    size_t b = current.find_first_not_of(u" \t\r\n");
    size_t e = current.find_last_not_of(u" \t\r\n");
    std::u16string p = b == std::u16string::npos ? u"" : current.substr(b, e - b + 1);
    int d = 0;
    for (size_t k = 0; k < p.size(); k++) {
      char16_t c = p[k];
      if (c == '(' || c == '[' || c == '{') d++;
      if (c == ')' || c == ']' || c == '}') d--;
      if (c == '=' && d == 0) {
        p = p.substr(0, k);
        size_t pe = p.find_last_not_of(u" \t\r\n");
        p = pe == std::u16string::npos ? u"" : p.substr(0, pe + 1);
        break;
      }
    }
    if (!p.empty() && names.size() < max) names.push_back(Utf16ToUtf8(p.size() > 40 ? p.substr(0, 40) + u"…" : p));
    current.clear();
  };
  while (i < source.size()) {
    char16_t c = source[i];
    if (c == '\'' || c == '"' || c == '`') {
      size_t end = i + 1;
      while (end < source.size() && source[end] != c) end += source[end] == '\\' ? 2 : 1;
      current += source.substr(i, std::min(end + 1, source.size()) - i);
      i = end + 1;
      continue;
    }
    if (c == '/' && i + 1 < source.size() && (source[i + 1] == '/' || source[i + 1] == '*')) {
      skip_space();
      continue;
    }
    if (c == '(' || c == '[' || c == '{') depth++;
    if (c == ')' || c == ']' || c == '}') {
      if (depth == 0) {
        flush();
        return names;
      }
      depth--;
    }
    if (c == ',' && depth == 0) {
      flush();
    } else {
      current += c;
    }
    i++;
  }
  return {};  // no closing parenthesis: not a parameter list
}

std::vector<AsyncFrame> StackDecoder::AsyncFrames(uint64_t function, uint64_t sp, uint64_t fp) {
  try {
    const uint64_t generator = GeneratorInFrame(heap_, function, sp, fp);
    return generator ? AsyncContinuation(heap_, generator) : std::vector<AsyncFrame>{};
  } catch (const Error&) {
    return {};
  }
}

std::vector<std::pair<std::string, uint64_t>> FrameContextLocals(Heap& heap, uint64_t context, uint64_t function) {
  constexpr size_t kMaxScopes = 32;
  std::vector<std::pair<std::string, uint64_t>> out;
  try {
    Tagged f = heap.Decode(function), c = heap.Decode(context);
    if (f.kind != Tagged::Kind::kStrong || c.kind != Tagged::Kind::kStrong || !IsJSFunction(heap, f.address)) return out;
    const uint64_t own_scope = ReadJSFunction(heap, f.address).sfi.scope_info;
    if (!own_scope) return out;
    ContextChain chain = WalkContextChain(heap, c.address, kMaxScopes);
    // Only if the function's own scope is on the chain: else the frame's
    // context is its closure's (the function keeps no context of its own).
    auto mine = std::find_if(chain.contexts.begin(), chain.contexts.end(),
                             [&](const ContextInfo& ci) { return heap.Decode(ci.scope_info).address == own_scope; });
    if (mine == chain.contexts.end()) return out;
    for (auto it = chain.contexts.begin(); it != std::next(mine); ++it) {
      for (const ContextVariable& v : it->variables) {
        if (v.uninitialized || v.number_text || v.name.empty() || v.name[0] == '.') continue;
        out.emplace_back(v.name, v.value);
      }
    }
  } catch (const Error&) {
    // What was read so far stays.
  }
  return out;
}

}  // namespace nodegdb
