#include "core/view/js_path.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "core/errors.h"
#include "core/v8/heap_number.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/oddball.h"
#include "core/v8/string.h"
#include "core/view/js_model.h"

namespace nodegdb {

namespace {

constexpr int kMaxPrototypeChain = 100;
constexpr size_t kMaxSteps = 256;
constexpr size_t kMaxCollectionEntries = 1u << 24;  // bounds a corrupt Map's walk

// ---- parsing ----

class PathParser {
 public:
  explicit PathParser(const std::string& text) : s_(text) {}

  std::vector<PathStep> Parse() {
    std::vector<PathStep> steps;
    SkipSpace();
    while (pos_ < s_.size()) {
      if (steps.size() >= kMaxSteps) Fail("more than 256 steps");
      size_t start = pos_;
      PathStep step = s_[pos_] == '.' ? Member() : s_[pos_] == '[' ? Bracket() : (Fail("`.` or `[` expected"), PathStep{});
      step.text = s_.substr(start, pos_ - start);
      steps.push_back(std::move(step));
      SkipSpace();
    }
    return steps;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw Error("bad JS path at column " + std::to_string(pos_ + 1) + " of `" + s_ + "`: " + what);
  }
  void SkipSpace() {
    while (pos_ < s_.size() && s_[pos_] == ' ') pos_++;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      pos_++;
      return true;
    }
    return false;
  }
  static bool IdentifierChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

  PathStep Member() {
    pos_++;  // '.'
    size_t start = pos_;
    while (pos_ < s_.size() && IdentifierChar(static_cast<unsigned char>(s_[pos_]))) pos_++;
    if (pos_ == start) Fail("a property name expected after `.`");
    std::string name = s_.substr(start, pos_ - start);
    size_t after = pos_;
    if ((name == "get" || name == "has") && Eat('(')) {
      PathStep step;
      step.kind = name == "get" ? PathStep::Kind::kMapGet : PathStep::Kind::kHas;
      Literal(step);
      if (!Eat(')')) Fail("`)` expected");
      return step;
    }
    pos_ = after;
    PathStep step;
    step.name = Utf8ToUtf16(name);
    return step;
  }

  PathStep Bracket() {
    pos_++;  // '['
    SkipSpace();
    PathStep step;
    if (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      step.kind = PathStep::Kind::kIndex;
      step.index = Digits();
    } else if (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"')) {
      step.name = StringLiteral();
    } else {
      Fail("an index or a quoted key expected after `[`");
    }
    if (!Eat(']')) Fail("`]` expected");
    return step;
  }

  uint64_t Digits() {
    uint64_t value = 0;
    size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) {
      if (pos_ - start >= 16) Fail("index too large");
      value = value * 10 + static_cast<uint64_t>(s_[pos_++] - '0');
    }
    return value;
  }

  std::u16string StringLiteral() {
    char quote = s_[pos_++];
    std::string bytes;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      char c = s_[pos_++];
      if (c == '\\') {
        if (pos_ >= s_.size()) break;
        char e = s_[pos_++];
        c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '0' ? '\0' : e;
      }
      bytes += c;
    }
    if (pos_ >= s_.size()) Fail("unterminated string");
    pos_++;
    return Utf8ToUtf16(bytes);
  }

  void Literal(PathStep& step) {
    SkipSpace();
    if (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"')) {
      step.key_string = StringLiteral();
      return;
    }
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != ')' && s_[pos_] != ' ') pos_++;
    std::string word = s_.substr(start, pos_ - start);
    using K = PathStep::KeyType;
    if (word == "true") step.key_type = K::kTrue;
    else if (word == "false") step.key_type = K::kFalse;
    else if (word == "null") step.key_type = K::kNull;
    else if (word == "undefined") step.key_type = K::kUndefined;
    else {
      char* end = nullptr;
      double number = std::strtod(word.c_str(), &end);
      if (word.empty() || *end != '\0') Fail("a string, number, true, false, null or undefined expected");
      step.key_type = K::kNumber;
      step.key_number = number;
    }
  }

  const std::string& s_;
  size_t pos_ = 0;
};

// ---- lookups ----

class PathWalker {
 public:
  explicit PathWalker(Heap& heap) : heap_(heap) {}

  PathValue Step(const PathValue& at, const PathStep& step) {
    if (!at.tagged) throw Error("cannot look up " + step.text + " on the number or boolean " + at.text);
    Tagged t = heap_.Decode(at.raw);
    if (t.kind != Tagged::Kind::kStrong) throw Error("cannot look up " + step.text + " on " + Describe(at.raw));
    int type = heap_.InstanceTypeOf(t.address);
    switch (step.kind) {
      case PathStep::Kind::kMapGet:
      case PathStep::Kind::kHas:
        return Collection(t.address, step);
      case PathStep::Kind::kIndex:
        return Element(t.address, type, step.index, step);
      case PathStep::Kind::kProperty:
        return Property(t.address, type, step);
    }
    return {};
  }

 private:
  std::string Describe(uint64_t raw) {
    InspectOptions options;
    options.depth = 0;
    HeapJsModel model(heap_, options);
    std::string text = Inspect(model, raw, options);
    return text.size() > 60 ? text.substr(0, 57) + "..." : text;
  }

  static std::optional<uint64_t> IndexOf(const std::u16string& name) {
    if (name.empty() || name.size() > 15 || (name.size() > 1 && name[0] == u'0')) return std::nullopt;
    uint64_t value = 0;
    for (char16_t c : name) {
      if (c < u'0' || c > u'9') return std::nullopt;
      value = value * 10 + static_cast<uint64_t>(c - u'0');
    }
    return value;
  }

  PathValue Number(double value) { return PathValue{false, 0, InspectJsNumber(value)}; }

  PathValue Property(uint64_t object, int type, const PathStep& step) {
    if (auto index = IndexOf(step.name)) return Element(object, type, *index, step);
    const bool is_length = step.name == u"length";
    if (heap_.IsString(type)) {
      if (is_length) return Number(static_cast<double>(ReadStringShape(heap_, object).length));
      throw Error("cannot look up " + step.text + " on a string (only .length)");
    }
    if (!IsJSReceiverType(heap_, type)) throw Error("cannot look up " + step.text + " on " + Describe(object + 1));
    if (is_length && heap_.TypeName(type) == "JS_ARRAY_TYPE") return Number(static_cast<double>(ReadJsArrayLength(heap_, object)));
    uint64_t holder = object;
    for (int depth = 0; depth < kMaxPrototypeChain; depth++) {
      MapInfo map = ReadMap(heap_, heap_.MapOf(holder));
      if (auto p = FindOwnProperty(heap_, holder, map, step.name)) {
        if (p->details.accessor) {
          throw Error(step.text + " is an accessor" + std::string(depth ? " on a prototype" : "") +
                      ": node-gdb reads memory and never runs a getter");
        }
        return PathValue{true, p->value.raw, ""};
      }
      Tagged proto = map.prototype;
      if (proto.kind != Tagged::Kind::kStrong || heap_.KindOf(heap_.InstanceTypeOf(proto.address)) != ObjectKind::kOther) break;
      holder = proto.address;
    }
    throw Error("no property " + step.text + " on " + Describe(object + 1) + " or its prototypes");
  }

  PathValue Element(uint64_t object, int type, uint64_t index, const PathStep& step) {
    if (!IsJSReceiverType(heap_, type)) throw Error("cannot look up " + step.text + " on " + Describe(object + 1));
    MapInfo map = ReadMap(heap_, heap_.MapOf(object));
    const bool array = heap_.TypeName(type) == "JS_ARRAY_TYPE";
    uint64_t length = array ? ReadJsArrayLength(heap_, object) : index + 1;
    if (index >= length) throw Error("no element " + step.text + ": the array's length is " + std::to_string(length));
    ElementList list = ReadElements(heap_, object, map, index + 1, index + 1);
    for (const auto& [i, slot] : list.items) {
      if (i != index) continue;
      if (slot.number_text) return PathValue{false, 0, *slot.number_text};
      return PathValue{true, slot.raw, ""};
    }
    throw Error("no element " + step.text + (array ? " (a hole)" : "") + " on " + Describe(object + 1));
  }

  bool KeyMatches(uint64_t raw, const PathStep& step) {
    Tagged t = heap_.Decode(raw);
    using K = PathStep::KeyType;
    if (step.key_type == K::kNumber) {
      if (t.kind == Tagged::Kind::kSmi) return static_cast<double>(t.smi) == step.key_number;
      if (t.kind == Tagged::Kind::kStrong && heap_.KindOf(heap_.InstanceTypeOf(t.address)) == ObjectKind::kHeapNumber) {
        double v = ReadHeapNumber(heap_, t.address);
        return v == step.key_number || (std::isnan(v) && std::isnan(step.key_number));
      }
      return false;
    }
    if (t.kind != Tagged::Kind::kStrong) return false;
    int type = heap_.InstanceTypeOf(t.address);
    if (step.key_type == K::kString) {
      if (!heap_.IsString(type) || static_cast<size_t>(ReadStringShape(heap_, t.address).length) != step.key_string.size()) return false;
      return ReadString(heap_, t.address, step.key_string.size() + 1).units == step.key_string;
    }
    if (heap_.KindOf(type) != ObjectKind::kOddball) return false;
    static const char* const kNames[] = {"", "", "true", "false", "null", "undefined"};
    return ReadOddball(heap_, t.address).name == kNames[static_cast<int>(step.key_type)];
  }

  PathValue Collection(uint64_t object, const PathStep& step) {
    InspectOptions options;
    options.max_array_length = kMaxCollectionEntries;
    HeapJsModel model(heap_, options);
    JsDescription d = model.Describe(object + heap_.layout().tagging.heap_object_tag);
    const bool get = step.kind == PathStep::Kind::kMapGet;
    if (d.kind != JsKind::kMap && !(d.kind == JsKind::kSet && !get)) {
      throw Error(step.text + " needs a " + std::string(get ? "Map" : "Map or Set") + ", not " + Describe(object + 1));
    }
    for (const auto& [key, value] : d.entries) {
      if (key.number_text || !KeyMatches(key.raw, step)) continue;
      if (!get) return PathValue{false, 0, "true"};
      if (value.number_text) return PathValue{false, 0, *value.number_text};
      return PathValue{true, value.raw, ""};
    }
    if (!get) return PathValue{false, 0, "false"};
    throw Error("no key " + step.text.substr(5, step.text.size() - 6) + " in " + Describe(object + 1));
  }

  Heap& heap_;
};

}  // namespace

std::vector<PathStep> ParsePath(const std::string& path) { return PathParser(path).Parse(); }

PathValue LookupPath(Heap& heap, uint64_t raw, const std::vector<PathStep>& steps) {
  PathWalker walker(heap);
  PathValue at{true, raw, ""};
  for (const PathStep& step : steps) at = walker.Step(at, step);
  return at;
}

}  // namespace nodegdb
