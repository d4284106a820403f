// V8's stack frames: how to unwind them and what they hold.
//
// Every V8 frame links through the frame pointer (rbp on x64, x29 on arm64):
// [fp] is the caller's fp, [fp+8] the return address, and the caller's sp is fp+16 (v8dbg_off_fp_args; the
// arguments the caller pushed start there: receiver first, then the
// parameters). Below fp, v8dbg_off_fp_context_or_frame_type holds either a
// frame-type marker (type << 1, an even word: entry, exit, internal,
// construct, stub frames...) or the context of a JavaScript frame, whose
// JSFunction is at v8dbg_off_fp_function and argument count (with the
// receiver) just below it. Interpreted frames (and baseline frames, which
// share their layout) keep the BytecodeArray at v8dbg_off_fp_bytecode_array;
// interpreted frames keep the current bytecode offset as a Smi (counted from
// the BytecodeArray's tagged address) at v8dbg_off_fp_bytecode_offset.
//
// The entry frame (JSEntry, called from C++) saves C++'s callee-saved
// registers: below its context on x64 (r12, r13, r14, r15, rbx), above its
// {fp, lr} pair on arm64 (x19-x28, d8-d15); where is the machine's (arch.h).
//
// Where the pc is tells the tier: V8's interpreter trampolines and bytecode
// handlers (builtins) for interpreted frames, a Code object of kind
// BASELINE, MAGLEV or TURBOFAN for JIT frames, another builtin for a builtin
// with JavaScript linkage (Array.prototype.map). Positions: the bytecode
// offset through the BytecodeArray's source position table (interpreted;
// baseline after mapping the pc through the Code's bytecode offset table);
// the pc offset through the Code's source position table (optimized).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/stack/async_functions.h"
#include "core/stack/code_map.h"
#include "core/stack/inlining.h"
#include "core/v8/js_function.h"
#include "core/v8/source_positions.h"
#include "core/v8/program.h"

namespace nodegdb {

struct FrameState {
  uint64_t pc = 0, sp = 0, fp = 0;
  // Innermost frame only: the interpreter's bytecode offset register
  // (v8dbg_InterpreterBytecodeOffsetRegister: r9 on x64, x19 on arm64), current while a bytecode
  // handler runs, when the frame's slot holds the offset of the last call.
  std::optional<uint64_t> bytecode_offset_register;
  // Innermost frame on machines with a link register (arm64): the return
  // address before the function has saved it.
  std::optional<uint64_t> lr;
};

// What GDB needs to go to the caller: the caller's registers and this
// frame's identity (stack address, code address).
struct UnwindResult {
  uint64_t pc = 0, sp = 0, fp = 0;
  uint64_t id_sp = 0, id_pc = 0;
  // Other registers the frame saved for its caller (entry frames), by name.
  std::vector<std::pair<std::string, uint64_t>> saved;
};

enum class FrameKind { kNative, kJavaScript, kBuiltinJs, kTyped, kFrameless };

struct FrameInfo {
  FrameKind kind = FrameKind::kNative;
  std::string tier;        // JS frames: interpreted, baseline, maglev, turbofan, optimized
  std::string frame_type;  // typed frames: V8's name ("EntryFrame", "ApiCallbackExitFrame")
  std::string label;       // typed frames: "entry frame", "exit frame", ...
  std::string builtin;     // "Builtins_ArrayMap" if the pc is in a builtin
  uint64_t fp = 0;
  uint64_t function = 0, receiver = 0, context = 0;  // raw tagged words, 0 if none
  bool receiver_is_global = false;                    // the global proxy (sloppy functions called plainly)
  int64_t argc = -1;                                  // arguments without the receiver
  std::vector<uint64_t> arguments;                    // raw tagged words
  std::vector<std::string> parameter_names;           // from the source, may be shorter
  std::string name;           // as V8's stack traces name the call ("Foo.method", "new Foo")
  std::string function_name;  // the function's own (debug) name
  std::string script;
  int64_t line = 0, column = 0;  // 1-based, 0 if unknown
  bool location_is_function_start = false;
  bool location_approximate = false;  // optimized code: inlined position
  int64_t bytecode_offset = -2;       // -2 unknown, -1 function entry
  int64_t source_position = -1;
  // Would V8 list this frame in Error.stack? User JavaScript (a script of
  // type normal) and builtins exposed to JavaScript (native), not V8's
  // internal closures and trampolines.
  bool visible = false;
  // Optimized frames: the functions inlined where the pc is, innermost
  // first (each a frame of Error.stack); `line`/`column` above are then
  // the frame's own function's, at the outermost inlined call.
  struct Inlined {
    std::string name, script;
    int64_t line = 0, column = 0;
    std::string Text() const;  // "inner (/srv/app.js:3:9)"
  };
  std::vector<Inlined> inlined;
  std::string target;  // exit frames: the function called ("abort")
  std::string note;    // why something is missing (one line)

  bool is_v8() const { return kind != FrameKind::kNative; }
  // One line: "innerDeep (/srv/app.js:8:17) [interpreted]",
  // "Array.map [builtin Builtins_ArrayMap]", "Builtins_JSEntry [entry frame]".
  std::string Summary() const;
};

class StackDecoder {
 public:
  explicit StackDecoder(std::shared_ptr<Program> target);

  CodeMap& code_map() { return code_map_; }
  const Arch& arch() const { return arch_; }
  void SetMappings(std::vector<FileMapping> mappings) {
    code_map_.SetMappings(std::move(mappings));
    unwind_cache_.clear();
    describe_cache_.clear();
  }

  // False for pcs in native code (node's C++, libraries): cheap, for the
  // unwinder to leave those frames to GDB.
  bool MaybeV8(uint64_t pc) const { return !code_map_.IsNativeCode(pc); }

  // The caller of a V8 frame; nullopt if the frame is not recognised as
  // one (GDB's own unwinders then try). `innermost`: the frame may be
  // stopped anywhere, even before it has set up rbp.
  std::optional<UnwindResult> Unwind(const FrameState& state, bool innermost);

  // What the frame is (kind kNative if not a V8 frame). Never throws.
  FrameInfo Describe(const FrameState& state, bool innermost);

  // The "async ..." frames V8's Error.stack appends when the frame (a JS
  // frame running `function`, between sp and fp) is an async function's:
  // async_functions.h AsyncContinuation. Empty otherwise; never throws.
  std::vector<AsyncFrame> AsyncFrames(uint64_t function, uint64_t sp, uint64_t fp);

 private:
  struct Shape;
  Shape Analyze(const FrameState& state, bool innermost);
  int MarkerType(uint64_t word) const;
  std::string TypeName(int type) const;
  std::string TypeLabel(const std::string& type_name) const;
  void DescribeJs(const Shape& shape, FrameInfo& info);
  void Locate(const Shape& shape, FrameInfo& info, const JSFunctionData& fn);
  FrameInfo::Inlined DescribeInlined(const InlinedCall& call);
  std::string StackTraceName(const FrameInfo& info, const JSFunctionData& fn, uint64_t fp);
  std::optional<std::vector<uint8_t>> ReadByteArray(uint64_t raw, size_t limit);
  bool IsBytecodeArray(uint64_t raw);
  std::optional<CodeObject> CodeAt(uint64_t pc);
  // The optimized code a JS frame at pc runs: the function's own, else the code page's.
  std::optional<CodeObject> FunctionCodeAt(const JSFunctionData& fn, uint64_t pc);

  std::shared_ptr<Program> target_;
  const Arch& arch_;
  Heap& heap_;
  Memory& memory_;
  CodeMap code_map_;
  std::optional<BytecodeSizes> bytecode_sizes_;
  int64_t off_marker_ = -8, off_function_ = -16, off_argc_ = -24, off_bytecode_array_ = -32,
          off_bytecode_offset_ = -40, off_args_ = 16;
  int64_t bytecode_data_ = 54, bytecode_length_ = 8, bytecode_positions_ = 32;
  PositionTableFormat position_format_ = PositionTableFormat::kSignedOffsets;
  V8Rules rules_;
  int bytecode_array_type_ = -1, feedback_vector_type_ = -1, byte_array_type_ = -1, trusted_byte_array_type_ = -1;
  int global_proxy_type_ = -1;
  std::map<int, std::string> frame_types_;  // marker type -> "EntryFrame"
  std::map<uint64_t, std::optional<CodeObject>> code_cache_;
  std::map<std::tuple<uint64_t, uint64_t, uint64_t, bool>, std::optional<UnwindResult>> unwind_cache_;
  std::map<std::tuple<uint64_t, uint64_t, uint64_t, bool>, FrameInfo> describe_cache_;
};

// The context locals a JS frame sees of its own function, by name,
// innermost scope first: the frame's context (a block's, a catch's, the
// function's) and the outer ones up to the function's own scope (its
// SharedFunctionInfo's ScopeInfo); (name, value) with the value tagged,
// uninitialized let/const and ContextCell numbers left out. Empty when the
// function keeps none in a context (its locals are registers V8 does not
// name). Never throws.
std::vector<std::pair<std::string, uint64_t>> FrameContextLocals(Heap& heap, uint64_t context, uint64_t function);

// Parameter names from a function's source text ("(a, b = 1, ...rest) =>"):
// identifiers as written, destructuring patterns as their text; empty if the
// text does not start with a parameter list.
std::vector<std::string> ParameterNamesFromSource(const std::u16string& source, size_t max = 64);

}  // namespace nodegdb
