#include "core/v8/js_function.h"

#include <cstdio>

#include "core/v8/string.h"
#include "core/view/v8_view.h"

namespace nodegdb {

namespace {

int64_t Or(const std::optional<int64_t>& v, int64_t fallback) { return v ? *v : fallback; }

struct JSFunctionLayout {
  int generation = 11;
  int first_type = -1, last_type = -1;
  int bytecode_array_type = -1, feedback_vector_type = -1, closure_feedback_cell_array_type = -1;
  int uncompiled_types[4] = {-1, -1, -1, -1};
  int64_t shared = -1, context = -1, feedback_cell = -1, code = -1, dispatch_handle = -1;
  int64_t prototype_or_initial_map = -1;
  int64_t properties = 8, elements = 16;
  int64_t feedback_cell_value = 8;
  int64_t code_instruction_start = -1;
  int64_t map_prototype = 24, map_bit_field2 = 15, map_bit_field3 = 16, map_instance_size_in_words = 7;
  int64_t elements_kind_mask = 252, elements_kind_shift = 2, dictionary_map_shift = 21;
  int64_t bytecode_length = 8;

  static JSFunctionLayout From(const Metadata& md) {
    JSFunctionLayout l;
    l.generation = V8Generation(md);
    int js_function = md.FindType("JS_FUNCTION_TYPE").value_or(-1);
    l.first_type = static_cast<int>(md.Find("v8dbg_FirstJSFunctionType").value_or(js_function));
    // V8 11 has no range constants: JS_FUNCTION_TYPE and its 16 constructor
    // subtypes (class, promise, regexp, array and typed-array constructors).
    l.last_type = static_cast<int>(md.Find("v8dbg_LastJSFunctionType").value_or(js_function < 0 ? -1 : js_function + 16));
    l.bytecode_array_type = md.FindType("BYTECODE_ARRAY_TYPE").value_or(-1);
    l.feedback_vector_type = md.FindType("FEEDBACK_VECTOR_TYPE").value_or(-1);
    l.closure_feedback_cell_array_type = md.FindType("CLOSURE_FEEDBACK_CELL_ARRAY_TYPE").value_or(-1);
    l.uncompiled_types[0] = md.FindType("UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_TYPE").value_or(-1);
    l.uncompiled_types[1] = md.FindType("UNCOMPILED_DATA_WITH_PREPARSE_DATA_TYPE").value_or(-1);
    l.uncompiled_types[2] = md.FindType("UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_WITH_JOB_TYPE").value_or(-1);
    l.uncompiled_types[3] = md.FindType("UNCOMPILED_DATA_WITH_PREPARSE_DATA_AND_JOB_TYPE").value_or(-1);
    l.shared = Or(md.FindField("JSFunction", {"shared", "shared_function_info"}), -1);
    l.context = Or(md.FindField("JSFunction", {"context"}), l.shared >= 0 ? l.shared + 8 : -1);
    l.feedback_cell = Or(md.FindField("JSFunction", {"raw_feedback_cell", "feedback_cell"}), l.context + 8);
    l.prototype_or_initial_map = Or(md.FindField("JSFunction", {"prototype_or_initial_map"}), 56);
    if (auto code = md.FindField("JSFunction", {"code"})) {
      l.code = *code;  // V8 12: right after elements
    } else if (l.generation >= 13) {
      l.dispatch_handle = l.shared - 8;  // a uint32 before shared
    } else {
      l.code = l.feedback_cell + 8;  // V8 11: after the feedback cell
    }
    l.properties = Or(md.FindField("JSReceiver", {"raw_properties_or_hash", "properties_or_hash"}), 8);
    l.elements = Or(md.FindField("JSObject", {"elements"}), 16);
    l.feedback_cell_value = Or(md.FindField("FeedbackCell", {"value"}), 8);
    // V8 11's Code keeps its entry point at 40 too, unnamed by the metadata.
    l.code_instruction_start =
        Or(md.FindField("Code", {"instruction_start", "code_entry_point"}), l.generation <= 12 ? 40 : -1);
    l.map_prototype = Or(md.FindField("Map", {"prototype"}), 24);
    l.map_bit_field2 = Or(md.FindField("Map", {"bit_field2"}), 15);
    l.map_bit_field3 = Or(md.FindField("Map", {"bit_field3"}), 16);
    l.map_instance_size_in_words = Or(md.FindField("Map", {"instance_size_in_words"}), 7);
    l.elements_kind_mask = Or(md.Find("v8dbg_bit_field2_elements_kind_mask"), 252);
    l.elements_kind_shift = Or(md.Find("v8dbg_bit_field2_elements_kind_shift"), 2);
    l.dictionary_map_shift = Or(md.Find("v8dbg_bit_field3_is_dictionary_map_shift"), 21);
    l.bytecode_length = Or(md.FindField("BytecodeArray", {"length"}), Or(md.FindField("FixedArrayBase", {"length"}), 8));
    return l;
  }

  bool IsUncompiled(int type) const {
    for (int t : uncompiled_types) {
      if (t >= 0 && t == type) return true;
    }
    return false;
  }
};

const JSFunctionLayout& LayoutFor(Heap& heap) { return heap.LayoutOf<JSFunctionLayout>(); }

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

bool IsJSFunctionType(Heap& heap, int instance_type) {
  const JSFunctionLayout& l = LayoutFor(heap);
  return l.first_type >= 0 && instance_type >= l.first_type && instance_type <= l.last_type;
}

bool IsJSFunction(Heap& heap, uint64_t address) { return IsJSFunctionType(heap, heap.InstanceTypeOf(address)); }

JSFunctionData ReadJSFunction(Heap& heap, uint64_t address) {
  const JSFunctionLayout& l = LayoutFor(heap);
  const uint64_t shown = address + heap.layout().tagging.heap_object_tag;
  if (l.shared < 0) throw MissingConstant("v8dbg_class_JSFunction__shared__*");
  JSFunctionData f;
  f.address = address;
  f.map = heap.MapOf(address);
  f.instance_type = heap.MapInstanceType(f.map);
  if (!IsJSFunctionType(heap, f.instance_type)) {
    throw CorruptObject(Hex(shown) + " is not a JSFunction (" + heap.TypeName(f.instance_type) + ")");
  }
  auto word = [&](int64_t offset) { return heap.ReadWord(address + static_cast<uint64_t>(offset)); };
  f.shared = heap.ReadObjectField(address, l.shared, "shared function info");
  f.sfi = ReadSharedFunctionInfo(heap, f.shared);
  f.context = word(l.context);
  f.feedback_cell = word(l.feedback_cell);
  uint64_t cell = 0;
  if (heap.StrongTypeOf(f.feedback_cell, &cell) >= 0) {
    f.feedback_value = heap.ReadWord(cell + static_cast<uint64_t>(l.feedback_cell_value));
  }
  if (l.code >= 0) f.code = word(l.code);
  if (l.dispatch_handle >= 0) f.dispatch_handle = heap.memory().ReadU32(address + static_cast<uint64_t>(l.dispatch_handle));

  // The prototype slot exists when the instance is big enough to hold it.
  int size_words = heap.memory().ReadU8(f.map + static_cast<uint64_t>(l.map_instance_size_in_words));
  f.has_prototype_slot = l.prototype_or_initial_map >= 0 && size_words * 8 > l.prototype_or_initial_map;
  if (f.has_prototype_slot) {
    f.prototype_or_initial_map = word(l.prototype_or_initial_map);
    uint64_t a = 0;
    int type = heap.StrongTypeOf(f.prototype_or_initial_map, &a);
    if (type >= 0 && type == heap.layout().map_type) {
      f.initial_map = f.prototype_or_initial_map;
      f.function_prototype = heap.ReadWord(a + static_cast<uint64_t>(l.map_prototype));
    } else if (type >= 0 && V8View(heap).IsReceiverType(type)) {
      // A prototype without an initial map; otherwise the slot holds the hole.
      f.function_prototype = f.prototype_or_initial_map;
    }
  }
  f.map_prototype = heap.ReadWord(f.map + static_cast<uint64_t>(l.map_prototype));

  f.name = f.sfi.name_text;
  f.kind = f.sfi.kind;
  f.is_class_constructor = f.sfi.is_class_constructor;
  if (IsDerivedConstructor(f.kind)) {
    uint64_t base = 0;
    int type = heap.StrongTypeOf(f.map_prototype, &base);
    if (type >= 0 && IsJSFunctionType(heap, type)) {
      f.base_class = f.map_prototype;
      try {
        uint64_t base_sfi = heap.ReadObjectField(base, l.shared, "shared function info");
        f.base_class_name = ReadSharedFunctionInfo(heap, base_sfi).name_text;
      } catch (const Error&) {
      }
    }
  }
  return f;
}

std::string BriefJSFunction(Heap& heap, uint64_t address) {
  const JSFunctionLayout& l = LayoutFor(heap);
  uint64_t sfi = heap.ReadObjectField(address, l.shared, "shared function info");
  // Builtins' SharedFunctionInfos may sit in pages a core leaves out: the
  // brief still names the function's SharedFunctionInfo.
  std::string name;
  try {
    name = ReadSharedFunctionInfo(heap, sfi).debug_name;
  } catch (const Error&) {
  }
  return "<JSFunction" + (name.empty() ? std::string() : " " + name) + " (sfi = " +
         Hex(sfi + heap.layout().tagging.heap_object_tag) + ")>";
}

std::string InspectJSFunction(Heap& heap, uint64_t address, const FunctionInspectOptions& options) {
  const JSFunctionLayout& l = LayoutFor(heap);
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
      }
    }
  }
  if (!builtin.empty()) line("builtin: " + builtin);
  line("formal_parameter_count: " + std::to_string(l.generation >= 13 ? f.sfi.internal_formal_parameter_count
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
    const JSFunctionLayout& l = LayoutFor(heap);
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

}  // namespace nodegdb
