// %DebugPrint of scopes: ScopeInfo and the contexts (with ContextCell's
// brief). Read failures throw Error; each slot's brief never does.
#include "core/view/debug_print.h"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <vector>

#include "core/v8/context.h"
#include "core/v8/scope_info.h"

namespace nodegdb {

namespace {

std::string SlotIndexText(int64_t from, int64_t to) {
  std::ostringstream ss;
  ss << from;
  if (from != to) ss << '-' << to;
  std::ostringstream line;
  line << std::setw(12) << ss.str();
  return line.str();
}

}  // namespace

std::string BriefScopeInfo(Heap& heap, uint64_t address) {
  ScopeInfoData s = ReadScopeInfo(heap, address);
  if (s.empty) return "<ScopeInfo>";
  return std::string("<ScopeInfo ") + ScopeTypeName(s.scope_type) + ">";
}

std::string DebugPrintScopeInfo(Heap& heap, uint64_t address) {
  const ScopeInfoLayout& l = heap.LayoutOf<ScopeInfoLayout>();
  ScopeInfoData s = ReadScopeInfo(heap, address);
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  std::string out = Hex(address + tag) + ": [ScopeInfo]\n";
  out += " - map: " + V8Brief(heap, heap.MapOf(address) + tag) + "\n";
  if (s.empty) return out + " - empty\n";
  auto line = [&](const std::string& text) { out += " - " + text + "\n"; };
  line("parameters: " + std::to_string(s.parameter_count));
  line("context locals : " + std::to_string(s.context_local_count));
  if (s.names_hashtable) {
    line("local names in a hashtable: " + V8Brief(heap, s.names_hashtable));
  } else {
    line("inlined local names");
  }
  line(std::string("scope type: ") + ScopeTypeName(s.scope_type));
  if (s.sloppy_eval_can_extend_vars) {
    line("sloppy eval");
    if (s.dependent_code) line("dependent code: " + V8Brief(heap, s.dependent_code));
  }
  line(std::string("language mode: ") + (s.strict ? "strict" : "sloppy"));
  if (s.declaration_scope) line("declaration scope");
  if (s.receiver != VariableAllocation::kNone) line(std::string("receiver: ") + VariableAllocationName(s.receiver));
  if (s.class_scope_has_private_brand) line("class scope has private brand");
  if (s.has_saved_class_variable) line("has saved class variable");
  if (s.has_new_target) line("needs new target");
  if (s.can_only_access_fixed_formal_parameters) line("can only access fixed formal parameters");
  if (s.function_variable != VariableAllocation::kNone) {
    line(std::string("function name(") + VariableAllocationName(s.function_variable) +
         "): " + V8Brief(heap, s.function_name));
  }
  if (s.is_asm_module) line("asm module");
  if (s.has_simple_parameters) line("simple parameters");
  if (s.private_name_lookup_skips_outer_class) line("private name lookup skips outer class");
  line(std::string("function kind: ") + FunctionKindName(s.function_kind));
  if (s.outer_scope_info) line("outer scope info: " + V8Brief(heap, s.outer_scope_info));
  if (s.locals_block_list) line("locals blocklist: " + V8Brief(heap, s.locals_block_list));
  if (s.function_variable != VariableAllocation::kNone) line("function name: " + V8Brief(heap, s.function_name));
  if (s.has_inferred_function_name) line("inferred function name: " + V8Brief(heap, s.inferred_function_name));
  if (s.has_context_extension_slot) line("has context extension slot");
  if (s.start_position && HasPositionInfo(l, s)) {
    line("start position: " + std::to_string(*s.start_position));
    line("end position: " + std::to_string(*s.end_position));
  }
  line("length: " + std::to_string(s.length));
  if (s.context_local_count > 0) {
    out += " - context slots {\n";
    std::vector<int> order;
    if (s.names_hashtable) {
      order = s.names_in_hash_order;
    } else {
      for (const ScopeLocal& local : s.locals) order.push_back(local.index);
    }
    for (int index : order) {
      const ScopeLocal& local = s.locals[static_cast<size_t>(index)];
      out += "    - " + std::to_string(index) + ": " + V8Brief(heap, local.name_raw) + "\n";
    }
    out += "  }\n";
  }
  return out;
}

std::string BriefContextCell(Heap& heap, uint64_t address) {
  ContextCellInfo c = ReadContextCell(heap, address);
  switch (c.state) {
    case ContextCellInfo::State::kConst: return "<ContextCell[const=" + V8Brief(heap, c.tagged_value) + "]>";
    case ContextCellInfo::State::kSmi: return "<ContextCell[smi=" + V8Brief(heap, c.tagged_value) + "]>";
    case ContextCellInfo::State::kInt32: return "<ContextCell[int32=" + *c.number_text + "]>";
    case ContextCellInfo::State::kFloat64: return "<ContextCell[float64=" + *c.number_text + "]>";
    case ContextCellInfo::State::kDetached: return "<ContextCell[detached=" + V8Brief(heap, c.tagged_value) + "]>";
    case ContextCellInfo::State::kUnknown: break;
  }
  return "<ContextCell>";
}

std::string BriefContext(Heap& heap, uint64_t address) {
  const ContextLayout& l = heap.LayoutOf<ContextLayout>();
  int type = heap.InstanceTypeOf(address);
  int64_t length = heap.ReadSmiField(address, l.length, "context length");
  return std::string("<") + ContextClassName(ContextKindOf(heap, type)) + "[" + std::to_string(length) + "]>";
}

std::string DebugPrintContext(Heap& heap, uint64_t address, const DebugPrintOptions& options) {
  const ContextLayout& l = heap.LayoutOf<ContextLayout>();
  const int ts = heap.layout().tagged_size;
  ContextInfo c = ReadContext(heap, address);
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  const bool native = c.kind == ContextKind::kNative;
  std::string out = Hex(address + tag) + (native ? ": [NativeContext]\n" : ": [Context]\n");
  auto line = [&](const std::string& text) { out += " - " + text + "\n"; };
  line("map: " + V8Brief(heap, heap.MapOf(address) + tag));
  line(std::string("type: ") + ContextTypeName(c.kind));
  line("scope_info: " + V8Brief(heap, c.scope_info));
  line("previous: " + V8Brief(heap, c.previous));
  if (c.native_context) line("native_context: " + V8Brief(heap, c.native_context));
  if (c.has_extension) line("extension: " + V8Brief(heap, c.extension));
  line("length: " + std::to_string(c.length));
  out += " - elements:";
  // Runs of equal words are folded ("59-60: ..."), as V8 prints them.
  const int64_t shown = std::min<int64_t>(c.length, static_cast<int64_t>(options.max_context_slots));
  int64_t run_start = 0;
  uint64_t previous = 0;
  for (int64_t i = 0; i <= shown; i++) {
    uint64_t w = 0;
    if (i < shown) w = heap.ReadWord(address + static_cast<uint64_t>(l.header + ts * i));
    if (i > 0 && (i == shown || w != previous)) {
      out += "\n" + SlotIndexText(run_start, i - 1) + ": " + V8Brief(heap, previous);
      run_start = i;
    }
    previous = w;
  }
  out += "\n";
  if (shown < c.length) out += "   ... " + std::to_string(c.length - shown) + " more slots\n";
  if (native) out += " - microtask_queue: " + Hex(c.microtask_queue) + "\n";

  // Beyond %DebugPrint: the variables by name, and a native context's roots.
  if (!c.variables.empty()) {
    out += " - variables {\n";
    for (const ContextVariable& v : c.variables) {
      out += "    " + std::string(VariableModeName(v.mode)) + " " + v.name + " (slot " + std::to_string(v.slot) + "): ";
      if (v.uninitialized) {
        out += "<uninitialized>";
      } else if (v.number_text) {
        out += *v.number_text;
      } else {
        out += V8Brief(heap, v.value);
      }
      out += "\n";
    }
    out += "  }\n";
  }
  if (native) {
    line("global object: " + V8Brief(heap, c.global_object));
    line("global proxy: " + V8Brief(heap, c.global_proxy));
    line("embedder data: " + V8Brief(heap, c.embedder_data));
    try {
      std::vector<uint64_t> data = ReadEmbedderData(heap, c, 256);
      for (size_t i = 0; i < data.size(); i++) {
        Tagged t = heap.Decode(data[i]);
        // Undefined slots are the common case: list only the set ones.
        if (t.kind == Tagged::Kind::kStrong) {
          if (IsTheHole(heap, data[i])) continue;
          std::string b = V8Brief(heap, data[i]);
          if (b.find("<undefined>") != std::string::npos) continue;
          out += "    [" + std::to_string(i) + "]: " + b + "\n";
        } else {
          out += "    [" + std::to_string(i) + "]: " + Hex(data[i]) + " (raw)\n";
        }
      }
    } catch (const Error& e) {
      out += "    <unreadable: " + std::string(e.what()) + ">\n";
    }
  }
  return out;
}

}  // namespace nodegdb
