// ScopeInfo, Context, SharedFunctionInfo, Script and JSFunction decoding (and
// v8 source's listing of a function) on a
// synthetic heap: both ScopeInfo layouts (V8 11-12 and 13+), names in a hash
// table, context chains (and a cyclic one), source positions to lines and
// columns, and objects that are not what they claim.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/v8/context.h"
#include "core/v8/js_function.h"
#include "core/v8/scope_info.h"
#include "core/v8/shared_function_info.h"
#include "core/view/debug_print.h"
#include "core/view/source_listing.h"
#include "fake_heap.h"

namespace nodegdb {
namespace {

constexpr int kScopeInfoType = 261, kScriptType = 167, kSfiType = 262, kJSFunctionType = 2066;
constexpr int kFixedArrayType = 175, kBytecodeArrayType = 191, kHashTableType = 260, kUncompiledType = 176;
constexpr int kFunctionContextType = 210, kNativeContextType = 212, kBlockContextType = 206;

std::map<std::string, int64_t> Constants(int first_vars) {
  auto c = testing::Node20Constants();
  std::map<std::string, int64_t> extra = {
      {"v8dbg_type_ScopeInfo__SCOPE_INFO_TYPE", kScopeInfoType},
      {"v8dbg_type_Script__SCRIPT_TYPE", kScriptType},
      {"v8dbg_type_SharedFunctionInfo__SHARED_FUNCTION_INFO_TYPE", kSfiType},
      {"v8dbg_type_JSFunction__JS_FUNCTION_TYPE", kJSFunctionType},
      {"v8dbg_type_FixedArray__FIXED_ARRAY_TYPE", kFixedArrayType},
      {"v8dbg_type_BytecodeArray__BYTECODE_ARRAY_TYPE", kBytecodeArrayType},
      {"v8dbg_type_NameToIndexHashTable__NAME_TO_INDEX_HASH_TABLE_TYPE", kHashTableType},
      {"v8dbg_type_UncompiledDataWithoutPreparseData__UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_TYPE", kUncompiledType},
      {"v8dbg_type_JSProxy__JS_PROXY_TYPE", 1024},
      {"v8dbg_FirstContextType", 205}, {"v8dbg_LastContextType", 214},
      {"v8dbg_context_idx_scope_info", 0}, {"v8dbg_context_idx_prev", 1}, {"v8dbg_context_min_slots", 2},
      {"v8dbg_native_context_embedder_data_offset", 48},
      {"v8dbg_scopeinfo_idx_nparams", 1}, {"v8dbg_scopeinfo_idx_ncontextlocals", 2},
      {"v8dbg_scopeinfo_idx_first_vars", first_vars},
      {"v8dbg_class_FixedArray__data__uintptr_t", 16}, {"v8dbg_class_FixedArrayBase__length__SMI", 8},
      {"v8dbg_class_Map__native_context__NativeContext", 32}, {"v8dbg_class_Map__prototype__Object", 24},
      {"v8dbg_class_Map__bit_field2__char", 15}, {"v8dbg_class_Map__bit_field3__int", 16},
      {"v8dbg_class_Map__instance_size_in_words__char", 8},
      {"v8dbg_class_SharedFunctionInfo__function_data__Object", 8},
      {"v8dbg_class_SharedFunctionInfo__name_or_scope_info__Object", 16},
      {"v8dbg_class_SharedFunctionInfo__feedback_metadata__FeedbackMetadata", 24},
      {"v8dbg_class_SharedFunctionInfo__script_or_debug_info__HeapObject", 32},
      {"v8dbg_class_SharedFunctionInfo__length__uint16_t", 40},
      {"v8dbg_class_SharedFunctionInfo__internal_formal_parameter_count__uint16_t", 42},
      {"v8dbg_class_SharedFunctionInfo__raw_function_token_offset__int16_t", 44},
      {"v8dbg_class_SharedFunctionInfo__flags__int", 48},
      {"v8dbg_class_UncompiledData__inferred_name__String", 8},
      {"v8dbg_class_UncompiledData__start_position__int32_t", 16},
      {"v8dbg_class_UncompiledData__end_position__int32_t", 20},
      {"v8dbg_class_Script__source__Object", 8}, {"v8dbg_class_Script__name__Object", 16},
      {"v8dbg_class_Script__line_ends__Object", 56},
      {"v8dbg_class_JSFunction__shared__SharedFunctionInfo", 24},
      {"v8dbg_class_JSFunction__context__Context", 32},
      {"v8dbg_class_JSFunction__raw_feedback_cell__FeedbackCell", 40},
      {"v8dbg_class_JSFunction__prototype_or_initial_map__HeapObject", 56},
  };
  for (auto& [k, v] : extra) c[k] = v;
  return c;
}

// A heap of objects laid out as Node 20 (or, with first_vars 5, V8 13) does.
class TestHeap {
 public:
  static constexpr uint64_t kBase = 0x20000000;
  explicit TestHeap(int first_vars = 3) : metadata_(Metadata::FromTable(Constants(first_vars))) {
    memory_.Map(kBase, std::vector<uint8_t>(kSize, 0));
    meta_map_ = Allocate(80);
    Put64(meta_map_, Tag(meta_map_));
    Put16(meta_map_ + 12, 255);
    heap_ = std::make_unique<Heap>(memory_, metadata_);
    undefined_ = Object(131, 48);
    Put64(undefined_ + 40, Smi(5));
  }
  Heap& heap() { return *heap_; }

  static uint64_t Tag(uint64_t a) { return a + 1; }
  static uint64_t Smi(int64_t v) { return static_cast<uint64_t>(v) << 32; }
  uint64_t undefined() const { return Tag(undefined_); }

  uint64_t Allocate(size_t size) {
    uint64_t a = kBase + used_;
    used_ += (size + 7) & ~size_t{7};
    return a;
  }
  uint64_t MapFor(int type, int size_words = 0) {
    auto key = std::make_pair(type, size_words);
    auto it = maps_.find(key);
    if (it != maps_.end()) return it->second;
    uint64_t m = Allocate(80);
    Put64(m, Tag(meta_map_));
    Put8(m + 8, static_cast<uint8_t>(size_words));
    Put16(m + 12, static_cast<uint16_t>(type));
    Put8(m + 15, 3 << 2);  // HOLEY_ELEMENTS
    return maps_[key] = m;
  }
  uint64_t Object(int type, size_t size, int size_words = 0) {
    uint64_t a = Allocate(size);
    Put64(a, Tag(MapFor(type, size_words)));
    return a;
  }
  uint64_t String(const std::string& s, bool internalized = true) {
    uint64_t a = Object(internalized ? 8 : 40, 16 + s.size());
    Put32(a + 12, static_cast<uint32_t>(s.size()));
    Write(a + 16, s.data(), s.size());
    return a;
  }
  // A FixedArray-shaped object: map, Smi length, tagged slots.
  uint64_t Array(int type, const std::vector<uint64_t>& slots, uint64_t map = 0) {
    uint64_t a = Allocate(16 + 8 * slots.size());
    Put64(a, Tag(map ? map : MapFor(type)));
    Put64(a + 8, Smi(static_cast<int64_t>(slots.size())));
    for (size_t i = 0; i < slots.size(); i++) Put64(a + 16 + 8 * i, slots[i]);
    return a;
  }
  // A ScopeInfo: the map, then `slots` (flags first).
  uint64_t ScopeInfo(const std::vector<uint64_t>& slots) {
    uint64_t a = Allocate(8 + 8 * slots.size());
    Put64(a, Tag(MapFor(kScopeInfoType)));
    for (size_t i = 0; i < slots.size(); i++) Put64(a + 8 + 8 * i, slots[i]);
    return a;
  }

  void Write(uint64_t a, const void* p, size_t n) { std::memcpy(memory_.Region(kBase).data() + (a - kBase), p, n); }
  void Put64(uint64_t a, uint64_t v) { Write(a, &v, 8); }
  void Put32(uint64_t a, uint32_t v) { Write(a, &v, 4); }
  void Put16(uint64_t a, uint16_t v) { Write(a, &v, 2); }
  void Put8(uint64_t a, uint8_t v) { Write(a, &v, 1); }

 private:
  static constexpr size_t kSize = 8 << 20;
  BufferMemory memory_;
  Metadata metadata_;
  std::unique_ptr<Heap> heap_;
  uint64_t meta_map_ = 0, undefined_ = 0;
  size_t used_ = 0;
  std::map<std::pair<int, int>, uint64_t> maps_;
};

// ScopeFlags bits (V8 11 numbering of scope types: FUNCTION 2, BLOCK 6).
constexpr uint32_t kFunctionScope = 2, kBlockScope = 6;
constexpr uint32_t kDeclaration = 1u << 6, kFunctionVarUnused = 3u << 12, kInferredName = 1u << 14;
constexpr uint32_t kSimpleParameters = 1u << 16, kOuterScopeInfo = 1u << 22, kEmpty = 1u << 29;
uint32_t KindBits(FunctionKind k) { return static_cast<uint32_t>(k) << 17; }
uint64_t LocalInfo(int mode, bool initialized) { return TestHeap::Smi((mode & 15) | (initialized ? 16 : 0) | (0xffff << 6)); }

TEST(ScopeInfoTest, FunctionScopeOfV8_11) {
  TestHeap h;
  uint64_t tally = h.String("tally"), tag = h.String("tag"), name = h.String("makeCounter");
  uint64_t outer = h.ScopeInfo({TestHeap::Smi(kEmpty)});
  uint32_t flags = kFunctionScope | kDeclaration | kFunctionVarUnused | kInferredName | kSimpleParameters |
                   KindBits(FunctionKind::kNormalFunction) | kOuterScopeInfo;
  uint64_t si = h.ScopeInfo({TestHeap::Smi(flags), TestHeap::Smi(1), TestHeap::Smi(2),
                             TestHeap::Tag(tally), TestHeap::Tag(tag),           // names
                             LocalInfo(0, false), LocalInfo(1, false),           // let, const
                             TestHeap::Tag(name), TestHeap::Smi(-1),             // function variable
                             h.undefined(),                                      // inferred name
                             TestHeap::Smi(990), TestHeap::Smi(1115),            // positions
                             TestHeap::Tag(outer)});
  ScopeInfoData s = ReadScopeInfo(h.heap(), si);
  EXPECT_EQ(s.scope_type, ScopeType::kFunction);
  EXPECT_EQ(s.parameter_count, 1);
  ASSERT_EQ(s.locals.size(), 2u);
  EXPECT_EQ(s.locals[0].name, "tally");
  EXPECT_EQ(s.locals[0].mode, VariableMode::kLet);
  EXPECT_EQ(s.locals[0].slot, 2);
  EXPECT_EQ(s.locals[1].name, "tag");
  EXPECT_EQ(s.locals[1].mode, VariableMode::kConst);
  EXPECT_EQ(s.function_name_text, "makeCounter");
  EXPECT_EQ(*s.start_position, 990);
  EXPECT_EQ(*s.end_position, 1115);
  EXPECT_EQ(s.outer_scope_info, TestHeap::Tag(outer));
  EXPECT_EQ(s.length, 13);
  std::string text = DebugPrintScopeInfo(h.heap(), si);
  EXPECT_NE(text.find(" - scope type: FUNCTION_SCOPE\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" - function name(UNUSED): "), std::string::npos) << text;
  EXPECT_NE(text.find(" - outer scope info: " + V8PaddedHex(TestHeap::Tag(outer)) + " <ScopeInfo>\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("    - 1: " + V8PaddedHex(TestHeap::Tag(tag)) + " <String[3]: #tag>\n"), std::string::npos)
      << text;
  EXPECT_EQ(BriefScopeInfo(h.heap(), outer), "<ScopeInfo>");
  EXPECT_EQ(BriefScopeInfo(h.heap(), si), "<ScopeInfo FUNCTION_SCOPE>");
}

TEST(ScopeInfoTest, BlockScopeOfV8_13HasPositionsInTheHeader) {
  TestHeap h(5);  // v8dbg_scopeinfo_idx_first_vars 5: V8 13
  uint64_t a = h.String("blockLet");
  // V8 13 numbering: BLOCK_SCOPE is 7; flags are a uint32, not a Smi.
  uint64_t si = h.ScopeInfo({7u, TestHeap::Smi(0), TestHeap::Smi(1), TestHeap::Smi(1207), TestHeap::Smi(1304),
                             TestHeap::Tag(a), LocalInfo(0, false)});
  ScopeInfoData s = ReadScopeInfo(h.heap(), si);
  EXPECT_EQ(s.scope_type, ScopeType::kBlock);
  EXPECT_EQ(*s.start_position, 1207);
  ASSERT_EQ(s.locals.size(), 1u);
  EXPECT_EQ(s.locals[0].name, "blockLet");
  EXPECT_EQ(s.length, 7);
  EXPECT_NE(DebugPrintScopeInfo(h.heap(), si).find(" - start position: 1207\n"), std::string::npos);
}

TEST(ScopeInfoTest, ManyLocalsHaveTheirNamesInAHashTable) {
  TestHeap h;
  const int n = 80;
  // NameToIndexHashTable: elements, deleted, capacity, then (name, index)
  // entries in hash order; free entries hold undefined.
  const int capacity = 128;
  std::vector<uint64_t> table = {TestHeap::Smi(n), TestHeap::Smi(0), TestHeap::Smi(capacity)};
  std::vector<uint64_t> entries(2 * capacity, h.undefined());
  for (int i = 0; i < n; i++) {
    int e = (i * 37) % capacity;
    entries[2 * e] = TestHeap::Tag(h.String("local" + std::to_string(i)));
    entries[2 * e + 1] = TestHeap::Smi(i);
  }
  table.insert(table.end(), entries.begin(), entries.end());
  uint64_t names = h.Array(kHashTableType, table);
  std::vector<uint64_t> slots = {TestHeap::Smi(kBlockScope), TestHeap::Smi(0), TestHeap::Smi(n), TestHeap::Tag(names)};
  for (int i = 0; i < n; i++) slots.push_back(LocalInfo(i % 2, true));
  uint64_t si = h.ScopeInfo(slots);
  ScopeInfoData s = ReadScopeInfo(h.heap(), si);
  ASSERT_EQ(s.locals.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; i++) EXPECT_EQ(s.locals[i].name, "local" + std::to_string(i));
  EXPECT_EQ(s.names_in_hash_order.size(), static_cast<size_t>(n));
  EXPECT_EQ(s.names_in_hash_order[0], 0);
  EXPECT_NE(DebugPrintScopeInfo(h.heap(), si).find(" - local names in a hashtable: "), std::string::npos);
}

TEST(ScopeInfoTest, ImpossibleObjectsAreErrors) {
  TestHeap h;
  uint64_t si = h.ScopeInfo({TestHeap::Smi(kBlockScope), TestHeap::Smi(0), TestHeap::Smi(1 << 30)});
  EXPECT_THROW(ReadScopeInfo(h.heap(), si), CorruptObject);
  uint64_t not_smi = h.ScopeInfo({0x1234567800000001ull});
  EXPECT_THROW(ReadScopeInfo(h.heap(), not_smi), CorruptObject);
  EXPECT_THROW(ReadScopeInfo(h.heap(), h.String("x")), CorruptObject);
  EXPECT_THROW(ReadContext(h.heap(), h.String("x")), CorruptObject);
  EXPECT_THROW(ReadSharedFunctionInfo(h.heap(), h.String("x")), CorruptObject);
  EXPECT_THROW(ReadScript(h.heap(), h.String("x")), CorruptObject);
  EXPECT_THROW(ReadJSFunction(h.heap(), h.String("x")), CorruptObject);
  // Brief never throws.
  EXPECT_NE(V8Brief(h.heap(), TestHeap::Tag(0x7fff0000)).find("<unreadable"), std::string::npos);
  EXPECT_EQ(V8Brief(h.heap(), TestHeap::Smi(42)), "42");
}

// A function context (tally = 42, tag = 'x') inside a native context.
struct Contexts {
  uint64_t native, function, scope, tag;
};

Contexts MakeContexts(TestHeap& h) {
  Contexts c;
  uint64_t empty = h.ScopeInfo({TestHeap::Smi(kEmpty)});
  uint64_t native_map = h.MapFor(kNativeContextType);
  std::vector<uint64_t> native_slots(8, h.undefined());
  native_slots[0] = TestHeap::Tag(empty);
  native_slots[1] = TestHeap::Smi(0);
  c.native = h.Array(kNativeContextType, native_slots, native_map);
  h.Put64(native_map + 32, TestHeap::Tag(c.native));
  uint64_t tally = h.String("tally");
  c.tag = h.String("x");
  c.scope = h.ScopeInfo({TestHeap::Smi(kFunctionScope | kDeclaration), TestHeap::Smi(0), TestHeap::Smi(2),
                         TestHeap::Tag(tally), TestHeap::Tag(h.String("tag")), LocalInfo(0, false),
                         LocalInfo(1, false), TestHeap::Smi(0), TestHeap::Smi(10)});
  uint64_t function_map = h.MapFor(kFunctionContextType);
  h.Put64(function_map + 32, TestHeap::Tag(c.native));
  c.function = h.Array(kFunctionContextType,
                       {TestHeap::Tag(c.scope), TestHeap::Tag(c.native), TestHeap::Smi(42), TestHeap::Tag(c.tag)},
                       function_map);
  return c;
}

TEST(ContextTest, VariablesByNameAndTheChain) {
  TestHeap h;
  Contexts c = MakeContexts(h);
  ContextInfo info = ReadContext(h.heap(), c.function);
  EXPECT_EQ(info.kind, ContextKind::kFunction);
  EXPECT_EQ(info.length, 4);
  ASSERT_EQ(info.variables.size(), 2u);
  EXPECT_EQ(info.variables[0].name, "tally");
  EXPECT_EQ(info.variables[0].value, TestHeap::Smi(42));
  EXPECT_EQ(info.variables[1].name, "tag");
  EXPECT_EQ(info.variables[1].value, TestHeap::Tag(c.tag));
  EXPECT_EQ(info.native_context, TestHeap::Tag(c.native));

  ContextChain chain = WalkContextChain(h.heap(), c.function);
  ASSERT_EQ(chain.contexts.size(), 2u);
  EXPECT_EQ(chain.contexts[1].kind, ContextKind::kNative);
  EXPECT_EQ(chain.error, "");
  auto v = LookupContextVariable(h.heap(), c.function, "tag");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->slot, 3);
  EXPECT_FALSE(LookupContextVariable(h.heap(), c.function, "nope").has_value());

  std::string text = DebugPrintContext(h.heap(), c.function);
  EXPECT_EQ(text.rfind(Hex(TestHeap::Tag(c.function)) + ": [Context]\n", 0), 0u) << text;
  EXPECT_NE(text.find(" - type: FUNCTION_CONTEXT_TYPE\n"), std::string::npos) << text;
  EXPECT_NE(text.find("           2: 42\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    let tally (slot 2): 42\n"), std::string::npos) << text;
  EXPECT_EQ(BriefContext(h.heap(), c.function), "<FunctionContext[4]>");
  EXPECT_EQ(BriefContext(h.heap(), c.native), "<NativeContext[8]>");
  std::string native = DebugPrintContext(h.heap(), c.native);
  EXPECT_EQ(native.rfind(Hex(TestHeap::Tag(c.native)) + ": [NativeContext]\n", 0), 0u) << native;
  // Folded runs of equal slots, as V8 prints them.
  EXPECT_NE(native.find("         2-7: "), std::string::npos) << native;
}

TEST(ContextTest, CyclicAndBrokenChainsStop) {
  TestHeap h;
  Contexts c = MakeContexts(h);
  uint64_t block_map = h.MapFor(kBlockContextType);
  uint64_t scope = h.ScopeInfo({TestHeap::Smi(kBlockScope), TestHeap::Smi(0), TestHeap::Smi(0)});
  uint64_t a = h.Array(kBlockContextType, {TestHeap::Tag(scope), 0}, block_map);
  uint64_t b = h.Array(kBlockContextType, {TestHeap::Tag(scope), TestHeap::Tag(a)}, block_map);
  h.Put64(a + 24, TestHeap::Tag(b));  // a.previous = b: a cycle
  ContextChain chain = WalkContextChain(h.heap(), a);
  EXPECT_EQ(chain.contexts.size(), 2u);
  EXPECT_NE(chain.error.find("loops back"), std::string::npos) << chain.error;

  uint64_t broken = h.Array(kBlockContextType, {TestHeap::Tag(scope), TestHeap::Tag(0x7fff0000)}, block_map);
  chain = WalkContextChain(h.heap(), broken);
  EXPECT_EQ(chain.contexts.size(), 1u);
  EXPECT_NE(chain.error, "");

  chain = WalkContextChain(h.heap(), c.function, 1);
  EXPECT_EQ(chain.contexts.size(), 1u);
  EXPECT_NE(chain.error.find("stopped after 1"), std::string::npos);
}

uint64_t MakeScript(TestHeap& h, const std::string& source, int64_t line_offset = 0, int64_t column_offset = 0) {
  uint64_t s = h.Object(kScriptType, 144, 18);
  for (int i = 1; i < 18; i++) h.Put64(s + 8 * i, h.undefined());
  h.Put64(s + 8, TestHeap::Tag(h.String(source, false)));
  h.Put64(s + 16, TestHeap::Tag(h.String("/app/main.js")));
  h.Put64(s + 24, TestHeap::Smi(line_offset));
  h.Put64(s + 32, TestHeap::Smi(column_offset));
  h.Put64(s + 48, TestHeap::Smi(2));
  h.Put64(s + 64, TestHeap::Smi(7));
  h.Put64(s + 104, TestHeap::Smi(0));
  return s;
}

TEST(ScriptTest, PositionsToLinesAndColumns) {
  TestHeap h;
  uint64_t s = MakeScript(h, "ab\ncd\r\nef\rgh");
  ScriptInfo script = ReadScript(h.heap(), s);
  EXPECT_EQ(script.name_text, "/app/main.js");
  EXPECT_EQ(script.id, 7);
  auto at = [&](int64_t p) { return ScriptLocation(h.heap(), script, p); };
  EXPECT_EQ(at(0)->line, 1);
  EXPECT_EQ(at(0)->column, 1);
  EXPECT_EQ(at(4)->line, 2);   // 'd'
  EXPECT_EQ(at(4)->column, 2);
  EXPECT_EQ(at(7)->line, 3);   // 'e': \r\n is one terminator
  EXPECT_EQ(at(7)->column, 1);
  EXPECT_EQ(at(10)->line, 4);  // 'g': a lone \r ends a line
  EXPECT_FALSE(at(-1).has_value());
  EXPECT_FALSE(at(1000).has_value());
  // Offsets: lines always, columns on the first line only.
  ScriptInfo shifted = ReadScript(h.heap(), MakeScript(h, "ab\ncd", 10, 5));
  EXPECT_EQ(ScriptLocation(h.heap(), shifted, 1)->line, 11);
  EXPECT_EQ(ScriptLocation(h.heap(), shifted, 1)->column, 7);
  EXPECT_EQ(ScriptLocation(h.heap(), shifted, 4)->column, 2);
  // Line ends computed by V8 (positions of the terminators) are used as they are.
  h.Put64(s + 56, TestHeap::Tag(h.Array(kFixedArrayType, {TestHeap::Smi(2), TestHeap::Smi(6), TestHeap::Smi(9)})));
  script = ReadScript(h.heap(), s);
  EXPECT_TRUE(script.line_ends_set);
  EXPECT_EQ(ScriptLocation(h.heap(), script, 4)->line, 2);
  EXPECT_EQ(ScriptLocation(h.heap(), script, 10)->line, 4);
  EXPECT_EQ(ScriptLocation(h.heap(), script, 10)->column, 1);
  EXPECT_NE(DebugPrintScript(h.heap(), s).find(" - name: "), std::string::npos);
}

// An SFI as V8 11 lays it out (56 bytes).
uint64_t MakeSfi(TestHeap& h, uint64_t name_or_scope_info, uint64_t data, uint64_t script, FunctionKind kind,
                 int params, bool strict = false) {
  uint64_t a = h.Object(kSfiType, 56, 7);
  h.Put64(a + 8, data);
  h.Put64(a + 16, name_or_scope_info);
  h.Put64(a + 24, h.undefined());
  h.Put64(a + 32, script);
  h.Put16(a + 40, static_cast<uint16_t>(params));
  h.Put16(a + 42, static_cast<uint16_t>(params + 1));
  h.Put16(a + 44, 9);  // function token offset
  uint32_t flags = static_cast<uint32_t>(kind) | (strict ? 1u << 6 : 0) | (2u << 7);
  if (IsClassConstructor(static_cast<int>(kind))) flags |= 1u << 10;
  h.Put32(a + 48, flags);
  return a;
}

// v8 source: numbered lines of a Script's source around a position, and a
// whole function from its `function` token, with the script's line offset.
TEST(SourceListingTest, FunctionAndWindowFromTheHeap) {
  TestHeap h;
  const std::string source = "// head\nfunction f(a, b) {\n  return a + b;\n}\nf(1, 2);\n";
  for (int64_t line_offset : {0, 10}) {
    uint64_t script = TestHeap::Tag(MakeScript(h, source, line_offset));
    uint64_t uncompiled = h.Object(kUncompiledType, 24);
    h.Put64(uncompiled + 8, TestHeap::Tag(h.String("")));
    h.Put32(uncompiled + 16, 18);  // the `(`
    h.Put32(uncompiled + 20, 44);  // after the `}`
    uint64_t sfi = MakeSfi(h, TestHeap::Tag(h.String("f")), TestHeap::Tag(uncompiled), script,
                           FunctionKind::kNormalFunction, 2);
    h.Put16(sfi + 44, 10);  // `function` at 8
    const std::string n2 = std::to_string(2 + line_offset), n3 = std::to_string(3 + line_offset),
                      n4 = std::to_string(4 + line_offset);
    SourceRequest whole;
    whole.function = TestHeap::Tag(sfi);
    whole.whole_function = true;
    whole.lines = 200;
    EXPECT_EQ(SourceListing(h.heap(), whole), "function f at /app/main.js:" + n2 + ":1, lines " + n2 + "-" + n4 +
                                                  "\n=> " + n2 + "\tfunction f(a, b) {\n   " + n3 +
                                                  "\t  return a + b;\n   " + n4 + "\t}\n");
    whole.lines = 2;
    EXPECT_EQ(SourceListing(h.heap(), whole).substr(SourceListing(h.heap(), whole).rfind("   " + n3)),
              "   " + n3 + "\t  return a + b;\n... 1 more line (-l 3 for all)\n");

    SourceRequest frame;
    frame.function = TestHeap::Tag(sfi);
    frame.position = 36;  // `a + b`
    frame.lines = 3;
    frame.title = "#4 f";
    EXPECT_EQ(SourceListing(h.heap(), frame), "#4 f at /app/main.js:" + n3 + ":10\n   " + n2 +
                                                  "\tfunction f(a, b) {\n=> " + n3 + "\t  return a + b;\n   " +
                                                  n4 + "\t}\n");
    // No position: the function's start; the window kept inside the script.
    frame.position.reset();
    frame.lines = 10;
    std::string at_start = SourceListing(h.heap(), frame);
    EXPECT_EQ(at_start.substr(0, at_start.find('\n')),
              "#4 f at /app/main.js:" + n2 + ":11 (the function's start)");
    EXPECT_NE(at_start.find("=> " + n2 + "\tfunction f"), std::string::npos);
    EXPECT_NE(at_start.find("   " + std::to_string(1 + line_offset) + "\t// head\n"), std::string::npos);
    EXPECT_NE(at_start.find("   " + std::to_string(6 + line_offset) + "\t\n"), std::string::npos);
    // A position past the source is one line, not a listing.
    frame.position = 1000;
    EXPECT_THROW(SourceListing(h.heap(), frame), Error);
  }
  // Neither a JSFunction nor a SharedFunctionInfo; a function without a Script.
  SourceRequest bad;
  bad.function = TestHeap::Tag(h.String("x"));
  EXPECT_THROW(SourceListing(h.heap(), bad), CorruptObject);
  bad.function = TestHeap::Smi(3);
  EXPECT_THROW(SourceListing(h.heap(), bad), Error);
  uint64_t builtin = MakeSfi(h, TestHeap::Tag(h.String("map")), TestHeap::Smi(5), h.undefined(),
                             FunctionKind::kNormalFunction, 1);
  bad.function = TestHeap::Tag(builtin);
  try {
    SourceListing(h.heap(), bad);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "function map has no JavaScript source (a V8 builtin)");
  }
}

TEST(SharedFunctionInfoTest, UncompiledAndCompiled) {
  TestHeap h;
  const std::string source = "function f(a, b) { return a + b; }\nclass K {}";
  uint64_t script = TestHeap::Tag(MakeScript(h, source));
  // Uncompiled: a String name and UncompiledData with the positions.
  uint64_t uncompiled = h.Object(kUncompiledType, 24);
  h.Put64(uncompiled + 8, TestHeap::Tag(h.String("")));
  h.Put32(uncompiled + 16, 10);
  h.Put32(uncompiled + 20, 34);
  uint64_t lazy = MakeSfi(h, TestHeap::Tag(h.String("f")), TestHeap::Tag(uncompiled), script,
                          FunctionKind::kNormalFunction, 2);
  SharedFunctionInfoData s = ReadSharedFunctionInfo(h.heap(), lazy);
  EXPECT_EQ(s.name_text, "f");
  EXPECT_EQ(s.formal_parameter_count, 2);
  EXPECT_EQ(s.length, 2);
  EXPECT_EQ(s.start_position, 10);
  EXPECT_EQ(s.end_position, 34);
  EXPECT_EQ(s.function_token_position, 1);
  EXPECT_EQ(s.uncompiled_data, uncompiled);
  EXPECT_EQ(s.bytecode_array, 0u);
  EXPECT_EQ(Utf16ToUtf8(FunctionSource(h.heap(), s, 100)->units), "(a, b) { return a + b; }");
  auto loc = LocateFunction(h.heap(), s);
  ASSERT_TRUE(loc && loc->location);
  EXPECT_EQ(loc->location->line, 1);
  EXPECT_EQ(loc->location->column, 11);
  EXPECT_EQ(BriefSharedFunctionInfo(h.heap(), lazy), "<SharedFunctionInfo f>");

  // Compiled: the ScopeInfo holds the name and positions; data is bytecode.
  uint32_t flags = kFunctionScope | kDeclaration | kFunctionVarUnused | KindBits(FunctionKind::kBaseConstructor);
  uint64_t si = h.ScopeInfo({TestHeap::Smi(flags), TestHeap::Smi(0), TestHeap::Smi(0),
                             TestHeap::Tag(h.String("K")), TestHeap::Smi(-1), TestHeap::Smi(35), TestHeap::Smi(45)});
  uint64_t bytecode = h.Array(kBytecodeArrayType, {});
  h.Put64(bytecode + 8, TestHeap::Smi(12));
  uint64_t compiled = MakeSfi(h, TestHeap::Tag(si), TestHeap::Tag(bytecode), script, FunctionKind::kBaseConstructor,
                              0, true);
  s = ReadSharedFunctionInfo(h.heap(), compiled);
  EXPECT_EQ(s.name_text, "K");
  EXPECT_EQ(s.scope_info, si);
  EXPECT_EQ(s.bytecode_array, bytecode);
  EXPECT_EQ(s.bytecode_length, 12);
  EXPECT_TRUE(s.is_class_constructor);
  EXPECT_TRUE(IsClassConstructor(s.kind));
  EXPECT_EQ(s.start_position, 35);
  std::string text = DebugPrintSharedFunctionInfo(h.heap(), compiled);
  EXPECT_NE(text.find(" - kind: BaseConstructor\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" - data: " + V8PaddedHex(TestHeap::Tag(bytecode)) + " <BytecodeArray[12]>\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find(" - language_mode: strict\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" - source position: 35 (/app/main.js, line 2, column 1)\n"), std::string::npos) << text;
}

TEST(FunctionKindTest, NamesAndClasses) {
  EXPECT_STREQ(FunctionKindName(static_cast<int>(FunctionKind::kAsyncArrowFunction)), "AsyncArrowFunction");
  EXPECT_STREQ(FunctionKindName(static_cast<int>(FunctionKind::kModuleWithTopLevelAwait)), "AsyncModule");
  EXPECT_STREQ(FunctionKindName(99), "Invalid");
  EXPECT_STREQ(FunctionTypeName(static_cast<int>(FunctionKind::kAsyncGeneratorFunction)), "AsyncGeneratorFunction");
  EXPECT_STREQ(FunctionTypeName(static_cast<int>(FunctionKind::kConciseGeneratorMethod)), "GeneratorFunction");
  EXPECT_STREQ(FunctionTypeName(static_cast<int>(FunctionKind::kAsyncConciseMethod)), "AsyncFunction");
  EXPECT_STREQ(FunctionTypeName(static_cast<int>(FunctionKind::kArrowFunction)), "Function");
  EXPECT_TRUE(IsDerivedConstructor(static_cast<int>(FunctionKind::kDefaultDerivedConstructor)));
  EXPECT_FALSE(IsDerivedConstructor(static_cast<int>(FunctionKind::kBaseConstructor)));
  EXPECT_TRUE(IsAccessorFunction(static_cast<int>(FunctionKind::kStaticSetterFunction)));
  EXPECT_TRUE(IsArrowFunction(static_cast<int>(FunctionKind::kAsyncArrowFunction)));
}

TEST(JSFunctionTest, DerivedClassNamesItsBase) {
  TestHeap h;
  Contexts c = MakeContexts(h);
  uint64_t script = TestHeap::Tag(MakeScript(h, "class A {} class B extends A {}"));
  // Each class gets its own function map: its [[Prototype]] (the map's
  // prototype) is the base class for a derived class.
  auto make_class = [&](const char* name, FunctionKind kind, uint64_t map_prototype) {
    uint64_t sfi = MakeSfi(h, TestHeap::Tag(h.String(name)), h.undefined(), script, kind, 0, true);
    uint64_t shared_map = h.MapFor(kJSFunctionType, 8);
    uint64_t map = h.Allocate(80);
    for (uint64_t off = 0; off < 80; off += 8) {
      uint64_t w;
      h.heap().memory().Read(shared_map + off, &w, 8);
      h.Put64(map + off, w);
    }
    h.Put64(map + 24, map_prototype);
    uint64_t fn = h.Allocate(64);
    h.Put64(fn, TestHeap::Tag(map));
    for (uint64_t off = 8; off < 64; off += 8) h.Put64(fn + off, h.undefined());
    h.Put64(fn + 24, TestHeap::Tag(sfi));
    h.Put64(fn + 32, TestHeap::Tag(c.function));
    return fn;
  };
  uint64_t a = make_class("A", FunctionKind::kBaseConstructor, h.undefined());
  uint64_t b = make_class("B", FunctionKind::kDefaultDerivedConstructor, TestHeap::Tag(a));
  JSFunctionData fb = ReadJSFunction(h.heap(), b);
  EXPECT_EQ(fb.name, "B");
  EXPECT_TRUE(fb.is_class_constructor);
  ASSERT_TRUE(fb.base_class.has_value());
  EXPECT_EQ(*fb.base_class, TestHeap::Tag(a));
  EXPECT_EQ(fb.base_class_name, "A");
  EXPECT_FALSE(ReadJSFunction(h.heap(), a).base_class.has_value());
  EXPECT_EQ(BriefJSFunction(h.heap(), b), "<JSFunction B (sfi = " + Hex(TestHeap::Tag(fb.shared)) + ")>");
  std::string text = DebugPrintJSFunction(h.heap(), b);
  EXPECT_NE(text.find(" - extends: " + V8PaddedHex(TestHeap::Tag(a)) + " <JSFunction A (sfi = "), std::string::npos)
      << text;
  EXPECT_NE(text.find(" - context: " + V8PaddedHex(TestHeap::Tag(c.function)) + " <FunctionContext[4]>\n"),
            std::string::npos) << text;
}

}  // namespace
}  // namespace nodegdb
