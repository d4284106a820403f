// %DebugPrint of the function family: JSFunction, SharedFunctionInfo and
// Script, and V8Brief (the one-phrase description each line ends with).
// Read failures throw Error from the DebugPrint* functions; V8Brief says
// "<unreadable: ...>" instead.
#include "core/view/debug_print.h"

#include <cstdio>

#include "core/v8/context.h"
#include "core/v8/js_function.h"
#include "core/v8/scope_info.h"
#include "core/v8/shared_function_info.h"
#include "core/v8/string.h"
#include "core/view/v8_view.h"

namespace nodegdb {

namespace {

const char* ElementsKindName(int kind) {
  static const char* const kNames[] = {
      "PACKED_SMI_ELEMENTS",           "HOLEY_SMI_ELEMENTS",           "PACKED_ELEMENTS",
      "HOLEY_ELEMENTS",                "PACKED_DOUBLE_ELEMENTS",       "HOLEY_DOUBLE_ELEMENTS",
      "PACKED_NONEXTENSIBLE_ELEMENTS", "HOLEY_NONEXTENSIBLE_ELEMENTS", "PACKED_SEALED_ELEMENTS",
      "HOLEY_SEALED_ELEMENTS",         "PACKED_FROZEN_ELEMENTS",       "HOLEY_FROZEN_ELEMENTS"};
  if (kind >= 0 && kind < 12) return kNames[kind];
  return nullptr;
}

// V8's String::StringShortPrint: "<String[3]: #abc>", with V8's prefixes
// for representation and encoding (u: two-byte; #: internalized; c: cons;
// >: thin; e: external) and its escapes; longer than 1024 is not shown.
std::string BriefString(Heap& heap, uint64_t address) {
  StringShape shape = ReadStringShape(heap, address);
  std::string prefix = shape.one_byte ? "" : "u";
  if (shape.internalized) {
    prefix += "#";
  } else {
    switch (shape.representation) {
      case StringShape::Representation::kCons: prefix += "c"; break;
      case StringShape::Representation::kThin: prefix += ">"; break;
      case StringShape::Representation::kExternal: prefix += "e"; break;
      default: break;
    }
    prefix += "\"";
  }
  std::string suffix = shape.internalized ? "" : "\"";
  std::string out = "<String[" + std::to_string(shape.length) + "]: " + prefix;
  if (shape.length > 1024) return out + "...<truncated>>" + suffix + ">";
  StringContents contents = ReadString(heap, address, 1024);
  char buf[16];
  for (char16_t c : contents.units) {
    if (c == u'\n') {
      out += "\\n";
    } else if (c == u'\r') {
      out += "\\r";
    } else if (c == u'\\') {
      out += "\\\\";
    } else if (c < 0x20 || c > 0x7e) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + suffix + ">";
}

}  // namespace

std::string V8PaddedHex(uint64_t value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%012llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string BriefJSFunction(Heap& heap, uint64_t address) {
  const JSFunctionLayout& l = heap.LayoutOf<JSFunctionLayout>();
  uint64_t sfi = heap.ReadObjectField(address, l.shared, "shared function info");
  // Builtins' SharedFunctionInfos may sit in pages a core leaves out: the
  // brief still names the function's SharedFunctionInfo.
  std::string name;
  try {
    name = ReadSharedFunctionInfo(heap, sfi).debug_name;
  } catch (const Error&) {
    // Unnamed, as the comment above says.
  }
  return "<JSFunction" + (name.empty() ? std::string() : " " + name) + " (sfi = " +
         heap.Shown(sfi) + ")>";
}

std::string DebugPrintJSFunction(Heap& heap, uint64_t address, const DebugPrintOptions& options) {
  const JSFunctionLayout& l = heap.LayoutOf<JSFunctionLayout>();
  JSFunctionData f = ReadJSFunction(heap, address);
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  Memory& mem = heap.memory();
  std::string out = Hex(address + tag) + ": [Function]\n";
  auto line = [&](const std::string& text) { out += " - " + text + "\n"; };

  uint32_t bit_field3 = mem.ReadU32(f.map + static_cast<uint64_t>(l.map_bit_field3));
  bool dictionary = l.dictionary_map_shift >= 0 && ((uint64_t{bit_field3} >> l.dictionary_map_shift) & 1);
  line("map: " + V8Brief(heap, f.map + tag) + (dictionary ? " [DictionaryProperties]" : " [FastProperties]"));
  line("prototype: " + V8Brief(heap, f.map_prototype));
  int elements_kind = static_cast<int>((mem.ReadU8(f.map + static_cast<uint64_t>(l.map_bit_field2)) & l.elements_kind_mask) >>
                                       l.elements_kind_shift);
  const char* kind_name = ElementsKindName(elements_kind);
  line("elements: " + V8Brief(heap, heap.ReadWord(address + static_cast<uint64_t>(l.elements))) + " [" +
       (kind_name ? kind_name : "elements kind " + std::to_string(elements_kind)) + "]");
  if (f.has_prototype_slot) {
    line("function prototype: " + (f.function_prototype ? V8Brief(heap, f.function_prototype) : std::string()));
    line("initial_map: " + (f.initial_map ? V8Brief(heap, f.initial_map) : std::string()));
  } else {
    line("function prototype: <no-prototype-slot>");
  }
  line("shared_info: " + V8Brief(heap, f.shared + tag));
  // Anonymous: V8 prints the empty string's Brief (a root we cannot address).
  line("name: " + (f.sfi.has_shared_name ? V8Brief(heap, f.sfi.name) : std::string("<String[0]: #>")));
  std::string builtin;
  if (f.code && options.symbolize && l.code_instruction_start >= 0) {
    uint64_t code = 0;
    if (heap.StrongTypeOf(*f.code, &code) >= 0) {
      try {
        builtin = options.symbolize(heap.ReadWord(code + static_cast<uint64_t>(l.code_instruction_start)));
      } catch (const Error&) {
        // No builtin line: the Code is unreadable.
      }
    }
  }
  if (!builtin.empty()) line("builtin: " + builtin);
  line("formal_parameter_count: " + std::to_string(heap.rules().prints_internal_parameter_count() ? f.sfi.internal_formal_parameter_count
                                                                      : f.sfi.formal_parameter_count));
  line(std::string("kind: ") + FunctionKindName(f.kind));
  line("context: " + V8Brief(heap, f.context));
  if (f.code) {
    line("code: " + (builtin.empty() ? V8Brief(heap, *f.code)
                                      : V8PaddedHex(*f.code) + " <Code BUILTIN " + builtin + ">"));
  }
  if (f.dispatch_handle) line("dispatch_handle: " + Hex(*f.dispatch_handle));
  if (builtin == "InterpreterEntryTrampoline") line("interpreted");
  if (f.sfi.bytecode_array) line("bytecode: " + V8Brief(heap, f.sfi.bytecode_array + tag));
  if (auto src = FunctionSource(heap, f.sfi, options.source_limit)) {
    std::string text = Utf16ToUtf8(src->units);
    if (src->truncated()) text += "…";
    line("source code: " + text);
  }
  if (options.source_location) {
    if (auto loc = LocateFunction(heap, f.sfi)) line("source position: " + FormatFunctionLocation(*loc));
  }
  if (f.base_class) {
    line("extends: " + V8Brief(heap, *f.base_class));
  }
  line("properties: " + V8Brief(heap, heap.ReadWord(address + static_cast<uint64_t>(l.properties))));
  std::string feedback = "feedback vector: ";
  int value_type = heap.StrongTypeOf(f.feedback_value);
  if (!f.sfi.feedback_metadata) {
    feedback += "feedback metadata is not available in SFI";
  } else if (value_type >= 0 && value_type == l.feedback_vector_type) {
    feedback += V8Brief(heap, f.feedback_value);
  } else if (value_type >= 0 && value_type == l.closure_feedback_cell_array_type) {
    feedback += "No feedback vector, but we have a closure feedback cell array " + V8Brief(heap, f.feedback_value);
  } else {
    feedback += "not available";
  }
  line(feedback);
  return out;
}

std::string V8Brief(Heap& heap, uint64_t raw) {
  Tagged t = heap.Decode(raw);
  if (t.is_smi()) return std::to_string(t.smi);
  if (t.kind == Tagged::Kind::kCleared) return "[cleared]";
  if (!t.is_heap_object()) return Hex(raw) + " <invalid>";
  const uint64_t strong = t.address + heap.layout().tagging.heap_object_tag;
  std::string prefix = (t.kind == Tagged::Kind::kWeak ? "[weak] " : "") + V8PaddedHex(strong) + " ";
  try {
    int type = heap.InstanceTypeOf(t.address);
    const JSFunctionLayout& l = heap.LayoutOf<JSFunctionLayout>();
    const Metadata& md = heap.metadata();
    if (heap.IsString(type)) return prefix + BriefString(heap, t.address);
    if (IsContextType(heap, type)) return prefix + BriefContext(heap, t.address);
    if (type == md.FindType("SCOPE_INFO_TYPE").value_or(-2)) return prefix + BriefScopeInfo(heap, t.address);
    if (type == md.FindType("SHARED_FUNCTION_INFO_TYPE").value_or(-2)) {
      return prefix + BriefSharedFunctionInfo(heap, t.address);
    }
    if (type == md.FindType("SCRIPT_TYPE").value_or(-2)) return prefix + "<Script>";
    if (IsJSFunctionType(heap, type)) return prefix + BriefJSFunction(heap, t.address);
    if (type == l.bytecode_array_type) {
      Tagged len = heap.ReadTagged(t.address + static_cast<uint64_t>(l.bytecode_length));
      return prefix + "<BytecodeArray[" + std::to_string(len.is_smi() ? len.smi : -1) + "]>";
    }
    if (l.IsUncompiled(type)) {
      int32_t start = static_cast<int32_t>(heap.memory().ReadU32(t.address + static_cast<uint64_t>(
          md.FindField("UncompiledData", {"start_position"}).value_or(16))));
      int32_t end = static_cast<int32_t>(heap.memory().ReadU32(t.address + static_cast<uint64_t>(
          md.FindField("UncompiledData", {"end_position"}).value_or(20))));
      return prefix + "<" + md.TypeClass(type) + " (" + std::to_string(start) + ", " + std::to_string(end) + ")]>";
    }
    if (IsContextCell(heap, strong)) return prefix + BriefContextCell(heap, t.address);
    V8View view(heap);
    if (type == heap.layout().map_type) {
      // Maps of non-JS objects: "<Map[56](SHARED_FUNCTION_INFO_TYPE)>", or
      // "<Map(FUNCTION_CONTEXT_TYPE)>" when the size varies.
      int described = heap.MapInstanceType(t.address);
      // JS object maps (FIRST_JS_OBJECT_TYPE follows JS_PROXY_TYPE) show their
      // elements kind instead of the type.
      int proxy = md.FindType("JS_PROXY_TYPE").value_or(-1);
      if (proxy < 0 ? !view.IsReceiverType(described) : described <= proxy) {
        std::string name = IsContextType(heap, described) ? ContextTypeName(ContextKindOf(heap, described))
                                                          : heap.TypeName(described);
        int words = heap.memory().ReadU8(t.address + static_cast<uint64_t>(l.map_instance_size_in_words));
        return prefix + "<Map" + (words ? "[" + std::to_string(words * 8) + "]" : std::string()) + "(" + name + ")>";
      }
    }
    return prefix + view.Brief(strong);
  } catch (const Error& e) {
    return prefix + "<unreadable: " + std::string(e.what()) + ">";
  }
}

std::string DebugPrintScript(Heap& heap, uint64_t address, const DebugPrintOptions& options) {
  ScriptInfo s = ReadScript(heap, address);
  const SfiLayout& l = heap.LayoutOf<SfiLayout>();
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  std::string out = Hex(address + tag) + ": [Script]\n";
  auto line = [&](const std::string& text) { out += " - " + text + "\n"; };
  line("map: " + V8Brief(heap, heap.MapOf(address) + tag));
  line("source: " + V8Brief(heap, s.source));
  line("name: " + V8Brief(heap, s.name));
  line("line_offset: " + std::to_string(s.line_offset));
  line("column_offset: " + std::to_string(s.column_offset));
  line("context data: " + V8Brief(heap, s.context_data));
  line("type: " + std::to_string(s.type));
  std::string ends = "line ends: " + V8Brief(heap, s.line_ends);
  if (heap.Decode(s.line_ends).is_smi()) ends += " (not set)";
  line(ends);
  line("id: " + std::to_string(s.id));
  line("source_url: " + V8Brief(heap, s.source_url));
  line("source_mapping_url: " + V8Brief(heap, s.source_mapping_url));
  if (s.host_defined_options) line("host_defined_options: " + V8Brief(heap, s.host_defined_options));
  line("compilation type: " + std::to_string(s.compilation_type));
  line("compiled lazy function positions: " + V8Brief(heap, s.compiled_lazy_function_positions));
  if (s.type != 3) {  // not wasm
    int from_type = heap.StrongTypeOf(s.eval_from_shared_or_wrapped_arguments);
    if (from_type >= 0 && from_type == l.sfi_type) {
      line("eval from shared: " + V8Brief(heap, s.eval_from_shared_or_wrapped_arguments));
    } else if (from_type >= 0 && from_type == l.fixed_array_type) {
      line("wrapped arguments: " + V8Brief(heap, s.eval_from_shared_or_wrapped_arguments));
    }
    line("eval from position: " + std::to_string(s.eval_from_position));
  }
  line(std::string(heap.rules().prints_script_infos_short() ? "infos: " : "shared function infos: ") +
       V8Brief(heap, s.shared_function_infos));
  (void)options;
  return out;
}

std::string FormatFunctionLocation(const FunctionLocation& loc) {
  std::string out = std::to_string(loc.position) + " (" + loc.script_name;
  if (loc.location) {
    out += ", line " + std::to_string(loc.location->line) + ", column " + std::to_string(loc.location->column);
  }
  return out + ")";
}

std::string BriefSharedFunctionInfo(Heap& heap, uint64_t address) {
  SharedFunctionInfoData s = ReadSharedFunctionInfo(heap, address);
  return "<SharedFunctionInfo" + (s.debug_name.empty() ? std::string() : " " + s.debug_name) + ">";
}

std::string DebugPrintSharedFunctionInfo(Heap& heap, uint64_t address, const DebugPrintOptions& options) {
  SharedFunctionInfoData s = ReadSharedFunctionInfo(heap, address);
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  std::string out = Hex(address + tag) + ": [SharedFunctionInfo]\n";
  auto line = [&](const std::string& text) { out += " - " + text + "\n"; };
  line("map: " + V8Brief(heap, heap.MapOf(address) + tag));
  line("name: " + (s.has_shared_name ? V8Brief(heap, s.name) : std::string("<no-shared-name>")));
  // V8 prints the inferred name when the ScopeInfo has one or the function
  // is not compiled; it is the empty string when unknown.
  bool has_inferred = s.scope_info ? ReadScopeInfo(heap, s.scope_info).has_inferred_function_name
                                   : s.uncompiled_data != 0;
  if (has_inferred) {
    Tagged inferred = heap.Decode(s.inferred_name);
    bool is_string = inferred.kind == Tagged::Kind::kStrong && heap.IsString(heap.InstanceTypeOf(inferred.address));
    line("inferred name: " + (is_string ? V8Brief(heap, s.inferred_name) : std::string("<String[0]: #>")));
  }
  if (s.class_scope_has_private_brand) line("class_scope_has_private_brand");
  if (s.has_static_private_methods_or_accessors) line("has_static_private_methods_or_accessors");
  line(std::string("kind: ") + FunctionKindName(s.kind));
  line(std::string("syntax kind: ") + FunctionSyntaxKindName(s.syntax_kind));
  line("formal_parameter_count: " +
       std::to_string(heap.rules().prints_internal_parameter_count() ? s.internal_formal_parameter_count : s.formal_parameter_count));
  line("expected_nof_properties: " + std::to_string(s.expected_nof_properties));
  line(std::string("language_mode: ") + (s.is_strict ? "strict" : "sloppy"));
  if (heap.rules().prints_trusted_function_data()) {
    line("trusted_function_data: " + V8Brief(heap, s.function_data));
    line("untrusted_function_data: " + V8Brief(heap, s.untrusted_function_data));
  } else {
    line(std::string(heap.rules().prints_function_data_name() ? "function_data: " : "data: ") + V8Brief(heap, s.function_data));
  }
  if (auto src = FunctionSource(heap, s, options.source_limit)) {
    std::string text = Utf16ToUtf8(src->units);
    if (src->truncated()) text += "…";
    line("source code: " + text);
  }
  line("script: " + (s.script ? V8Brief(heap, s.script + tag) : V8Brief(heap, s.script_or_debug_info)));
  line("function token position: " + std::to_string(s.function_token_position));
  line("start position: " + std::to_string(s.start_position));
  line("end position: " + std::to_string(s.end_position));
  if (options.source_location) {
    if (auto loc = LocateFunction(heap, s)) line("source position: " + FormatFunctionLocation(*loc));
  }
  if (heap.rules().prints_sfi_debug_info()) {
    if (s.debug_info) {
      line("debug info: " + V8Brief(heap, s.debug_info + tag));
    } else {
      line("no debug info");
    }
  }
  // Uncompiled functions have the (read-only) empty ScopeInfo, which the
  // object does not point to: V8 prints its address, we cannot.
  line("scope info: " + (s.scope_info ? V8Brief(heap, s.scope_info + tag) : std::string("<ScopeInfo>")));
  if (s.outer_scope_info) line("outer scope info: " + V8Brief(heap, s.outer_scope_info));
  line("length: " + std::to_string(s.length));
  if (s.feedback_metadata) {
    Memory& mem = heap.memory();
    out += " - feedback_metadata: " + Hex(s.feedback_metadata + tag) + ": [FeedbackMetadata]\n";
    // The metadata does not name FEEDBACK_METADATA_TYPE; V8 does.
    out += " - map: " + V8PaddedHex(heap.MapOf(s.feedback_metadata) + tag) + " <Map(FEEDBACK_METADATA_TYPE)>\n";
    out += " - slot_count: " + std::to_string(static_cast<int32_t>(mem.ReadU32(s.feedback_metadata + 8))) + "\n";
    out += " - create_closure_slot_count: " +
           std::to_string(static_cast<int32_t>(mem.ReadU32(s.feedback_metadata + 12))) + "\n";
  } else {
    line("feedback_metadata: <none>");
  }
  if (s.function_literal_id) line("function_literal_id: " + std::to_string(*s.function_literal_id));
  if (s.unique_id) line("unique_id: " + std::to_string(*s.unique_id));
  if (s.age) line("age: " + std::to_string(*s.age));
  return out;
}

}  // namespace nodegdb
