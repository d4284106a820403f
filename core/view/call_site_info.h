// V8's CallSiteInfo: one frame of an Error's stack as V8 captured it, before
// anything formatted it, and the "    at ..." lines V8 writes from it
// (src/objects/call-site-info.cc, SerializeJSStackFrame). An Error keeps its
// stack unformatted until something reads `err.stack`; the private
// error_stack_symbol then holds, per V8 version:
//   V8 11-12 (Node 20, 22): a FixedArray of CallSiteInfo;
//   V8 13+ (Node 24, 26): a raw capture FixedArray, six slots per frame
//     (code object behind its BytecodeWrapper / CodeWrapper, receiver,
//     function, code offset, parameters, flags); CallSiteInfo objects only
//     exist once something asks for structured frames (prepareStackTrace);
//   either one inside an ErrorStackData (call_site_infos_or_formatted_stack,
//     its first field) when V8 also captured a detailed stack trace (an
//     inspector session is on).
// Once formatted, the same places hold the stack string.
//
// CallSiteInfo has no v8dbg_ constants; its Torque layout (x64, no pointer
// compression): V8 11 receiver_or_instance 8, function 16, code_object 24,
// code_offset_or_source_position 32, flags 40, parameters 48; V8 12 moved
// code_object first (8, then receiver 16, function 24). Flags, every
// version: is_wasm 0, is_asm_js_wasm 1, is_strict 2, is_constructor 3,
// is_asm_js_at_number_conversion 4, is_async 5, is_builtin 6 (V8 12+),
// is_source_position_computed 7 (V8 11: 6; the offset is already a script
// position).
//
// Text is written as V8 writes it, with two marked exceptions: a frame whose
// function never had its source positions collected (V8 collects them
// lazily, when a stack is formatted) is placed at the function's start,
// "(file:line:col, function start)"; a WebAssembly frame is written as
// "<WebAssembly frame>".
//
// May fail: the readers throw ReadError / CorruptObject (one line) for an
// unreadable or malformed record; ReadUnformattedStack returns nullopt for a
// value that is no unformatted stack (a string, undefined); the text
// functions never throw: a frame that cannot be read becomes
// "<unreadable frame: why>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/v8/heap.h"

namespace nodegdb {

class V8View;
struct JSFunctionData;

// CallSiteInfoFlags bits as V8 12+ lays them out (V8 11 has no is_builtin
// and keeps is_source_position_computed in bit 6; records are read into
// these bits).
struct CallSiteFlags {
  static constexpr int64_t kIsWasm = 1 << 0;
  static constexpr int64_t kIsAsmJsWasm = 1 << 1;
  static constexpr int64_t kIsStrict = 1 << 2;
  static constexpr int64_t kIsConstructor = 1 << 3;
  static constexpr int64_t kIsAsmJsAtNumberConversion = 1 << 4;
  static constexpr int64_t kIsAsync = 1 << 5;
  static constexpr int64_t kIsBuiltin = 1 << 6;
  static constexpr int64_t kIsSourcePositionComputed = 1 << 7;
};

// One frame: a CallSiteInfo or one entry of a raw capture array.
struct CallSiteRecord {
  uint64_t address = 0;  // untagged CallSiteInfo, 0 for a raw-array entry
  uint64_t receiver = 0, function = 0, code_object = 0, parameters = 0;  // raw tagged words (0: none)
  int64_t code_offset_or_source_position = 0;
  int64_t raw_flags = 0;  // as stored
  int64_t flags = 0;      // in CallSiteFlags' bits

  bool is(int64_t flag) const { return (flags & flag) != 0; }
};

bool IsCallSiteInfo(Heap& heap, uint64_t address);
// The CallSiteInfo at `address` (untagged); throws CorruptObject if it is none.
CallSiteRecord ReadCallSiteInfo(Heap& heap, uint64_t address);

// The frames of an error's unformatted stack from what its
// error_stack_symbol holds (`raw`, tagged); nullopt if that is no
// unformatted stack. Throws on a malformed one; at most `max_frames`.
std::optional<std::vector<CallSiteRecord>> ReadUnformattedStack(Heap& heap, uint64_t raw, size_t max_frames = 1000);

// Where a frame is.
struct CallSitePosition {
  bool has_script = false;
  std::string script;       // Script::GetNameOrSourceURL, "" if not a string
  std::string eval_origin;  // "eval at f (file:1:2)" for eval code whose script has no name
  int64_t source_position = -1;  // script offset, -1 unknown
  int64_t line = 0, column = 0;  // 1-based, 0 unknown
  bool function_start = false;   // no position for the offset: the function's start
};
CallSitePosition LocateCallSite(Heap& heap, const CallSiteRecord& record);

// What SerializeJSStackFrame writes a frame from.
struct CallSiteParts {
  bool is_async = false;
  bool is_constructor = false;
  bool is_method_call = false;      // neither top level (receiver undefined, null, the global proxy) nor `new`
  std::string promise_combinator;   // "all", "allSettled", "any": an async Promise.x frame
  int64_t promise_index = 0;
  std::string function_name;        // GetFunctionName ("" for none)
  std::string type_name;            // GetTypeName, method calls only
  std::string method_name;          // GetMethodName, method calls only
  // StringEndsWithMethodName takes "get x" as ending in "x" (V8 12+; V8 11
  // writes "get x [as x]").
  bool method_after_space = true;
  std::string location;             // AppendFileLocation's text
};

// The name part: "f", "new Foo", "Foo.method [as run]", "Type.<anonymous>";
// "" for an anonymous top-level call (written as its location alone).
std::string CallSiteName(const CallSiteParts& parts);
// The frame as Error.stack writes it, without the "    at ": "f (file:1:2)",
// "async g (file:3:4)", "file:5:6", "async Promise.all (index 0)".
std::string FormatCallSite(const CallSiteParts& parts);
// AppendFileLocation: "file:1:2", "<anonymous>", "eval at f (file:1:2), <anonymous>:1:1";
// marked ", function start" where the position is the function's start.
std::string CallSiteLocationText(const CallSitePosition& position);

// The receiver's part of a frame's name, as CallSiteInfo computes it from
// the receiver and the function.
struct CallSiteReceiverNames {
  bool top_level = false;  // undefined, null or the global proxy
  std::string type_name;   // GetTypeName (JSReceiver::GetConstructorName, "Number", ...)
  std::string method_name; // GetMethodName: where the receiver holds the function
};
CallSiteReceiverNames NameReceiver(Heap& heap, uint64_t receiver, uint64_t function, const JSFunctionData& fn);
// JSFunction::GetDebugName: an own `name` data property, else the
// SharedFunctionInfo's debug name.
std::string FunctionDebugName(Heap& heap, uint64_t function, const JSFunctionData& fn);

// One frame read from the heap, formatted ("f (file:1:2)").
std::string CallSiteText(Heap& heap, const CallSiteRecord& record);
// An unformatted stack's frames as Error.stack writes them, one
// "    at ..." line each, joined by "\n".
std::string CallSiteLines(Heap& heap, const std::vector<CallSiteRecord>& records);

// The V8 view of a CallSiteInfo: %DebugPrint's fields in the version's
// order, then the frame it describes (function, receiver, position, text).
std::string DebugPrintCallSiteInfo(Heap& heap, V8View& view, uint64_t address);

}  // namespace nodegdb
