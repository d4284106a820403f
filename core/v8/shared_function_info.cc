#include "core/v8/shared_function_info.h"

#include <algorithm>

#include "core/v8/oddball.h"

namespace nodegdb {

namespace {

int64_t Or(const std::optional<int64_t>& v, int64_t fallback) { return v ? *v : fallback; }
int TypeOr(const Metadata& md, const char* name) { return md.FindType(name).value_or(-1); }

}  // namespace

SfiLayout SfiLayout::From(const Metadata& md) {
  SfiLayout l;
  l.sfi_type = TypeOr(md, "SHARED_FUNCTION_INFO_TYPE");
  l.script_type = TypeOr(md, "SCRIPT_TYPE");
  l.bytecode_array_type = TypeOr(md, "BYTECODE_ARRAY_TYPE");
  l.bytecode_wrapper_type = TypeOr(md, "BYTECODE_WRAPPER_TYPE");
  l.interpreter_data_type = TypeOr(md, "INTERPRETER_DATA_TYPE");
  l.code_type = TypeOr(md, "CODE_TYPE");
  l.debug_info_type = TypeOr(md, "DEBUG_INFO_TYPE");
  l.fixed_array_type = TypeOr(md, "FIXED_ARRAY_TYPE");
  l.uncompiled_types[0] = TypeOr(md, "UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_TYPE");
  l.uncompiled_types[1] = TypeOr(md, "UNCOMPILED_DATA_WITH_PREPARSE_DATA_TYPE");
  l.uncompiled_types[2] = TypeOr(md, "UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_WITH_JOB_TYPE");
  l.uncompiled_types[3] = TypeOr(md, "UNCOMPILED_DATA_WITH_PREPARSE_DATA_AND_JOB_TYPE");

  l.name_or_scope_info = Or(md.FindField("SharedFunctionInfo", {"name_or_scope_info"}), 16);
  l.function_data = Or(md.FindField("SharedFunctionInfo", {"function_data", "trusted_function_data"}), 8);
  // V8 13+ put trusted and untrusted function data before the name.
  if (l.name_or_scope_info >= 24) {
    l.untrusted_function_data = Or(md.FindField("SharedFunctionInfo", {"untrusted_function_data"}),
                                   l.name_or_scope_info - 8);
  }
  l.outer_or_feedback = Or(md.FindField("SharedFunctionInfo",
                                        {"raw_outer_scope_info_or_feedback_metadata", "feedback_metadata",
                                         "outer_scope_info_or_feedback_metadata"}),
                           l.name_or_scope_info + 8);
  l.script = Or(md.FindField("SharedFunctionInfo", {"script_or_debug_info", "raw_script", "script"}),
                l.outer_or_feedback + 8);
  l.length = Or(md.FindField("SharedFunctionInfo", {"length"}), l.script + 8);
  l.formal_parameter_count =
      Or(md.FindField("SharedFunctionInfo", {"internal_formal_parameter_count", "formal_parameter_count"}),
         l.length + 2);
  l.function_token_offset = Or(md.FindField("SharedFunctionInfo", {"raw_function_token_offset"}), l.length + 4);
  l.flags = Or(md.FindField("SharedFunctionInfo", {"flags"}), l.length + 8);
  l.uncompiled_inferred_name = Or(md.FindField("UncompiledData", {"inferred_name"}), 8);
  l.uncompiled_start = Or(md.FindField("UncompiledData", {"start_position"}), 16);
  l.uncompiled_end = Or(md.FindField("UncompiledData", {"end_position"}), 20);
  l.bytecode_length = Or(md.FindField("BytecodeArray", {"length"}), Or(md.FindField("FixedArrayBase", {"length"}), 8));

  l.s_source = Or(md.FindField("Script", {"source"}), 8);
  l.s_name = Or(md.FindField("Script", {"name"}), 16);
  l.s_type = Or(md.FindField("Script", {"type", "script_type"}), 48);
  l.s_line_ends = Or(md.FindField("Script", {"line_ends"}), 56);
  l.s_eval_from = Or(md.FindField("Script", {"eval_from_shared_or_wrapped_arguments"}), 72);
  l.s_eval_position = Or(md.FindField("Script", {"eval_from_position"}), 80);
  l.s_infos = Or(md.FindField("Script", {"shared_function_infos", "infos"}), l.s_eval_position + 8);
  l.s_lazy_positions = Or(md.FindField("Script", {"compiled_lazy_function_positions"}), l.s_infos + 8);
  l.s_flags = Or(md.FindField("Script", {"flags"}), l.s_lazy_positions + 8);
  l.s_source_url = Or(md.FindField("Script", {"source_url"}), l.s_flags + 8);
  l.s_source_mapping_url = Or(md.FindField("Script", {"source_mapping_url"}), l.s_source_url + 8);
  return l;
}

namespace {

const SfiLayout& LayoutFor(Heap& heap) { return heap.LayoutOf<SfiLayout>(); }

std::string Utf8Of(Heap& heap, uint64_t raw, size_t limit = 1000) {
  uint64_t a = 0;
  int type = heap.StrongTypeOf(raw, &a);
  if (type < 0 || !heap.IsString(type)) return "";
  return Utf16ToUtf8(ReadString(heap, a, limit).units);
}

}  // namespace

// ---- Script ----

bool IsScript(Heap& heap, uint64_t address) {
  const SfiLayout& l = LayoutFor(heap);
  return l.script_type >= 0 && heap.InstanceTypeOf(address) == l.script_type;
}

ScriptInfo ReadScript(Heap& heap, uint64_t address) {
  const SfiLayout& l = LayoutFor(heap);
  if (l.script_type < 0) throw MissingConstant("v8dbg_type_Script__SCRIPT_TYPE");
  int type = heap.InstanceTypeOf(address);
  if (type != l.script_type) throw heap.NotA(address, "Script", heap.TypeName(type));
  auto word = [&](int64_t offset) { return heap.ReadWord(address + static_cast<uint64_t>(offset)); };
  auto smi = [&](int64_t offset) {
    Tagged t = heap.Decode(word(offset));
    return t.is_smi() ? t.smi : 0;
  };
  ScriptInfo s;
  s.address = address;
  s.source = word(l.s_source);
  s.name = word(l.s_name);
  uint64_t name_address = 0;
  int name_type = heap.StrongTypeOf(s.name, &name_address);
  s.has_name = name_type >= 0 && heap.IsString(name_type);
  if (s.has_name) s.name_text = Utf8Of(heap, s.name, 4096);
  s.line_offset = smi(l.s_line_offset);
  s.column_offset = smi(l.s_column_offset);
  s.context_data = word(l.s_context_data);
  s.type = smi(l.s_type);
  s.line_ends = word(l.s_line_ends);
  s.line_ends_set = heap.StrongTypeOf(s.line_ends) == l.fixed_array_type && l.fixed_array_type >= 0;
  s.id = smi(l.s_id);
  s.eval_from_shared_or_wrapped_arguments = word(l.s_eval_from);
  s.eval_from_position = smi(l.s_eval_position);
  s.shared_function_infos = word(l.s_infos);
  s.compiled_lazy_function_positions = word(l.s_lazy_positions);
  s.flags = smi(l.s_flags);
  s.compilation_type = static_cast<int>(s.flags & 1);
  s.source_url = word(l.s_source_url);
  s.source_mapping_url = word(l.s_source_mapping_url);
  // host_defined_options follows; V8 14 put a debug_id slot before it. It is
  // always a FixedArray, which tells the two layouts apart.
  for (int64_t offset : {l.s_source_mapping_url + 8, l.s_source_mapping_url + 16}) {
    uint64_t raw = word(offset);
    if (l.fixed_array_type >= 0 && heap.StrongTypeOf(raw) == l.fixed_array_type) {
      s.host_defined_options = raw;
      break;
    }
  }
  return s;
}

StringContents ScriptSource(Heap& heap, const ScriptInfo& script, size_t limit) {
  uint64_t a = 0;
  int type = heap.StrongTypeOf(script.source, &a);
  if (type < 0 || !heap.IsString(type)) return StringContents{};
  return ReadString(heap, a, limit);
}

std::optional<SourceLocation> ScriptLocation(Heap& heap, const ScriptInfo& script, int64_t position,
                                             size_t max_units) {
  if (position < 0) return std::nullopt;
  SourceLocation loc;
  // Line ends computed by V8: a FixedArray of Smi positions of each line's
  // terminator; binary search for the first end >= position.
  uint64_t ends_address = 0;
  if (script.line_ends_set && heap.StrongTypeOf(script.line_ends, &ends_address) >= 0) {
    int64_t n = heap.ReadSmiField(ends_address, 8, "line ends length");
    if (n >= 0 && n < (int64_t{1} << 28)) {
      auto end_at = [&](int64_t i) {
        return heap.ReadSmiField(ends_address, 16 + 8 * i, "line end");
      };
      int64_t lo = 0, hi = n;
      while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (end_at(mid) < position) lo = mid + 1; else hi = mid;
      }
      if (lo < n || n == 0) {
        int64_t line_start = lo == 0 ? 0 : end_at(lo - 1) + 1;
        loc.line = lo;
        loc.column = position - line_start;
        if (loc.line == 0) loc.column += script.column_offset;
        loc.line += script.line_offset + 1;
        loc.column += 1;
        return loc;
      }
    }
  }
  if (static_cast<uint64_t>(position) > max_units) return std::nullopt;
  StringContents src = ScriptSource(heap, script, static_cast<size_t>(position));
  if (static_cast<int64_t>(src.units.size()) < position) return std::nullopt;
  int64_t line = 0, line_start = 0;
  for (int64_t i = 0; i < position; i++) {
    char16_t c = src.units[static_cast<size_t>(i)];
    bool terminator = c == u'\n' || c == 0x2028 || c == 0x2029 ||
                      (c == u'\r' && !(i + 1 < static_cast<int64_t>(src.units.size()) && src.units[i + 1] == u'\n'));
    if (terminator) {
      line++;
      line_start = i + 1;
    }
  }
  loc.line = line + script.line_offset + 1;
  loc.column = position - line_start + (line == 0 ? script.column_offset : 0) + 1;
  return loc;
}

// ---- SharedFunctionInfo ----

const char* FunctionSyntaxKindName(int kind) {
  switch (kind) {
    case 0: return "AnonymousExpression";
    case 1: return "NamedExpression";
    case 2: return "Declaration";
    case 3: return "AccessorOrMethod";
    case 4: return "Wrapped";
  }
  return "Invalid";
}

bool IsSharedFunctionInfo(Heap& heap, uint64_t address) {
  const SfiLayout& l = LayoutFor(heap);
  return l.sfi_type >= 0 && heap.InstanceTypeOf(address) == l.sfi_type;
}

uint64_t BytecodeFromFunctionData(Heap& heap, uint64_t raw) {
  const SfiLayout& l = LayoutFor(heap);
  const int ts = heap.layout().tagged_size;
  // Bounded: data -> InterpreterData / BytecodeWrapper / Code -> BytecodeArray.
  for (int depth = 0; depth < 3; depth++) {
    uint64_t a = 0;
    int type = heap.StrongTypeOf(raw, &a);
    if (type < 0) return 0;
    if (type == l.bytecode_array_type) return a;
    if (type == l.bytecode_wrapper_type || type == l.interpreter_data_type || type == l.code_type) {
      // The first fields of these hold the bytecode (or the InterpreterData
      // of baseline code); take the first that is one of them.
      uint64_t next = 0;
      for (int i = 1; i <= 4 && !next; i++) {
        uint64_t w = heap.ReadWord(a + static_cast<uint64_t>(i * ts));
        int t = heap.StrongTypeOf(w);
        if (t >= 0 && (t == l.bytecode_array_type || t == l.interpreter_data_type || t == l.bytecode_wrapper_type)) {
          next = w;
        }
      }
      if (!next) return 0;
      raw = next;
      continue;
    }
    return 0;
  }
  return 0;
}

namespace {

// The flags words and the counts after `length`.
void ReadSfiHeader(Heap& heap, const SfiLayout& l, uint64_t address, SharedFunctionInfoData& s) {
  Memory& mem = heap.memory();
  s.flags = mem.ReadU32(address + static_cast<uint64_t>(l.flags));
  const uint32_t f = s.flags;
  s.kind = static_cast<int>(f & 31);
  s.is_native = (f >> 5) & 1;
  s.is_strict = (f >> 6) & 1;
  s.syntax_kind = static_cast<int>((f >> 7) & 7);
  s.is_class_constructor = (f >> 10) & 1;
  s.has_duplicate_parameters = (f >> 11) & 1;
  s.allow_lazy_compilation = (f >> 12) & 1;
  s.function_map_index_bits = static_cast<int>((f >> 14) & 31);
  s.length = mem.ReadU16(address + static_cast<uint64_t>(l.length));
  s.internal_formal_parameter_count = mem.ReadU16(address + static_cast<uint64_t>(l.formal_parameter_count));
  // kDontAdaptArgumentsSentinel (0xffff... as uint16) stays as it is.
  s.formal_parameter_count = s.internal_formal_parameter_count == 0xffff || s.internal_formal_parameter_count == 0
                                 ? s.internal_formal_parameter_count
                                 : s.internal_formal_parameter_count - 1;
  s.raw_function_token_offset = mem.ReadU16(address + static_cast<uint64_t>(l.function_token_offset));
  s.expected_nof_properties = mem.ReadU8(address + static_cast<uint64_t>(l.function_token_offset) + 2);
  s.flags2 = mem.ReadU8(address + static_cast<uint64_t>(l.function_token_offset) + 3);
  s.class_scope_has_private_brand = s.flags2 & 1;
  s.has_static_private_methods_or_accessors = (s.flags2 >> 1) & 1;
  if (heap.rules().sfi_has_literal_id_and_age()) {
    s.function_literal_id = static_cast<int32_t>(mem.ReadU32(address + static_cast<uint64_t>(l.flags) + 4));
    s.unique_id = static_cast<int32_t>(mem.ReadU32(address + static_cast<uint64_t>(l.flags) + 8));
    s.age = mem.ReadU16(address + static_cast<uint64_t>(l.flags) + 12);
  }
}

// The name: a String, a ScopeInfo holding the name, or Smi 0 (no shared
// name). Returns the ScopeInfo if there is one.
std::optional<ScopeInfoData> ReadSfiName(Heap& heap, const SfiLayout& l, SharedFunctionInfoData& s) {
  auto word = [&](int64_t offset) { return heap.ReadWord(s.address + static_cast<uint64_t>(offset)); };
  s.name_or_scope_info = word(l.name_or_scope_info);
  uint64_t nsi = 0;
  int nsi_type = heap.StrongTypeOf(s.name_or_scope_info, &nsi);
  std::optional<ScopeInfoData> scope;
  if (nsi_type >= 0 && IsScopeInfo(heap, nsi)) {
    s.scope_info = nsi;
    scope = ReadScopeInfo(heap, nsi);
    Tagged fn = heap.Decode(scope->function_name);
    s.has_shared_name = scope->function_name && !(fn.is_smi() && fn.smi == 0);
    if (s.has_shared_name) {
      s.name = scope->function_name;
      s.name_text = scope->function_name_text;
    }
    if (scope->has_inferred_function_name) s.inferred_name = scope->inferred_function_name;
  } else if (nsi_type >= 0 && heap.IsString(nsi_type)) {
    s.has_shared_name = true;
    s.name = s.name_or_scope_info;
    s.name_text = Utf8Of(heap, s.name);
  }
  return scope;
}

// Function data: bytecode, uncompiled data or a builtin id; then the
// inferred and debug names (the uncompiled data may hold the inferred one).
void ReadFunctionData(Heap& heap, const SfiLayout& l, SharedFunctionInfoData& s) {
  auto word = [&](int64_t offset) { return heap.ReadWord(s.address + static_cast<uint64_t>(offset)); };
  s.function_data = word(l.function_data);
  if (l.untrusted_function_data >= 0) {
    s.has_untrusted_function_data = true;
    s.untrusted_function_data = word(l.untrusted_function_data);
  }
  for (uint64_t raw : {s.function_data, s.untrusted_function_data}) {
    if (!raw) continue;
    Tagged t = heap.Decode(raw);
    if (t.is_smi()) {
      if (!s.builtin_id && t.smi >= 0) s.builtin_id = t.smi;
      continue;
    }
    uint64_t a = 0;
    int t_type = heap.StrongTypeOf(raw, &a);
    if (l.IsUncompiled(t_type)) {
      s.uncompiled_data = a;
    } else if (!s.bytecode_array) {
      s.bytecode_array = BytecodeFromFunctionData(heap, raw);
    }
  }
  // A Smi -1 in untrusted_function_data is "none", not a builtin.
  if (s.bytecode_array) {
    s.builtin_id.reset();
    Tagged len = heap.ReadTagged(s.bytecode_array + static_cast<uint64_t>(l.bytecode_length));
    if (len.is_smi()) s.bytecode_length = len.smi;
  }
  if (s.uncompiled_data) {
    s.builtin_id.reset();
    if (!s.inferred_name && !s.scope_info) {
      s.inferred_name = heap.ReadWord(s.uncompiled_data + static_cast<uint64_t>(l.uncompiled_inferred_name));
    }
  }
  if (s.inferred_name) s.inferred_name_text = Utf8Of(heap, s.inferred_name);
  s.debug_name = !s.name_text.empty() ? s.name_text : s.inferred_name_text;
}

// The Script, through a DebugInfo in V8 11.
void ReadSfiScript(Heap& heap, const SfiLayout& l, SharedFunctionInfoData& s) {
  s.script_or_debug_info = heap.ReadWord(s.address + static_cast<uint64_t>(l.script));
  uint64_t sd = 0;
  int sd_type = heap.StrongTypeOf(s.script_or_debug_info, &sd);
  if (sd_type >= 0 && sd_type == l.script_type) {
    s.script = sd;
  } else if (sd_type >= 0 && sd_type == l.debug_info_type) {
    s.debug_info = sd;
    // DebugInfo keeps the Script among its first fields.
    for (int i = 1; i <= 8 && !s.script; i++) {
      uint64_t a = 0;
      int t = heap.StrongTypeOf(heap.ReadWord(sd + static_cast<uint64_t>(8 * i)), &a);
      if (t >= 0 && t == l.script_type) s.script = a;
    }
  }
}

// Positions: the ScopeInfo's once compiled, else the UncompiledData's.
void ReadSfiPositions(Heap& heap, const SfiLayout& l, const std::optional<ScopeInfoData>& scope,
                      SharedFunctionInfoData& s) {
  Memory& mem = heap.memory();
  if (scope && scope->start_position && !scope->empty) {
    s.start_position = *scope->start_position;
    s.end_position = *scope->end_position;
  } else if (s.uncompiled_data) {
    s.start_position = static_cast<int32_t>(mem.ReadU32(s.uncompiled_data + static_cast<uint64_t>(l.uncompiled_start)));
    s.end_position = static_cast<int32_t>(mem.ReadU32(s.uncompiled_data + static_cast<uint64_t>(l.uncompiled_end)));
  } else if (s.builtin_id) {
    s.start_position = s.end_position = 0;
  }
  if (s.start_position >= 0 && s.raw_function_token_offset != 0xffff) {
    s.function_token_position = s.start_position - s.raw_function_token_offset;
  }
}

// Outer scope info (uncompiled) or feedback metadata (compiled).
void ReadOuterOrFeedback(Heap& heap, const SfiLayout& l, const std::optional<ScopeInfoData>& scope,
                         SharedFunctionInfoData& s) {
  Memory& mem = heap.memory();
  s.outer_scope_info_or_feedback_metadata = heap.ReadWord(s.address + static_cast<uint64_t>(l.outer_or_feedback));
  uint64_t of = 0;
  int of_type = heap.StrongTypeOf(s.outer_scope_info_or_feedback_metadata, &of);
  if (of_type >= 0) {
    if (IsScopeInfo(heap, of)) {
      s.outer_scope_info = s.outer_scope_info_or_feedback_metadata;
    } else if (of_type != heap.layout().oddball_type) {
      // FeedbackMetadata (its type is not in the metadata): two int32
      // counts, 0 <= create_closure_slot_count, slot_count < 2^20. The
      // hole (V8 12+) has its NaN there instead.
      // V8 14's hole may end a page: read without throwing.
      int32_t counts[2];
      if (mem.Read(of + 8, counts, sizeof counts) && counts[0] >= 0 && counts[0] < (1 << 20) && counts[1] >= 0 &&
          counts[1] < (1 << 20)) {
        s.feedback_metadata = of;
      }
    }
  }
  if (scope && scope->outer_scope_info) {
    Tagged o = heap.Decode(scope->outer_scope_info);
    if (o.kind == Tagged::Kind::kStrong && IsScopeInfo(heap, o.address)) s.outer_scope_info = scope->outer_scope_info;
  }
}

}  // namespace

SharedFunctionInfoData ReadSharedFunctionInfo(Heap& heap, uint64_t address) {
  const SfiLayout& l = LayoutFor(heap);
  if (l.sfi_type < 0) throw MissingConstant("v8dbg_type_SharedFunctionInfo__SHARED_FUNCTION_INFO_TYPE");
  int type = heap.InstanceTypeOf(address);
  if (type != l.sfi_type) {
    throw heap.NotA(address, "SharedFunctionInfo", heap.TypeName(type));
  }
  SharedFunctionInfoData s;
  s.address = address;
  ReadSfiHeader(heap, l, address, s);
  std::optional<ScopeInfoData> scope = ReadSfiName(heap, l, s);
  ReadFunctionData(heap, l, s);
  ReadSfiScript(heap, l, s);
  ReadSfiPositions(heap, l, scope, s);
  ReadOuterOrFeedback(heap, l, scope, s);
  return s;
}

std::optional<StringContents> FunctionSource(Heap& heap, const SharedFunctionInfoData& sfi, size_t limit) {
  if (!sfi.script || sfi.start_position < 0 || sfi.end_position < sfi.start_position) return std::nullopt;
  ScriptInfo script = ReadScript(heap, sfi.script);
  const size_t end = static_cast<size_t>(sfi.end_position);
  const size_t start = static_cast<size_t>(sfi.start_position);
  // Reading stops at the end position: the function's text is a prefix read.
  StringContents all = ScriptSource(heap, script, std::min(end, start + limit));
  if (all.units.size() < start) return std::nullopt;
  StringContents out;
  out.units = all.units.substr(start);
  out.length = static_cast<int64_t>(end - start);
  return out;
}

std::optional<FunctionLocation> LocateFunction(Heap& heap, const SharedFunctionInfoData& sfi) {
  if (!sfi.script || sfi.start_position < 0) return std::nullopt;
  ScriptInfo script = ReadScript(heap, sfi.script);
  FunctionLocation loc;
  loc.position = sfi.start_position;
  loc.script_name = script.name_text;
  loc.location = ScriptLocation(heap, script, sfi.start_position);
  return loc;
}

}  // namespace nodegdb
