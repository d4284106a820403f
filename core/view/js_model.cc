#include "core/view/js_model.h"

#include <cmath>
#include <cstring>
#include <unordered_map>

#include "core/v8/bigint.h"
#include "core/v8/context.h"
#include "core/v8/heap_number.h"
#include "core/v8/js_function.h"
#include "core/v8/scope_info.h"
#include "core/v8/shared_function_info.h"
#include "core/v8/js_object.h"
#include "core/v8/oddball.h"
#include "core/v8/property.h"
#include "core/v8/string.h"
#include "core/v8/symbol.h"
#include "core/view/call_site_info.h"
#include "core/view/v8_view.h"

namespace nodegdb {

namespace {

constexpr size_t kMaxProperties = 10000;  // per object, for corrupt or huge objects
constexpr int kMaxPrototypeChain = 100;

// Offsets of JS classes that carry no postmortem constant: they sit right
// after JSObject's header (map, properties, elements) in every V8 we support.
struct JSClassLayout {
  int64_t header = 24;
  int64_t primitive_wrapper_value = 24;
  int64_t collection_table = 24;
  int64_t promise_reactions_or_result = 24, promise_flags = 32;
  int64_t date_value = 24;
  int64_t regexp_data = 24, regexp_source = 32, regexp_flags = 40;
  int64_t function_shared = 24, function_prototype_or_initial_map = 56;
  int64_t sfi_name_or_scope_info = 16;
  int64_t bound_target = 24;
  int64_t proxy_target = 16;  // after map and properties-or-hash
  int64_t array_buffer_backing_store = 48, array_buffer_byte_length = 32;
  int64_t view_buffer = 24, view_byte_offset = 32, view_byte_length = 40;
  int64_t typed_array_length = -1, typed_array_external_pointer = 64, typed_array_base_pointer = 72;
  int first_function_type = -1, last_function_type = -1;
  int first_receiver_type = -1;

  static JSClassLayout From(const Metadata& md) {
    JSClassLayout l;
    l.header = md.FindField("JSObject", {"internal_fields"}).value_or(24);
    l.primitive_wrapper_value = l.header;
    l.collection_table = l.header;
    l.promise_reactions_or_result = l.header;
    l.promise_flags = l.header + 8;
    l.date_value = md.FindField("JSDate", {"value"}).value_or(l.header);
    l.regexp_source = md.FindField("JSRegExp", {"source"}).value_or(l.header + 8);
    l.regexp_flags = l.regexp_source + 8;
    l.function_shared = md.FindField("JSFunction", {"shared"}).value_or(md.FindField("JSFunction", {"context"}).value_or(32) - 8);
    l.function_prototype_or_initial_map = md.FindField("JSFunction", {"prototype_or_initial_map"}).value_or(56);
    l.sfi_name_or_scope_info = md.FindField("SharedFunctionInfo", {"name_or_scope_info"}).value_or(16);
    l.array_buffer_backing_store = md.FindField("JSArrayBuffer", {"backing_store"}).value_or(48);
    l.array_buffer_byte_length = md.FindField("JSArrayBuffer", {"byte_length"}).value_or(32);
    l.view_byte_offset = md.FindField("JSArrayBufferView", {"byte_offset"}).value_or(32);
    l.view_byte_length = md.FindField("JSArrayBufferView", {"byte_length"}).value_or(40);
    l.view_buffer = l.header;
    l.typed_array_length = md.FindField("JSTypedArray", {"length"}).value_or(-1);
    l.typed_array_external_pointer = md.FindField("JSTypedArray", {"external_pointer"}).value_or(64);
    l.typed_array_base_pointer = md.FindField("JSTypedArray", {"base_pointer"}).value_or(72);
    auto first = md.Find("v8dbg_FirstJSFunctionType");
    auto last = md.Find("v8dbg_LastJSFunctionType");
    if (first && last) {
      l.first_function_type = static_cast<int>(*first);
      l.last_function_type = static_cast<int>(*last);
    } else if (auto fn = md.FindType("JS_FUNCTION_TYPE")) {
      // V8 11: JS_FUNCTION_TYPE opens the range of function types (class,
      // promise, array, typed-array constructors ...) that have no constants.
      l.first_function_type = *fn;
      l.last_function_type = *fn + 15;
    }
    l.first_receiver_type = md.FindType("JS_PROXY_TYPE").value_or(0x400);
    return l;
  }
};

std::string ClassOf(Heap& heap, int type) { return heap.metadata().TypeClass(type); }

}  // namespace

bool HeapJsModel::IsFunctionType(int type) const {
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  return type >= l.first_function_type && type <= l.last_function_type;
}

JsDescription HeapJsModel::Describe(uint64_t raw) {
  Tagged t = heap_.Decode(raw);
  JsDescription d;
  switch (t.kind) {
    case Tagged::Kind::kSmi:
      d.kind = JsKind::kPrimitive;
      d.text = std::to_string(t.smi);
      d.is_number = true;
      return d;
    case Tagged::Kind::kCleared:
      d.kind = JsKind::kOpaque;
      d.text = "<cleared weak reference>";
      return d;
    case Tagged::Kind::kInvalid:
      throw Error(NotTaggedMessage(raw));
    case Tagged::Kind::kWeak:
    case Tagged::Kind::kStrong:
      break;
  }
  return DescribeHeapObject(t.address);
}

std::string HeapJsModel::PrimitiveText(uint64_t address, JsDescription& d) {
  int type = heap_.InstanceTypeOf(address);
  switch (heap_.KindOf(type)) {
    case ObjectKind::kString: {
      d.is_string = true;
      StringContents contents = ReadString(heap_, address, options_.max_string_length);
      d.string_value = Utf16ToUtf8(contents.units);
      d.string_length = static_cast<uint64_t>(contents.length);
      return QuoteJsString(contents);
    }
    case ObjectKind::kHeapNumber:
      d.is_number = true;
      return InspectJsNumber(ReadHeapNumber(heap_, address));
    case ObjectKind::kOddball:
    case ObjectKind::kHole:
      return InspectOddball(ReadOddball(heap_, address));
    case ObjectKind::kSymbol:
      return InspectSymbol(ReadSymbol(heap_, address));
    default:
      return "";
  }
}

JsDescription HeapJsModel::DescribeHeapObject(uint64_t address) {
  JsDescription d;
  int type = heap_.InstanceTypeOf(address);
  if (type == BigIntType(heap_)) {
    d.kind = JsKind::kPrimitive;
    d.text = ReadBigIntDecimal(heap_, address) + "n";
    d.is_number = true;  // util.inspect aligns bigints like numbers
    return d;
  }
  ObjectKind kind = heap_.KindOf(type);
  if (kind != ObjectKind::kOther && kind != ObjectKind::kMap) {
    d.kind = JsKind::kPrimitive;
    d.text = PrimitiveText(address, d);
    return d;
  }
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  const uint64_t tagged = address + heap_.layout().tagging.heap_object_tag;
  if (IsContextType(heap_, type)) {
    DescribeContext(address, d);
    return d;
  }
  if (kind == ObjectKind::kMap || type < l.first_receiver_type) {
    // A V8 internal (Map, FixedArray, SharedFunctionInfo, ...), not a JS value.
    d.kind = JsKind::kOpaque;
    d.text = V8View(heap_).Brief(tagged);
    return d;
  }
  std::string cls = ClassOf(heap_, type);
  if (cls == "JSProxy") {
    // util.inspect never runs traps: it shows the target (null once revoked).
    d.kind = JsKind::kProxy;
    d.identity = address;
    Tagged target = heap_.ReadTagged(address + static_cast<uint64_t>(l.proxy_target));
    if (target.kind == Tagged::Kind::kStrong && heap_.KindOf(heap_.InstanceTypeOf(target.address)) == ObjectKind::kOther) {
      d.proxy_target = JsSlot::Tagged(target.raw);
    }
    return d;
  }
  d.identity = address;
  MapInfo map = ReadMap(heap_, heap_.MapOf(address));
  DescribeReceiver(address, map, d);
  return d;
}

// What DescribeReceiver does for one receiver class: the JsKind, V8's
// constructor name for it, the describer that reads the class's own state,
// and which property lists follow. One table (V8's tools/debug_helper style:
// the list of kinds is the dispatch), looked up by the V8 class name.
struct HeapJsModel::ReceiverKind {
  // Which own properties DescribeReceiver adds after the describer.
  enum class Keys {
    kIndexedAndNamed,  // elements listed as index keys, then named properties
    kNamed,            // the describer listed the elements itself
    kByDescriber,      // the describer adds whatever it shows
  };
  JsKind kind;
  const char* builtin_name;  // "Object" where the describer sets it
  Describer describe;        // nullptr: nothing beyond the properties
  Keys keys = Keys::kIndexedAndNamed;
  // Told by class before the range of function instance types (the others
  // after it), the order util.inspect's model always had.
  bool before_function_types = false;
};

const HeapJsModel::ReceiverKind& HeapJsModel::KindOfReceiver(int type) {
  using K = ReceiverKind::Keys;
  static const std::unordered_map<std::string_view, ReceiverKind> kKinds = {
      {"JSArray", {JsKind::kArray, "Array", &HeapJsModel::DescribeArray, K::kNamed, true}},
      {"JSArgumentsObject", {JsKind::kArguments, "Arguments", &HeapJsModel::DescribeArguments, K::kNamed, true}},
      {"JSBoundFunction", {JsKind::kFunction, "Function", &HeapJsModel::DescribeBoundFunction, K::kIndexedAndNamed, true}},
      {"JSMap", {JsKind::kMap, "Map", &HeapJsModel::DescribeCollection}},
      {"JSSet", {JsKind::kSet, "Set", &HeapJsModel::DescribeCollection}},
      {"JSWeakMap", {JsKind::kWeakMap, "WeakMap", nullptr}},
      {"JSWeakSet", {JsKind::kWeakSet, "WeakSet", nullptr}},
      {"JSDate", {JsKind::kDate, "Date", &HeapJsModel::DescribeDate}},
      {"JSRegExp", {JsKind::kRegExp, "RegExp", &HeapJsModel::DescribeRegExp}},
      {"JSPrimitiveWrapper", {JsKind::kBoxed, "Object", &HeapJsModel::DescribeBoxed}},
      {"JSPromise", {JsKind::kPromise, "Promise", &HeapJsModel::DescribePromise}},
      {"JSTypedArray", {JsKind::kTypedArray, "Object", &HeapJsModel::DescribeTypedArrayReceiver, K::kByDescriber}},
      {"JSDataView", {JsKind::kDataView, "DataView", &HeapJsModel::DescribeDataView}},
      {"JSRabGsabDataView", {JsKind::kDataView, "DataView", &HeapJsModel::DescribeDataView}},
      {"JSArrayBuffer", {JsKind::kArrayBuffer, "ArrayBuffer", &HeapJsModel::DescribeArrayBuffer}},
      {"JSError", {JsKind::kError, "Error", &HeapJsModel::DescribeError}},
      {"JSModuleNamespace", {JsKind::kModuleNamespace, "Module", nullptr}},
      {"JSGlobalProxy", {JsKind::kGlobalProxy, "Object", nullptr}},
  };
  static const ReceiverKind kFunction{JsKind::kFunction, "Function", &HeapJsModel::DescribeFunction};
  static const ReceiverKind kObject{JsKind::kObject, "Object", nullptr};
  auto it = kKinds.find(ClassOf(heap_, type));
  const ReceiverKind* kind = it == kKinds.end() ? nullptr : &it->second;
  if (IsFunctionType(type) && !(kind && kind->before_function_types)) return kFunction;
  return kind ? *kind : kObject;
}

void HeapJsModel::DescribeReceiver(uint64_t address, const MapInfo& map, JsDescription& d) {
  const ReceiverKind& kind = KindOfReceiver(map.instance_type);
  bool null_prototype = false;
  d.constructor_name = ConstructorName(address, map, &null_prototype);
  d.kind = kind.kind;
  d.builtin_name = kind.builtin_name;
  bool tag_getter = false;
  try {
    d.to_string_tag = ToStringTag(address, map, &tag_getter);
  } catch (const Error&) {
    // A damaged prototype: util.inspect would have thrown on it too; no tag.
  }
  if (kind.describe) (this->*kind.describe)(Receiver{address, map, tag_getter}, d);
  if (kind.keys == ReceiverKind::Keys::kIndexedAndNamed) AddIndexedAsProperties(address, map, d);
  if (kind.keys != ReceiverKind::Keys::kByDescriber) AddNamedProperties(address, map, d);
  if (!d.constructor_name && !null_prototype && map.prototype.kind == Tagged::Kind::kStrong) {
    // After the describer, which may refine builtin_name (typed arrays, SharedArrayBuffer).
    d.internal_constructor_name = InternalConstructorName(address, map, d.builtin_name);
    d.constructorless_prototype = map.prototype.raw;
  }
}

void HeapJsModel::DescribeArray(const Receiver& r, JsDescription& d) {
  d.length = ReadJsArrayLength(heap_, r.address);
  d.elements = ReadElements(heap_, r.address, r.map, d.length, options_.max_array_length + 1).items;
}

void HeapJsModel::DescribeArguments(const Receiver& r, JsDescription& d) {
  std::optional<OwnProperty> length = FindOwnProperty(heap_, r.address, r.map, u"length");
  d.length = length && length->value.is_smi() && length->value.smi >= 0 ? static_cast<uint64_t>(length->value.smi) : 0;
  d.elements = ReadElements(heap_, r.address, r.map, d.length, options_.max_array_length + 1).items;
}

void HeapJsModel::DescribeDate(const Receiver& r, JsDescription& d) {
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  double ms = NAN;
  Tagged value = heap_.ReadTagged(r.address + static_cast<uint64_t>(l.date_value));
  if (heap_.rules().date_value_is_raw_double()) {
    uint64_t bits = value.raw;
    std::memcpy(&ms, &bits, 8);
  } else if (value.is_smi()) {
    ms = static_cast<double>(value.smi);
  } else if (value.kind == Tagged::Kind::kStrong && heap_.KindOf(heap_.InstanceTypeOf(value.address)) == ObjectKind::kHeapNumber) {
    ms = ReadHeapNumber(heap_, value.address);
  }
  d.text = IsoDateText(ms);
}

void HeapJsModel::DescribeRegExp(const Receiver& r, JsDescription& d) {
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  Tagged source = heap_.ReadTagged(r.address + static_cast<uint64_t>(l.regexp_source));
  Tagged flags = heap_.ReadTagged(r.address + static_cast<uint64_t>(l.regexp_flags));
  std::string text = "(?:)";
  if (source.kind == Tagged::Kind::kStrong && heap_.IsString(heap_.InstanceTypeOf(source.address))) {
    text = Utf16ToUtf8(ReadString(heap_, source.address, options_.max_string_length).units);
  }
  d.text = "/" + text + "/" + (flags.is_smi() ? RegExpFlagsText(flags.smi) : "");
}

void HeapJsModel::DescribeBoxed(const Receiver& r, JsDescription& d) {
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  Tagged value = heap_.ReadTagged(r.address + static_cast<uint64_t>(l.primitive_wrapper_value));
  // A wrapper holds a primitive; an object there (the wrapper itself, in
  // a damaged heap) would be described again and again.
  if (value.kind == Tagged::Kind::kStrong) {
    int inner_type = heap_.InstanceTypeOf(value.address);
    if (heap_.KindOf(inner_type) == ObjectKind::kOther && inner_type != BigIntType(heap_)) {
      throw CorruptObject("boxed primitive " + heap_.Shown(r.address) + " holds " + heap_.TypeName(inner_type) + " " +
                          Hex(value.raw) + ", not a primitive");
    }
  }
  JsDescription inner = Describe(value.raw);
  d.text = inner.text;
  const bool bigint = value.kind == Tagged::Kind::kStrong && heap_.InstanceTypeOf(value.address) == BigIntType(heap_);
  if (bigint) {
    d.typed_name = "BigInt";
  } else if (value.is_smi() || inner.is_number) {
    d.typed_name = "Number";
  } else if (inner.is_string) {
    d.typed_name = "String";
    d.length = static_cast<uint64_t>(ReadStringShape(heap_, value.address).length);
  } else if (inner.text == "true" || inner.text == "false") {
    d.typed_name = "Boolean";
  } else {
    d.typed_name = "Symbol";
  }
  d.builtin_name = d.typed_name;
}

void HeapJsModel::DescribePromise(const Receiver& r, JsDescription& d) {
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  Tagged flags = heap_.ReadTagged(r.address + static_cast<uint64_t>(l.promise_flags));
  int status = flags.is_smi() ? static_cast<int>(flags.smi & 3) : 0;
  d.promise_state = status == 1 ? JsPromiseState::kFulfilled : status == 2 ? JsPromiseState::kRejected : JsPromiseState::kPending;
  d.promise_result = JsSlot::Tagged(heap_.ReadWord(r.address + static_cast<uint64_t>(l.promise_reactions_or_result)));
}

void HeapJsModel::DescribeTypedArrayReceiver(const Receiver& r, JsDescription& d) {
  DescribeTypedArray(r.address, r.map, d);
  // %TypedArray%.prototype's tag getter returns the element type.
  if (r.tag_getter) d.to_string_tag = d.typed_name;
  AddNamedProperties(r.address, r.map, d);
  if (d.constructor_name && *d.constructor_name == "Buffer" && d.typed_name == "Uint8Array") DescribeBuffer(r.address, d);
}

void HeapJsModel::AddIndexedAsProperties(uint64_t address, const MapInfo& map, JsDescription& d) {
  ElementList elements = ReadElements(heap_, address, map, UINT32_MAX, kMaxProperties);
  for (auto& [index, slot] : elements.items) {
    JsProperty p;
    p.key.text = std::to_string(index);
    p.value = slot;
    d.properties.push_back(std::move(p));
  }
  if (elements.truncated) d.properties_truncated = true;
}

void HeapJsModel::AddNamedProperties(uint64_t address, const MapInfo& map, JsDescription& d) {
  const PropertyLayout& pl = heap_.LayoutOf<PropertyLayout>();
  std::vector<OwnProperty> own = ReadOwnProperties(heap_, address, map, kMaxProperties);
  std::vector<JsProperty> symbols;
  for (const OwnProperty& p : own) {
    if (!p.details.enumerable(pl)) continue;
    KeyText key = ReadKey(heap_, p.key);
    if (key.is_private) continue;
    JsProperty out;
    out.key.kind = key.is_symbol ? JsKey::Kind::kSymbol : JsKey::Kind::kString;
    out.key.text = std::move(key.text);
    if (p.details.accessor) {
      out.accessor = true;
      // AccessorPair: getter and setter, null when absent. AccessorInfo
      // (native accessors) counts as both.
      if (p.value.kind == Tagged::Kind::kStrong && ClassOf(heap_, heap_.InstanceTypeOf(p.value.address)) == "AccessorPair") {
        auto present = [&](int64_t offset) {
          Tagged t = heap_.ReadTagged(p.value.address + static_cast<uint64_t>(offset));
          if (t.kind != Tagged::Kind::kStrong) return false;
          ObjectKind k = heap_.KindOf(heap_.InstanceTypeOf(t.address));
          return k != ObjectKind::kOddball && k != ObjectKind::kHole;
        };
        out.has_getter = present(heap_.metadata().FindField("AccessorPair", {"getter"}).value_or(8));
        out.has_setter = present(heap_.metadata().FindField("AccessorPair", {"setter"}).value_or(16));
      } else {
        out.has_getter = out.has_setter = true;
      }
    } else {
      out.value = JsSlot::Tagged(p.value.raw);
    }
    (out.key.kind == JsKey::Kind::kSymbol ? symbols : d.properties).push_back(std::move(out));
  }
  for (JsProperty& p : symbols) d.properties.push_back(std::move(p));
}

void HeapJsModel::DescribeContext(uint64_t address, JsDescription& d) {
  // Not a JS value: shown as its kind with the variables it holds, by name
  // ("FunctionContext { tally: 42, tag: 'x' }"); a native context with its
  // global proxy and Node's Environment*.
  ContextInfo context = ReadContext(heap_, address);
  d.kind = JsKind::kObject;
  d.identity = address;
  d.constructor_name = ContextClassName(context.kind);
  for (const ContextVariable& v : context.variables) {
    JsProperty p;
    p.key.text = v.name;
    if (v.uninitialized) {
      p.value = JsSlot::Number("<uninitialized>");
    } else {
      p.value = v.number_text ? JsSlot::Number(*v.number_text) : JsSlot::Tagged(v.value);
    }
    d.properties.push_back(std::move(p));
  }
  if (context.kind == ContextKind::kNative) {
    auto add = [&](const char* name, std::string text) {
      JsProperty p;
      p.key.text = name;
      p.value = JsSlot::Number(std::move(text));
      d.properties.push_back(std::move(p));
    };
    add("global_proxy", Hex(context.global_proxy) + " " + V8View(heap_).Brief(context.global_proxy));
    if (heap_.environment_index() >= 0) {
      add("environment", Hex(NodeEnvironment(heap_, context, heap_.environment_index())) + " (node::Environment*)");
    }
  }
}

std::optional<Tagged> HeapJsModel::LookupDataProperty(uint64_t address, const MapInfo& map, std::u16string_view name) {
  uint64_t object = address;
  MapInfo current = map;
  for (int i = 0; i < kMaxPrototypeChain; ++i) {
    std::optional<OwnProperty> p = FindOwnProperty(heap_, object, current, name);
    if (p) {
      if (p->details.accessor) return std::nullopt;
      return p->value;
    }
    Tagged proto = current.prototype;
    if (proto.kind != Tagged::Kind::kStrong || heap_.KindOf(heap_.InstanceTypeOf(proto.address)) != ObjectKind::kOther) break;
    object = proto.address;
    current = ReadMap(heap_, heap_.MapOf(object));
  }
  return std::nullopt;
}

std::string HeapJsModel::StringValue(const std::optional<Tagged>& value) {
  if (!value || value->kind != Tagged::Kind::kStrong || !heap_.IsString(heap_.InstanceTypeOf(value->address))) return "";
  return Utf16ToUtf8(ReadString(heap_, value->address, options_.max_string_length).units);
}

void HeapJsModel::DescribeError(const Receiver& r, JsDescription& d) {
  // The stack: an own `stack` data property, or what the private
  // error_stack_symbol holds: the formatted stack once something read
  // `err.stack`, before that the call sites V8 captured, which are written
  // here as V8 would format them (view/call_site_info.h). That symbol is the
  // error's first private key; V8 13+ adds a second one that holds the
  // message string itself, which is not a stack.
  bool first_private = true;
  uint64_t private_stack = 0, message = 0;
  std::string own_stack, private_text;
  for (const OwnProperty& p : ReadOwnProperties(heap_, r.address, r.map, kMaxProperties)) {
    KeyText key = ReadKey(heap_, p.key);
    if (p.details.accessor) continue;
    const bool stack_symbol = key.is_private && first_private;
    if (key.is_private) first_private = false;
    if (!key.is_symbol && key.text == "cause") d.error_cause = JsSlot::Tagged(p.value.raw);
    if (!key.is_symbol && key.text == "errors") d.error_errors = JsSlot::Tagged(p.value.raw);
    if (stack_symbol) private_stack = p.value.raw;
    if (p.value.kind != Tagged::Kind::kStrong || !heap_.IsString(heap_.InstanceTypeOf(p.value.address))) continue;
    std::string text = Utf16ToUtf8(ReadString(heap_, p.value.address, options_.max_string_length).units);
    if (!key.is_symbol && key.text == "message") {
      d.error_message = text;
      message = p.value.raw;
    }
    if (!key.is_symbol && key.text == "stack") own_stack = text;
    if (stack_symbol) private_text = std::move(text);
  }
  d.error_name = StringValue(LookupDataProperty(r.address, r.map, u"name"));
  if (!own_stack.empty()) {
    d.text = std::move(own_stack);
  } else if (!private_text.empty() && private_stack != message) {
    d.text = std::move(private_text);
  } else if (private_stack && private_stack != message) {
    d.text = UnformattedStack(r, private_stack, d);
  }
  if (d.text.empty()) d.text = ErrorToString(r, d);  // util.inspect shows it in brackets
}

std::string HeapJsModel::ErrorToString(const Receiver& r, const JsDescription& d) {
  // Error.prototype.toString: name ("Error" if undefined) and message
  // ("" if undefined), whichever are not empty, joined by ": ".
  std::optional<Tagged> name_value = LookupDataProperty(r.address, r.map, u"name");
  std::string name = name_value ? d.error_name : "Error";
  std::string message = d.error_message;
  if (message.empty()) message = StringValue(LookupDataProperty(r.address, r.map, u"message"));
  if (name.empty()) return message;
  if (message.empty()) return name;
  return name + ": " + message;
}

std::string HeapJsModel::UnformattedStack(const Receiver& r, uint64_t raw, const JsDescription& d) {
  // Frames name their receivers, which may be errors with unformatted
  // stacks themselves: one level of that is enough.
  static thread_local int depth = 0;
  if (depth > 0) return "";
  struct Guard {
    Guard() { ++depth; }
    ~Guard() { --depth; }
  } guard;
  std::optional<std::vector<CallSiteRecord>> frames;
  try {
    frames = ReadUnformattedStack(heap_, raw);
  } catch (const Error&) {
    return "";  // a damaged stack: the bracket form
  }
  if (!frames) return "";
  // Node's prepareStackTrace callback: ErrorPrototypeToString(error) (Node's
  // own errors: "name [code]: message"), then "\n    at " and each frame.
  std::string first = ErrorToString(r, d);
  if (IsNodeError(r)) {
    std::string code = StringValue(LookupDataProperty(r.address, r.map, u"code"));
    first = d.error_name + " [" + code + "]: " + d.error_message;
  }
  if (frames->empty()) return first;
  return first + "\n" + CallSiteLines(heap_, *frames);
}

bool HeapJsModel::IsNodeError(const Receiver& r) {
  // `kIsNodeError in error`: Node's errors have or inherit that symbol-keyed property.
  uint64_t object = r.address;
  MapInfo current = r.map;
  for (int i = 0; i < kMaxPrototypeChain; ++i) {
    for (const OwnProperty& p : ReadOwnProperties(heap_, object, current, 1 << 16)) {
      if (p.key.kind != Tagged::Kind::kStrong || heap_.KindOf(heap_.InstanceTypeOf(p.key.address)) != ObjectKind::kSymbol) {
        continue;
      }
      KeyText key = ReadKey(heap_, p.key);
      if (!key.is_private && key.text == "Symbol(kIsNodeError)") return true;  // a value or (Node 22+) a getter
    }
    Tagged proto = current.prototype;
    if (proto.kind != Tagged::Kind::kStrong || heap_.KindOf(heap_.InstanceTypeOf(proto.address)) != ObjectKind::kOther) break;
    object = proto.address;
    current = ReadMap(heap_, heap_.MapOf(object));
  }
  return false;
}

std::string HeapJsModel::FunctionName(uint64_t function) {
  // util.inspect reads `fn.name`: an own data property when a class or
  // code redefined it (static name = ...), else the SharedFunctionInfo's name
  // that the built-in accessor returns.
  MapInfo map = ReadMap(heap_, heap_.MapOf(function));
  std::optional<OwnProperty> own = FindOwnProperty(heap_, function, map, u"name");
  if (own && !own->details.accessor) return StringValue(own->value);
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  Tagged shared = heap_.ReadTagged(function + static_cast<uint64_t>(l.function_shared));
  if (shared.kind != Tagged::Kind::kStrong) return "";
  return ReadSharedFunctionInfo(heap_, shared.address).name_text;
}

void HeapJsModel::DescribeBoundFunction(const Receiver& r, JsDescription& d) {
  // "bound " + the target's name, which V8's accessor computes (bound
  // functions may nest).
  std::optional<OwnProperty> own = FindOwnProperty(heap_, r.address, r.map, u"name");
  if (own && !own->details.accessor) {
    d.function.name = StringValue(own->value);
    return;
  }
  std::string prefix;
  uint64_t target = r.address;
  for (int i = 0; i < kMaxPrototypeChain; ++i) {
    prefix += "bound ";
    Tagged next = heap_.ReadTagged(target + static_cast<uint64_t>(heap_.LayoutOf<JSClassLayout>().bound_target));
    if (next.kind != Tagged::Kind::kStrong) break;
    target = next.address;
    int type = heap_.InstanceTypeOf(target);
    if (IsFunctionType(type)) {
      d.function.name = prefix + FunctionName(target);
      return;
    }
    if (ClassOf(heap_, type) != "JSBoundFunction") break;
  }
  d.function.name = prefix;
}

void HeapJsModel::DescribeFunction(const Receiver& r, JsDescription& d) {
  JSFunctionData fn = ReadJSFunction(heap_, r.address);
  d.function.name = FunctionName(r.address);
  d.function.is_class = fn.is_class_constructor;
  d.function.type = FunctionTypeName(fn.kind);
  if (fn.base_class) d.function.extends = fn.base_class_name;
}

namespace {
// Objects of one map share their own descriptors and their prototype chain,
// hence what is read from those (constructor names, tags): most of a print's
// objects share a few maps, so each fact is read once per map.
// Dictionary-mode objects share maps but not their own properties.
template <typename Value>
struct PerMapMemo {
  std::unordered_map<uint64_t, std::pair<Value, bool>> by_map;
};
struct ConstructorNames : PerMapMemo<std::optional<std::string>> {};
struct ToStringTags : PerMapMemo<std::string> {};

template <typename Memo, typename Value, typename Compute>
Value MemoizedPerMap(Heap& heap, const MapInfo& map, bool* flag, Compute compute) {
  if (map.dictionary_map) return compute(flag);
  auto& memo = heap.MemoOf<Memo>().by_map;
  auto it = memo.find(map.address);
  if (it != memo.end()) {
    *flag = it->second.second;
    return it->second.first;
  }
  Value value = compute(flag);
  if (memo.size() > 100000) memo.clear();
  memo.emplace(map.address, std::make_pair(value, *flag));
  return value;
}
}  // namespace

std::optional<std::string> HeapJsModel::ConstructorName(uint64_t address, const MapInfo& map, bool* null_prototype) {
  return MemoizedPerMap<ConstructorNames, std::optional<std::string>>(
      heap_, map, null_prototype, [&](bool* flag) { return FindConstructorName(address, map, flag); });
}

std::optional<std::string> HeapJsModel::FindConstructorName(uint64_t address, const MapInfo& map, bool* null_prototype) {
  // util.inspect's getConstructorName: the first object on the chain (the
  // object itself first) with an own `constructor` that is a named function
  // whose prototype is on the object's chain.
  std::vector<std::pair<uint64_t, MapInfo>> candidates{{address, map}};
  for (int i = 0; i < kMaxPrototypeChain; ++i) {
    Tagged proto = candidates.back().second.prototype;
    if (proto.kind != Tagged::Kind::kStrong || heap_.KindOf(heap_.InstanceTypeOf(proto.address)) != ObjectKind::kOther) break;
    candidates.emplace_back(proto.address, ReadMap(heap_, heap_.MapOf(proto.address)));
  }
  *null_prototype = candidates.size() == 1;
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  for (const auto& [object, object_map] : candidates) {
    std::optional<OwnProperty> ctor = FindOwnProperty(heap_, object, object_map, u"constructor");
    if (!ctor || ctor->details.accessor || ctor->value.kind != Tagged::Kind::kStrong) continue;
    uint64_t fn = ctor->value.address;
    if (!IsFunctionType(heap_.InstanceTypeOf(fn))) continue;
    std::string name = FunctionName(fn);
    if (name.empty()) continue;
    // isInstanceof: the constructor's prototype must be on the object's chain.
    Tagged proto = heap_.ReadTagged(fn + static_cast<uint64_t>(l.function_prototype_or_initial_map));
    if (proto.kind != Tagged::Kind::kStrong) continue;
    if (heap_.InstanceTypeOf(proto.address) == heap_.layout().map_type) proto = ReadMap(heap_, proto.address).prototype;
    for (size_t i = 1; i < candidates.size(); ++i) {
      if (candidates[i].first == proto.address) return name;
    }
  }
  return std::nullopt;
}

std::string HeapJsModel::InternalConstructorName(uint64_t address, const MapInfo& map, const std::string& class_name) {
  // V8 reads SharedFunctionInfo::DebugName, not a redefined `name`.
  const auto usable_name = [&](Tagged fn) -> std::string {
    if (fn.kind != Tagged::Kind::kStrong || !IsJSFunction(heap_, fn.address)) return "";
    std::string name = ReadJSFunction(heap_, fn.address).sfi.debug_name;
    return name == "Object" ? "" : name;
  };
  // The map's constructor names an object its constructor built itself;
  // prototypes' maps were given Object's (OptimizeAsPrototype).
  if (map.new_target_is_base && !map.is_prototype_map) {
    std::string name = usable_name(MapConstructor(heap_, map));
    if (!name.empty()) return name;
  }
  // Then, object by object up the chain: a Symbol.toStringTag string, or
  // (on prototypes only) a `constructor` function's name.
  uint64_t object = address;
  MapInfo current = map;
  for (int i = 0; i < kMaxPrototypeChain; ++i) {
    std::optional<Tagged> tag = OwnDataProperty(object, current, "Symbol(Symbol.toStringTag)", u"");
    if (tag && tag->kind == Tagged::Kind::kStrong && heap_.KindOf(heap_.InstanceTypeOf(tag->address)) == ObjectKind::kString) {
      return StringValue(tag);
    }
    if (object != address) {
      std::optional<Tagged> ctor = OwnDataProperty(object, current, "", u"constructor");
      std::string name = ctor ? usable_name(*ctor) : "";
      if (!name.empty()) return name;
    }
    Tagged proto = current.prototype;
    if (proto.kind != Tagged::Kind::kStrong || heap_.KindOf(heap_.InstanceTypeOf(proto.address)) != ObjectKind::kOther) break;
    object = proto.address;
    current = ReadMap(heap_, heap_.MapOf(object));
  }
  return class_name;
}

std::optional<Tagged> HeapJsModel::OwnDataProperty(uint64_t address, const MapInfo& map, std::string_view symbol,
                                                   std::u16string_view name) {
  if (symbol.empty()) {
    std::optional<OwnProperty> p = FindOwnProperty(heap_, address, map, name);
    if (!p || p->details.accessor) return std::nullopt;
    return p->value;
  }
  for (const OwnProperty& p : ReadOwnProperties(heap_, address, map, 1 << 16)) {
    if (p.key.kind != Tagged::Kind::kStrong || heap_.KindOf(heap_.InstanceTypeOf(p.key.address)) != ObjectKind::kSymbol) {
      continue;
    }
    KeyText key = ReadKey(heap_, p.key);
    if (key.is_private || key.text != symbol) continue;
    if (p.details.accessor) return std::nullopt;
    return p.value;
  }
  return std::nullopt;
}

std::string HeapJsModel::ToStringTag(uint64_t address, const MapInfo& map, bool* getter) {
  *getter = false;
  return MemoizedPerMap<ToStringTags, std::string>(heap_, map, getter,
                                                   [&](bool* flag) { return FindToStringTag(address, map, flag); });
}

std::string HeapJsModel::FindToStringTag(uint64_t address, const MapInfo& map, bool* getter) {
  uint64_t object = address;
  MapInfo current = map;
  for (int i = 0; i < kMaxPrototypeChain; ++i) {
    for (const OwnProperty& p : ReadOwnProperties(heap_, object, current, 1 << 16)) {
      if (p.key.kind != Tagged::Kind::kStrong || heap_.KindOf(heap_.InstanceTypeOf(p.key.address)) != ObjectKind::kSymbol) {
        continue;
      }
      KeyText key = ReadKey(heap_, p.key);
      if (key.is_private || key.text != "Symbol(Symbol.toStringTag)") continue;
      if (p.details.accessor) {
        *getter = true;
        return "";
      }
      return StringValue(p.value);
    }
    Tagged proto = current.prototype;
    if (proto.kind != Tagged::Kind::kStrong || heap_.KindOf(heap_.InstanceTypeOf(proto.address)) != ObjectKind::kOther) break;
    object = proto.address;
    current = ReadMap(heap_, heap_.MapOf(object));
  }
  return "";
}

void HeapJsModel::DescribeCollection(const Receiver& r, JsDescription& d) {
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  const bool is_map = d.kind == JsKind::kMap;
  Tagged table = heap_.ReadTagged(r.address + static_cast<uint64_t>(l.collection_table));
  if (table.kind != Tagged::Kind::kStrong) throw CorruptObject("collection without a hash table");
  // OrderedHashTable in a FixedArray: element count, deleted count, bucket
  // count, the buckets, then entries of (key[, value], chain).
  int64_t elements = FixedArrayGet(heap_, table.address, 0).smi;
  int64_t deleted = FixedArrayGet(heap_, table.address, 1).smi;
  int64_t buckets = FixedArrayGet(heap_, table.address, 2).smi;
  int64_t length = FixedArrayLength(heap_, table.address);
  int64_t entry_size = is_map ? 3 : 2;
  int64_t first = 3 + buckets;
  if (elements < 0 || deleted < 0 || buckets < 0 || first + (elements + deleted) * entry_size > length) {
    throw CorruptObject("ordered hash table " + Hex(table.raw) + " has inconsistent counts");
  }
  d.length = static_cast<uint64_t>(elements);
  size_t limit = options_.max_array_length + 1;
  for (int64_t i = 0; i < elements + deleted && d.entries.size() < limit; ++i) {
    Tagged key = FixedArrayGet(heap_, table.address, first + i * entry_size);
    if (key.kind == Tagged::Kind::kStrong && heap_.KindOf(heap_.InstanceTypeOf(key.address)) == ObjectKind::kHole) continue;
    if (key.kind == Tagged::Kind::kStrong && heap_.KindOf(heap_.InstanceTypeOf(key.address)) == ObjectKind::kOddball) {
      OddballInfo o = ReadOddball(heap_, key.address);
      if (!o.is_js_value) continue;
    }
    JsSlot value = is_map ? JsSlot::Tagged(FixedArrayGet(heap_, table.address, first + i * entry_size + 1).raw) : JsSlot{};
    d.entries.emplace_back(JsSlot::Tagged(key.raw), value);
  }
}

namespace {
struct TypedKind {
  const char* name;
  int size;
  char kind;  // 'u' unsigned, 'i' signed, 'f' float, 'b' bigint
};
const TypedKind kTypedKinds[] = {
    {"Uint8Array", 1, 'u'},  {"Int8Array", 1, 'i'},         {"Uint16Array", 2, 'u'},   {"Int16Array", 2, 'i'},
    {"Uint32Array", 4, 'u'}, {"Int32Array", 4, 'i'},        {"Float32Array", 4, 'f'},  {"Float64Array", 8, 'f'},
    {"Uint8ClampedArray", 1, 'u'}, {"BigUint64Array", 8, 'b'}, {"BigInt64Array", 8, 'B'}, {"Float16Array", 2, 'h'},
};

double HalfToDouble(uint16_t h) {
  int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v = exp == 0 ? std::ldexp(mant, -24) : exp == 31 ? (mant ? NAN : INFINITY) : std::ldexp(mant + 1024, exp - 25);
  return (h & 0x8000) ? -v : v;
}

std::string ElementText(const TypedKind& k, const uint8_t* p) {
  switch (k.kind) {
    case 'u': {
      uint64_t v = 0;
      std::memcpy(&v, p, static_cast<size_t>(k.size));
      return std::to_string(v);
    }
    case 'i': {
      if (k.size == 1) return std::to_string(static_cast<int8_t>(p[0]));
      if (k.size == 2) { int16_t v; std::memcpy(&v, p, 2); return std::to_string(v); }
      int32_t v; std::memcpy(&v, p, 4); return std::to_string(v);
    }
    case 'f': {
      if (k.size == 4) { float f; std::memcpy(&f, p, 4); return InspectJsNumber(f); }
      double v; std::memcpy(&v, p, 8); return InspectJsNumber(v);
    }
    case 'h': { uint16_t h; std::memcpy(&h, p, 2); return InspectJsNumber(HalfToDouble(h)); }
    case 'b': { uint64_t v; std::memcpy(&v, p, 8); return std::to_string(v) + "n"; }
    case 'B': { int64_t v; std::memcpy(&v, p, 8); return std::to_string(v) + "n"; }
  }
  return "?";
}
}  // namespace

void HeapJsModel::DescribeTypedArray(uint64_t address, const MapInfo& map, JsDescription& d) {
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  // The element type from the constructor's name: stable where ElementsKind numbers are not.
  std::string name = d.constructor_name.value_or("");
  Tagged ctor = MapConstructor(heap_, map);
  if (ctor.kind == Tagged::Kind::kStrong && IsFunctionType(heap_.InstanceTypeOf(ctor.address))) name = FunctionName(ctor.address);
  const TypedKind* kind = nullptr;
  for (const TypedKind& k : kTypedKinds) if (name == k.name) kind = &k;
  if (!kind) throw CorruptObject("typed array with unknown element type '" + name + "'");
  d.typed_name = kind->name;
  d.builtin_name = kind->name;
  uint64_t length = 0;
  if (l.typed_array_length >= 0) length = heap_.ReadWord(address + static_cast<uint64_t>(l.typed_array_length));
  const uint64_t stored_byte_length = heap_.ReadWord(address + static_cast<uint64_t>(l.view_byte_length));
  ReadViewExtent(address, d);
  if (l.typed_array_length < 0 || d.byte_length != stored_byte_length) {
    length = d.byte_length / static_cast<uint64_t>(kind->size);  // no length field, or length-tracking / detached
  }
  d.length = length;
  // data pointer = external_pointer + base_pointer (0 for off-heap data).
  uint64_t external = heap_.ReadWord(address + static_cast<uint64_t>(l.typed_array_external_pointer));
  Tagged base = heap_.ReadTagged(address + static_cast<uint64_t>(l.typed_array_base_pointer));
  uint64_t data = external + (base.is_smi() ? 0 : base.raw);
  uint64_t n = std::min<uint64_t>(length, options_.max_array_length + 1);
  heap_.memory().CheckReadable(data, n * static_cast<uint64_t>(kind->size));
  std::vector<uint8_t> bytes(n * static_cast<uint64_t>(kind->size));
  if (n > 0) heap_.memory().ReadOrThrow(data, bytes.data(), bytes.size());
  for (uint64_t i = 0; i < n; ++i) {
    d.elements.emplace_back(i, JsSlot::Number(ElementText(*kind, bytes.data() + i * static_cast<uint64_t>(kind->size))));
  }
}

void HeapJsModel::ReadViewExtent(uint64_t address, JsDescription& d) {
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  d.byte_length = heap_.ReadWord(address + static_cast<uint64_t>(l.view_byte_length));
  d.byte_offset = heap_.ReadWord(address + static_cast<uint64_t>(l.view_byte_offset));
  const uint64_t wrappable = heap_.rules().view_has_wrappable_slot() ? 8 : 0;
  d.buffer = JsSlot::Tagged(heap_.ReadWord(address + static_cast<uint64_t>(l.view_buffer) + wrappable));
  // bit_field: bit 0 length-tracking (the stored lengths are 0: the view
  // spans its buffer from byte_offset on). Only the low two bits are valid.
  const uint64_t view_flags = heap_.memory().ReadU32(address + static_cast<uint64_t>(heap_.rules().view_bit_field_offset())) & 3;
  Tagged buffer = heap_.Decode(d.buffer->raw);
  if ((view_flags & 1) && buffer.kind == Tagged::Kind::kStrong) {
    uint64_t buffer_length = heap_.ReadWord(buffer.address + static_cast<uint64_t>(l.array_buffer_byte_length));
    d.byte_length = buffer_length > d.byte_offset ? buffer_length - d.byte_offset : 0;
  }
  if (buffer.kind == Tagged::Kind::kStrong && ArrayBufferDetached(buffer.address)) d.byte_length = 0;
}

void HeapJsModel::DescribeDataView(const Receiver& r, JsDescription& d) { ReadViewExtent(r.address, d); }

void HeapJsModel::DescribeBuffer(uint64_t address, JsDescription& d) {
  // Node's Buffer has its own util.inspect.custom: "<Buffer 61 62 ... N more
  // bytes>", at most buffer.INSPECT_MAX_BYTES (50) bytes; Node lists
  // enumerable non-index properties after the bytes.
  constexpr uint64_t kInspectMaxBytes = 50;
  if (!d.properties.empty()) return;  // the generic form keeps the properties visible
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  uint64_t external = heap_.ReadWord(address + static_cast<uint64_t>(l.typed_array_external_pointer));
  Tagged base = heap_.ReadTagged(address + static_cast<uint64_t>(l.typed_array_base_pointer));
  uint64_t data = external + (base.is_smi() ? 0 : base.raw);
  uint64_t shown = std::min(d.length, kInspectMaxBytes);
  std::vector<uint8_t> bytes(shown);
  if (shown) heap_.memory().ReadOrThrow(data, bytes.data(), bytes.size());
  std::string text = "<Buffer";
  static const char* kHex = "0123456789abcdef";
  for (uint8_t b : bytes) {
    text += ' ';
    text += kHex[b >> 4];
    text += kHex[b & 15];
  }
  if (d.length > kInspectMaxBytes) {
    uint64_t remaining = d.length - kInspectMaxBytes;
    text += " ... " + std::to_string(remaining) + " more byte" + (remaining > 1 ? "s" : "");
  }
  if (bytes.empty()) text += ' ';
  d.kind = JsKind::kOpaque;
  d.text = text + ">";
}

bool HeapJsModel::ArrayBufferDetached(uint64_t buffer) {
  // bit_field sits 16 bytes after backing_store; bit 2 is was_detached.
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  int64_t mask = heap_.metadata().Find("v8dbg_jsarray_buffer_was_detached_mask").value_or(4);
  return heap_.memory().ReadU32(buffer + static_cast<uint64_t>(l.array_buffer_backing_store) + 16) & mask;
}

void HeapJsModel::DescribeArrayBuffer(const Receiver& r, JsDescription& d) {
  const JSClassLayout& l = heap_.LayoutOf<JSClassLayout>();
  d.detached = ArrayBufferDetached(r.address);
  d.byte_length = heap_.ReadWord(r.address + static_cast<uint64_t>(l.array_buffer_byte_length));
  uint64_t store = heap_.ReadWord(r.address + static_cast<uint64_t>(l.array_buffer_backing_store));
  if (d.detached) d.byte_length = 0;
  size_t n = static_cast<size_t>(std::min<uint64_t>(d.byte_length, options_.max_array_length + 1));
  heap_.memory().CheckReadable(store, n);
  d.bytes.resize(n);
  if (n > 0) heap_.memory().ReadOrThrow(store, d.bytes.data(), n);
}

std::string IsoDateText(double ms) {
  if (std::isnan(ms) || std::fabs(ms) > 8.64e15) return "Invalid Date";
  int64_t t = static_cast<int64_t>(ms);
  int64_t days = t / 86400000, rem = t % 86400000;
  if (rem < 0) { rem += 86400000; --days; }
  // Days since 1970-01-01 to a proleptic Gregorian date (400-year eras).
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[64];
  const char* fmt = (year >= 0 && year <= 9999) ? "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ"
                                                 : (year < 0 ? "-%06lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ"
                                                             : "+%06lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ");
  std::snprintf(buf, sizeof buf, fmt, static_cast<long long>(year < 0 ? -year : year), static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(rem / 3600000), static_cast<long long>(rem / 60000 % 60),
                static_cast<long long>(rem / 1000 % 60), static_cast<long long>(rem % 1000));
  return buf;
}

std::string RegExpFlagsText(int64_t flags) {
  // JSRegExp::Flag bits and the order of RegExp.prototype.flags.
  static const std::pair<int, char> kOrder[] = {{7, 'd'}, {0, 'g'}, {1, 'i'}, {2, 'm'}, {5, 's'}, {4, 'u'}, {8, 'v'}, {3, 'y'}};
  std::string out;
  for (auto [bit, c] : kOrder) if (flags & (int64_t{1} << bit)) out += c;
  return out;
}

std::string DebugString(const JsDescription& d) {
  auto slot = [](const JsSlot& s) { return s.number_text ? *s.number_text : Hex(s.raw); };
  std::string out = "kind=" + std::to_string(static_cast<int>(d.kind)) + " text=" + d.text;
  out += " ctor=" + (d.constructor_name ? *d.constructor_name : std::string("<null>")) + " builtin=" + d.builtin_name;
  if (!d.typed_name.empty()) out += " typed=" + d.typed_name;
  if (d.kind == JsKind::kFunction) out += " fn=" + d.function.name + (d.function.is_class ? " class" : "");
  out += " length=" + std::to_string(d.length);
  for (const JsProperty& p : d.properties) {
    out += "\n  " + std::string(p.key.kind == JsKey::Kind::kSymbol ? "[" + p.key.text + "]" : p.key.text) + ": " +
           (p.accessor ? std::string(p.has_getter ? "get" : "") + (p.has_setter ? "set" : "") : slot(p.value));
  }
  for (const auto& [i, v] : d.elements) out += "\n  [" + std::to_string(i) + "] " + slot(v);
  for (const auto& [k, v] : d.entries) out += "\n  " + slot(k) + " => " + slot(v);
  return out;
}

}  // namespace nodegdb
