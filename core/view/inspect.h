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

#include "core/v8/js_slot.h"  // JsSlot

namespace nodegdb {

struct JsKey {
  enum class Kind { kString, kSymbol };
  Kind kind = Kind::kString;
  // For a string key its UTF-8 text, unquoted ("with space", "-1").
  // For a symbol key the symbol as util.inspect prints it: "Symbol(x)"
  // (unescaped; the formatter escapes quotes and control characters).
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
  kTypedArray,   // `typed_name` plus elements as unboxed numbers
  kArrayBuffer,  // and SharedArrayBuffer (`builtin_name` says which)
  kDataView,
  kDate,
  kRegExp,
  kError,
  kBoxed,        // Number, String, Boolean, Symbol, BigInt wrappers
  kPromise,
  kArguments,    // the arguments object: "[Arguments] { '0': 1, '1': 2 }"
  kMapIterator,  // "[Map Iterator] { ... }" / "[Map Entries] { ... }"
  kSetIterator,
  kModuleNamespace,
  kGlobalProxy,  // globalThis: util.inspect's "<ref *1> Object [global] {...}" is long; model decides
                 // (formatted like kObject)
  kProxy,        // a JSProxy: `proxy_target` is its target (util.inspect never runs traps)
};

struct JsFunctionInfo {
  // The function's `name` as read through the chain (for a class: its own
  // `name` only); "" for anonymous. Printed "[Function: f]" / "[class A]".
  std::string name;
  // util.inspect calls a function a class when its source text starts with
  // "class" (and ends with "}"); the model decides from the SharedFunctionInfo.
  bool is_class = false;
  // "Function", "AsyncFunction", "GeneratorFunction", "AsyncGeneratorFunction"
  std::string type = "Function";
  // For a class: the `name` of its prototype (the base class of `extends`);
  // nullopt or "" when there is none or it is unnamed.
  std::optional<std::string> extends;
};

enum class JsPromiseState { kPending, kFulfilled, kRejected };

struct JsDescription {
  JsKind kind = JsKind::kOpaque;
  // Heap address of the object: the identity used for cycles and <ref *N>.
  // 0 for primitives.
  uint64_t identity = 0;

  // kPrimitive / kOpaque: the text, printed as is ("1", "-0", "5n",
  // "undefined", "Symbol(a)"; strings quoted by InspectString()).
  // kBoxed: the inner primitive's text the same way ("3", "'abc'",
  // "Symbol(a)"). kDate: toISOString() or "Invalid Date".
  // kRegExp: RegExp.prototype.toString ("/ab+c/gi"). kError: the `stack`
  // property if it is a non-empty string, else Error.prototype.toString's
  // text ("Error: boom", "Error" without message, the message without name).
  std::string text;
  bool is_number = false;  // kPrimitive numbers and bigints (util.inspect right-aligns them)
  bool is_string = false;  // kPrimitive strings
  // kPrimitive strings, for JSON answers (js_json.h): the string itself as
  // UTF-8 (lone surrogates as U+FFFD), cut to max_string_length UTF-16
  // units, and its whole length in UTF-16 units.
  std::string string_value;
  uint64_t string_length = 0;

  // What util.inspect's getConstructorName finds: starting at the object,
  // the first own `constructor` data property on the chain holding a
  // function with a non-empty name that the object is an instance of.
  // nullopt if the chain has none. Map and Set iterators normally get "Object".
  std::optional<std::string> constructor_name;
  // When there is no such constructor but the chain does not end at the
  // object (its prototype is not null), util.inspect names the object
  // "<internal> <<prototype's name>>": `internal_constructor_name` is V8's
  // JSReceiver::GetConstructorName of the object ("Hdr" for `new Hdr()`),
  // `constructorless_prototype` the prototype (tagged), which the formatter
  // names in turn ("Hdr <[Object: null prototype] {}>").
  std::string internal_constructor_name;
  std::optional<uint64_t> constructorless_prototype;
  // V8's JSReceiver::GetConstructorName ("Object", "Array", "Map", "Error",
  // ...; a Symbol.toStringTag data property when the object has one):
  // used to name null-prototype objects ("[Foo: null prototype] {}").
  // kArrayBuffer: "ArrayBuffer" or "SharedArrayBuffer".
  std::string builtin_name = "Object";
  // The string value[Symbol.toStringTag] reads: a string data property on
  // the chain ("Map", "Promise", "Module", a user's tag), or for typed
  // arrays the element type ("Uint8Array"), which comes from a getter; ""
  // if none (user getters cannot run in a dump). The formatter ignores it
  // when `properties` lists Symbol(Symbol.toStringTag) (an own enumerable tag).
  std::string to_string_tag;

  // Own enumerable properties in V8's order: integer-like keys ascending
  // (for non-array kinds only; arrays, typed arrays and arguments carry them
  // in `elements`), then string keys in insertion order, then symbol keys in
  // insertion order. kBoxed String: without the string's own character
  // indices. kModuleNamespace: every export, in the namespace's (sorted)
  // order, with `uninitialized` set on bindings still in their TDZ.
  std::vector<JsProperty> properties;
  // True if `properties` was cut short (a corrupt or huge object). The
  // formatter prints what is listed; util.inspect has no mark for this.
  bool properties_truncated = false;

  // kArray, kArguments, kTypedArray: `length` and present elements with their
  // indices, ascending (holes are the missing indices). `length` is the real
  // length. The model may stop listing once it has listed more than
  // max_array_length elements and passed index max_array_length +
  // properties.size() (util.inspect looks that far to decide whether all
  // entries are numbers, which right-aligns them). Typed arrays list
  // indices 0..min(length, max_array_length)-1 as JsSlot::Number.
  // kArguments: the index properties (printed as keys '0', '1', ...).
  // kBoxed String: length of the string.
  uint64_t length = 0;
  std::vector<std::pair<uint64_t, JsSlot>> elements;

  // kMap / kSet / iterators: entries in insertion order (for a Set, `second`
  // is unused). `length` is the collection's size. The model may list only
  // the first max_array_length entries, except for a null-prototype Map or
  // Set, which util.inspect prints whole (it iterates without a size).
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

  // kArrayBuffer: the first min(byte_length, max_array_length) bytes, the
  // byte length, and whether it is detached.
  // kDataView: byte_length, byte_offset and the ArrayBuffer in `buffer`.
  // (kTypedArray may set `buffer`; it is not printed without showHidden.)
  std::vector<uint8_t> bytes;
  uint64_t byte_length = 0;
  bool detached = false;
  std::optional<JsSlot> buffer;
  uint64_t byte_offset = 0;

  // kError: own non-enumerable `cause` if present (printed "[cause]: ...").
  // An own *enumerable* `cause` is an ordinary entry of `properties`. Own
  // enumerable `name`, `message`, `stack` stay in `properties`; the
  // formatter hides those the stack already shows.
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
  int depth = 2;                  // util.inspect's depth (INT_MAX for Infinity)
  size_t max_array_length = 100;  // maxArrayLength
  // maxStringLength: applied by the model when it quotes strings with
  // InspectString(); the formatter itself never sees raw strings.
  size_t max_string_length = 10000;
  // The rules changed a little between versions: 20, 22, 24 and 26 are
  // checked; others get the rules of the nearest lower one of these.
  int node_major = 20;
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
