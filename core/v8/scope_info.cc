#include "core/v8/scope_info.h"

#include <cstdio>

#include "core/v8/string.h"

namespace nodegdb {

namespace {

// kScopeInfoMaxInlinedLocalNamesSize: more context locals than this and
// their names move to a NameToIndexHashTable (the same in V8 11 to 14).
constexpr int64_t kMaxInlinedLocalNames = 75;
// No scope has anywhere near this many context locals (V8's limit is 2^20
// slots per context); larger counts mean this is not a ScopeInfo.
constexpr int64_t kMaxContextLocals = 1 << 20;
constexpr int64_t kMaxModuleVariables = 1 << 20;

}  // namespace

ScopeInfoLayout ScopeInfoLayout::From(const Metadata& md) {
  ScopeInfoLayout l;
  l.type = md.FindType("SCOPE_INFO_TYPE").value_or(-1);
  l.hash_table_type = md.FindType("NAME_TO_INDEX_HASH_TABLE_TYPE").value_or(-1);
  l.idx_nparams = static_cast<int>(md.Find("v8dbg_scopeinfo_idx_nparams").value_or(1));
  l.idx_ncontextlocals = static_cast<int>(md.Find("v8dbg_scopeinfo_idx_ncontextlocals").value_or(2));
  l.idx_first_vars = static_cast<int>(md.Find("v8dbg_scopeinfo_idx_first_vars").value_or(md.rules().scope_info_positions_in_header() ? 5 : 3));
  l.smi_flags = md.rules().scope_info_flags_are_smi();
  l.header_positions = l.idx_first_vars >= 5;
  l.new_scope_types = md.rules().scope_types_script_first();
  l.hash_table_header = md.FindField("FixedArray", {"data"}).value_or(16);
  return l;
}

namespace {

const ScopeInfoLayout& LayoutFor(Heap& heap) { return heap.LayoutOf<ScopeInfoLayout>(); }

ScopeType DecodeScopeType(const ScopeInfoLayout& l, uint32_t bits) {
  static const ScopeType kOld[] = {ScopeType::kClass, ScopeType::kEval,  ScopeType::kFunction,
                                   ScopeType::kModule, ScopeType::kScript, ScopeType::kCatch,
                                   ScopeType::kBlock, ScopeType::kWith,   ScopeType::kShadowRealm};
  static const ScopeType kNew[] = {ScopeType::kScript, ScopeType::kReplMode, ScopeType::kClass,
                                   ScopeType::kEval,   ScopeType::kFunction, ScopeType::kModule,
                                   ScopeType::kCatch,  ScopeType::kBlock,    ScopeType::kWith,
                                   ScopeType::kShadowRealm};
  if (l.new_scope_types) return bits < 10 ? kNew[bits] : ScopeType::kUnknown;
  return bits < 9 ? kOld[bits] : ScopeType::kUnknown;
}

VariableMode DecodeVariableMode(const V8Rules& rules, int bits) {
  // V8 11: let const var ...; 12: let const using var ...; 13+: let const
  // using await_using var ...
  static const VariableMode kTail[] = {VariableMode::kVar,           VariableMode::kTemporary,
                                       VariableMode::kDynamic,       VariableMode::kDynamicGlobal,
                                       VariableMode::kDynamicLocal,  VariableMode::kPrivateMethod,
                                       VariableMode::kPrivateSetterOnly, VariableMode::kPrivateGetterOnly,
                                       VariableMode::kPrivateGetterAndSetter};
  if (bits == 0) return VariableMode::kLet;
  if (bits == 1) return VariableMode::kConst;
  int tail = bits - 2;
  if (rules.variable_mode_has_using()) {
    if (bits == 2) return VariableMode::kUsing;
    tail = bits - 3;
    if (rules.variable_mode_has_await_using()) {
      if (bits == 3) return VariableMode::kAwaitUsing;
      tail = bits - 4;
    }
  }
  if (tail >= 0 && tail < 9) return kTail[tail];
  return VariableMode::kUnknown;
}

std::string StringUtf8(Heap& heap, uint64_t raw, size_t limit = 1000) {
  Tagged t = heap.Decode(raw);
  if (t.kind != Tagged::Kind::kStrong) return "";
  if (!heap.IsString(heap.InstanceTypeOf(t.address))) return "";
  return Utf16ToUtf8(ReadString(heap, t.address, limit).units);
}

}  // namespace

bool HasPositionInfo(const ScopeInfoLayout& l, const ScopeInfoData& s) {
  if (s.empty) return false;
  if (l.header_positions) return true;
  switch (s.scope_type) {
    case ScopeType::kFunction:
    case ScopeType::kScript:
    case ScopeType::kEval:
    case ScopeType::kModule:
    case ScopeType::kShadowRealm:
    case ScopeType::kClass:
      return true;
    default:
      return false;
  }
}


const char* ScopeTypeName(ScopeType type) {
  switch (type) {
    case ScopeType::kClass: return "CLASS_SCOPE";
    case ScopeType::kEval: return "EVAL_SCOPE";
    case ScopeType::kFunction: return "FUNCTION_SCOPE";
    case ScopeType::kModule: return "MODULE_SCOPE";
    case ScopeType::kScript: return "SCRIPT_SCOPE";
    case ScopeType::kCatch: return "CATCH_SCOPE";
    case ScopeType::kBlock: return "BLOCK_SCOPE";
    case ScopeType::kWith: return "WITH_SCOPE";
    case ScopeType::kShadowRealm: return "SHADOW_REALM_SCOPE";
    case ScopeType::kReplMode: return "REPL_MODE_SCOPE";
    case ScopeType::kUnknown: break;
  }
  return "UNKNOWN_SCOPE";
}

const char* FunctionKindName(int kind) {
  static const char* const kNames[] = {
      "NormalFunction", "Module", "AsyncModule", "BaseConstructor", "DefaultBaseConstructor",
      "DefaultDerivedConstructor", "DerivedConstructor", "GetterFunction", "StaticGetterFunction",
      "SetterFunction", "StaticSetterFunction", "ArrowFunction", "AsyncArrowFunction", "AsyncFunction",
      "AsyncConciseMethod", "StaticAsyncConciseMethod", "AsyncConciseGeneratorMethod",
      "StaticAsyncConciseGeneratorMethod", "AsyncGeneratorFunction", "GeneratorFunction",
      "ConciseGeneratorMethod", "StaticConciseGeneratorMethod", "ConciseMethod", "StaticConciseMethod",
      "ClassMembersInitializerFunction", "ClassStaticInitializerFunction"};
  if (kind >= 0 && kind < static_cast<int>(sizeof kNames / sizeof kNames[0])) return kNames[kind];
  return "Invalid";
}

namespace {
using K = FunctionKind;
bool KindIn(int kind, K first, K last) { return kind >= static_cast<int>(first) && kind <= static_cast<int>(last); }
}  // namespace

bool IsArrowFunction(int kind) { return KindIn(kind, K::kArrowFunction, K::kAsyncArrowFunction); }
bool IsAsyncFunction(int kind) { return KindIn(kind, K::kAsyncArrowFunction, K::kAsyncGeneratorFunction); }
bool IsGeneratorFunction(int kind) {
  return KindIn(kind, K::kAsyncConciseGeneratorMethod, K::kStaticConciseGeneratorMethod);
}
bool IsClassConstructor(int kind) { return KindIn(kind, K::kBaseConstructor, K::kDerivedConstructor); }
bool IsDerivedConstructor(int kind) {
  return KindIn(kind, K::kDefaultDerivedConstructor, K::kDerivedConstructor);
}
bool IsConciseMethod(int kind) {
  return KindIn(kind, K::kAsyncConciseMethod, K::kStaticAsyncConciseGeneratorMethod) ||
         KindIn(kind, K::kConciseGeneratorMethod, K::kClassStaticInitializerFunction);
}
bool IsAccessorFunction(int kind) { return KindIn(kind, K::kGetterFunction, K::kStaticSetterFunction); }
bool IsModuleKind(int kind) { return KindIn(kind, K::kModule, K::kModuleWithTopLevelAwait); }

const char* FunctionTypeName(int kind) {
  if (IsAsyncFunction(kind)) return IsGeneratorFunction(kind) ? "AsyncGeneratorFunction" : "AsyncFunction";
  if (IsGeneratorFunction(kind)) return "GeneratorFunction";
  return "Function";
}

const char* VariableModeName(VariableMode mode) {
  switch (mode) {
    case VariableMode::kLet: return "let";
    case VariableMode::kConst: return "const";
    case VariableMode::kUsing: return "using";
    case VariableMode::kAwaitUsing: return "await using";
    case VariableMode::kVar: return "var";
    case VariableMode::kTemporary: return "temporary";
    case VariableMode::kDynamic: return "dynamic";
    case VariableMode::kDynamicGlobal: return "dynamic global";
    case VariableMode::kDynamicLocal: return "dynamic local";
    case VariableMode::kPrivateMethod: return "private method";
    case VariableMode::kPrivateSetterOnly: return "private setter";
    case VariableMode::kPrivateGetterOnly: return "private getter";
    case VariableMode::kPrivateGetterAndSetter: return "private accessor";
    case VariableMode::kUnknown: break;
  }
  return "unknown";
}

const char* VariableAllocationName(VariableAllocation a) {
  switch (a) {
    case VariableAllocation::kNone: return "NONE";
    case VariableAllocation::kStack: return "STACK";
    case VariableAllocation::kContext: return "CONTEXT";
    case VariableAllocation::kUnused: return "UNUSED";
  }
  return "NONE";
}

bool IsScopeInfo(Heap& heap, uint64_t address) {
  const ScopeInfoLayout& l = LayoutFor(heap);
  return l.type >= 0 && heap.InstanceTypeOf(address) == l.type;
}

namespace {

// Reads a ScopeInfo's slots; errors name the ScopeInfo.
struct ScopeSlots {
  Heap& heap;
  uint64_t address;
  std::string shown;
  int ts;
  uint64_t Address(int64_t i) const { return address + static_cast<uint64_t>(ts + ts * i); }
  uint64_t Word(int64_t i) const { return heap.ReadWord(Address(i)); }
  int64_t Smi(int64_t i, const char* what) const {
    Tagged t = heap.Decode(Word(i));
    if (!t.is_smi()) throw CorruptObject(std::string(what) + " of ScopeInfo " + shown + " is not a Smi");
    return t.smi;
  }
};

// ScopeInfo::Flags: the scope type and the bits every later field depends on.
void DecodeFlags(const V8Rules& rules, const ScopeInfoLayout& l, uint32_t f, ScopeInfoData& s) {
  auto bit = [&](int n) { return ((f >> n) & 1u) != 0; };
  s.scope_type = DecodeScopeType(l, f & 0xf);
  s.sloppy_eval_can_extend_vars = bit(4);
  s.strict = bit(5);
  s.declaration_scope = bit(6);
  s.receiver = static_cast<VariableAllocation>((f >> 7) & 3);
  s.class_scope_has_private_brand = bit(9);
  s.has_saved_class_variable = bit(10);
  if (rules.scope_info_v14_flags()) {
    s.allocates_arguments = bit(11);
  } else {
    s.has_new_target = bit(11);
  }
  s.function_variable = static_cast<VariableAllocation>((f >> 12) & 3);
  s.has_inferred_function_name = bit(14);
  s.is_asm_module = bit(15);
  s.has_simple_parameters = bit(16);
  s.function_kind = static_cast<int>((f >> 17) & 31);
  s.has_outer_scope_info = bit(22);
  s.is_debug_evaluate_scope = bit(23);
  s.force_context_allocation = bit(24);
  s.private_name_lookup_skips_outer_class = bit(25);
  s.has_context_extension_slot = bit(26);
  if (!rules.scope_info_hidden_and_wrapped_flags()) {
    s.is_repl_mode_scope = bit(27);
    s.has_locals_block_list = bit(28);
    s.empty = bit(29);
  } else {
    s.some_context_has_extension = bit(27);
    s.is_hidden = bit(28);
    s.empty = bit(29);
    s.is_wrapped_function = bit(30);
    if (rules.scope_info_v14_flags()) s.has_context_cells = bit(31);
  }
}

// The context locals' names from slot `i` on: inline, or (many locals) in a
// NameToIndexHashTable. Advances `i` past them.
std::vector<uint64_t> ReadLocalNames(const ScopeSlots& slots, const ScopeInfoLayout& l, int64_t n, int64_t& i,
                                     ScopeInfoData& s) {
  Heap& heap = slots.heap;
  const int ts = slots.ts;
  std::vector<uint64_t> names(static_cast<size_t>(n), 0);
  if (n < kMaxInlinedLocalNames) {
    for (int64_t k = 0; k < n; k++) names[static_cast<size_t>(k)] = slots.Word(i + k);
    i += n;
    return names;
  }
  s.names_hashtable = slots.Word(i++);
  Tagged table = heap.Decode(s.names_hashtable);
  if (table.kind != Tagged::Kind::kStrong) {
    throw CorruptObject("ScopeInfo " + slots.shown + " has no local names table");
  }
  // HashTable: number of elements, deleted, capacity, then (key, index)
  // entries; free entries hold undefined or the hole.
  const uint64_t base = table.address + static_cast<uint64_t>(l.hash_table_header);
  int64_t capacity = heap.ReadSmiField(table.address, l.hash_table_header + 2 * ts, "capacity");
  if (capacity < 0 || capacity > 4 * kMaxContextLocals) {
    throw CorruptObject("names table of ScopeInfo " + slots.shown + " has capacity " + std::to_string(capacity));
  }
  for (int64_t e = 0; e < capacity; e++) {
    uint64_t key = heap.ReadWord(base + static_cast<uint64_t>((3 + 2 * e) * ts));
    Tagged value = heap.ReadTagged(base + static_cast<uint64_t>((4 + 2 * e) * ts));
    if (!value.is_smi() || value.smi < 0 || value.smi >= n) continue;
    names[static_cast<size_t>(value.smi)] = key;
    s.names_in_hash_order.push_back(static_cast<int>(value.smi));
  }
  return names;
}

// The optional slots after the locals' infos, each present by a flag or the
// scope type; `i` is the first of them. Sets s.length.
void ReadTrailingSlots(const ScopeSlots& slots, const ScopeInfoLayout& l, const V8Rules& rules,
                       bool early_module_count, int64_t i, ScopeInfoData& s) {
  if (s.has_saved_class_variable) s.saved_class_variable_info = slots.Word(i++);
  if (s.function_variable != VariableAllocation::kNone) {
    s.function_name = slots.Word(i);
    s.function_variable_slot = slots.Word(i + 1);
    i += 2;
  }
  if (s.has_inferred_function_name) s.inferred_function_name = slots.Word(i++);
  if (!l.header_positions && HasPositionInfo(l, s)) {
    s.start_position = slots.Smi(i, "start position");
    s.end_position = slots.Smi(i + 1, "end position");
    i += 2;
  }
  if (s.has_outer_scope_info) s.outer_scope_info = slots.Word(i++);
  if (!l.header_positions && s.has_locals_block_list) s.locals_block_list = slots.Word(i++);
  if (s.scope_type == ScopeType::kModule) {
    s.module_info = slots.Word(i++);
    if (!early_module_count) s.module_variable_count = slots.Smi(i++, "module_variable_count");
    if (s.module_variable_count < 0 || s.module_variable_count > kMaxModuleVariables) {
      throw CorruptObject("ScopeInfo " + slots.shown + " claims " + std::to_string(s.module_variable_count) +
                          " module variables");
    }
    i += 3 * s.module_variable_count;
  }
  if (rules.scope_info_has_dependent_code() && s.sloppy_eval_can_extend_vars) s.dependent_code = slots.Word(i++);
  if (rules.scope_info_v14_flags() && s.scope_type == ScopeType::kFunction) s.unused_parameter_bits = slots.Word(i++);
  s.length = static_cast<int>(i);
}

// Each context local from its name and its VariableProperties Smi.
void DecodeLocals(Heap& heap, const std::vector<uint64_t>& names, const std::vector<uint64_t>& infos,
                  ScopeInfoData& s) {
  const int header = s.context_header_length();
  const size_t n = names.size();
  s.locals.reserve(n);
  for (size_t k = 0; k < n; k++) {
    ScopeLocal local;
    local.index = static_cast<int>(k);
    local.slot = header + static_cast<int>(k);
    local.name_raw = names[k];
    local.name = local.name_raw ? StringUtf8(heap, local.name_raw) : "";
    local.info_raw = infos[k];
    Tagged info = heap.Decode(local.info_raw);
    if (info.is_smi()) {
      uint32_t p = static_cast<uint32_t>(info.smi);
      local.mode = DecodeVariableMode(heap.rules(), static_cast<int>(p & 15));
      local.needs_initialization = ((p >> 4) & 1) == 0;
      local.maybe_assigned = ((p >> 5) & 1) != 0;
      uint32_t param = (p >> 6) & 0xffff;
      local.parameter_number = param == 0xffff ? -1 : static_cast<int>(param);
      local.is_static = ((p >> 22) & 1) != 0;
    }
    s.locals.push_back(std::move(local));
  }
}

// V8 14's ScopeInfo::CanOnlyAccessFixedFormalParameters, from the flags.
bool CanOnlyAccessFixedFormalParameters(const V8Rules& rules, const ScopeInfoData& s) {
  const int kind = s.function_kind;
  bool sloppy_normal = kind == static_cast<int>(FunctionKind::kNormalFunction) && !s.strict;
  return rules.scope_info_v14_flags() && !sloppy_normal &&
         (kind == static_cast<int>(FunctionKind::kNormalFunction) ||
          kind == static_cast<int>(FunctionKind::kArrowFunction)) &&
         !s.allocates_arguments && s.has_simple_parameters;
}

}  // namespace

ScopeInfoData ReadScopeInfo(Heap& heap, uint64_t address) {
  const ScopeInfoLayout& l = LayoutFor(heap);
  const V8Rules& rules = heap.rules();
  if (l.type < 0) throw MissingConstant("v8dbg_type_ScopeInfo__SCOPE_INFO_TYPE");
  if (heap.InstanceTypeOf(address) != l.type) {
    throw heap.NotA(address, "ScopeInfo", heap.TypeName(heap.InstanceTypeOf(address)));
  }
  const ScopeSlots slots{heap, address, heap.Shown(address), heap.layout().tagged_size};

  ScopeInfoData s;
  s.address = address;
  s.flags = l.smi_flags ? static_cast<uint32_t>(slots.Smi(0, "flags")) : heap.memory().ReadU32(slots.Address(0));
  DecodeFlags(rules, l, s.flags, s);
  if (s.empty) {
    // The empty ScopeInfo has only its flags (and the counts, all zero).
    s.length = l.idx_first_vars;
    return s;
  }

  s.parameter_count = slots.Smi(l.idx_nparams, "parameter_count");
  s.context_local_count = slots.Smi(l.idx_ncontextlocals, "context_local_count");
  if (s.context_local_count < 0 || s.context_local_count > kMaxContextLocals) {
    throw CorruptObject("ScopeInfo " + slots.shown + " claims " + std::to_string(s.context_local_count) +
                        " context locals");
  }
  const int64_t n = s.context_local_count;
  int64_t i = l.idx_first_vars;
  if (l.header_positions) {
    s.start_position = slots.Smi(3, "start position");
    s.end_position = slots.Smi(4, "end position");
  }
  // V8 12+ keep the module variable count before the names (V8 11: after the module info).
  const bool early_module_count = rules.module_variable_count_first();
  if (early_module_count && s.scope_type == ScopeType::kModule) {
    s.module_variable_count = slots.Smi(i++, "module_variable_count");
  }

  std::vector<uint64_t> names = ReadLocalNames(slots, l, n, i, s);
  std::vector<uint64_t> infos(static_cast<size_t>(n), 0);
  for (int64_t k = 0; k < n; k++) infos[static_cast<size_t>(k)] = slots.Word(i + k);
  i += n;
  ReadTrailingSlots(slots, l, rules, early_module_count, i, s);
  DecodeLocals(heap, names, infos, s);
  if (s.function_name) s.function_name_text = StringUtf8(heap, s.function_name);
  s.can_only_access_fixed_formal_parameters = CanOnlyAccessFixedFormalParameters(rules, s);
  return s;
}

}  // namespace nodegdb
