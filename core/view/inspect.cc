// util.inspect's layout, re-implemented over JsDescriptions. The structure
// follows Node's lib/internal/util/inspect.js (formatValue, formatRaw, the
// per-type formatters, formatProperty, reduceToSingleString with compact=3,
// groupArrayElements) so that each rule can be checked against it; the
// differences between Node majors are gathered in the Rules predicates.
//
// Everything here assumes breakLength = Infinity, compact = 3, colors off,
// showHidden off, sorted off, getters off, customInspect irrelevant (no code
// can run in a core dump).
#include "core/view/inspect.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string_view>

#include "core/errors.h"
#include "core/v8/string.h"

namespace nodegdb {
namespace {

constexpr int kCompact = 3;  // util.inspect's default `compact`
// util.inspect recurses until V8's stack overflows; we stop at a fixed depth
// instead, so that a model without identities cannot recurse forever.
constexpr int kMaxNesting = 256;
constexpr uint64_t kBudgetLimit = uint64_t{1} << 27;  // formatRaw's output cap
constexpr uint64_t kMaxArrayIndex = (uint64_t{1} << 32) - 2;

// ---------------------------------------------------------------------------
// Text measures. JS strings are UTF-16: `.length` counts code units (used for
// padding), getStringWidth counts terminal columns (used for grouping). Our
// strings are UTF-8, with WTF-8 for lone surrogates.

// Decodes the code point at s[i] and advances i past it. A byte that does not
// start a well-formed sequence decodes as U+FFFD and is kept as is by callers.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  size_t len = 0;
  uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, cp = c & 0x07;
  }
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += len;
  return cp;
}

size_t Utf16Length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) n += NextCodePoint(s, i) > 0xFFFF ? 2 : 1;
  return n;
}

// Columns per code point, as Node's ICU-backed getStringWidth counts them
// (East Asian Wide/Fullwidth and Emoji_Presentation: 2; controls, format
// characters and combining marks: 0; everything else: 1). The ranges were
// measured with the official Node 20-26 binaries (ICU 78, Unicode 17) by
// calling getStringWidth on every code point; all four agree. Counting per
// code point misses NFC compositions across code points (Hangul jamo), which
// Node normalizes first.
struct WidthRange {
  uint32_t first, last;
  uint8_t width;
};
extern const WidthRange kWidthRanges[];
extern const size_t kWidthRangeCount;

int CodePointWidth(uint32_t cp) {
  const WidthRange* end = kWidthRanges + kWidthRangeCount;
  const WidthRange* it = std::upper_bound(
      kWidthRanges, end, cp, [](uint32_t v, const WidthRange& r) { return v < r.first; });
  if (it == kWidthRanges) return 1;
  --it;
  return cp <= it->last ? it->width : 1;
}

// getStringWidth(str, removeControlChars = false): grouping passes
// ctx.colors, which is false here, so escape sequences are not stripped.
size_t StringWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) width += CodePointWidth(NextCodePoint(s, i));
  return width;
}

std::string Spaces(size_t n) { return std::string(n, ' '); }

// String.prototype.padStart / padEnd with spaces, lengths in UTF-16 units.
std::string PadStart(const std::string& s, size_t target) {
  size_t len = Utf16Length(s);
  return len >= target ? s : Spaces(target - len) + s;
}
std::string PadEnd(const std::string& s, size_t target) {
  size_t len = Utf16Length(s);
  return len >= target ? s : s + Spaces(target - len);
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = s.find(sep, start);
    parts.emplace_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// JS's str.slice(from) for a byte offset that may be past the end.
std::string SliceFrom(const std::string& s, size_t from) {
  return from >= s.size() ? std::string() : s.substr(from);
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string ReplaceNewlines(const std::string& s, const std::string& with) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += with;
    } else {
      out += c;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Escaping (strEscape, escapeFn): control characters, the backslash, the
// quote in use and lone surrogates become escapes; all else is kept.

std::string HexByte(unsigned v) {
  static const char kHex[] = "0123456789ABCDEF";
  return std::string{kHex[(v >> 4) & 15], kHex[v & 15]};
}

// meta[] of inspect.js for a code point below 0xA0, or "" if none.
std::string MetaEscape(uint32_t cp, bool escape_single_quote) {
  switch (cp) {
    case '\b': return "\\b";
    case '\t': return "\\t";
    case '\n': return "\\n";
    case '\f': return "\\f";
    case '\r': return "\\r";
    case '\\': return "\\\\";
    case '\'': return escape_single_quote ? "\\'" : "";
    default: break;
  }
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return "\\x" + HexByte(cp);
  return "";
}

std::string EncodeUtf8(uint32_t cp) {
  std::string out;
  AppendUtf8(out, static_cast<char32_t>(cp));
  return out;
}

std::string EscapeText(std::string_view s, bool escape_single_quote) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    uint32_t cp = NextCodePoint(s, i);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // A WTF-8 high surrogate followed by a low one is a proper pair in JS.
      size_t j = i;
      if (j < s.size()) {
        uint32_t next = NextCodePoint(s, j);
        if (next >= 0xDC00 && next <= 0xDFFF) {
          out += EncodeUtf8(0x10000 + ((cp - 0xD800) << 10) + (next - 0xDC00));
          i = j;
          continue;
        }
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 15];
      continue;
    }
    std::string meta = cp < 0xA0 ? MetaEscape(cp, escape_single_quote) : "";
    if (!meta.empty()) {
      out += meta;
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  return out;
}

// strEscape: quotes with ' unless the text holds one; then with " if it holds
// none, else with ` if it holds neither ` nor "${", else ' with escapes.
std::string StrEscape(std::string_view s) {
  char quote = '\'';
  if (s.find('\'') != std::string_view::npos) {
    if (s.find('"') == std::string_view::npos) {
      quote = '"';
    } else if (s.find('`') == std::string_view::npos && s.find("${") == std::string_view::npos) {
      quote = '`';
    }
  }
  return quote + EscapeText(s, quote == '\'') + quote;
}

// keyStrRegExp: keys printed without quotes.
bool IsIdentifierKey(std::string_view key) {
  if (key.empty()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string Plural(uint64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n > 1 ? "s" : "");
}
std::string RemainingText(uint64_t n) { return "... " + Plural(n, "more item"); }
std::string EmptyItems(uint64_t n) { return "<" + Plural(n, "empty item") + ">"; }

// ---------------------------------------------------------------------------
// What changed between the Node majors we support (20, 22, 24, 26) in
// util.inspect itself; what differs between V8 versions lives in
// core/meta/v8_rules.h.
struct Rules {
  int major;
  // getPrefix: how a Symbol.toStringTag that differs from the constructor
  // name is shown (20: whenever unequal; 22: unless the name contains the
  // tag as a word; 24/26: unless the tag's last dotted part is the name, so
  // "MyMap(1) [Map]": nodejs/node#59687, which Node 24 took in a minor
  // release; 24.22.3's own util.inspect prints so).
  bool tag_word_match() const { return major == 22; }
  bool tag_dotted_match() const { return major >= 24; }
  // ArrayBuffer/DataView's byteLength, byteOffset, buffer print as
  // "[byteLength]: 2" rather than "byteLength: 2".
  bool bracket_extra_keys() const { return major >= 22; }
  // formatError: an own `stack` key is always hidden, own name/message
  // keys when not strings or found in the stack (20: when their text is
  // found in the stack). 20 also lists an inherited `cause`, 22+ only an
  // own one; the model reports own causes only, so both print alike.
  bool error_keys_by_type() const { return major >= 22; }
  // getStackFrames folds repeated runs of frames in stacks over 10 lines.
  bool collapse_duplicate_frames() const { return major >= 22; }
  // formatProperty: symbol keys print bare ("Symbol(a): 1"), and only
  // non-enumerable keys get brackets, around the quoted name.
  bool bare_symbol_keys() const { return major >= 24; }
  // isBelowBreakLength with Infinity also refuses entries holding newlines
  // (reduceToSingleString refuses them anyway, so output is the same).
  bool infinite_break_checks_entries() const { return major >= 24; }
  // Proxies print as "Proxy(target)", one level per proxy.
  bool wrap_proxies() const { return major >= 26; }
};

// kArrayExtras: entries of arrays and typed arrays, which may be grouped in
// columns; kObject: everything else. (Array elements themselves are printed
// without keys by FormatArrayEntry.)
enum class Extras { kObject, kArrayExtras };

// A key printed after the formatter's own entries: an own enumerable
// property, or one util.inspect adds (error [cause], DataView [buffer], ...).
struct KeyEntry {
  JsProperty prop;
  bool enumerable = true;
};

KeyEntry SyntheticKey(const std::string& name, JsSlot value, bool enumerable) {
  KeyEntry e;
  e.prop.key.text = name;
  e.prop.value = std::move(value);
  e.enumerable = enumerable;
  return e;
}

bool IsStringKey(const KeyEntry& e, const char* name) {
  return e.prop.key.kind == JsKey::Kind::kString && e.prop.key.text == name;
}

// What formatRaw decided about an object before formatting its entries.
struct Layout {
  enum class Body {
    kNone, kArray, kTypedArray, kSet, kMap, kIterator, kArrayBuffer, kPromise, kWeak, kNamespace,
  };
  std::string base;  // text before the braces ("[Function: f]", a stack, ...)
  std::string open = "{", close = "}";
  Extras extras = Extras::kObject;
  Body body = Body::kNone;
  std::vector<KeyEntry> keys;
};

// typeof value[i] === 'number' || 'bigint', for groupArrayElements.
using NumericProbe = std::function<bool(uint64_t index)>;

class Formatter {
 public:
  Formatter(JsModel& model, const InspectOptions& options)
      : model_(model), options_(options), rules_{options.node_major}, depth_(options.depth) {}

  std::string FormatTop(uint64_t raw) {
    // Unlike children, a top-level value that cannot be described is the
    // caller's error.
    JsDescription d = model_.Describe(raw);
    return FormatDescribed(d, 0, nullptr);
  }

 private:
  // -------------------------------------------------------------------------
  // formatValue

  // `is_number` (optional) receives whether the value is a number or bigint.
  std::string FormatValue(const JsSlot& slot, int recurse_times, bool* is_number = nullptr) {
    if (slot.number_text) {
      if (is_number) *is_number = true;
      return *slot.number_text;
    }
    JsDescription d;
    try {
      d = model_.Describe(slot.raw);
    } catch (const Error& e) {
      return std::string("<error: ") + e.what() + ">";
    }
    return FormatDescribed(d, recurse_times, is_number);
  }

  std::string FormatDescribed(const JsDescription& d, int recurse_times, bool* is_number) {
    if (is_number) *is_number = d.kind == JsKind::kPrimitive && d.is_number;
    switch (d.kind) {
      case JsKind::kPrimitive:
      case JsKind::kOpaque:
        return d.text;
      case JsKind::kProxy:
        return FormatProxy(d, recurse_times);
      default:
        break;
    }
    if (d.identity != 0 && std::find(seen_.begin(), seen_.end(), d.identity) != seen_.end()) {
      return "[Circular *" + std::to_string(CircularIndex(d.identity)) + "]";
    }
    return FormatRaw(d, recurse_times);
  }

  // Cycles are numbered in the order their targets are met again.
  int CircularIndex(uint64_t identity) {
    auto it = circular_.find(identity);
    if (it != circular_.end()) return it->second;
    int index = static_cast<int>(circular_.size()) + 1;
    circular_.emplace(identity, index);
    return index;
  }

  // Without showProxy, util.inspect prints a proxy's target (26: wrapped in
  // "Proxy(...)" once per proxy level). Up to 24 only one level is unwrapped
  // and the inner proxy is then inspected through its traps, which for a
  // dump (no traps run) amounts to printing the innermost target.
  std::string FormatProxy(const JsDescription& proxy, int recurse_times) {
    int levels = 0;
    std::optional<JsSlot> target = proxy.proxy_target;
    for (;;) {
      if (!target) return WrapProxies("<Revoked Proxy>", levels);
      ++levels;
      if (target->number_text) return WrapProxies(*target->number_text, levels);
      JsDescription d;
      try {
        d = model_.Describe(target->raw);
      } catch (const Error& e) {
        return WrapProxies(std::string("<error: ") + e.what() + ">", levels);
      }
      if (d.kind != JsKind::kProxy || levels >= kMaxNesting) {
        return WrapProxies(FormatDescribed(d, recurse_times, nullptr), levels);
      }
      target = d.proxy_target;
    }
  }

  std::string WrapProxies(std::string text, int levels) const {
    if (!rules_.wrap_proxies()) return text;
    for (int i = 0; i < levels; ++i) text = "Proxy(" + text + ")";
    return text;
  }

  // -------------------------------------------------------------------------
  // formatRaw

  std::string FormatRaw(const JsDescription& d, int recurse_times) {
    const std::optional<std::string> constructor = ConstructorOf(d, recurse_times);
    const std::string tag = EffectiveTag(d);
    Layout layout;
    for (const JsProperty& p : d.properties) layout.keys.push_back(KeyEntry{p, true});

    if (std::optional<std::string> done = PlanLayout(d, constructor, tag, recurse_times, layout)) {
      return *done;
    }

    if (recurse_times > depth_ || recurse_times >= kMaxNesting) {
      std::string name = CtxStyle(d, constructor, tag);
      name.pop_back();  // the trailing space
      return constructor ? "[" + name + "]" : name;
    }
    recurse_times += 1;

    seen_.push_back(d.identity);
    current_depth_ = recurse_times;
    std::map<uint64_t, bool> numeric;  // formatted array elements that are numbers
    std::vector<std::string> output = FormatBody(d, layout, recurse_times, numeric);
    for (const KeyEntry& key : layout.keys) {
      output.push_back(FormatProperty(key, recurse_times));
    }
    if (d.identity != 0) {
      auto it = circular_.find(d.identity);
      if (it != circular_.end()) {
        std::string reference = "<ref *" + std::to_string(it->second) + ">";
        layout.base = layout.base.empty() ? reference : reference + " " + layout.base;
      }
    }
    seen_.pop_back();

    NumericProbe probe = NumericProbeFor(d, numeric);
    std::string res = ReduceToSingleString(output, layout.base, layout.open, layout.close,
                                           layout.extras, recurse_times, probe ? &probe : nullptr);
    // ctx.budget: once the output at one indentation grows past 2^27 units,
    // everything after is printed at depth -1.
    uint64_t& budget = budget_[indentation_lvl_];
    budget += Utf16Length(res);
    if (budget > kBudgetLimit) depth_ = -1;
    return res;
  }

  // The value of value[Symbol.toStringTag] that formatRaw keeps: none when
  // the tag is an own enumerable property, since it is then printed as a key.
  static std::string EffectiveTag(const JsDescription& d) {
    if (d.to_string_tag.empty()) return "";
    for (const JsProperty& p : d.properties) {
      if (p.key.kind == JsKey::Kind::kSymbol && p.key.text == "Symbol(Symbol.toStringTag)") return "";
    }
    return d.to_string_tag;
  }

  // formatRaw tries the collection forms only for values with
  // Symbol.iterator (or a null prototype). Arrays, maps, sets and typed
  // arrays get it from their own prototypes, so one re-parented to a plain
  // object (constructor "Object") has none; iterators inherit it from
  // %IteratorPrototype% and keep it (their constructor is "Object"). A
  // chain without any usable `constructor` holds no builtin prototype
  // (each has its own), so none of theirs either.
  static bool IsIterable(JsKind kind, bool object_constructor) {
    switch (kind) {
      case JsKind::kArray:
      case JsKind::kSet:
      case JsKind::kMap:
      case JsKind::kTypedArray:
        return !object_constructor;
      case JsKind::kMapIterator:
      case JsKind::kSetIterator:
        return true;
      default:
        return false;
    }
  }

  // Index properties as ObjectKeys lists them, for objects with elements
  // that print as plain objects (the arguments object, or an array whose
  // prototype became Object.prototype).
  static std::vector<KeyEntry> IndexKeys(const JsDescription& d) {
    std::vector<KeyEntry> keys;
    for (const auto& [index, slot] : d.elements) {
      keys.push_back(SyntheticKey(std::to_string(index), slot, true));
    }
    return keys;
  }

  // The type dispatch of formatRaw: braces, base text and which formatter
  // prints the entries. Returns the whole text for values printed without
  // entries ("[]", "Map(0) {}", "[Function: f]", a Date, ...).
  std::optional<std::string> PlanLayout(const JsDescription& d,
                                        const std::optional<std::string>& constructor,
                                        const std::string& tag, int recurse_times,
                                        Layout& layout) {
    const bool object_constructor = constructor && *constructor == "Object";
    const bool constructorless = !d.constructor_name && d.constructorless_prototype;
    if (IsIterable(d.kind, object_constructor || constructorless)) return PlanIterable(d, constructor, tag, layout);
    if (d.kind == JsKind::kArguments || d.kind == JsKind::kArray ||
        d.kind == JsKind::kTypedArray) {
      PrependIndexKeys(d, layout);
    }
    if (d.kind == JsKind::kFunction) {
      layout.base = FunctionBase(d, constructor, tag);
      return Alone(layout.base, layout);
    }
    if (object_constructor) {
      if (d.kind == JsKind::kArguments) {
        layout.open = "[Arguments] {";
      } else if (!tag.empty()) {
        layout.open = GetPrefix(constructor, tag, "Object") + "{";
      }
      if (layout.keys.empty()) return layout.open + "}";
      return std::nullopt;
    }
    switch (d.kind) {
      case JsKind::kRegExp:
      case JsKind::kDate:
      case JsKind::kError:
      case JsKind::kBoxed:
        return PlanBase(d, constructor, tag, recurse_times, layout);
      default:
        return PlanBraces(d, constructor, tag, layout);
    }
  }

  // Without keys, a value whose form has a base text is that text alone.
  static std::optional<std::string> Alone(const std::string& base, const Layout& layout) {
    if (layout.keys.empty()) return base;
    return std::nullopt;
  }

  // formatRaw's branch for values with Symbol.iterator: arrays, sets, maps,
  // typed arrays and iterators, with their size in the prefix.
  std::optional<std::string> PlanIterable(const JsDescription& d,
                                          const std::optional<std::string>& constructor,
                                          const std::string& tag, Layout& layout) const {
    const bool empty_keys = layout.keys.empty();
    const std::string size = "(" + std::to_string(d.length) + ")";
    switch (d.kind) {
      case JsKind::kArray:
      case JsKind::kTypedArray: {
        std::string prefix;
        if (d.kind == JsKind::kTypedArray) {
          prefix = GetPrefix(constructor, tag, constructor ? "" : d.typed_name, size);
        } else if (!constructor || *constructor != "Array" || !tag.empty()) {
          prefix = GetPrefix(constructor, tag, "Array", size);
        }
        layout.open = prefix + "[";
        layout.close = "]";
        if (d.length == 0 && empty_keys) return layout.open + "]";
        layout.extras = Extras::kArrayExtras;
        layout.body = d.kind == JsKind::kArray ? Layout::Body::kArray : Layout::Body::kTypedArray;
        return std::nullopt;
      }
      case JsKind::kSet:
      case JsKind::kMap: {
        std::string prefix = GetPrefix(constructor, tag, d.kind == JsKind::kSet ? "Set" : "Map", size);
        if (d.length == 0 && empty_keys) return prefix + "{}";
        layout.open = prefix + "{";
        layout.body = d.kind == JsKind::kSet ? Layout::Body::kSet : Layout::Body::kMap;
        return std::nullopt;
      }
      default:  // map and set iterators
        layout.open = IteratorBrace(d.kind == JsKind::kMapIterator ? "Map" : "Set", tag);
        layout.body = Layout::Body::kIterator;
        return std::nullopt;
    }
  }

  // Index properties go before the own keys of objects with elements that
  // print as plain objects.
  static void PrependIndexKeys(const JsDescription& d, Layout& layout) {
    std::vector<KeyEntry> keys = IndexKeys(d);
    keys.insert(keys.end(), layout.keys.begin(), layout.keys.end());
    layout.keys = std::move(keys);
  }

  // The forms with a base text before the braces: RegExp, Date, errors and
  // boxed primitives.
  std::optional<std::string> PlanBase(const JsDescription& d,
                                      const std::optional<std::string>& constructor,
                                      const std::string& tag, int recurse_times, Layout& layout) {
    switch (d.kind) {
      case JsKind::kRegExp: {
        layout.base = d.text;
        std::string prefix = GetPrefix(constructor, tag, "RegExp");
        if (prefix != "RegExp ") layout.base = prefix + layout.base;
        if (layout.keys.empty() || recurse_times > depth_) return layout.base;
        return std::nullopt;
      }
      case JsKind::kDate: {
        layout.base = d.text;
        std::string prefix = GetPrefix(constructor, tag, "Date");
        if (prefix != "Date ") layout.base = prefix + layout.base;
        return Alone(layout.base, layout);
      }
      case JsKind::kError:
        // FormatError drops keys the stack shows and adds [cause] / [errors].
        layout.base = FormatError(d, constructor, tag, layout.keys);
        return Alone(layout.base, layout);
      default:  // boxed primitives
        layout.base = BoxedBase(d, constructor, tag);
        return Alone(layout.base, layout);
    }
  }

  // The forms that are braces around entries: buffers, views, promises, weak
  // collections, module namespaces, and every other object.
  std::optional<std::string> PlanBraces(const JsDescription& d,
                                        const std::optional<std::string>& constructor,
                                        const std::string& tag, Layout& layout) const {
    switch (d.kind) {
      case JsKind::kArrayBuffer: {
        const std::string type =
            d.builtin_name == "SharedArrayBuffer" ? "SharedArrayBuffer" : "ArrayBuffer";
        layout.open = GetPrefix(constructor, tag, type) + "{";
        layout.body = Layout::Body::kArrayBuffer;
        AddViewKeys(layout, {SyntheticKey("byteLength", GetterSlot(constructor, d.byte_length), true)});
        return std::nullopt;
      }
      case JsKind::kDataView:
        layout.open = GetPrefix(constructor, tag, "DataView") + "{";
        AddViewKeys(layout, DataViewKeys(d, constructor));
        return std::nullopt;
      case JsKind::kPromise:
        layout.open = GetPrefix(constructor, tag, "Promise") + "{";
        layout.body = Layout::Body::kPromise;
        return std::nullopt;
      case JsKind::kWeakSet:
      case JsKind::kWeakMap:
        layout.open =
            GetPrefix(constructor, tag, d.kind == JsKind::kWeakSet ? "WeakSet" : "WeakMap") + "{";
        layout.body = Layout::Body::kWeak;
        return std::nullopt;
      case JsKind::kModuleNamespace:
        layout.open = GetPrefix(constructor, tag, "Module") + "{";
        layout.body = Layout::Body::kNamespace;
        return std::nullopt;
      default:
        if (layout.keys.empty()) return CtxStyle(d, constructor, tag) + "{}";
        layout.open = CtxStyle(d, constructor, tag) + "{";
        return std::nullopt;
    }
  }

  // A DataView's byteLength, byteOffset and buffer getters.
  static std::vector<KeyEntry> DataViewKeys(const JsDescription& d,
                                            const std::optional<std::string>& constructor) {
    std::vector<KeyEntry> view = {
        SyntheticKey("byteLength", GetterSlot(constructor, d.byte_length), true),
        SyntheticKey("byteOffset", GetterSlot(constructor, d.byte_offset), true),
    };
    if (d.buffer) {
      view.push_back(SyntheticKey("buffer", constructor ? *d.buffer : JsSlot::Number("undefined"), true));
    }
    return view;
  }

  // byteLength & co. are prototype getters: with a null prototype they read
  // undefined.
  static JsSlot GetterSlot(const std::optional<std::string>& constructor, uint64_t n) {
    return JsSlot::Number(constructor ? std::to_string(n) : "undefined");
  }

  // The getters util.inspect lists for buffers and views go before the own
  // keys; from 22 on they print in brackets like non-enumerable keys.
  void AddViewKeys(Layout& layout, std::vector<KeyEntry> view) const {
    for (KeyEntry& e : view) e.enumerable = !rules_.bracket_extra_keys();
    view.insert(view.end(), layout.keys.begin(), layout.keys.end());
    layout.keys = std::move(view);
  }

  // getConstructorName past a chain without a usable `constructor` that
  // does not end at the object: V8's name for the object, then the
  // prototype's name in angle brackets, where a prototype that has none
  // either is printed flat ("Hdr <[Object: null prototype] {}>"); past the
  // depth limit "Hdr <Complex prototype>". The same in Node 20 to 26.
  std::optional<std::string> ConstructorOf(const JsDescription& d, int recurse_times) {
    if (d.constructor_name || !d.constructorless_prototype) return d.constructor_name;
    const std::string& res = d.internal_constructor_name;
    if (recurse_times > depth_ || recurse_times >= kMaxNesting) return res + " <Complex prototype>";
    const uint64_t proto_raw = *d.constructorless_prototype;
    try {
      JsDescription proto = model_.Describe(proto_raw);
      if (std::optional<std::string> name = ConstructorOf(proto, recurse_times + 1)) return res + " <" + *name + ">";
      InspectOptions flat = options_;  // inspect(firstProto, { ...ctx, depth: -1 })
      flat.depth = -1;
      return res + " <" + Formatter(model_, flat).FormatTop(proto_raw) + ">";
    } catch (const Error& e) {
      return res + " <<error: " + e.what() + ">>";
    }
  }

  // constructor !== null in formatRaw's sense.
  static bool HasConstructor(const JsDescription& d) {
    return d.constructor_name.has_value() || d.constructorless_prototype.has_value();
  }

  // -------------------------------------------------------------------------
  // Prefixes

  // getPrefix: "Foo ", "Foo(2) [tag] ", "[Object: null prototype] ".
  std::string GetPrefix(const std::optional<std::string>& constructor, const std::string& tag,
                        const std::string& fallback, const std::string& size = "") const {
    if (!constructor) {
      if (!tag.empty() && fallback != tag) {
        return "[" + fallback + size + ": null prototype] [" + tag + "] ";
      }
      return "[" + fallback + size + ": null prototype] ";
    }
    const std::string& name = *constructor;
    if (tag.empty()) return name + size + " ";
    if (rules_.tag_dotted_match()) {
      size_t dot = tag.rfind('.');
      std::string last = (dot != std::string::npos && dot >= 1) ? tag.substr(dot + 1) : tag;
      if (name == last) return tag + size + " ";
      return name + size + " [" + tag + "] ";
    }
    bool show_tag = name != tag;
    if (rules_.tag_word_match()) {
      // Hidden when the name contains the tag and the tag does not end in
      // the middle of a word ("FooBar" hides "Foo"; "Foobar" shows it).
      size_t pos = name.find(tag);
      if (pos == std::string::npos) {
        show_tag = true;
      } else {
        size_t end = pos + tag.size();
        // ch === ch.toLowerCase(): only ASCII capitals are told apart here.
        show_tag = end != name.size() && !(name[end] >= 'A' && name[end] <= 'Z');
      }
    }
    return name + size + " " + (show_tag ? "[" + tag + "] " : "");
  }

  // getCtxStyle: a null-prototype object is named by V8's class name.
  std::string CtxStyle(const JsDescription& d, const std::optional<std::string>& constructor,
                       const std::string& tag) const {
    std::string fallback;
    if (!constructor) {
      fallback = d.builtin_name;
      if (fallback == tag) fallback = "Object";
    }
    return GetPrefix(constructor, tag, fallback);
  }

  static std::string IteratorBrace(const std::string& type, std::string tag) {
    if (tag != type + " Iterator") {
      if (!tag.empty()) tag += "] [";
      tag += type + " Iterator";
    }
    return "[" + tag + "] {";
  }

  // getBoxedBase: "[Number: 3]", "[String (Foo): 'a']", "[Symbol: Symbol(a)]".
  static std::string BoxedBase(const JsDescription& d,
                               const std::optional<std::string>& constructor,
                               const std::string& tag) {
    const std::string& type = d.typed_name;
    std::string base = "[" + type;
    if (!constructor) {
      base += " (null prototype)";
    } else if (*constructor != type) {
      base += " (" + *constructor + ")";
    }
    base += ": " + d.text + "]";
    if (!tag.empty() && (!constructor || tag != *constructor)) base += " [" + tag + "]";
    return base;
  }

  // getFunctionBase / getClassBase.
  static std::string FunctionBase(const JsDescription& d,
                                  const std::optional<std::string>& constructor,
                                  const std::string& tag) {
    const JsFunctionInfo& f = d.function;
    const bool show_tag = !tag.empty() && (!constructor || *constructor != tag);
    if (f.is_class) {
      std::string base = "class " + (f.name.empty() ? std::string("(anonymous)") : f.name);
      if (constructor && *constructor != "Function") base += " [" + *constructor + "]";
      if (show_tag) base += " [" + tag + "]";
      if (!constructor) {
        base += " extends [null prototype]";
      } else if (f.extends && !f.extends->empty()) {
        base += " extends " + *f.extends;
      }
      return "[" + base + "]";
    }
    std::string base = "[" + f.type;
    if (!constructor) base += " (null prototype)";
    base += f.name.empty() ? std::string(" (anonymous)") : ": " + f.name;
    base += "]";
    if (constructor && *constructor != f.type) base += " " + *constructor;
    if (show_tag) base += " [" + tag + "]";
    return base;
  }

  // -------------------------------------------------------------------------
  // Errors

  // formatError: the stack (or "[Error: msg]" without frames), renamed to
  // the constructor when the stack's name is stale, with keys the stack
  // already shows removed and [cause] / [errors] added.
  std::string FormatError(const JsDescription& err, const std::optional<std::string>& constructor,
                          const std::string& tag, std::vector<KeyEntry>& keys) {
    std::string stack = err.text;
    const std::string& name = err.error_name;
    const std::string& message = err.error_message;
    RemoveDuplicateErrorKeys(err, stack, keys);

    auto has_key = [&](const char* key) {
      return std::any_of(keys.begin(), keys.end(),
                         [&](const KeyEntry& e) { return IsStringKey(e, key); });
    };
    if (err.error_cause && !has_key("cause")) {
      keys.push_back(SyntheticKey("cause", *err.error_cause, false));
    }
    if (err.error_errors && !has_key("errors")) {
      keys.push_back(SyntheticKey("errors", *err.error_errors, false));
    }

    stack = ImproveStack(stack, constructor, name, tag);

    // Frames start after the message (which may itself hold "\n    at").
    // As in JS, a message found at offset 0 counts as not found.
    size_t search_from = 0;
    if (!message.empty()) {
      size_t pos = stack.find(message);
      if (pos != std::string::npos && pos != 0) search_from = pos + message.size();
    }
    size_t stack_start = stack.find("\n    at", search_from);
    if (stack_start == std::string::npos) {
      stack = "[" + stack + "]";
    } else {
      std::vector<std::string> frames = GetStackFrames(err, SliceFrom(stack, stack_start + 1));
      stack = stack.substr(0, stack_start) + "\n" + Join(frames, "\n");
    }
    if (indentation_lvl_ != 0) stack = ReplaceNewlines(stack, "\n" + Spaces(indentation_lvl_));
    return stack;
  }

  void RemoveDuplicateErrorKeys(const JsDescription& err, const std::string& stack,
                                std::vector<KeyEntry>& keys) const {
    if (keys.empty()) return;
    auto remove_if = [&](const char* key, bool condition) {
      if (!condition) return;
      auto it = std::find_if(keys.begin(), keys.end(),
                             [&](const KeyEntry& e) { return IsStringKey(e, key); });
      if (it != keys.end()) keys.erase(it);
    };
    bool contains_name = stack.find(err.error_name) != std::string::npos;
    bool contains_message = stack.find(err.error_message) != std::string::npos;
    if (rules_.error_keys_by_type()) {
      remove_if("stack", true);
      remove_if("message", contains_message);
      remove_if("name", contains_name);
    } else {
      remove_if("name", contains_name);
      remove_if("message", contains_message);
      remove_if("stack", true);  // err.stack is the stack itself
    }
  }

  // improveStack: for errors that look regular, make the first line name the
  // constructor ("MyError [TypeError]: msg") or the null prototype.
  std::string ImproveStack(std::string stack, const std::optional<std::string>& constructor,
                           const std::string& name, const std::string& tag) const {
    size_t len = name.size();
    bool regular = EndsWith(name, "Error") && StartsWith(stack, name) &&
                   (stack.size() == len || stack[len] == ':' || stack[len] == '\n');
    if (constructor && !regular) return stack;
    std::string fallback = "Error";
    if (!constructor) {
      std::string start = ErrorNameAtStart(stack);
      len = start.size();
      if (!start.empty()) fallback = start;
    }
    std::string prefix = GetPrefix(constructor, tag, fallback);
    prefix.pop_back();
    if (name == prefix) return stack;
    if (prefix.find(name) != std::string::npos) {
      if (len == 0) return prefix + ": " + stack;
      return prefix + SliceFrom(stack, len);
    }
    return prefix + " [" + name + "]" + SliceFrom(stack, len);
  }

  // The two regular expressions improveStack tries on a null-prototype
  // error's stack: a capitalized name followed by ":" or a first frame, or a
  // stack that is only a name ending in "Error".
  static std::string ErrorNameAtStart(const std::string& stack) {
    auto name_char = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == ' ' || c == '[' || c == ']' || c == '(' || c == ')' || c == '-';
    };
    if (!stack.empty() && stack[0] >= 'A' && stack[0] <= 'Z') {
      size_t end = 1;
      while (end < stack.size() && name_char(stack[end])) ++end;
      if (end >= 2 && (stack.compare(end, 1, ":") == 0 || stack.compare(end, 7, "\n    at") == 0)) {
        return stack.substr(0, end);
      }
    }
    bool all_word = std::all_of(stack.begin(), stack.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-';
    });
    if (all_word && EndsWith(stack, "Error")) return stack;
    return "";
  }

  // getStackFrames: frames shared with the cause's stack are folded into
  // "... N lines matching cause stack trace ...", and (22+) repeated runs of
  // frames into "... collapsed N duplicate lines ...".
  std::vector<std::string> GetStackFrames(const JsDescription& err, const std::string& frame_text) {
    std::vector<std::string> frames = Split(frame_text, '\n');
    if (std::optional<std::string> cause_stack = CauseStack(err)) {
      size_t cause_start = cause_stack->find("\n    at");
      if (cause_start != std::string::npos) {
        std::vector<std::string> cause_frames = Split(SliceFrom(*cause_stack, cause_start + 1), '\n');
        auto [len, offset] = IdenticalSequenceRange(frames, cause_frames);
        if (len > 0) {
          size_t skipped = len - 2;
          std::string msg =
              "    ... " + std::to_string(skipped) + " lines matching cause stack trace ...";
          frames.erase(frames.begin() + offset + 1, frames.begin() + offset + 1 + skipped);
          frames.insert(frames.begin() + offset + 1, msg);
        }
      }
    }
    if (rules_.collapse_duplicate_frames() && frames.size() > 10) {
      std::vector<size_t> ranges = DuplicateFrameRanges(frames);
      for (size_t i = ranges.size(); i >= 3; i -= 3) {
        size_t offset = ranges[i - 3], length = ranges[i - 2], times = ranges[i - 1];
        std::string msg = "    ... collapsed " + std::to_string(length * times) +
                          " duplicate lines matching above " +
                          (times > 1 ? std::to_string(length) + " lines " + std::to_string(times) +
                                           " times..."
                                     : std::string("lines ..."));
        frames.erase(frames.begin() + offset, frames.begin() + offset + length * times);
        frames.insert(frames.begin() + offset, msg);
      }
    }
    return frames;
  }

  // The stack of err.cause when the cause is an error.
  std::optional<std::string> CauseStack(const JsDescription& err) {
    std::optional<JsSlot> cause = err.error_cause;
    if (!cause) {
      for (const JsProperty& p : err.properties) {
        if (p.key.kind == JsKey::Kind::kString && p.key.text == "cause" && !p.accessor) {
          cause = p.value;
        }
      }
    }
    if (!cause || cause->number_text) return std::nullopt;
    try {
      JsDescription d = model_.Describe(cause->raw);
      if (d.kind == JsKind::kError) return d.text;
    } catch (const Error&) {
      // The cause prints as <error: ...> later; the stack stays as it is.
    }
    return std::nullopt;
  }

  // identicalSequenceRange: the first run of more than three frames of `a`
  // that also appears in `b` (with at least four frames of `b` left).
  static std::pair<size_t, size_t> IdenticalSequenceRange(const std::vector<std::string>& a,
                                                          const std::vector<std::string>& b) {
    for (size_t i = 0; i + 3 < a.size(); ++i) {
      auto found = std::find(b.begin(), b.end(), a[i]);
      if (found == b.end()) continue;
      size_t pos = found - b.begin();
      size_t rest = b.size() - pos;
      if (rest <= 3) continue;
      size_t len = 1;
      size_t max_len = std::min(a.size() - i, rest);
      while (max_len > len && a[i + len] == b[pos + len]) ++len;
      if (len > 3) return {len, i};
    }
    return {0, 0};
  }

  // getDuplicateErrorFrameRanges (22+): triples (offset, length, times) of
  // frame runs that repeat right after themselves, e.g. in deep recursion.
  static std::vector<size_t> DuplicateFrameRanges(const std::vector<std::string>& frames) {
    constexpr size_t kMinimumDuplicateRange = 3;
    std::vector<size_t> result;
    std::map<std::string, std::vector<size_t>> positions_of;
    for (size_t i = 0; i < frames.size(); ++i) positions_of[frames[i]].push_back(i);
    if (frames.size() - positions_of.size() <= kMinimumDuplicateRange) return result;

    for (size_t i = 0; i + kMinimumDuplicateRange < frames.size(); ++i) {
      const std::vector<size_t>& positions = positions_of[frames[i]];
      if (positions.size() == 1 || positions.back() == i) continue;
      size_t current = std::find(positions.begin(), positions.end(), i) - positions.begin() + 1;
      if (current == positions.size()) continue;
      size_t range = positions.back() - i;
      if (range < kMinimumDuplicateRange) continue;
      std::vector<size_t> extra_steps = RunLengthCandidates(positions, current, i, range);
      auto [best_range, duplicate_ranges] = LongestRepeat(frames, i, range, std::move(extra_steps));
      if (duplicate_ranges * best_range >= 3) {
        result.insert(result.end(), {i + best_range, best_range, duplicate_ranges});
        i += best_range * (duplicate_ranges + 1) - 1;
      }
    }
    return result;
  }

  // Candidate run lengths for the frame at `i`, met again at
  // positions[current..]: with two or more later occurrences, `range`
  // becomes the GCD of the distances to them, and the intermediate Euclid
  // values are returned as fallbacks (kept in first-seen order and tried
  // from the last).
  static std::vector<size_t> RunLengthCandidates(const std::vector<size_t>& positions, size_t current,
                                                 size_t i, size_t& range) {
    std::vector<size_t> extra_steps;
    if (current + 1 >= positions.size()) return extra_steps;
    bool have_extra = false;
    size_t gcd = 0;
    for (size_t j = current; j < positions.size(); ++j) {
      size_t distance = positions[j] - i;
      while (distance != 0) {
        size_t remainder = gcd % distance;
        if (gcd != 0) {
          have_extra = true;
          if (std::find(extra_steps.begin(), extra_steps.end(), gcd) == extra_steps.end()) {
            extra_steps.push_back(gcd);
          }
        }
        gcd = distance;
        distance = remainder;
      }
      if (gcd == 1) break;
    }
    range = gcd;
    if (have_extra) {
      extra_steps.erase(std::remove(extra_steps.begin(), extra_steps.end(), range), extra_steps.end());
    }
    return extra_steps;
  }

  // How many times the run of `range` frames at `i` repeats right after
  // itself, trying the fallback lengths when it does not: (length, times)
  // of the run that covers most frames.
  static std::pair<size_t, size_t> LongestRepeat(const std::vector<std::string>& frames, size_t i,
                                                 size_t range, std::vector<size_t> extra_steps) {
    auto frame_at = [&](size_t k) -> const std::string* {
      return k < frames.size() ? &frames[k] : nullptr;
    };
    size_t max_range = range, max_duplicates = 0, duplicate_ranges = 0;
    for (size_t next_start = i + range;; next_start += range) {
      size_t equal = 0;
      for (size_t j = 0; j < range; ++j) {
        const std::string* x = frame_at(i + j);
        const std::string* y = frame_at(next_start + j);
        if (!x || !y || *x != *y) break;
        ++equal;
      }
      if (equal != range) {
        if (extra_steps.empty()) break;
        if (duplicate_ranges != 0 && max_range * max_duplicates < range * duplicate_ranges) {
          max_range = range;
          max_duplicates = duplicate_ranges;
        }
        range = extra_steps.back();
        extra_steps.pop_back();
        next_start = i;
        duplicate_ranges = 0;
        continue;
      }
      ++duplicate_ranges;
    }
    if (max_duplicates != 0 && max_range * max_duplicates >= range * duplicate_ranges) {
      return {max_range, max_duplicates};
    }
    return {range, duplicate_ranges};
  }

  // -------------------------------------------------------------------------
  // Entry formatters (the `formatter` of formatRaw)

  std::vector<std::string> FormatBody(const JsDescription& d, Layout& layout, int recurse_times,
                                      std::map<uint64_t, bool>& numeric) {
    switch (layout.body) {
      case Layout::Body::kNone:
        return {};
      case Layout::Body::kArray:
        return FormatArray(d, recurse_times, numeric);
      case Layout::Body::kTypedArray:
        return FormatTypedArray(d, recurse_times);
      case Layout::Body::kSet:
        return FormatSet(d, recurse_times);
      case Layout::Body::kMap:
        return FormatMap(d, recurse_times);
      case Layout::Body::kIterator:
        return FormatIterator(d, layout.open, recurse_times);
      case Layout::Body::kArrayBuffer:
        return {FormatArrayBuffer(d)};
      case Layout::Body::kPromise:
        return {FormatPromise(d, recurse_times)};
      case Layout::Body::kWeak:
        return {"<items unknown>"};
      case Layout::Body::kNamespace: {
        // Namespace keys are printed here, so that <uninitialized> bindings
        // keep their place; then the key list is emptied.
        std::vector<std::string> output;
        for (const KeyEntry& key : layout.keys) {
          output.push_back(FormatProperty(key, recurse_times));
        }
        layout.keys.clear();
        return output;
      }
    }
    return {};
  }

  uint64_t MaxEntries(uint64_t length) const {
    return std::min<uint64_t>(options_.max_array_length, length);
  }

  std::string FormatArrayEntry(const JsSlot& slot, int recurse_times, uint64_t index,
                               std::map<uint64_t, bool>& numeric) {
    bool is_number = false;
    indentation_lvl_ += 2;
    std::string text = FormatValue(slot, recurse_times, &is_number);
    indentation_lvl_ -= 2;
    numeric[index] = is_number;
    return text;
  }

  // formatArray: elements up to maxArrayLength; the first hole hands over to
  // formatSpecialArray.
  std::vector<std::string> FormatArray(const JsDescription& d, int recurse_times,
                                       std::map<uint64_t, bool>& numeric) {
    const uint64_t len = MaxEntries(d.length);
    std::vector<std::string> output;
    size_t p = 0;  // cursor into d.elements (ascending indices)
    for (uint64_t i = 0; i < len; ++i) {
      while (p < d.elements.size() && d.elements[p].first < i) ++p;
      if (p == d.elements.size() || d.elements[p].first != i) {
        return FormatSpecialArray(d, recurse_times, len, std::move(output), i, p, numeric);
      }
      output.push_back(FormatArrayEntry(d.elements[p].second, recurse_times, i, numeric));
      ++p;
    }
    if (d.length > len) output.push_back(RemainingText(d.length - len));
    return output;
  }

  // formatSpecialArray: holes become "<N empty items>", counted as one entry
  // each against maxArrayLength.
  std::vector<std::string> FormatSpecialArray(const JsDescription& d, int recurse_times,
                                              uint64_t max_length, std::vector<std::string> output,
                                              uint64_t index, size_t p,
                                              std::map<uint64_t, bool>& numeric) {
    for (; p < d.elements.size() && output.size() < max_length; ++p) {
      uint64_t key = d.elements[p].first;
      if (key > kMaxArrayIndex) break;
      if (key < index) continue;  // out of order: ignore
      if (key != index) {
        output.push_back(EmptyItems(key - index));
        index = key;
        if (output.size() == max_length) break;
      }
      output.push_back(FormatArrayEntry(d.elements[p].second, recurse_times, key, numeric));
      ++index;
    }
    uint64_t remaining = d.length > index ? d.length - index : 0;
    if (output.size() != max_length) {
      if (remaining > 0) output.push_back(EmptyItems(remaining));
    } else if (remaining > 0) {
      output.push_back(RemainingText(remaining));
    }
    return output;
  }

  std::vector<std::string> FormatTypedArray(const JsDescription& d, int recurse_times) {
    const uint64_t max_length = MaxEntries(d.length);
    std::vector<std::string> output;
    size_t p = 0;
    for (uint64_t i = 0; i < max_length; ++i) {
      while (p < d.elements.size() && d.elements[p].first < i) ++p;
      if (p == d.elements.size() || d.elements[p].first != i) {
        output.push_back("<error: element " + std::to_string(i) + " not read>");
        continue;
      }
      output.push_back(FormatValue(d.elements[p].second, recurse_times));
    }
    if (d.length > max_length) output.push_back(RemainingText(d.length - max_length));
    return output;
  }

  // A null-prototype Map or Set is walked through an entries iterator, which
  // has no `size`: util.inspect then prints every entry, without limit.
  uint64_t MaxCollectionEntries(const JsDescription& d) const {
    return HasConstructor(d) ? MaxEntries(d.length) : d.entries.size();
  }

  std::vector<std::string> FormatSet(const JsDescription& d, int recurse_times) {
    const uint64_t max_length = MaxCollectionEntries(d);
    std::vector<std::string> output;
    indentation_lvl_ += 2;
    for (size_t i = 0; i < d.entries.size() && i < max_length; ++i) {
      output.push_back(FormatValue(d.entries[i].first, recurse_times));
    }
    if (HasConstructor(d) && d.length > max_length) {
      output.push_back(RemainingText(d.length - max_length));
    }
    indentation_lvl_ -= 2;
    return output;
  }

  std::vector<std::string> FormatMap(const JsDescription& d, int recurse_times) {
    const uint64_t max_length = MaxCollectionEntries(d);
    std::vector<std::string> output;
    indentation_lvl_ += 2;
    for (size_t i = 0; i < d.entries.size() && i < max_length; ++i) {
      std::string key = FormatValue(d.entries[i].first, recurse_times);
      output.push_back(key + " => " + FormatValue(d.entries[i].second, recurse_times));
    }
    if (HasConstructor(d) && d.length > max_length) {
      output.push_back(RemainingText(d.length - max_length));
    }
    indentation_lvl_ -= 2;
    return output;
  }

  // formatIterator: the entries still to come; entries() iterators print
  // each pair as a small array and say "Entries" instead of "Iterator".
  std::vector<std::string> FormatIterator(const JsDescription& d, std::string& open,
                                          int recurse_times) {
    const uint64_t count = d.entries.size();
    const uint64_t max_length = MaxEntries(count);
    std::vector<std::string> output;
    indentation_lvl_ += 2;
    if (d.iterator_entries) {
      const std::string suffix = " Iterator] {";
      if (EndsWith(open, suffix)) open = open.substr(0, open.size() - suffix.size()) + " Entries] {";
      for (uint64_t i = 0; i < max_length; ++i) {
        std::vector<std::string> pair = {FormatValue(d.entries[i].first, recurse_times),
                                         FormatValue(d.entries[i].second, recurse_times)};
        output.push_back(
            ReduceToSingleString(pair, "", "[", "]", Extras::kArrayExtras, recurse_times, nullptr));
      }
    } else {
      for (uint64_t i = 0; i < max_length; ++i) {
        output.push_back(FormatValue(d.entries[i].first, recurse_times));
      }
    }
    indentation_lvl_ -= 2;
    if (count > max_length) output.push_back(RemainingText(count - max_length));
    return output;
  }

  std::string FormatArrayBuffer(const JsDescription& d) const {
    if (d.detached) return "(detached)";
    static const char kHex[] = "0123456789abcdef";
    const uint64_t shown = std::min<uint64_t>(MaxEntries(d.byte_length), d.bytes.size());
    std::string hex;
    for (uint64_t i = 0; i < shown; ++i) {
      if (i) hex += ' ';
      hex += kHex[d.bytes[i] >> 4];
      hex += kHex[d.bytes[i] & 15];
    }
    if (d.byte_length > options_.max_array_length) {
      hex += " ... " + Plural(d.byte_length - options_.max_array_length, "more byte");
    }
    return "[Uint8Contents]: <" + hex + ">";
  }

  std::string FormatPromise(const JsDescription& d, int recurse_times) {
    if (d.promise_state == JsPromiseState::kPending) return "<pending>";
    indentation_lvl_ += 2;
    std::string str = FormatValue(d.promise_result, recurse_times);
    indentation_lvl_ -= 2;
    return d.promise_state == JsPromiseState::kRejected ? "<rejected> " + str : str;
  }

  // -------------------------------------------------------------------------
  // formatProperty

  std::string FormatProperty(const KeyEntry& entry, int recurse_times) {
    const JsProperty& prop = entry.prop;
    std::string str;
    if (prop.uninitialized) {
      str = "<uninitialized>";
    } else if (!prop.accessor) {
      indentation_lvl_ += 2;
      str = FormatValue(prop.value, recurse_times);
      indentation_lvl_ -= 2;
    } else if (prop.has_getter) {
      str = prop.has_setter ? "[Getter/Setter]" : "[Getter]";
    } else if (prop.has_setter) {
      str = "[Setter]";
    } else {
      str = "undefined";
    }
    return KeyName(entry) + ": " + str;
  }

  std::string KeyName(const KeyEntry& entry) const {
    const JsKey& key = entry.prop.key;
    if (rules_.bare_symbol_keys()) {
      std::string name;
      if (key.kind == JsKey::Kind::kSymbol) {
        name = EscapeText(key.text, true);
      } else if (IsIdentifierKey(key.text)) {
        name = key.text == "__proto__" ? "['__proto__']" : key.text;
      } else {
        name = StrEscape(key.text);
      }
      return entry.enumerable ? name : "[" + name + "]";
    }
    if (key.kind == JsKey::Kind::kSymbol) return "[" + EscapeText(key.text, true) + "]";
    if (key.text == "__proto__") return "['__proto__']";
    if (!entry.enumerable) return "[" + EscapeText(key.text, true) + "]";
    if (IsIdentifierKey(key.text)) return key.text;
    return StrEscape(key.text);
  }

  // -------------------------------------------------------------------------
  // reduceToSingleString and groupArrayElements (compact = 3)

  // The `value` groupArrayElements looks at: arrays answer from their
  // elements, typed arrays hold numbers up to their length.
  NumericProbe NumericProbeFor(const JsDescription& d, std::map<uint64_t, bool>& numeric) {
    if (d.kind == JsKind::kTypedArray) {
      uint64_t length = d.length;
      return [length](uint64_t i) { return i < length; };
    }
    if (d.kind != JsKind::kArray) return nullptr;
    return [this, &d, &numeric](uint64_t i) {
      if (i >= d.length) return false;
      auto cached = numeric.find(i);
      if (cached != numeric.end()) return cached->second;
      auto it = std::lower_bound(d.elements.begin(), d.elements.end(), i,
                                 [](const auto& e, uint64_t v) { return e.first < v; });
      if (it == d.elements.end() || it->first != i) return false;  // a hole reads undefined
      if (it->second.number_text) return true;
      try {
        JsDescription e = model_.Describe(it->second.raw);
        return e.kind == JsKind::kPrimitive && e.is_number;
      } catch (const Error&) {
        return false;
      }
    };
  }

  std::string ReduceToSingleString(std::vector<std::string> output, const std::string& base,
                                   const std::string& open, const std::string& close,
                                   Extras extras, int recurse_times, const NumericProbe* probe) {
    const size_t entries = output.size();
    if (extras == Extras::kArrayExtras && entries > 6) {
      output = GroupArrayElements(std::move(output), probe);
    }
    // One line when the object's own entries were the deepest formatted
    // lately (currentDepth) within `compact` levels, and no entry broke.
    if (current_depth_ - recurse_times < kCompact && entries == output.size() &&
        IsBelowBreakLength(output, base)) {
      std::string joined = Join(output, ", ");
      if (joined.find('\n') == std::string::npos) {
        return (base.empty() ? "" : base + " ") + open + " " + joined + " " + close;
      }
    }
    const std::string indentation = "\n" + Spaces(indentation_lvl_);
    return (base.empty() ? "" : base + " ") + open + indentation + "  " +
           Join(output, "," + indentation + "  ") + indentation + close;
  }

  // isBelowBreakLength with breakLength = Infinity: lengths never exceed it.
  bool IsBelowBreakLength(const std::vector<std::string>& output, const std::string& base) const {
    if (base.find('\n') != std::string::npos) return false;
    if (rules_.infinite_break_checks_entries()) {
      for (const std::string& s : output) {
        if (s.find('\n') != std::string::npos) return false;
      }
    }
    return true;
  }

  // groupArrayElements: more than six entries are laid out in aligned
  // columns (numbers right-aligned), the column count chosen so the block is
  // roughly square, at most compact * 4 = 12 columns.
  std::vector<std::string> GroupArrayElements(std::vector<std::string> output,
                                              const NumericProbe* probe) const {
    constexpr size_t kSeparatorSpace = 2;  // ", "
    size_t output_length = output.size();
    // The "... more items" entry (or whatever entry comes last when there
    // are more entries than maxArrayLength) is left out of the columns.
    if (options_.max_array_length < output.size()) --output_length;
    std::vector<size_t> data_len(output_length);
    size_t total_length = 0, max_length = 0;
    for (size_t i = 0; i < output_length; ++i) {
      data_len[i] = StringWidth(output[i]);
      total_length += data_len[i] + kSeparatorSpace;
      max_length = std::max(max_length, data_len[i]);
    }
    const size_t actual_max = max_length + kSeparatorSpace;
    // Group only when entries are of similar width (breakLength is infinite,
    // so three always fit side by side).
    if (!(static_cast<double>(total_length) / actual_max > 5 || max_length <= 6)) return output;

    const double approx_char_heights = 2.5;
    const double average_bias =
        std::sqrt(actual_max - static_cast<double>(total_length) / output.size());
    const double biased_max = std::max(actual_max - 3 - average_bias, 1.0);
    const double square =
        std::floor(std::sqrt(approx_char_heights * biased_max * output_length) / biased_max + 0.5);
    const size_t columns = static_cast<size_t>(std::min({square, double{kCompact * 4}, 15.0}));
    if (columns <= 1) return output;

    std::vector<size_t> max_line_length;
    for (size_t i = 0; i < columns; ++i) {
      size_t line_max = 0;
      for (size_t j = i; j < output_length; j += columns) line_max = std::max(line_max, data_len[j]);
      max_line_length.push_back(line_max + kSeparatorSpace);
    }
    bool pad_start = true;
    if (probe) {
      for (size_t i = 0; i < output.size(); ++i) {
        if (!(*probe)(i)) {
          pad_start = false;
          break;
        }
      }
    }
    std::vector<std::string> grouped;
    for (size_t i = 0; i < output_length; i += columns) {
      const size_t max = std::min(i + columns, output_length);
      std::string line;
      size_t j = i;
      for (; j < max - 1; ++j) {
        // Padding is in UTF-16 units; wide characters need fewer of them.
        size_t padding = max_line_length[j - i] + Utf16Length(output[j]) - data_len[j];
        line += pad_start ? PadStart(output[j] + ", ", padding) : PadEnd(output[j] + ", ", padding);
      }
      if (pad_start) {
        size_t padding =
            max_line_length[j - i] + Utf16Length(output[j]) - data_len[j] - kSeparatorSpace;
        line += PadStart(output[j], padding);
      } else {
        line += output[j];
      }
      grouped.push_back(std::move(line));
    }
    if (options_.max_array_length < output.size()) grouped.push_back(output[output_length]);
    return grouped;
  }

  JsModel& model_;
  const InspectOptions& options_;
  const Rules rules_;
  int depth_;                 // ctx.depth (lowered to -1 when over budget)
  int indentation_lvl_ = 0;   // ctx.indentationLvl
  int current_depth_ = 0;     // ctx.currentDepth
  std::vector<uint64_t> seen_;           // ctx.seen: identities being formatted
  std::map<uint64_t, int> circular_;     // ctx.circular: identity -> *N
  std::map<int, uint64_t> budget_;       // ctx.budget
};

}  // namespace

std::string Inspect(JsModel& model, uint64_t raw, const InspectOptions& options) {
  Formatter formatter(model, options);
  return formatter.FormatTop(raw);
}

std::string InspectString(const std::string& utf8, size_t max_string_length) {
  const size_t length = Utf16Length(utf8);
  if (length <= max_string_length) return StrEscape(utf8);
  // str.slice(0, max): a surrogate pair cut in half leaves its high
  // surrogate, which strEscape then prints as an escape.
  std::string kept;
  size_t units = 0;
  for (size_t i = 0; i < utf8.size() && units < max_string_length;) {
    size_t start = i;
    uint32_t cp = NextCodePoint(utf8, i);
    if (cp > 0xFFFF && units + 2 > max_string_length) {
      kept += EncodeUtf8(0xD800 + ((cp - 0x10000) >> 10));
      break;
    }
    units += cp > 0xFFFF ? 2 : 1;
    kept.append(utf8, start, i - start);
  }
  return StrEscape(kept) + "... " + Plural(length - max_string_length, "more character");
}

namespace {

const WidthRange kWidthRanges[] = {
    {0x0, 0x1F, 0}, {0x7F, 0x9F, 0}, {0x300, 0x36F, 0}, {0x483, 0x489, 0},
    {0x591, 0x5BD, 0}, {0x5BF, 0x5BF, 0}, {0x5C1, 0x5C2, 0}, {0x5C4, 0x5C5, 0},
    {0x5C7, 0x5C7, 0}, {0x600, 0x605, 0}, {0x610, 0x61A, 0}, {0x61C, 0x61C, 0},
    {0x64B, 0x65F, 0}, {0x670, 0x670, 0}, {0x6D6, 0x6DD, 0}, {0x6DF, 0x6E4, 0},
    {0x6E7, 0x6E8, 0}, {0x6EA, 0x6ED, 0}, {0x70F, 0x70F, 0}, {0x711, 0x711, 0},
    {0x730, 0x74A, 0}, {0x7A6, 0x7B0, 0}, {0x7EB, 0x7F3, 0}, {0x7FD, 0x7FD, 0},
    {0x816, 0x819, 0}, {0x81B, 0x823, 0}, {0x825, 0x827, 0}, {0x829, 0x82D, 0},
    {0x859, 0x85B, 0}, {0x890, 0x891, 0}, {0x897, 0x89F, 0}, {0x8CA, 0x902, 0},
    {0x93A, 0x93A, 0}, {0x93C, 0x93C, 0}, {0x941, 0x948, 0}, {0x94D, 0x94D, 0},
    {0x951, 0x957, 0}, {0x962, 0x963, 0}, {0x981, 0x981, 0}, {0x9BC, 0x9BC, 0},
    {0x9C1, 0x9C4, 0}, {0x9CD, 0x9CD, 0}, {0x9E2, 0x9E3, 0}, {0x9FE, 0x9FE, 0},
    {0xA01, 0xA02, 0}, {0xA3C, 0xA3C, 0}, {0xA41, 0xA42, 0}, {0xA47, 0xA48, 0},
    {0xA4B, 0xA4D, 0}, {0xA51, 0xA51, 0}, {0xA70, 0xA71, 0}, {0xA75, 0xA75, 0},
    {0xA81, 0xA82, 0}, {0xABC, 0xABC, 0}, {0xAC1, 0xAC5, 0}, {0xAC7, 0xAC8, 0},
    {0xACD, 0xACD, 0}, {0xAE2, 0xAE3, 0}, {0xAFA, 0xAFF, 0}, {0xB01, 0xB01, 0},
    {0xB3C, 0xB3C, 0}, {0xB3F, 0xB3F, 0}, {0xB41, 0xB44, 0}, {0xB4D, 0xB4D, 0},
    {0xB55, 0xB56, 0}, {0xB62, 0xB63, 0}, {0xB82, 0xB82, 0}, {0xBC0, 0xBC0, 0},
    {0xBCD, 0xBCD, 0}, {0xC00, 0xC00, 0}, {0xC04, 0xC04, 0}, {0xC3C, 0xC3C, 0},
    {0xC3E, 0xC40, 0}, {0xC46, 0xC48, 0}, {0xC4A, 0xC4D, 0}, {0xC55, 0xC56, 0},
    {0xC62, 0xC63, 0}, {0xC81, 0xC81, 0}, {0xCBC, 0xCBC, 0}, {0xCBF, 0xCBF, 0},
    {0xCC6, 0xCC6, 0}, {0xCCC, 0xCCD, 0}, {0xCE2, 0xCE3, 0}, {0xD00, 0xD01, 0},
    {0xD3B, 0xD3C, 0}, {0xD41, 0xD44, 0}, {0xD4D, 0xD4D, 0}, {0xD62, 0xD63, 0},
    {0xD81, 0xD81, 0}, {0xDCA, 0xDCA, 0}, {0xDD2, 0xDD4, 0}, {0xDD6, 0xDD6, 0},
    {0xE31, 0xE31, 0}, {0xE34, 0xE3A, 0}, {0xE47, 0xE4E, 0}, {0xEB1, 0xEB1, 0},
    {0xEB4, 0xEBC, 0}, {0xEC8, 0xECE, 0}, {0xF18, 0xF19, 0}, {0xF35, 0xF35, 0},
    {0xF37, 0xF37, 0}, {0xF39, 0xF39, 0}, {0xF71, 0xF7E, 0}, {0xF80, 0xF84, 0},
    {0xF86, 0xF87, 0}, {0xF8D, 0xF97, 0}, {0xF99, 0xFBC, 0}, {0xFC6, 0xFC6, 0},
    {0x102D, 0x1030, 0}, {0x1032, 0x1037, 0}, {0x1039, 0x103A, 0},
    {0x103D, 0x103E, 0}, {0x1058, 0x1059, 0}, {0x105E, 0x1060, 0},
    {0x1071, 0x1074, 0}, {0x1082, 0x1082, 0}, {0x1085, 0x1086, 0},
    {0x108D, 0x108D, 0}, {0x109D, 0x109D, 0}, {0x1100, 0x115F, 2},
    {0x135D, 0x135F, 0}, {0x1712, 0x1714, 0}, {0x1732, 0x1733, 0},
    {0x1752, 0x1753, 0}, {0x1772, 0x1773, 0}, {0x17B4, 0x17B5, 0},
    {0x17B7, 0x17BD, 0}, {0x17C6, 0x17C6, 0}, {0x17C9, 0x17D3, 0},
    {0x17DD, 0x17DD, 0}, {0x180B, 0x180F, 0}, {0x1885, 0x1886, 0},
    {0x18A9, 0x18A9, 0}, {0x1920, 0x1922, 0}, {0x1927, 0x1928, 0},
    {0x1932, 0x1932, 0}, {0x1939, 0x193B, 0}, {0x1A17, 0x1A18, 0},
    {0x1A1B, 0x1A1B, 0}, {0x1A56, 0x1A56, 0}, {0x1A58, 0x1A5E, 0},
    {0x1A60, 0x1A60, 0}, {0x1A62, 0x1A62, 0}, {0x1A65, 0x1A6C, 0},
    {0x1A73, 0x1A7C, 0}, {0x1A7F, 0x1A7F, 0}, {0x1AB0, 0x1ADD, 0},
    {0x1AE0, 0x1AEB, 0}, {0x1B00, 0x1B03, 0}, {0x1B34, 0x1B34, 0},
    {0x1B36, 0x1B3A, 0}, {0x1B3C, 0x1B3C, 0}, {0x1B42, 0x1B42, 0},
    {0x1B6B, 0x1B73, 0}, {0x1B80, 0x1B81, 0}, {0x1BA2, 0x1BA5, 0},
    {0x1BA8, 0x1BA9, 0}, {0x1BAB, 0x1BAD, 0}, {0x1BE6, 0x1BE6, 0},
    {0x1BE8, 0x1BE9, 0}, {0x1BED, 0x1BED, 0}, {0x1BEF, 0x1BF1, 0},
    {0x1C2C, 0x1C33, 0}, {0x1C36, 0x1C37, 0}, {0x1CD0, 0x1CD2, 0},
    {0x1CD4, 0x1CE0, 0}, {0x1CE2, 0x1CE8, 0}, {0x1CED, 0x1CED, 0},
    {0x1CF4, 0x1CF4, 0}, {0x1CF8, 0x1CF9, 0}, {0x1DC0, 0x1DFF, 0},
    {0x200B, 0x200F, 0}, {0x202A, 0x202E, 0}, {0x2060, 0x2064, 0},
    {0x2066, 0x206F, 0}, {0x20D0, 0x20F0, 0}, {0x231A, 0x231B, 2},
    {0x2329, 0x232A, 2}, {0x23E9, 0x23EC, 2}, {0x23F0, 0x23F0, 2},
    {0x23F3, 0x23F3, 2}, {0x25FD, 0x25FE, 2}, {0x2614, 0x2615, 2},
    {0x2630, 0x2637, 2}, {0x2648, 0x2653, 2}, {0x267F, 0x267F, 2},
    {0x268A, 0x268F, 2}, {0x2693, 0x2693, 2}, {0x26A1, 0x26A1, 2},
    {0x26AA, 0x26AB, 2}, {0x26BD, 0x26BE, 2}, {0x26C4, 0x26C5, 2},
    {0x26CE, 0x26CE, 2}, {0x26D4, 0x26D4, 2}, {0x26EA, 0x26EA, 2},
    {0x26F2, 0x26F3, 2}, {0x26F5, 0x26F5, 2}, {0x26FA, 0x26FA, 2},
    {0x26FD, 0x26FD, 2}, {0x2705, 0x2705, 2}, {0x270A, 0x270B, 2},
    {0x2728, 0x2728, 2}, {0x274C, 0x274C, 2}, {0x274E, 0x274E, 2},
    {0x2753, 0x2755, 2}, {0x2757, 0x2757, 2}, {0x2795, 0x2797, 2},
    {0x27B0, 0x27B0, 2}, {0x27BF, 0x27BF, 2}, {0x2B1B, 0x2B1C, 2},
    {0x2B50, 0x2B50, 2}, {0x2B55, 0x2B55, 2}, {0x2CEF, 0x2CF1, 0},
    {0x2D7F, 0x2D7F, 0}, {0x2DE0, 0x2DFF, 0}, {0x2E80, 0x2E99, 2},
    {0x2E9B, 0x2EF3, 2}, {0x2F00, 0x2FD5, 2}, {0x2FF0, 0x303E, 2},
    {0x3041, 0x3096, 2}, {0x3099, 0x30FF, 2}, {0x3105, 0x312F, 2},
    {0x3131, 0x318E, 2}, {0x3190, 0x31E5, 2}, {0x31EF, 0x321E, 2},
    {0x3220, 0x3247, 2}, {0x3250, 0xA48C, 2}, {0xA490, 0xA4C6, 2},
    {0xA66F, 0xA672, 0}, {0xA674, 0xA67D, 0}, {0xA69E, 0xA69F, 0},
    {0xA6F0, 0xA6F1, 0}, {0xA802, 0xA802, 0}, {0xA806, 0xA806, 0},
    {0xA80B, 0xA80B, 0}, {0xA825, 0xA826, 0}, {0xA82C, 0xA82C, 0},
    {0xA8C4, 0xA8C5, 0}, {0xA8E0, 0xA8F1, 0}, {0xA8FF, 0xA8FF, 0},
    {0xA926, 0xA92D, 0}, {0xA947, 0xA951, 0}, {0xA960, 0xA97C, 2},
    {0xA980, 0xA982, 0}, {0xA9B3, 0xA9B3, 0}, {0xA9B6, 0xA9B9, 0},
    {0xA9BC, 0xA9BD, 0}, {0xA9E5, 0xA9E5, 0}, {0xAA29, 0xAA2E, 0},
    {0xAA31, 0xAA32, 0}, {0xAA35, 0xAA36, 0}, {0xAA43, 0xAA43, 0},
    {0xAA4C, 0xAA4C, 0}, {0xAA7C, 0xAA7C, 0}, {0xAAB0, 0xAAB0, 0},
    {0xAAB2, 0xAAB4, 0}, {0xAAB7, 0xAAB8, 0}, {0xAABE, 0xAABF, 0},
    {0xAAC1, 0xAAC1, 0}, {0xAAEC, 0xAAED, 0}, {0xAAF6, 0xAAF6, 0},
    {0xABE5, 0xABE5, 0}, {0xABE8, 0xABE8, 0}, {0xABED, 0xABED, 0},
    {0xAC00, 0xD7A3, 2}, {0xF900, 0xFAFF, 2}, {0xFB1E, 0xFB1E, 0},
    {0xFE00, 0xFE0F, 0}, {0xFE10, 0xFE19, 2}, {0xFE20, 0xFE2F, 0},
    {0xFE30, 0xFE52, 2}, {0xFE54, 0xFE66, 2}, {0xFE68, 0xFE6B, 2},
    {0xFEFF, 0xFEFF, 0}, {0xFF01, 0xFF60, 2}, {0xFFE0, 0xFFE6, 2},
    {0xFFF9, 0xFFFB, 0}, {0x101FD, 0x101FD, 0}, {0x102E0, 0x102E0, 0},
    {0x10376, 0x1037A, 0}, {0x10A01, 0x10A03, 0}, {0x10A05, 0x10A06, 0},
    {0x10A0C, 0x10A0F, 0}, {0x10A38, 0x10A3A, 0}, {0x10A3F, 0x10A3F, 0},
    {0x10AE5, 0x10AE6, 0}, {0x10D24, 0x10D27, 0}, {0x10D69, 0x10D6D, 0},
    {0x10EAB, 0x10EAC, 0}, {0x10EFA, 0x10EFF, 0}, {0x10F46, 0x10F50, 0},
    {0x10F82, 0x10F85, 0}, {0x11001, 0x11001, 0}, {0x11038, 0x11046, 0},
    {0x11070, 0x11070, 0}, {0x11073, 0x11074, 0}, {0x1107F, 0x11081, 0},
    {0x110B3, 0x110B6, 0}, {0x110B9, 0x110BA, 0}, {0x110BD, 0x110BD, 0},
    {0x110C2, 0x110C2, 0}, {0x110CD, 0x110CD, 0}, {0x11100, 0x11102, 0},
    {0x11127, 0x1112B, 0}, {0x1112D, 0x11134, 0}, {0x11173, 0x11173, 0},
    {0x11180, 0x11181, 0}, {0x111B6, 0x111BE, 0}, {0x111C9, 0x111CC, 0},
    {0x111CF, 0x111CF, 0}, {0x1122F, 0x11231, 0}, {0x11234, 0x11234, 0},
    {0x11236, 0x11237, 0}, {0x1123E, 0x1123E, 0}, {0x11241, 0x11241, 0},
    {0x112DF, 0x112DF, 0}, {0x112E3, 0x112EA, 0}, {0x11300, 0x11301, 0},
    {0x1133B, 0x1133C, 0}, {0x11340, 0x11340, 0}, {0x11366, 0x1136C, 0},
    {0x11370, 0x11374, 0}, {0x113BB, 0x113C0, 0}, {0x113CE, 0x113CE, 0},
    {0x113D0, 0x113D0, 0}, {0x113D2, 0x113D2, 0}, {0x113E1, 0x113E2, 0},
    {0x11438, 0x1143F, 0}, {0x11442, 0x11444, 0}, {0x11446, 0x11446, 0},
    {0x1145E, 0x1145E, 0}, {0x114B3, 0x114B8, 0}, {0x114BA, 0x114BA, 0},
    {0x114BF, 0x114C0, 0}, {0x114C2, 0x114C3, 0}, {0x115B2, 0x115B5, 0},
    {0x115BC, 0x115BD, 0}, {0x115BF, 0x115C0, 0}, {0x115DC, 0x115DD, 0},
    {0x11633, 0x1163A, 0}, {0x1163D, 0x1163D, 0}, {0x1163F, 0x11640, 0},
    {0x116AB, 0x116AB, 0}, {0x116AD, 0x116AD, 0}, {0x116B0, 0x116B5, 0},
    {0x116B7, 0x116B7, 0}, {0x1171D, 0x1171D, 0}, {0x1171F, 0x1171F, 0},
    {0x11722, 0x11725, 0}, {0x11727, 0x1172B, 0}, {0x1182F, 0x11837, 0},
    {0x11839, 0x1183A, 0}, {0x1193B, 0x1193C, 0}, {0x1193E, 0x1193E, 0},
    {0x11943, 0x11943, 0}, {0x119D4, 0x119D7, 0}, {0x119DA, 0x119DB, 0},
    {0x119E0, 0x119E0, 0}, {0x11A01, 0x11A0A, 0}, {0x11A33, 0x11A38, 0},
    {0x11A3B, 0x11A3E, 0}, {0x11A47, 0x11A47, 0}, {0x11A51, 0x11A56, 0},
    {0x11A59, 0x11A5B, 0}, {0x11A8A, 0x11A96, 0}, {0x11A98, 0x11A99, 0},
    {0x11B60, 0x11B60, 0}, {0x11B62, 0x11B64, 0}, {0x11B66, 0x11B66, 0},
    {0x11C30, 0x11C36, 0}, {0x11C38, 0x11C3D, 0}, {0x11C3F, 0x11C3F, 0},
    {0x11C92, 0x11CA7, 0}, {0x11CAA, 0x11CB0, 0}, {0x11CB2, 0x11CB3, 0},
    {0x11CB5, 0x11CB6, 0}, {0x11D31, 0x11D36, 0}, {0x11D3A, 0x11D3A, 0},
    {0x11D3C, 0x11D3D, 0}, {0x11D3F, 0x11D45, 0}, {0x11D47, 0x11D47, 0},
    {0x11D90, 0x11D91, 0}, {0x11D95, 0x11D95, 0}, {0x11D97, 0x11D97, 0},
    {0x11EF3, 0x11EF4, 0}, {0x11F00, 0x11F01, 0}, {0x11F36, 0x11F3A, 0},
    {0x11F40, 0x11F40, 0}, {0x11F42, 0x11F42, 0}, {0x11F5A, 0x11F5A, 0},
    {0x13430, 0x13440, 0}, {0x13447, 0x13455, 0}, {0x1611E, 0x16129, 0},
    {0x1612D, 0x1612F, 0}, {0x16AF0, 0x16AF4, 0}, {0x16B30, 0x16B36, 0},
    {0x16F4F, 0x16F4F, 0}, {0x16F8F, 0x16F92, 0}, {0x16FE0, 0x16FE4, 2},
    {0x16FF0, 0x16FF6, 2}, {0x17000, 0x18CD5, 2}, {0x18CFF, 0x18D1E, 2},
    {0x18D80, 0x18DF2, 2}, {0x1AFF0, 0x1AFF3, 2}, {0x1AFF5, 0x1AFFB, 2},
    {0x1AFFD, 0x1AFFE, 2}, {0x1B000, 0x1B122, 2}, {0x1B132, 0x1B132, 2},
    {0x1B150, 0x1B152, 2}, {0x1B155, 0x1B155, 2}, {0x1B164, 0x1B167, 2},
    {0x1B170, 0x1B2FB, 2}, {0x1BC9D, 0x1BC9E, 0}, {0x1BCA0, 0x1BCA3, 0},
    {0x1CF00, 0x1CF2D, 0}, {0x1CF30, 0x1CF46, 0}, {0x1D15E, 0x1D15F, 2},
    {0x1D160, 0x1D164, 3}, {0x1D167, 0x1D169, 0}, {0x1D173, 0x1D182, 0},
    {0x1D185, 0x1D18B, 0}, {0x1D1AA, 0x1D1AD, 0}, {0x1D1BB, 0x1D1BC, 2},
    {0x1D1BD, 0x1D1C0, 3}, {0x1D242, 0x1D244, 0}, {0x1D300, 0x1D356, 2},
    {0x1D360, 0x1D376, 2}, {0x1DA00, 0x1DA36, 0}, {0x1DA3B, 0x1DA6C, 0},
    {0x1DA75, 0x1DA75, 0}, {0x1DA84, 0x1DA84, 0}, {0x1DA9B, 0x1DA9F, 0},
    {0x1DAA1, 0x1DAAF, 0}, {0x1E000, 0x1E006, 0}, {0x1E008, 0x1E018, 0},
    {0x1E01B, 0x1E021, 0}, {0x1E023, 0x1E024, 0}, {0x1E026, 0x1E02A, 0},
    {0x1E08F, 0x1E08F, 0}, {0x1E130, 0x1E136, 0}, {0x1E2AE, 0x1E2AE, 0},
    {0x1E2EC, 0x1E2EF, 0}, {0x1E4EC, 0x1E4EF, 0}, {0x1E5EE, 0x1E5EF, 0},
    {0x1E6E3, 0x1E6E3, 0}, {0x1E6E6, 0x1E6E6, 0}, {0x1E6EE, 0x1E6EF, 0},
    {0x1E6F5, 0x1E6F5, 0}, {0x1E8D0, 0x1E8D6, 0}, {0x1E944, 0x1E94A, 0},
    {0x1F004, 0x1F004, 2}, {0x1F0CF, 0x1F0CF, 2}, {0x1F18E, 0x1F18E, 2},
    {0x1F191, 0x1F19A, 2}, {0x1F1E6, 0x1F202, 2}, {0x1F210, 0x1F23B, 2},
    {0x1F240, 0x1F248, 2}, {0x1F250, 0x1F251, 2}, {0x1F260, 0x1F265, 2},
    {0x1F300, 0x1F320, 2}, {0x1F32D, 0x1F335, 2}, {0x1F337, 0x1F37C, 2},
    {0x1F37E, 0x1F393, 2}, {0x1F3A0, 0x1F3CA, 2}, {0x1F3CF, 0x1F3D3, 2},
    {0x1F3E0, 0x1F3F0, 2}, {0x1F3F4, 0x1F3F4, 2}, {0x1F3F8, 0x1F43E, 2},
    {0x1F440, 0x1F440, 2}, {0x1F442, 0x1F4FC, 2}, {0x1F4FF, 0x1F53D, 2},
    {0x1F54B, 0x1F54E, 2}, {0x1F550, 0x1F567, 2}, {0x1F57A, 0x1F57A, 2},
    {0x1F595, 0x1F596, 2}, {0x1F5A4, 0x1F5A4, 2}, {0x1F5FB, 0x1F64F, 2},
    {0x1F680, 0x1F6C5, 2}, {0x1F6CC, 0x1F6CC, 2}, {0x1F6D0, 0x1F6D2, 2},
    {0x1F6D5, 0x1F6D8, 2}, {0x1F6DC, 0x1F6DF, 2}, {0x1F6EB, 0x1F6EC, 2},
    {0x1F6F4, 0x1F6FC, 2}, {0x1F7E0, 0x1F7EB, 2}, {0x1F7F0, 0x1F7F0, 2},
    {0x1F90C, 0x1F93A, 2}, {0x1F93C, 0x1F945, 2}, {0x1F947, 0x1F9FF, 2},
    {0x1FA70, 0x1FA7C, 2}, {0x1FA80, 0x1FA8A, 2}, {0x1FA8E, 0x1FAC6, 2},
    {0x1FAC8, 0x1FAC8, 2}, {0x1FACD, 0x1FADC, 2}, {0x1FADF, 0x1FAEA, 2},
    {0x1FAEF, 0x1FAF8, 2}, {0x20000, 0x2FFFD, 2}, {0x30000, 0x3FFFD, 2},
    {0xE0001, 0xE0001, 0}, {0xE0020, 0xE007F, 0}, {0xE0100, 0xE01EF, 0},
};
const size_t kWidthRangeCount = sizeof(kWidthRanges) / sizeof(kWidthRanges[0]);

}  // namespace
}  // namespace nodegdb
