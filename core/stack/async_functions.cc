#include "core/stack/async_functions.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "core/errors.h"
#include "core/stack/frames.h"
#include "core/v8/source_positions.h"
#include "core/v8/context.h"
#include "core/v8/js_function.h"
#include "core/v8/shared_function_info.h"
#include "core/view/js_json.h"
#include "core/view/js_model.h"
#include "core/view/js_view.h"
#include "core/view/json_writer.h"

namespace nodegdb {

namespace {

// JSGeneratorObject (V8 11-14, from Torque): after the JSObject header
// (map, properties, elements) come function, context, receiver,
// input_or_debug_pos, resume_mode, continuation, parameters_and_registers;
// a JSAsyncFunctionObject then has its promise. Checked on the cores of all
// four Node versions (V8 14 appends the cached await closures after it).
constexpr uint64_t kGeneratorFunction = 24, kGeneratorContext = 32, kGeneratorInputOrDebugPos = 48,
                   kGeneratorContinuation = 64, kGeneratorParametersAndRegisters = 72, kAsyncFunctionPromise = 80;
// JSPromise: reactions_or_result, flags (status in bits 0-1) after the header.
constexpr uint64_t kPromiseReactionsOrResult = 24, kPromiseFlags = 32;
// PromiseReaction (a Struct): next, reject_handler, fulfill_handler, ...;
// from V8 12 continuation_preserved_embedder_data comes first
// (V8Rules::promise_reaction_embedder_data_first).
uint64_t ReactionNext(const V8Rules& r) { return r.promise_reaction_embedder_data_first() ? 16 : 8; }
uint64_t ReactionFulfillHandler(const V8Rules& r) { return r.promise_reaction_embedder_data_first() ? 32 : 24; }
// An await closure's context (AwaitContext): scope info, previous, then
// the generator in the extension slot.
constexpr int kAwaitContextGeneratorSlot = 2;
constexpr size_t kMaxReactions = 100000;

struct Types {
  int generator = -1, async_function = -1, async_generator = -1, promise = -1, reaction = -1;
  bool generator_guessed = false;  // not from the metadata: see below
  explicit Types(const Metadata& md)
      : generator(md.FindType("JS_GENERATOR_OBJECT_TYPE").value_or(-1)),
        async_function(md.FindType("JS_ASYNC_FUNCTION_OBJECT_TYPE").value_or(-1)),
        async_generator(md.FindType("JS_ASYNC_GENERATOR_OBJECT_TYPE").value_or(-1)),
        promise(md.FindType("JS_PROMISE_TYPE").value_or(-1)),
        reaction(md.FindType("PROMISE_REACTION_TYPE").value_or(-1)) {
    // The metadata names no JS_GENERATOR_OBJECT_TYPE; V8 numbers the
    // concrete base class just before its subclasses (0x839 before
    // JS_ASYNC_FUNCTION_OBJECT_TYPE 0x83a on Node 20, 0x83f before 0x840 on
    // Node 26, read from suspended generators); Describe() must then also
    // find a function, or the object is not listed.
    if (generator < 0 && async_function > 0 && md.TypeName(async_function - 1).empty()) {
      generator = async_function - 1;
      generator_guessed = true;
    }
  }
};

// Collects the suspended generators and the pending promises with reactions.
class Collector : public ObjectVisitor {
 public:
  Collector(Heap& heap, const Types& types) : heap_(heap), types_(types) {}

  void Visit(const ObjectRef& o) override {
    const int type = o.facts ? o.facts->type : -1;
    const uint64_t tagged = o.address + heap_.layout().tagging.heap_object_tag;
    try {
      if (type == types_.generator || type == types_.async_function || type == types_.async_generator) {
        Tagged continuation = heap_.ReadTagged(o.address + kGeneratorContinuation);
        if (continuation.is_smi() && continuation.smi >= 0) generators.push_back({tagged, type});
      } else if (type == types_.promise) {
        Tagged flags = heap_.ReadTagged(o.address + kPromiseFlags);
        uint64_t reactions = heap_.ReadWord(o.address + kPromiseReactionsOrResult);
        if (flags.is_smi() && (flags.smi & 3) == 0 && !heap_.Decode(reactions).is_smi()) {
          promises.push_back({tagged, reactions});
        }
      }
    } catch (const Error&) {
      // An unreadable object: the walk's report covers the page; go on.
    }
  }

  std::vector<std::pair<uint64_t, int>> generators;      // tagged, instance type
  std::vector<std::pair<uint64_t, uint64_t>> promises;   // tagged, reactions head

 private:
  Heap& heap_;
  const Types& types_;
};

class AsyncResolver {
 public:
  AsyncResolver(Heap& heap, const Types& types) : heap_(heap), types_(types) {}

  SuspendedFunction Describe(uint64_t tagged, int type) {
    SuspendedFunction f;
    f.object = tagged;
    f.kind = type == types_.async_function ? "async function" : type == types_.async_generator ? "async generator"
                                                                                               : "generator";
    const uint64_t address = tagged - heap_.layout().tagging.heap_object_tag;
    try {
      f.function = heap_.ReadWord(address + kGeneratorFunction);
      JSFunctionData fn = ReadJSFunction(heap_, heap_.Decode(f.function).address);
      f.name = fn.sfi.debug_name;
      if (type == types_.async_function) f.promise = heap_.ReadWord(address + kAsyncFunctionPromise);
      Locate(address, fn.sfi, f);
      ReadValues(address, fn.sfi, f);
    } catch (const Error& e) {
      f.note = e.what();
    }
    return f;
  }

  // The generator an await closure resumes (its context's extension), or 0.
  uint64_t AwaitingGenerator(uint64_t handler) {
    Tagged h = heap_.Decode(handler);
    if (h.kind != Tagged::Kind::kStrong || !IsJSFunction(heap_, h.address)) return 0;
    JSFunctionData fn = ReadJSFunction(heap_, h.address);
    Tagged context = heap_.Decode(fn.context);
    if (context.kind != Tagged::Kind::kStrong || !IsContext(heap_, context.address)) return 0;
    const ContextLayout& l = heap_.LayoutOf<ContextLayout>();
    Tagged length = heap_.ReadTagged(context.address + static_cast<uint64_t>(l.length));
    if (!length.is_smi() || length.smi <= kAwaitContextGeneratorSlot) return 0;
    return heap_.ReadWord(context.address + static_cast<uint64_t>(l.header) + 8 * kAwaitContextGeneratorSlot);
  }

  // Each fulfill handler on a promise's reaction list (bounded, cycle-safe).
  std::vector<uint64_t> FulfillHandlers(uint64_t reactions) {
    std::vector<uint64_t> handlers;
    std::set<uint64_t> seen;
    for (Tagged r = heap_.Decode(reactions); r.kind == Tagged::Kind::kStrong && handlers.size() < kMaxReactions;) {
      if (!seen.insert(r.address).second || heap_.InstanceTypeOf(r.address) != types_.reaction) break;
      handlers.push_back(heap_.ReadWord(r.address + ReactionFulfillHandler(heap_.rules())));
      r = heap_.ReadTagged(r.address + ReactionNext(heap_.rules()));
    }
    return handlers;
  }

  std::string PromiseState(uint64_t promise) {
    Tagged p = heap_.Decode(promise);
    Tagged flags = heap_.ReadTagged(p.address + kPromiseFlags);
    if (!flags.is_smi()) return "unreadable";
    static const char* const kStates[] = {"pending", "fulfilled", "rejected", "unknown"};
    return kStates[flags.smi & 3];
  }

 private:
  // The await or yield: the saved bytecode offset through the function's
  // source position table.
  void Locate(uint64_t address, const SharedFunctionInfoData& sfi, SuspendedFunction& f) {
    if (auto start = LocateFunction(heap_, sfi)) f.script = start->script_name;
    Tagged pos = heap_.ReadTagged(address + kGeneratorInputOrDebugPos);
    if (!pos.is_smi() || !sfi.bytecode_array || !sfi.script) {
      f.note = "no saved position";
      return;
    }
    const Metadata& md = heap_.metadata();
    const int64_t data = md.FindField("BytecodeArray", {"data"}).value_or(54);
    const int64_t offset = pos.smi - (data - static_cast<int64_t>(heap_.layout().tagging.heap_object_tag));
    const uint64_t table_raw = heap_.ReadWord(sfi.bytecode_array + (heap_.rules().bytecode_positions_at_24() ? 24 : 32));
    std::vector<uint8_t> table = ReadBytes(table_raw);
    auto entry = PositionAt(DecodeSourcePositionTable(table.data(), table.size(), PositionTableFormatFor(heap_.rules())),
                            offset);
    if (!entry) {
      f.note = table.empty() ? "source positions not collected for this function" : "no position for the offset";
      return;
    }
    if (auto loc = ScriptLocation(heap_, ReadScript(heap_, sfi.script), entry->script_offset)) {
      f.line = loc->line;
      f.column = loc->column;
    }
  }

  // The parameters lead parameters_and_registers; the function's own
  // context (if its ScopeInfo is the function's) has the context locals.
  void ReadValues(uint64_t address, const SharedFunctionInfoData& sfi, SuspendedFunction& f) {
    try {
      Tagged saved = heap_.ReadTagged(address + kGeneratorParametersAndRegisters);
      std::vector<std::string> names;
      if (auto source = FunctionSource(heap_, sfi, 2000)) names = ParameterNamesFromSource(source->units);
      const ContextLayout& l = heap_.LayoutOf<ContextLayout>();
      for (int i = 0; saved.kind == Tagged::Kind::kStrong && i < sfi.formal_parameter_count && i < 64; i++) {
        std::string name = static_cast<size_t>(i) < names.size() ? names[static_cast<size_t>(i)] : "arg" + std::to_string(i);
        f.arguments.emplace_back(name, heap_.ReadWord(saved.address + static_cast<uint64_t>(l.header) + 8 * static_cast<uint64_t>(i)));
      }
      Tagged context = heap_.ReadTagged(address + kGeneratorContext);
      if (context.kind != Tagged::Kind::kStrong || !IsContext(heap_, context.address)) return;
      ContextInfo c = ReadContext(heap_, context.address);
      if (!sfi.scope_info || heap_.Decode(c.scope_info).address != sfi.scope_info) return;
      for (const ContextVariable& v : c.variables) f.locals.emplace_back(v.name, v.value);
    } catch (const Error&) {
      // Values are extras: the position and chain stay.
    }
  }

  // A (Trusted)ByteArray's bytes (map, length Smi, then the data).
  std::vector<uint8_t> ReadBytes(uint64_t raw) {
    Tagged t = heap_.Decode(raw);
    if (t.kind != Tagged::Kind::kStrong) return {};
    Tagged length = heap_.ReadTagged(t.address + 8);
    if (!length.is_smi() || length.smi <= 0 || length.smi > (16 << 20)) return {};
    std::vector<uint8_t> bytes(static_cast<size_t>(length.smi));
    heap_.memory().ReadOrThrow(t.address + 16, bytes.data(), bytes.size());
    return bytes;
  }

  Heap& heap_;
  const Types& types_;
};

std::string FrameKey(const SuspendedFunction& f) {
  return f.kind + "|" + f.name + "|" + f.script + ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
}

void LinkAwaits(AsyncStacks& out, AsyncResolver& resolver, const std::vector<std::pair<uint64_t, uint64_t>>& promises) {
  std::unordered_map<uint64_t, int> by_object, by_promise;
  for (size_t i = 0; i < out.functions.size(); i++) {
    by_object[out.functions[i].object] = static_cast<int>(i);
    if (out.functions[i].promise) by_promise[out.functions[i].promise] = static_cast<int>(i);
  }
  for (const auto& [promise, reactions] : promises) {
    try {
      for (uint64_t handler : resolver.FulfillHandlers(reactions)) {
        auto it = by_object.find(resolver.AwaitingGenerator(handler));
        if (it == by_object.end()) continue;
        SuspendedFunction& waiter = out.functions[static_cast<size_t>(it->second)];
        waiter.awaited = promise;
        waiter.awaited_state = "pending";
        auto inner = by_promise.find(promise);
        if (inner != by_promise.end() && out.functions[static_cast<size_t>(inner->second)].awaited_by < 0) {
          out.functions[static_cast<size_t>(inner->second)].awaited_by = it->second;
        }
      }
    } catch (const Error&) {
      // A damaged reaction list: what it led to so far stays.
    }
  }
}

void GroupStacks(AsyncStacks& out) {
  std::set<int> outer;  // functions that await another suspended one
  for (const SuspendedFunction& f : out.functions) {
    if (f.awaited_by >= 0) outer.insert(f.awaited_by);
  }
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < out.functions.size(); i++) {
    if (outer.count(static_cast<int>(i))) continue;
    std::vector<int> chain;
    std::string key;
    for (int at = static_cast<int>(i); at >= 0 && chain.size() < 10000; at = out.functions[static_cast<size_t>(at)].awaited_by) {
      if (std::find(chain.begin(), chain.end(), at) != chain.end()) break;  // a cycle in damaged memory
      chain.push_back(at);
      key += FrameKey(out.functions[static_cast<size_t>(at)]) + "\n";
    }
    auto [it, fresh] = index.emplace(key, out.stacks.size());
    if (fresh) out.stacks.push_back({chain, 0, {}});
    AsyncStacks::Stack& stack = out.stacks[it->second];
    stack.count++;
    stack.objects.push_back(out.functions[i].object);
  }
  std::stable_sort(out.stacks.begin(), out.stacks.end(),
                   [](const AsyncStacks::Stack& a, const AsyncStacks::Stack& b) { return a.count > b.count; });
}

}  // namespace

std::string SuspendedWhere(const SuspendedFunction& f) {
  std::string name = f.name.empty() ? "<anonymous>" : f.name;
  if (f.line) return name + " (" + f.script + ":" + std::to_string(f.line) + ":" + std::to_string(f.column) + ")";
  return name + " (" + (f.script.empty() ? std::string("<unknown script>") : f.script) + ", " +
         (f.note.empty() ? std::string("no position") : f.note) + ")";
}

uint64_t GeneratorInFrame(Heap& heap, uint64_t function, uint64_t sp, uint64_t fp) {
  constexpr uint64_t kMaxFrameWords = 4096, kRegisterFileWords = 256;
  if (fp < 8 * kRegisterFileWords || fp % 8) return 0;
  Types types(heap.metadata());
  // The interpreter's register file starts below the fixed part of the
  // frame; an sp that is no plausible bound of the frame is not used.
  const uint64_t register_file = fp - 8 * kRegisterFileWords;
  const bool sp_bounds_frame = sp <= fp && fp - sp <= 8 * kMaxFrameWords;
  const uint64_t low = sp_bounds_frame ? std::min(sp, register_file) : register_file;
  std::vector<uint64_t> words((fp - low) / 8);
  if (words.empty() || !heap.memory().Read(low, words.data(), words.size() * 8)) return 0;
  for (auto it = words.rbegin(); it != words.rend(); ++it) {  // nearest fp first
    Tagged t = heap.Decode(*it);
    if (t.kind != Tagged::Kind::kStrong) continue;
    try {
      const int type = heap.InstanceTypeOf(t.address);
      if (type != types.async_function && type != types.async_generator) continue;
      if (heap.ReadWord(t.address + kGeneratorFunction) == function) return t.raw;
    } catch (const Error&) {
      // Not an object: another word of the frame.
    }
  }
  return 0;
}

namespace {

// PromiseAllResolveElementContext: scope info, previous, remaining count,
// the PromiseCapability, the values; the element's index is its closure's
// identity hash (properties_or_hash) minus one.
constexpr int kPromiseAllCapabilitySlot = 3, kPromiseAllContextLength = 5;
constexpr uint64_t kPropertiesOrHash = 8, kCapabilityPromise = 8;
// PromiseReaction's promise_or_capability, after next, reject and fulfill.
uint64_t ReactionPromiseOrCapability(const V8Rules& r) { return r.promise_reaction_embedder_data_first() ? 40 : 32; }

// If `handler` is Promise.all's resolve-element closure: (index, promise it settles).
std::optional<std::pair<int64_t, uint64_t>> PromiseAllElement(Heap& heap, uint64_t handler) {
  Tagged h = heap.Decode(handler);
  if (h.kind != Tagged::Kind::kStrong || !IsJSFunction(heap, h.address)) return std::nullopt;
  JSFunctionData fn = ReadJSFunction(heap, h.address);
  if (!fn.sfi.builtin_id || fn.sfi.script) return std::nullopt;
  Tagged context = heap.Decode(fn.context);
  if (context.kind != Tagged::Kind::kStrong || !IsContext(heap, context.address)) return std::nullopt;
  const ContextLayout& l = heap.LayoutOf<ContextLayout>();
  Tagged length = heap.ReadTagged(context.address + static_cast<uint64_t>(l.length));
  if (!length.is_smi() || length.smi != kPromiseAllContextLength) return std::nullopt;
  Tagged capability = heap.ReadTagged(context.address + static_cast<uint64_t>(l.header) + 8 * kPromiseAllCapabilitySlot);
  if (capability.kind != Tagged::Kind::kStrong ||
      heap.metadata().TypeName(heap.InstanceTypeOf(capability.address)) != "PROMISE_CAPABILITY_TYPE") {
    return std::nullopt;
  }
  Tagged hash = heap.ReadTagged(h.address + kPropertiesOrHash);
  const int64_t index = hash.is_smi() ? hash.smi - 1 : -1;
  return std::make_pair(index, heap.ReadWord(capability.address + kCapabilityPromise));
}

}  // namespace

std::vector<AsyncFrame> AsyncContinuation(Heap& heap, uint64_t generator, size_t limit) {
  std::vector<AsyncFrame> out;
  Types types(heap.metadata());
  AsyncResolver resolver(heap, types);
  std::set<uint64_t> seen;
  try {
    Tagged g = heap.Decode(generator);
    if (g.kind != Tagged::Kind::kStrong || heap.InstanceTypeOf(g.address) != types.async_function) return out;
    uint64_t promise = heap.ReadWord(g.address + kAsyncFunctionPromise);
    while (out.size() < limit && seen.insert(promise).second) {
      Tagged p = heap.Decode(promise);
      if (p.kind != Tagged::Kind::kStrong || heap.InstanceTypeOf(p.address) != types.promise) break;
      Tagged flags = heap.ReadTagged(p.address + kPromiseFlags);
      if (!flags.is_smi() || (flags.smi & 3) != 0) break;  // settled: nothing waits any more
      Tagged reaction = heap.ReadTagged(p.address + kPromiseReactionsOrResult);
      if (reaction.kind != Tagged::Kind::kStrong || heap.InstanceTypeOf(reaction.address) != types.reaction) break;
      Tagged next = heap.ReadTagged(reaction.address + ReactionNext(heap.rules()));
      if (!next.is_smi()) break;  // more than one reaction: V8 does not guess which
      const uint64_t handler = heap.ReadWord(reaction.address + ReactionFulfillHandler(heap.rules()));
      Tagged awaiting = heap.Decode(resolver.AwaitingGenerator(handler));
      if (awaiting.kind == Tagged::Kind::kStrong && heap.InstanceTypeOf(awaiting.address) == types.async_function) {
        SuspendedFunction f = resolver.Describe(awaiting.raw, types.async_function);
        out.push_back({"async " + SuspendedWhere(f), awaiting.raw});
        promise = f.promise;
        continue;
      }
      if (auto element = PromiseAllElement(heap, handler)) {
        out.push_back({"async Promise.all (index " + std::to_string(element->first) + ")", element->second});
        promise = element->second;
        continue;
      }
      // A .then() handler: go on from the promise it resolves.
      Tagged chained = heap.ReadTagged(reaction.address + ReactionPromiseOrCapability(heap.rules()));
      if (chained.kind != Tagged::Kind::kStrong) break;
      if (heap.InstanceTypeOf(chained.address) != types.promise) {
        if (heap.metadata().TypeName(heap.InstanceTypeOf(chained.address)) != "PROMISE_CAPABILITY_TYPE") break;
        chained = heap.ReadTagged(chained.address + kCapabilityPromise);
        if (chained.kind != Tagged::Kind::kStrong) break;
      }
      promise = chained.raw;
    }
  } catch (const Error&) {
    // What was followed so far stays.
  }
  return out;
}

std::optional<SuspendedFunction> ResumedByHandler(Heap& heap, uint64_t handler) {
  try {
    Types types(heap.metadata());
    AsyncResolver resolver(heap, types);
    Tagged generator = heap.Decode(resolver.AwaitingGenerator(handler));
    if (generator.kind != Tagged::Kind::kStrong) return std::nullopt;
    const int type = heap.InstanceTypeOf(generator.address);
    if (type != types.generator && type != types.async_function && type != types.async_generator) return std::nullopt;
    return resolver.Describe(generator.raw, type);
  } catch (const Error&) {
    return std::nullopt;
  }
}

class AsyncStacksFinder::Impl {
 public:
  explicit Impl(Heap& heap) : heap(heap), types(heap.metadata()), collector(heap, types) {}
  Heap& heap;
  Types types;
  Collector collector;
};

AsyncStacksFinder::AsyncStacksFinder(Heap& heap) : impl_(std::make_unique<Impl>(heap)) {}
AsyncStacksFinder::~AsyncStacksFinder() = default;
ObjectVisitor& AsyncStacksFinder::visitor() { return impl_->collector; }

AsyncStacks AsyncStacksFinder::Finish(const WalkReport& report) {
  const Types& types = impl_->types;
  AsyncResolver resolver(impl_->heap, types);
  AsyncStacks out;
  out.report = report;
  for (const auto& [tagged, type] : impl_->collector.generators) {
    SuspendedFunction f = resolver.Describe(tagged, type);
    // A guessed type must prove itself: its function must be readable.
    if (type == types.generator && types.generator_guessed && f.function == 0) continue;
    if (type == types.generator && types.generator_guessed && !f.note.empty() && f.name.empty()) continue;
    out.functions.push_back(std::move(f));
  }
  LinkAwaits(out, resolver, impl_->collector.promises);
  for (SuspendedFunction& f : out.functions) {
    if (f.awaited && f.awaited_state.empty()) f.awaited_state = resolver.PromiseState(f.awaited);
  }
  GroupStacks(out);
  return out;
}

AsyncStacks FindAsyncStacks(Heap& heap, HeapWalker& walker, const ProgressFn& progress, ObjectVisitor* also) {
  AsyncStacksFinder finder(heap);
  if (!also) return finder.Finish(walker.Walk(finder.visitor(), progress));
  TeeVisitor both(finder.visitor(), *also);
  return finder.Finish(walker.Walk(both, progress));
}

namespace {
std::string ValuesText(Heap& heap, const std::vector<std::pair<std::string, uint64_t>>& values, int node_major) {
  InspectOptions options;
  options.depth = 0;
  options.max_string_length = 60;
  options.max_array_length = 5;
  options.node_major = node_major;
  std::string text;
  for (const auto& [name, raw] : values) {
    std::string value;
    try {
      value = JsView(heap, options).Format(raw);
    } catch (const Error& e) {
      value = std::string("<") + e.what() + ">";
    }
    for (char& c : value) if (c == '\n') c = ' ';
    text += (text.empty() ? "" : ", ") + name + " = " + value;
  }
  return text;
}
}  // namespace

std::string AsyncStacksText(Heap& heap, const AsyncStacks& stacks, bool verbose, int node_major) {
  if (stacks.functions.empty()) return "nothing suspended: no async function, async generator or generator waits\n";
  std::map<std::string, size_t> kinds;
  for (const SuspendedFunction& f : stacks.functions) kinds[f.kind]++;
  std::string text = std::to_string(stacks.functions.size()) + " suspended";
  std::string sep = " (";
  for (const auto& [kind, n] : kinds) {
    text += sep + std::to_string(n) + " " + kind + (n == 1 ? "" : "s");
    sep = ", ";
  }
  if (!kinds.empty()) text += ")";
  text += " in " + std::to_string(stacks.stacks.size()) + " stack" + (stacks.stacks.size() == 1 ? "" : "s") +
          ", innermost first:\n";
  for (const AsyncStacks::Stack& s : stacks.stacks) {
    const SuspendedFunction& inner = stacks.functions[static_cast<size_t>(s.chain[0])];
    text += std::to_string(s.count) + " \u00d7 " + inner.kind + " " + SuspendedWhere(inner);
    if (inner.awaited) {
      text += " awaiting a " + inner.awaited_state + " Promise";
      if (s.count == 1) text += " " + Hex(inner.awaited);
    } else if (inner.kind == "async function") {
      text += " (what it awaits was not found)";
    }
    text += "\n";
    for (size_t k = 1; k < s.chain.size(); k++) {
      text += "      awaited by " + SuspendedWhere(stacks.functions[static_cast<size_t>(s.chain[k])]) + "\n";
    }
    if (verbose || s.count == 1) {
      std::string objects;
      for (size_t k = 0; k < s.objects.size() && k < (verbose ? s.objects.size() : 1); k++) {
        objects += (k ? " " : "") + Hex(s.objects[k]);
      }
      text += "      " + std::string(s.count == 1 ? "object: " : "objects: ") + objects + "\n";
    }
    if (verbose) {
      // The first instance's values, function by function.
      for (int at : s.chain) {
        const SuspendedFunction& f = stacks.functions[static_cast<size_t>(at)];
        if (!f.arguments.empty()) text += "      " + f.name + " arguments: " + ValuesText(heap, f.arguments, node_major) + "\n";
        if (!f.locals.empty()) text += "      " + f.name + " locals: " + ValuesText(heap, f.locals, node_major) + "\n";
      }
    }
  }
  return text;
}

namespace {

void ValuesJson(Heap& heap, JsonWriter& out, const std::vector<std::pair<std::string, uint64_t>>& values,
                int node_major) {
  InspectOptions options;
  options.depth = 0;
  options.max_string_length = 60;
  options.max_array_length = 5;
  options.node_major = node_major;
  HeapJsModel model(heap, options);
  out.BeginArray();
  for (const auto& [name, raw] : values) {
    out.BeginObject().Field("name", name).Key("value");
    try {
      JsonWriter one(0);
      WriteJsJson(model, raw, options, one);
      out.Raw(one.text());
    } catch (const Error& e) {
      out.BeginObject().Field("address", Hex(raw)).Field("error", e.what()).EndObject();
    }
    out.EndObject();
  }
  out.EndArray();
}

void SuspendedJson(Heap& heap, JsonWriter& out, const SuspendedFunction& f, bool verbose, int node_major) {
  out.BeginObject().Field("kind", f.kind).Field("name", f.name);
  if (!f.script.empty()) out.Field("script", f.script);
  if (f.line) out.Field("line", f.line).Field("column", f.column);
  if (!f.note.empty()) out.Field("note", f.note);
  out.Field("where", SuspendedWhere(f)).Field("object", Hex(f.object)).Field("function", Hex(f.function));
  if (f.promise) out.Field("promise", Hex(f.promise));
  if (f.awaited) out.Field("awaited", Hex(f.awaited)).Field("awaited_state", f.awaited_state);
  if (verbose) {
    out.Key("arguments");
    ValuesJson(heap, out, f.arguments, node_major);
    out.Key("locals");
    ValuesJson(heap, out, f.locals, node_major);
  }
  out.EndObject();
}
}  // namespace

std::string AsyncStacksJson(Heap& heap, const AsyncStacks& stacks, bool verbose, int node_major, int indent) {
  std::map<std::string, size_t> kinds;
  for (const SuspendedFunction& f : stacks.functions) kinds[f.kind]++;
  JsonWriter out(indent);
  out.BeginObject().Field("suspended", static_cast<uint64_t>(stacks.functions.size())).Key("kinds").BeginObject();
  for (const auto& [kind, n] : kinds) out.Field(kind, static_cast<uint64_t>(n));
  out.EndObject().Key("stacks").BeginArray();
  for (const AsyncStacks::Stack& s : stacks.stacks) {
    out.BeginObject().Field("count", static_cast<uint64_t>(s.count)).Key("objects").BeginArray();
    for (size_t k = 0; k < s.objects.size() && k < (verbose ? s.objects.size() : 1); k++) out.String(Hex(s.objects[k]));
    out.EndArray().Key("functions").BeginArray();
    // The first instance's chain, innermost first: the awaited-by order.
    for (int at : s.chain) SuspendedJson(heap, out, stacks.functions[static_cast<size_t>(at)], verbose, node_major);
    out.EndArray().EndObject();
  }
  out.EndArray().Field("walk", stacks.report.Summary()).EndObject();
  return out.Take();
}

}  // namespace nodegdb
