#include "core/v8/context.h"

#include <cstring>
#include <iomanip>
#include <sstream>
#include <unordered_set>

#include "core/v8/heap_number.h"
#include "core/v8/oddball.h"

namespace nodegdb {

namespace {

constexpr int64_t kMaxContextLength = 1 << 24;

}  // namespace

ContextLayout ContextLayout::From(const Metadata& md) {
  ContextLayout l;
  l.first_type = static_cast<int>(md.Find("v8dbg_FirstContextType").value_or(-1));
  l.last_type = static_cast<int>(md.Find("v8dbg_LastContextType").value_or(-1));
  l.context_cell_type = md.FindType("CONTEXT_CELL_TYPE").value_or(-1);
  l.header = md.FindField("FixedArray", {"data"}).value_or(16);
  l.length = md.FindField("FixedArrayBase", {"length"}).value_or(8);
  l.idx_scope_info = static_cast<int>(md.Find("v8dbg_context_idx_scope_info").value_or(0));
  l.idx_previous = static_cast<int>(md.Find("v8dbg_context_idx_prev").value_or(1));
  l.min_slots = static_cast<int>(md.Find("v8dbg_context_min_slots").value_or(2));
  l.embedder_data_offset = md.Find("v8dbg_native_context_embedder_data_offset").value_or(-1);
  l.map_native_context = md.FindField("Map", {"native_context", "native_context_or_null"}).value_or(-1);
  l.embedder_data_array_type = md.FindType("EMBEDDER_DATA_ARRAY_TYPE").value_or(-1);
  return l;
}

namespace {

const ContextLayout& LayoutFor(Heap& heap) { return heap.LayoutOf<ContextLayout>(); }

// Context types in instance-type order (V8 11-14 number them alphabetically).
const ContextKind kKindsInOrder[] = {ContextKind::kAwait,  ContextKind::kBlock,    ContextKind::kCatch,
                                     ContextKind::kDebugEvaluate, ContextKind::kEval, ContextKind::kFunction,
                                     ContextKind::kModule, ContextKind::kNative,   ContextKind::kScript,
                                     ContextKind::kWith};

bool IsHole(Heap& heap, uint64_t raw) {
  Tagged t = heap.Decode(raw);
  if (t.kind != Tagged::Kind::kStrong) return false;
  try {
    int type = heap.InstanceTypeOf(t.address);
    ObjectKind kind = heap.KindOf(type);
    if (kind == ObjectKind::kHole) return true;
    if (kind == ObjectKind::kOddball) {
      std::string name = ReadOddball(heap, t.address).name;
      return name == "the_hole" || name == "hole";
    }
  } catch (const Error&) {
    // Unreadable: not the hole (the slot is shown as it is).
  }
  return false;
}

}  // namespace

bool IsTheHole(Heap& heap, uint64_t raw) { return IsHole(heap, raw); }

const char* ContextTypeName(ContextKind kind) {
  switch (kind) {
    case ContextKind::kAwait: return "AWAIT_CONTEXT_TYPE";
    case ContextKind::kBlock: return "BLOCK_CONTEXT_TYPE";
    case ContextKind::kCatch: return "CATCH_CONTEXT_TYPE";
    case ContextKind::kDebugEvaluate: return "DEBUG_EVALUATE_CONTEXT_TYPE";
    case ContextKind::kEval: return "EVAL_CONTEXT_TYPE";
    case ContextKind::kFunction: return "FUNCTION_CONTEXT_TYPE";
    case ContextKind::kModule: return "MODULE_CONTEXT_TYPE";
    case ContextKind::kNative: return "NATIVE_CONTEXT_TYPE";
    case ContextKind::kScript: return "SCRIPT_CONTEXT_TYPE";
    case ContextKind::kWith: return "WITH_CONTEXT_TYPE";
    case ContextKind::kUnknown: break;
  }
  return "UNKNOWN_CONTEXT_TYPE";
}

const char* ContextClassName(ContextKind kind) {
  switch (kind) {
    case ContextKind::kAwait: return "AwaitContext";
    case ContextKind::kBlock: return "BlockContext";
    case ContextKind::kCatch: return "CatchContext";
    case ContextKind::kDebugEvaluate: return "DebugEvaluateContext";
    case ContextKind::kEval: return "EvalContext";
    case ContextKind::kFunction: return "FunctionContext";
    case ContextKind::kModule: return "ModuleContext";
    case ContextKind::kNative: return "NativeContext";
    case ContextKind::kScript: return "ScriptContext";
    case ContextKind::kWith: return "WithContext";
    case ContextKind::kUnknown: break;
  }
  return "Context";
}

bool IsContextType(Heap& heap, int instance_type) {
  const ContextLayout& l = LayoutFor(heap);
  return l.first_type >= 0 && instance_type >= l.first_type && instance_type <= l.last_type;
}

ContextKind ContextKindOf(Heap& heap, int instance_type) {
  const ContextLayout& l = LayoutFor(heap);
  if (!IsContextType(heap, instance_type)) return ContextKind::kUnknown;
  int i = instance_type - l.first_type;
  // The list has exactly these ten types in V8 11-14; another count means a
  // numbering we do not know.
  if (l.last_type - l.first_type + 1 != 10) return ContextKind::kUnknown;
  return kKindsInOrder[i];
}

bool IsContext(Heap& heap, uint64_t address) { return IsContextType(heap, heap.InstanceTypeOf(address)); }

bool IsContextCell(Heap& heap, uint64_t raw) {
  const ContextLayout& l = LayoutFor(heap);
  Tagged t = heap.Decode(raw);
  if (l.context_cell_type < 0 || t.kind != Tagged::Kind::kStrong) return false;
  try {
    return heap.InstanceTypeOf(t.address) == l.context_cell_type;
  } catch (const Error&) {
    return false;
  }
}

ContextCellInfo ReadContextCell(Heap& heap, uint64_t address) {
  const ContextLayout& l = LayoutFor(heap);
  if (l.context_cell_type < 0 || heap.InstanceTypeOf(address) != l.context_cell_type) {
    throw heap.NotA(address, "ContextCell");
  }
  ContextCellInfo c;
  c.tagged_value = heap.ReadWord(address + static_cast<uint64_t>(l.cell_value));
  uint32_t state = heap.memory().ReadU32(address + static_cast<uint64_t>(l.cell_state));
  switch (state) {
    case 0: c.state = ContextCellInfo::State::kConst; break;
    case 1: c.state = ContextCellInfo::State::kSmi; break;
    case 2: {
      c.state = ContextCellInfo::State::kInt32;
      c.number_text = std::to_string(static_cast<int32_t>(heap.memory().ReadU32(address + static_cast<uint64_t>(l.cell_number))));
      break;
    }
    case 3: {
      c.state = ContextCellInfo::State::kFloat64;
      uint64_t bits = heap.ReadWord(address + static_cast<uint64_t>(l.cell_number));
      double d;
      std::memcpy(&d, &bits, sizeof d);
      c.number_text = FormatJsNumber(d);
      break;
    }
    case 4: c.state = ContextCellInfo::State::kDetached; break;
    default: c.state = ContextCellInfo::State::kUnknown; break;
  }
  return c;
}

ContextInfo ReadContext(Heap& heap, uint64_t address) {
  const ContextLayout& l = LayoutFor(heap);
  const std::string shown = heap.Shown(address);
  const int ts = heap.layout().tagged_size;
  if (l.first_type < 0) throw MissingConstant("v8dbg_FirstContextType");
  uint64_t map = heap.MapOf(address);
  int type = heap.MapInstanceType(map);
  if (!IsContextType(heap, type)) throw heap.NotA(address, "Context", heap.TypeName(type));
  ContextInfo c;
  c.address = address;
  c.instance_type = type;
  c.kind = ContextKindOf(heap, type);
  c.length = heap.ReadSmiField(address, l.length, "context length");
  if (c.length < l.min_slots || c.length > kMaxContextLength) {
    throw CorruptObject("context " + shown + " has length " + std::to_string(c.length));
  }
  auto slot = [&](int64_t i) { return heap.ReadWord(address + static_cast<uint64_t>(l.header + ts * i)); };
  c.scope_info = slot(l.idx_scope_info);
  c.previous = slot(l.idx_previous);
  if (l.map_native_context >= 0) c.native_context = heap.ReadWord(map + static_cast<uint64_t>(l.map_native_context));

  Tagged si = heap.Decode(c.scope_info);
  if (si.kind == Tagged::Kind::kStrong) {
    try {
      c.scope = ReadScopeInfo(heap, si.address);
    } catch (const Error&) {
      // A damaged ScopeInfo: the slots are still listed, unnamed.
    }
  }
  c.has_extension = c.scope && c.scope->has_context_extension_slot;
  if (c.kind == ContextKind::kNative) c.has_extension = true;  // the global object
  if (c.has_extension && c.length > l.min_slots) c.extension = slot(l.min_slots);

  if (c.scope) {
    for (const ScopeLocal& local : c.scope->locals) {
      if (local.slot >= c.length) break;
      ContextVariable v;
      v.name = local.name;
      v.slot = local.slot;
      v.mode = local.mode;
      v.raw = slot(local.slot);
      v.value = v.raw;
      if (IsContextCell(heap, v.raw)) {
        ContextCellInfo cell = ReadContextCell(heap, heap.Decode(v.raw).address);
        v.in_cell = true;
        v.value = cell.tagged_value;
        v.number_text = cell.number_text;
      }
      v.uninitialized = IsHole(heap, v.value);
      c.variables.push_back(std::move(v));
    }
  }
  if (c.kind == ContextKind::kNative) {
    c.global_object = c.extension;
    if (c.length > l.min_slots + 1) c.global_proxy = slot(l.min_slots + 1);
    if (l.embedder_data_offset >= 0) c.embedder_data = heap.ReadWord(address + static_cast<uint64_t>(l.embedder_data_offset));
    c.microtask_queue = heap.ReadWord(address + static_cast<uint64_t>(l.header + ts * c.length));
  }
  return c;
}

ContextChain WalkContextChain(Heap& heap, uint64_t address, size_t max_depth) {
  ContextChain chain;
  std::unordered_set<uint64_t> seen;
  uint64_t current = address;
  while (true) {
    if (chain.contexts.size() >= max_depth) {
      chain.error = "stopped after " + std::to_string(max_depth) + " contexts";
      break;
    }
    if (!seen.insert(current).second) {
      chain.error = "the chain loops back to " + heap.Shown(current);
      break;
    }
    try {
      chain.contexts.push_back(ReadContext(heap, current));
    } catch (const Error& e) {
      chain.error = e.what();
      break;
    }
    const ContextInfo& c = chain.contexts.back();
    if (c.kind == ContextKind::kNative) break;
    Tagged prev = heap.Decode(c.previous);
    if (prev.kind != Tagged::Kind::kStrong) {
      chain.error = "previous of " + heap.Shown(current) + " is not a context (" +
                    Hex(c.previous) + ")";
      break;
    }
    current = prev.address;
  }
  return chain;
}

std::optional<ContextVariable> LookupContextVariable(Heap& heap, uint64_t context, const std::string& name,
                                                     size_t max_depth) {
  ContextChain chain = WalkContextChain(heap, context, max_depth);
  for (const ContextInfo& c : chain.contexts) {
    for (const ContextVariable& v : c.variables) {
      if (v.name == name) return v;
    }
  }
  return std::nullopt;
}

std::vector<uint64_t> ReadEmbedderData(Heap& heap, const ContextInfo& native_context, size_t limit) {
  const ContextLayout& l = LayoutFor(heap);
  std::vector<uint64_t> out;
  Tagged t = heap.Decode(native_context.embedder_data);
  if (t.kind != Tagged::Kind::kStrong) return out;
  if (l.embedder_data_array_type >= 0 && heap.InstanceTypeOf(t.address) != l.embedder_data_array_type) {
    throw CorruptObject("embedder data of the native context is not an EmbedderDataArray");
  }
  int64_t length = heap.ReadSmiField(t.address, l.length, "embedder data length");
  if (length < 0 || length > kMaxContextLength) throw CorruptObject("embedder data has length " + std::to_string(length));
  // Without pointer compression and sandbox an embedder data slot is one word.
  for (int64_t i = 0; i < length && out.size() < limit; i++) {
    out.push_back(heap.ReadWord(t.address + static_cast<uint64_t>(l.header + 8 * i)));
  }
  return out;
}

uint64_t NodeEnvironment(Heap& heap, const ContextInfo& native_context, int64_t environment_index) {
  if (environment_index < 0) return 0;
  std::vector<uint64_t> data = ReadEmbedderData(heap, native_context, static_cast<size_t>(environment_index) + 1);
  if (static_cast<int64_t>(data.size()) <= environment_index) return 0;
  uint64_t w = data[static_cast<size_t>(environment_index)];
  // An aligned pointer is stored as is; undefined means "not set".
  Tagged t = heap.Decode(w);
  if (t.kind == Tagged::Kind::kStrong) return 0;
  return w;
}

std::optional<int> NativeContextType(Heap& heap) {
  const Metadata& md = heap.metadata();
  // Not among the v8dbg_type_ constants in every version: the context
  // types are a named range (ContextKindOf knows their order).
  std::optional<int> type = md.FindType("NATIVE_CONTEXT_TYPE");
  for (int t = static_cast<int>(md.Find("v8dbg_FirstContextType").value_or(0));
       !type && t <= md.Find("v8dbg_LastContextType").value_or(-1); t++) {
    if (ContextKindOf(heap, t) == ContextKind::kNative) type = t;
  }
  return type;
}

}  // namespace nodegdb
