// JsDescription to JSON, one value at a time, written straight into the
// JsonWriter (no document tree). Fields by kind:
//   primitives  "value" (string, number, boolean, null; a bigint's digits
//               as a string), strings also "length" and "truncated"
//   arrays, arguments, typed arrays  "length", "elements": [{"index", "value"}]
//   map, set, iterators  "size", "entries": [{"key", "value"}] or [{"value"}]
//   function    "name", "class", "function_type", "extends"
//   error       "name", "message", "stack", "cause", "errors"
//   date, regexp  "value" (toISOString / toString text)
//   boxed       "boxed" (Number, String...), "value_text"
//   promise     "state", "result"
//   arraybuffer "byte_length", "detached", "bytes"; dataview "byte_length",
//               "byte_offset", "buffer"; proxy "target" (null once revoked)
#include "core/view/js_json.h"

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string_view>

#include "core/errors.h"

namespace nodegdb {
namespace {

// The C++ stack bounds nesting even at `depth unlimited`; the node and text
// budgets bound the answer's size on huge graphs.
constexpr int kMaxNesting = 200;
constexpr size_t kMaxNodes = size_t{1} << 17;
constexpr size_t kTextBudget = size_t{1} << 24;

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

bool IsObjectKind(JsKind kind) { return kind != JsKind::kPrimitive && kind != JsKind::kOpaque; }

const char* KindName(JsKind kind) {
  switch (kind) {
    case JsKind::kPrimitive: return "primitive";
    case JsKind::kOpaque: return "internal";
    case JsKind::kObject: return "object";
    case JsKind::kArray: return "array";
    case JsKind::kFunction: return "function";
    case JsKind::kMap: return "map";
    case JsKind::kSet: return "set";
    case JsKind::kWeakMap: return "weakmap";
    case JsKind::kWeakSet: return "weakset";
    case JsKind::kTypedArray: return "typedarray";
    case JsKind::kArrayBuffer: return "arraybuffer";
    case JsKind::kDataView: return "dataview";
    case JsKind::kDate: return "date";
    case JsKind::kRegExp: return "regexp";
    case JsKind::kError: return "error";
    case JsKind::kBoxed: return "boxed";
    case JsKind::kPromise: return "promise";
    case JsKind::kArguments: return "arguments";
    case JsKind::kMapIterator: return "map_iterator";
    case JsKind::kSetIterator: return "set_iterator";
    case JsKind::kModuleNamespace: return "module";
    case JsKind::kGlobalProxy: return "global";
    case JsKind::kProxy: return "proxy";
  }
  return "internal";
}

const char* PrimitiveType(const JsDescription& d) {
  if (d.is_string) return "string";
  if (d.is_number) return !d.text.empty() && d.text.back() == 'n' ? "bigint" : "number";
  if (d.text == "true" || d.text == "false") return "boolean";
  if (d.text == "undefined") return "undefined";
  if (d.text == "null") return "null";
  if (d.text.rfind("Symbol(", 0) == 0) return "symbol";
  return "internal";  // the hole and V8's other markers
}

const char* PromiseState(JsPromiseState s) {
  switch (s) {
    case JsPromiseState::kPending: return "pending";
    case JsPromiseState::kFulfilled: return "fulfilled";
    case JsPromiseState::kRejected: return "rejected";
  }
  return "pending";
}

// util.inspect's number text ("1", "-0", "NaN", "1e+21") as a JSON number;
// NaN and the infinities have none (null; "text" keeps them).
void NumberValue(JsonWriter& out, const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    out.Null();
  } else {
    out.Double(v);
  }
}

class Builder {
 public:
  Builder(JsModel& model, const InspectOptions& options, JsonWriter& out)
      : model_(model), options_(options), out_(out) {}

  void Top(uint64_t raw) {
    JsDescription d = model_.Describe(raw);  // throws: the command's one line
    Described(raw, d, 0);
  }

 private:
  void Slot(const JsSlot& slot, int level) {
    if (slot.number_text) {  // an unboxed double: a number without a heap object
      out_.BeginObject().Field("type", "number").Key("value");
      NumberValue(out_, *slot.number_text);
      out_.Field("text", *slot.number_text).EndObject();
      return;
    }
    if (++nodes_ > kMaxNodes || level > kMaxNesting) {
      out_.BeginObject().Field("address", Hex(slot.raw)).Field("truncated", "size").EndObject();
      return;
    }
    JsDescription d;
    try {
      d = model_.Describe(slot.raw);
    } catch (const Error& e) {
      out_.BeginObject().Field("address", Hex(slot.raw)).Field("error", e.what()).EndObject();
      return;
    }
    Described(slot.raw, d, level);
  }

  void Described(uint64_t raw, const JsDescription& d, int level) {
    out_.BeginObject().Field("type", JsJsonType(d));
    if (!IsObjectKind(d.kind)) {
      if (raw & 1) out_.Field("address", Hex(raw));  // a heap string, number, oddball...
      Primitive(d);
      out_.EndObject();
      return;
    }
    out_.Field("address", Hex(raw));
    Constructor(d);
    if (ancestors_.count(d.identity)) {
      out_.Field("circular", Hex(raw)).EndObject();
      return;
    }
    Text(raw, level);
    if (level > options_.depth) {
      out_.Field("truncated", "depth").EndObject();
      return;
    }
    ancestors_.insert(d.identity);
    Body(d, level + 1);
    ancestors_.erase(d.identity);
    out_.EndObject();
  }

  void Primitive(const JsDescription& d) {
    const std::string_view type = JsJsonType(d);
    if (type == "string") {
      out_.Field("value", d.string_value).Field("length", d.string_length);
      if (d.string_length > options_.max_string_length) out_.Field("truncated", true);
    } else if (type == "number") {
      out_.Key("value");
      NumberValue(out_, d.text);
    } else if (type == "bigint") {
      out_.Field("value", d.text.substr(0, d.text.size() - 1));
    } else if (type == "boolean") {
      out_.Field("value", d.text == "true");
    } else if (type == "null") {
      out_.Key("value").Null();
    }
    out_.Field("text", d.text);
  }

  void Constructor(const JsDescription& d) {
    out_.Key("constructor");
    if (d.constructor_name) {
      out_.String(*d.constructor_name);
    } else if (!d.internal_constructor_name.empty()) {
      out_.String(d.internal_constructor_name);
    } else {
      out_.Null();  // a null-prototype object
    }
    if (!d.to_string_tag.empty()) out_.Field("to_string_tag", d.to_string_tag);
  }

  // util.inspect's text of this value at the depth left (`[Point]` past it).
  void Text(uint64_t raw, int level) {
    if (text_bytes_ > kTextBudget) return;
    InspectOptions o = options_;
    o.depth = options_.depth - level;
    try {
      std::string text = Inspect(model_, raw, o);
      text_bytes_ += text.size();
      out_.Field("text", text);
    } catch (const Error& e) {
      out_.Field("text_error", e.what());
    }
  }

  void Body(const JsDescription& d, int level) {
    switch (d.kind) {
      case JsKind::kArray:
      case JsKind::kArguments:
      case JsKind::kTypedArray:
        Elements(d, level);
        break;
      case JsKind::kMap:
      case JsKind::kSet:
      case JsKind::kMapIterator:
      case JsKind::kSetIterator:
        Entries(d, level);
        break;
      case JsKind::kFunction:
        out_.Field("name", d.function.name).Field("class", d.function.is_class).Field("function_type", d.function.type);
        if (d.function.extends && !d.function.extends->empty()) out_.Field("extends", *d.function.extends);
        break;
      case JsKind::kError:
        out_.Field("name", d.error_name).Field("message", d.error_message).Field("stack", d.text);
        if (d.error_cause) Child("cause", *d.error_cause, level);
        if (d.error_errors) Child("errors", *d.error_errors, level);
        break;
      case JsKind::kDate:
      case JsKind::kRegExp:
        out_.Field("value", d.text);
        break;
      case JsKind::kBoxed:
        out_.Field("boxed", d.typed_name).Field("value_text", d.text);
        break;
      case JsKind::kPromise:
        out_.Field("state", PromiseState(d.promise_state));
        if (d.promise_state != JsPromiseState::kPending) Child("result", d.promise_result, level);
        break;
      case JsKind::kArrayBuffer:
        Bytes(d);
        break;
      case JsKind::kDataView:
        out_.Field("byte_length", d.byte_length).Field("byte_offset", d.byte_offset);
        if (d.buffer) Child("buffer", *d.buffer, level);
        break;
      case JsKind::kProxy:
        if (d.proxy_target) {
          Child("target", *d.proxy_target, level);
        } else {
          out_.Key("target").Null().Field("revoked", true);
        }
        return;  // a proxy's other fields are unused
      default:
        break;
    }
    Properties(d, level);
  }

  void Child(std::string_view key, const JsSlot& slot, int level) {
    out_.Key(key);
    Slot(slot, level);
  }

  void Elements(const JsDescription& d, int level) {
    if (d.kind == JsKind::kTypedArray) out_.Field("element_type", d.typed_name);
    out_.Field("length", d.length).Key("elements").BeginArray();
    size_t shown = 0;
    for (const auto& [index, slot] : d.elements) {
      if (shown == options_.max_array_length) break;
      ++shown;
      out_.BeginObject().Field("index", index).Key("value");
      Slot(slot, level);
      out_.EndObject();
    }
    out_.EndArray();
    const bool cut = d.elements.size() > shown || (d.kind == JsKind::kTypedArray && d.length > shown);
    if (cut) out_.Field("elements_truncated", true);
  }

  void Entries(const JsDescription& d, int level) {
    const bool pairs = d.kind == JsKind::kMap || d.iterator_entries;
    if (d.kind == JsKind::kMap || d.kind == JsKind::kSet) out_.Field("size", d.length);
    out_.Key("entries").BeginArray();
    size_t shown = 0;
    for (const auto& [first, second] : d.entries) {
      if (shown == options_.max_array_length) break;
      ++shown;
      out_.BeginObject();
      if (pairs) Child("key", first, level);
      Child("value", pairs ? second : first, level);
      out_.EndObject();
    }
    out_.EndArray();
    const bool sized = d.kind == JsKind::kMap || d.kind == JsKind::kSet;
    if (d.entries.size() > shown || (sized && d.length > shown)) out_.Field("entries_truncated", true);
  }

  void Bytes(const JsDescription& d) {
    out_.Field("byte_length", d.byte_length).Field("detached", d.detached).Key("bytes").BeginArray();
    size_t shown = 0;
    for (uint8_t b : d.bytes) {
      if (shown++ == options_.max_array_length) break;
      out_.Number(b);
    }
    out_.EndArray();
    if (d.byte_length > d.bytes.size() || d.bytes.size() > options_.max_array_length) {
      out_.Field("bytes_truncated", true);
    }
  }

  void Properties(const JsDescription& d, int level) {
    out_.Key("properties").BeginArray();
    for (const JsProperty& p : d.properties) {
      out_.BeginObject().Field("key", p.key.text);
      if (p.key.kind == JsKey::Kind::kSymbol) out_.Field("symbol", true);
      if (p.uninitialized) {
        out_.Field("uninitialized", true);
      } else if (p.accessor) {
        out_.Field("accessor", true).Field("getter", p.has_getter).Field("setter", p.has_setter);
      } else {
        Child("value", p.value, level);
      }
      out_.EndObject();
    }
    out_.EndArray();
    if (d.properties_truncated) out_.Field("properties_truncated", true);
  }

  JsModel& model_;
  const InspectOptions& options_;
  JsonWriter& out_;
  std::set<uint64_t> ancestors_;  // identities of the objects being written
  size_t nodes_ = 0;
  size_t text_bytes_ = 0;
};

}  // namespace

const char* JsJsonType(const JsDescription& d) {
  return d.kind == JsKind::kPrimitive ? PrimitiveType(d) : KindName(d.kind);
}

void WriteJsJson(JsModel& model, uint64_t raw, const InspectOptions& options, JsonWriter& out) {
  Builder(model, options, out).Top(raw);
}

std::string JsJson(JsModel& model, uint64_t raw, const InspectOptions& options, int indent) {
  JsonWriter out(indent);
  WriteJsJson(model, raw, options, out);
  return out.Take();
}

}  // namespace nodegdb
