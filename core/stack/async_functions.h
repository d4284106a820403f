// Suspended async functions, async generators and generators: the stacks
// that wait. Each generator object the heap holds with a saved position is
// listed with where it waits (its await or yield as file:line:col, from the
// bytecode offset V8 saved when it suspended), the promise it awaits and
// that promise's state, and which suspended async function awaits its own
// promise, as V8's async stack traces follow them (the awaited promise's
// reactions lead through the await closures' contexts to the awaiting
// generator). Chains are grouped into stacks, innermost first, and equal
// stacks are counted together.
//
// May fail: the heap walk reports what it could not read (WalkReport); a
// generator whose fields or position cannot be read is listed with a note,
// never dropped; reaction lists are bounded and cycle-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/heap/heap_walk.h"
#include "core/v8/heap.h"

namespace nodegdb {

struct SuspendedFunction {
  uint64_t object = 0;     // tagged generator object
  std::string kind;        // "async function", "async generator", "generator"
  std::string name;        // the function's debug name ("" if anonymous)
  uint64_t function = 0;   // tagged JSFunction
  std::string script;      // "" if unknown
  int64_t line = 0, column = 0;  // 1-based; 0 if unknown
  std::string note;        // why the position is missing
  uint64_t promise = 0;    // tagged: an async function's own promise (0 for others)
  uint64_t awaited = 0;    // tagged promise it awaits, 0 if none found
  std::string awaited_state;  // "pending", "fulfilled", "rejected" ("" if none)
  int awaited_by = -1;     // index of the suspended async function awaiting `promise`
  // Its arguments (named from the source) and the context locals of its own
  // scope, as saved when it suspended: (name, raw tagged word).
  std::vector<std::pair<std::string, uint64_t>> arguments, locals;
};

struct AsyncStacks {
  std::vector<SuspendedFunction> functions;  // in heap order
  // Chains by index into `functions`, innermost first; equal chains (same
  // names and positions) share one entry with their count.
  struct Stack {
    std::vector<int> chain;  // the first instance's chain
    size_t count = 0;
    std::vector<uint64_t> objects;  // the innermost generator of each instance
  };
  std::vector<Stack> stacks;  // most instances first
  WalkReport report;
};

// The same from a walk someone else runs (node-report's census walk):
// feed visitor() every object, then Finish() with that walk's report.
class AsyncStacksFinder {
 public:
  explicit AsyncStacksFinder(Heap& heap);
  ~AsyncStacksFinder();
  ObjectVisitor& visitor();
  AsyncStacks Finish(const WalkReport& report);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// One walk of its own. `also`: another visitor fed by the same walk.
AsyncStacks FindAsyncStacks(Heap& heap, HeapWalker& walker, const ProgressFn& progress = {},
                            ObjectVisitor* also = nullptr);

// "name (file:line:col)" of a suspended function, or why the position is missing.
std::string SuspendedWhere(const SuspendedFunction& f);

// The suspended function an await closure (a promise reaction's handler)
// resumes; nullopt if the handler is no await closure.
std::optional<SuspendedFunction> ResumedByHandler(Heap& heap, uint64_t handler);

// ---- async stack traces: what V8 appends after the machine frames ----

// The generator object of a running async function's frame: a
// JSAsyncFunctionObject (or async generator) whose function is the frame's,
// among the words of the frame [sp, fp) and its register file below fp
// (interpreted and baseline frames keep it in a register; optimized code
// spills it). 0 if none is there.
uint64_t GeneratorInFrame(Heap& heap, uint64_t function, uint64_t sp, uint64_t fp);

// One "at async ..." line of Error.stack.
struct AsyncFrame {
  std::string text;  // "async outer (/srv/app.js:12:5)", "async Promise.all (index 1)"
  uint64_t object = 0;  // the awaiting generator, or Promise.all's promise
};

// From a running async function's generator: who awaits its promise, as
// V8's CaptureAsyncStackTrace follows it (a pending promise with exactly one
// reaction: an await closure names the awaiting async function, at the
// await where it is suspended; Promise.all's element closure gives
// "Promise.all (index N)" and goes on from the promise it settles; a
// plain .then() goes on from the promise it resolves). Bounded by `limit`,
// cycle-checked; stops quietly at what it cannot read.
std::vector<AsyncFrame> AsyncContinuation(Heap& heap, uint64_t generator, size_t limit = 1000);

// The answer as text: one block per stack, `N × name (file:line:col)`
// innermost first, then each awaiting function; verbose adds each
// instance's objects, and each function's arguments and locals (values in
// the JS view, util.inspect at depth 0).
std::string AsyncStacksText(Heap& heap, const AsyncStacks& stacks, bool verbose, int node_major = 20);

// The same answer as one JSON document (`v8 async -json`):
// {"suspended": N, "kinds": {"async function": n, ...}, "stacks": [{"count",
// "objects": ["0x..."], "functions": [{"kind", "name", "script", "line",
// "column", "object", "function", "awaited", "awaited_state", ...}]}]};
// the walk's summary goes in "walk". verbose: every instance's object, and
// each function's "arguments" and "locals" as v8 print -json values (depth 0).
std::string AsyncStacksJson(Heap& heap, const AsyncStacks& stacks, bool verbose, int node_major = 20,
                            int indent = 2);

}  // namespace nodegdb
