// util.inspect's layout rules, apart from the heap: given descriptions of JS
// values (what kind, which keys, which entries), produce exactly the text of
// util.inspect(value, { breakLength: Infinity }) for the Node version at hand.
//
// The decoders (js_object.cc and friends) implement JsModel; this file knows
// nothing of maps or descriptors. That split keeps the formatting rules in one
// place and lets tests drive them with hand-made descriptions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nodegdb {

// One value slot: a tagged word to be described by the model, or a number
// stored unboxed (double elements, double fields, typed-array elements)
// already formatted as util.inspect formats numbers ("1", "-0", "NaN", "5n").
struct JsSlot {
  uint64_t raw = 0;
  std::optional<std::string> number_text;

  static JsSlot Tagged(uint64_t raw) { return JsSlot{raw, std::nullopt}; }
  static JsSlot Number(std::string text) { return JsSlot{0, std::move(text)}; }
};

struct JsKey {
  enum class Kind { kString, kSymbol };
  Kind kind = Kind::kString;
  // For a string key its UTF-8 text, unquoted ("with space", "-1").
  // For a symbol key the symbol as util.inspect prints it: "Symbol(x)".
  std::string text;
};

struct JsProperty {
  JsKey key;
  JsSlot value;  // unused for accessors
  bool accessor = false;
  bool has_getter = false, has_setter = false;
  // kModuleNamespace only: the binding is still in its temporal dead zone
  // (an export not yet initialized); printed as "<uninitialized>".
  bool uninitialized = false;
};

enum class JsKind {
  kPrimitive,    // `text` is util.inspect's text of the primitive
  kOpaque,       // a V8 internal, not a JS value: `text` is printed as is
  kObject,       // plain objects, class instances, anything without a special form
  kArray,
  kFunction,     // functions and classes (see `function`)
  kMap,
  kSet,
  kWeakMap,      // printed as "WeakMap { <items unknown> }"
  kWeakSet,
  kTypedArray,   // `typed_array_name` plus elements as unboxed numbers
  kArrayBuffer,  // and SharedArrayBuffer (`builtin_name` says which)
  kDataView,
  kDate,
  kRegExp,
  kError,
  kBoxed,        // Number, String, Boolean, Symbol, BigInt wrappers
  kPromise,
  kArguments,    // the arguments object: "[Arguments] [ 1, 2 ]"
  kMapIterator,  // "[Map Iterator] { ... }" / "[Map Entries] { ... }"
  kSetIterator,
  kModuleNamespace,
  kGlobalProxy,  // globalThis: util.inspect's "<ref *1> Object [global] {...}" is long; model decides
  kProxy,        // a JSProxy: `proxy_target` is its target (util.inspect never runs traps)
};

struct JsFunctionInfo {
  std::string name;       // "" for anonymous
  bool is_class = false;
  // "Function", "AsyncFunction", "GeneratorFunction", "AsyncGeneratorFunction"
  std::string type = "Function";
  // For a class with `extends`: the base class's name ("" if none or unnamed base).
  std::optional<std::string> extends;
  // The source text of a class, when available (util.inspect reads it to
  // find `extends`); not needed when `extends` is set by the model.
};

enum class JsPromiseState { kPending, kFulfilled, kRejected };

struct JsDescription {
  JsKind kind = JsKind::kOpaque;
  // Heap address of the object: the identity used for cycles and <ref *N>.
  // 0 for primitives.
  uint64_t identity = 0;

  // kPrimitive / kOpaque: the text. kBoxed: the inner primitive's text
  // ("3", "'abc'", "Symbol(a)"). kDate: ISO text or "Invalid Date".
  // kRegExp: "/ab+c/gi". kError: the `stack` string if it is a string, else
  // what the model could reconstruct ("Error: boom").
  std::string text;
  bool is_number = false;  // kPrimitive numbers and bigints (util.inspect right-aligns them)
  bool is_string = false;  // kPrimitive strings

  // What util.inspect's getConstructorName finds: the name of the first
  // own `constructor` property on the prototype chain. nullopt means the
  // chain ended without one (null prototype).
  std::optional<std::string> constructor_name;
  // V8's internal class name ("Object", "Array", "Map", "Error", ...): used
  // for "[Object: null prototype]" and "Foo [Map]"-style fallbacks.
  std::string builtin_name = "Object";
  // Value of a data property Symbol.toStringTag on the chain ("" if none).
  std::string to_string_tag;

  // Own enumerable properties in V8's order: integer-like keys ascending
  // (for non-array kinds only; arrays carry them in `elements`), then string
  // keys in insertion order, then symbol keys in insertion order.
  std::vector<JsProperty> properties;
  // True if `properties` was cut short (a corrupt or huge object).
  bool properties_truncated = false;

  // kArray, kArguments, kTypedArray: `length` and present elements with their
  // indices, ascending (holes are the missing indices). The model may stop
  // listing after enough entries for the formatter's limit; `length` is the
  // real length. kBoxed String: length of the string.
  uint64_t length = 0;
  std::vector<std::pair<uint64_t, JsSlot>> elements;

  // kMap / kSet / iterators: entries in insertion order (for a Set, `second`
  // is unused). `length` is the collection's size.
  // For iterators: the entries the iterator has still to yield. For an
  // entries() iterator (`iterator_entries`) each pair is [key, value] (a
  // Set's entries() gives [v, v]); for keys()/values() `first` is the item
  // yielded and `second` is unused.
  std::vector<std::pair<JsSlot, JsSlot>> entries;
  bool iterator_entries = false;  // printed as "[Map Entries] { [ k, v ] }"

  // kFunction
  JsFunctionInfo function;

  // kPromise
  JsPromiseState promise_state = JsPromiseState::kPending;
  JsSlot promise_result;

  // kTypedArray: "Uint8Array", ...; kBoxed: "Number", "String", ...
  std::string typed_name;

  // kArrayBuffer: up to the formatter's limit of bytes, and the byte length.
  // kDataView / kTypedArray views also expose their buffer via `buffer`.
  std::vector<uint8_t> bytes;
  uint64_t byte_length = 0;
  bool detached = false;
  std::optional<JsSlot> buffer;
  uint64_t byte_offset = 0;

  // kError: own non-enumerable `cause` if present, and whether `message`/`name` are own.
  // (An own *enumerable* `cause` is an ordinary entry of `properties`.)
  std::optional<JsSlot> error_cause;
  std::string error_name;     // value of `name` on the chain ("Error", "TypeError"); "Error" if null/undefined
  std::string error_message;  // value of `message` on the chain, unquoted ("" if none or not a string)
  // kError: own `errors` property when it holds an array (AggregateError's
  // non-enumerable `errors`); printed as "[errors]: [ ... ]".
  std::optional<JsSlot> error_errors;

  // kProxy: the proxy's target (which may itself be a proxy); nullopt if the
  // proxy was revoked. The other fields of a proxy's description are unused.
  std::optional<JsSlot> proxy_target;
};

// Where descriptions come from: the heap decoders, or a test's fake.
class JsModel {
 public:
  virtual ~JsModel() = default;
  // Describes the value in `raw` (a tagged word). Throws nodegdb::Error if
  // the memory cannot be read or does not hold a V8 value; the formatter
  // prints such a slot as "<error: message>" and goes on.
  virtual JsDescription Describe(uint64_t raw) = 0;
};

struct InspectOptions {
  int depth = 2;                  // util.inspect's depth
  size_t max_array_length = 100;  // maxArrayLength
  size_t max_string_length = 10000;
  int node_major = 20;            // the rules changed a little between versions
};

// util.inspect(value, { breakLength: Infinity, depth, maxArrayLength, ... }).
std::string Inspect(JsModel& model, uint64_t raw, const InspectOptions& options);

// util.inspect's text of a string primitive, for models to fill in
// JsDescription::text: cut to `max_string_length` UTF-16 units (with the
// "... N more characters" trailer), escaped, and quoted with ', " or ` as
// util.inspect picks. `utf8` may hold WTF-8 lone surrogates (ED A0..BF xx),
// which are escaped as "\ud83d" like util.inspect does for lone surrogates.
std::string InspectString(const std::string& utf8, size_t max_string_length = 10000);

}  // namespace nodegdb
