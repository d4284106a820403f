// The stack's pure parts: source position tables of both encodings (the
// byte strings come from the same function in Node 20 and Node 26 cores),
// baseline bytecode offsets, parameter names from source, frame summaries.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/stack/frames.h"
#include "core/v8/source_positions.h"

using namespace nodegdb;

namespace {

std::vector<uint8_t> Hex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

void PutVlq(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    out.push_back(byte | (v ? 0x80 : 0));
  } while (v);
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }

// A V8 11-13 table from absolute entries: (code offset, script offset,
// statement, inlining id).
struct Raw {
  int64_t code, script;
  bool statement;
  int inlining;
};
std::vector<uint8_t> Encode(const std::vector<Raw>& entries, PositionTableFormat format) {
  std::vector<uint8_t> out;
  int64_t code = -1, position = 0;
  for (const Raw& e : entries) {
    int64_t raw = ((e.script + 1) << 1) | (static_cast<int64_t>(e.inlining + 1) << 31);
    int64_t delta = e.code - code;
    if (format == PositionTableFormat::kFlaggedOffsets) {
      PutVlq(out, static_cast<uint64_t>(delta) << 2 | (e.statement ? 1 : 0));
    } else {
      PutVlq(out, ZigZag(e.statement ? delta : -delta - 1));
    }
    PutVlq(out, ZigZag(raw - position));
    code = e.code;
    position = raw;
  }
  return out;
}

}  // namespace

TEST(SourcePositions, SignedOffsetsAsNode20WritesThem) {
  // Foo.method in tests' s.js: `  method(a) { return middle([a]); }`.
  auto bytes = Hex("01ac0d0218193c091f0830");
  auto table = DecodeSourcePositionTable(bytes.data(), bytes.size(), PositionTableFormat::kSignedOffsets);
  ASSERT_EQ(table.size(), 5u);
  EXPECT_EQ(table[0].code_offset, -1);  // the function entry
  EXPECT_EQ(table[0].script_offset, 426);
  EXPECT_EQ(table[1].code_offset, 0);
  EXPECT_TRUE(table[1].is_statement);
  EXPECT_EQ(table[1].script_offset, 432);
  EXPECT_EQ(table[3].code_offset, 16);
  EXPECT_EQ(table[3].script_offset, 439);
  EXPECT_FALSE(table[3].is_statement);
  // The call at bytecode 16 is at `middle(` (column 22), not the array literal before it.
  EXPECT_EQ(PositionAt(table, 16)->script_offset, 439);
  EXPECT_EQ(PositionAt(table, 15)->script_offset, 447);
  EXPECT_EQ(PositionAt(table, -1)->script_offset, 426);
  EXPECT_FALSE(PositionAt(table, -2));
}

TEST(SourcePositions, FlaggedOffsetsAsNode26WritesThem) {
  auto bytes = Hex("02ac0d0718323c121f1330");
  auto table = DecodeSourcePositionTable(bytes.data(), bytes.size(), PositionTableFormat::kFlaggedOffsets);
  auto same = Hex("01ac0d0218193c091f0830");
  auto node20 = DecodeSourcePositionTable(same.data(), same.size(), PositionTableFormat::kSignedOffsets);
  ASSERT_EQ(table.size(), node20.size());
  for (size_t i = 0; i < table.size(); i++) {
    EXPECT_EQ(table[i].code_offset, node20[i].code_offset) << i;
    EXPECT_EQ(table[i].script_offset, node20[i].script_offset) << i;
    EXPECT_EQ(table[i].is_statement, node20[i].is_statement) << i;
  }
  EXPECT_EQ(PositionTableFormatFor(V8Rules::For(13)), PositionTableFormat::kSignedOffsets);
  EXPECT_EQ(PositionTableFormatFor(V8Rules::For(14)), PositionTableFormat::kFlaggedOffsets);
}

TEST(SourcePositions, LargeOffsetsInliningAndTruncation) {
  for (auto format : {PositionTableFormat::kSignedOffsets, PositionTableFormat::kFlaggedOffsets}) {
    std::vector<Raw> raw = {{-1, 50000, false, -1}, {3, 50100, true, -1}, {700, 1234567, false, 2},
                            {900, 49990, false, -1}, {70000, 60000, true, -1}};
    auto bytes = Encode(raw, format);
    auto table = DecodeSourcePositionTable(bytes.data(), bytes.size(), format);
    ASSERT_EQ(table.size(), raw.size());
    for (size_t i = 0; i < raw.size(); i++) {
      EXPECT_EQ(table[i].code_offset, raw[i].code);
      EXPECT_EQ(table[i].script_offset, raw[i].script);
      EXPECT_EQ(table[i].inlining_id, raw[i].inlining);
      EXPECT_EQ(table[i].is_statement, raw[i].statement);
    }
    // Inside inlined code: the outer function's last own position.
    EXPECT_EQ(PositionAt(table, 800)->inlining_id, 2);
    EXPECT_EQ(PositionAt(table, 800, true)->script_offset, 50100);
    // A table cut inside a number keeps what came before.
    auto cut = std::vector<uint8_t>(bytes.begin(), bytes.end() - 1);
    EXPECT_EQ(DecodeSourcePositionTable(cut.data(), cut.size(), format).size(), raw.size() - 1);
    EXPECT_EQ(DecodeSourcePositionTable(bytes.data(), bytes.size(), format, 2).size(), 2u);
  }
  // Garbage never runs away: continuation bits forever.
  std::vector<uint8_t> junk(100, 0xff);
  EXPECT_TRUE(DecodeSourcePositionTable(junk.data(), junk.size(), PositionTableFormat::kSignedOffsets).empty());
}

namespace {
// Sizes of a made-up bytecode set: 0x17 takes 2 bytes, 0xc4 1, 0x62 4,
// 0xa9 1 (at x1); operands double and quadruple with the Wide (0) and
// ExtraWide (1) prefixes.
BytecodeSizes FakeSizes() {
  std::vector<std::vector<uint8_t>> sizes(3, std::vector<uint8_t>(256, 0));
  for (int scale = 0; scale < 3; scale++) {
    for (int prefix = 0; prefix < 4; prefix++) sizes[scale][prefix] = 1;
    sizes[scale][0x17] = static_cast<uint8_t>(1 + (1 << scale));
    sizes[scale][0xc4] = 1;
    sizes[scale][0x62] = static_cast<uint8_t>(1 + 3 * (1 << scale));
    sizes[scale][0xa9] = 1;
  }
  return BytecodeSizes(sizes);
}
}  // namespace

TEST(SourcePositions, BytecodeSizesWithPrefixes) {
  BytecodeSizes sizes = FakeSizes();
  auto code = Hex("1704" "00170400" "011704000000" "a9");
  EXPECT_EQ(sizes.SizeAt(code.data(), code.size(), 0), 2u);
  EXPECT_EQ(sizes.SizeAt(code.data(), code.size(), 2), 4u);   // Wide + 3
  EXPECT_EQ(sizes.SizeAt(code.data(), code.size(), 6), 6u);   // ExtraWide + 5
  EXPECT_EQ(sizes.SizeAt(code.data(), code.size(), 12), 1u);
  EXPECT_EQ(sizes.SizeAt(code.data(), code.size(), 13), 0u);  // past the end
  auto unknown = Hex("ee");
  EXPECT_EQ(sizes.SizeAt(unknown.data(), unknown.size(), 0), 0u);
}

TEST(SourcePositions, BaselinePcToBytecodeOffset) {
  // `function baseline(v) { return optimized(v); }` compiled by Sparkplug
  // in Node 20: a 21-byte prologue, then 8, 4, 24 and 17 bytes of machine
  // code for its four bytecodes.
  BytecodeSizes sizes = FakeSizes();
  auto bytecode = Hex("1704c462fa0300a9");
  auto table = Hex("1508041811");
  auto at = [&](uint64_t pc) {
    return BaselineBytecodeOffset(table.data(), table.size(), bytecode.data(), bytecode.size(), sizes, pc);
  };
  EXPECT_EQ(at(0), -1);
  EXPECT_EQ(at(21), -1);
  EXPECT_EQ(at(22), 0);
  EXPECT_EQ(at(29), 0);
  EXPECT_EQ(at(30), 2);
  EXPECT_EQ(at(57), 3);  // the return address of the call: the call's bytecode
  EXPECT_EQ(at(74), 7);
  EXPECT_FALSE(at(75));  // past the code
  auto bad = Hex("ee");
  EXPECT_FALSE(BaselineBytecodeOffset(table.data(), table.size(), bad.data(), bad.size(), sizes, 40));
}

TEST(Frames, ParameterNamesFromSource) {
  EXPECT_EQ(ParameterNamesFromSource(u"(a, b = 1, ...rest) { return a; }"),
            (std::vector<std::string>{"a", "b", "...rest"}));
  EXPECT_EQ(ParameterNamesFromSource(u"x => x * 2"), (std::vector<std::string>{"x"}));
  EXPECT_EQ(ParameterNamesFromSource(u"(/* first */ a, // second\n b) {}"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ParameterNamesFromSource(u"({ a, b } = {}, [c, d]) => 0"),
            (std::vector<std::string>{"{ a, b }", "[c, d]"}));
  EXPECT_EQ(ParameterNamesFromSource(u"(a = (1, 2), b = ')', c) {}"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ParameterNamesFromSource(u"() {}"), std::vector<std::string>{});
  EXPECT_TRUE(ParameterNamesFromSource(u"class A { constructor(x) {} }").empty());
  EXPECT_TRUE(ParameterNamesFromSource(u"(a, b").empty());
  EXPECT_TRUE(ParameterNamesFromSource(u"").empty());
}

TEST(Frames, Summaries) {
  FrameInfo js;
  js.kind = FrameKind::kJavaScript;
  js.name = "innerDeep";
  js.script = "/srv/app.js";
  js.line = 8;
  js.column = 17;
  js.tier = "interpreted";
  js.builtin = "Builtins_InterpreterEntryTrampoline";
  EXPECT_EQ(js.Summary(), "innerDeep (/srv/app.js:8:17) [interpreted]");
  js.builtin = "Builtins_Call";  // stopped in a builtin that has no frame yet
  EXPECT_EQ(js.Summary(), "innerDeep (/srv/app.js:8:17) [interpreted, in Builtins_Call]");
  js.builtin.clear();
  js.name.clear();
  js.tier = "turbofan";
  js.location_is_function_start = true;
  EXPECT_EQ(js.Summary(), "<anonymous> (/srv/app.js:8:17, function start) [turbofan]");
  js.line = 0;
  js.script.clear();
  EXPECT_EQ(js.Summary(), "<anonymous> (<anonymous>) [turbofan]");

  FrameInfo builtin;
  builtin.kind = FrameKind::kBuiltinJs;
  builtin.name = "Array.map";
  builtin.builtin = "Builtins_ArrayMap";
  EXPECT_EQ(builtin.Summary(), "Array.map [builtin Builtins_ArrayMap]");

  FrameInfo exit;
  exit.kind = FrameKind::kTyped;
  exit.builtin = "Builtins_CEntry_Return1_ArgvOnStack_BuiltinExit";
  exit.frame_type = "BuiltinExitFrame";
  exit.label = "exit frame";
  exit.target = "abort";
  EXPECT_EQ(exit.Summary(), "Builtins_CEntry_Return1_ArgvOnStack_BuiltinExit [exit frame: abort]");
  exit.builtin.clear();
  exit.target.clear();
  EXPECT_EQ(exit.Summary(), "<BuiltinExitFrame> [exit frame]");

  FrameInfo native;
  EXPECT_EQ(native.Summary(), "");
  EXPECT_FALSE(native.is_v8());
}
