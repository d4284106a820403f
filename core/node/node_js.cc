#include "core/node/node_js.h"

#include <algorithm>

#include "core/v8/context.h"
#include "core/v8/heap_number.h"
#include "core/v8/js_function.h"
#include "core/view/js_model.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/oddball.h"
#include "core/v8/string.h"

namespace nodegdb {

uint64_t JsObjects::Wrapper(uint64_t base_object, int64_t persistent_offset) {
  uint64_t slot = 0, value = 0;
  if (!heap_.memory().Read(base_object + static_cast<uint64_t>(persistent_offset), &slot, 8) || slot == 0) return 0;
  if (!heap_.memory().Read(slot, &value, 8)) return 0;
  if (heap_.Decode(value).kind != Tagged::Kind::kStrong) return 0;
  return value;
}

std::string JsObjects::ClassName(uint64_t tagged) {
  try {
    HeapJsModel model(heap_, InspectOptions{});
    JsDescription d = model.Describe(tagged);
    if (d.constructor_name && !d.constructor_name->empty()) return *d.constructor_name;
    return d.builtin_name;
  } catch (const Error&) {
    return "";
  }
}

namespace {
// Own properties of a JS object, or nothing if it is not one.
std::vector<OwnProperty> PropertiesOf(Heap& heap, uint64_t tagged) {
  Tagged t = heap.Decode(tagged);
  if (t.kind != Tagged::Kind::kStrong) return {};
  try {
    if (heap.KindOf(heap.InstanceTypeOf(t.address)) != ObjectKind::kOther) return {};
    MapInfo map = ReadMap(heap, heap.MapOf(t.address));
    return ReadOwnProperties(heap, t.address, map, 4096);
  } catch (const Error&) {
    return {};
  }
}

bool KeyMatches(Heap& heap, const OwnProperty& p, const std::string& name, bool symbol) {
  try {
    KeyText key = ReadKey(heap, p.key);
    if (key.is_symbol != symbol) return false;
    return symbol ? key.text == "Symbol(" + name + ")" : key.text == name;
  } catch (const Error&) {
    return false;
  }
}
}  // namespace

std::optional<Tagged> JsObjects::Get(uint64_t tagged, const std::string& name, bool symbol) {
  for (const OwnProperty& p : PropertiesOf(heap_, tagged)) {
    if (!KeyMatches(heap_, p, name, symbol)) continue;
    if (p.details.accessor) return std::nullopt;
    return p.value;
  }
  return std::nullopt;
}

std::optional<uint64_t> JsObjects::Getter(uint64_t tagged, const std::string& name) {
  for (const OwnProperty& p : PropertiesOf(heap_, tagged)) {
    if (!KeyMatches(heap_, p, name, false)) continue;
    if (!p.details.accessor || p.value.kind != Tagged::Kind::kStrong) return std::nullopt;
    try {
      if (heap_.metadata().TypeClass(heap_.InstanceTypeOf(p.value.address)) != "AccessorPair") return std::nullopt;
      int64_t getter = heap_.metadata().FindField("AccessorPair", {"getter"}).value_or(8);
      uint64_t g = heap_.ReadWord(p.value.address + static_cast<uint64_t>(getter));
      if (heap_.Decode(g).kind != Tagged::Kind::kStrong) return std::nullopt;
      return g;
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::string> JsObjects::String(const std::optional<Tagged>& v, size_t limit) {
  if (!v || v->kind != Tagged::Kind::kStrong) return std::nullopt;
  try {
    if (!heap_.IsString(heap_.InstanceTypeOf(v->address))) return std::nullopt;
    return Utf16ToUtf8(ReadString(heap_, v->address, limit).units);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::optional<double> JsObjects::Number(const std::optional<Tagged>& v) {
  if (!v) return std::nullopt;
  if (v->is_smi()) return static_cast<double>(v->smi);
  if (v->kind != Tagged::Kind::kStrong) return std::nullopt;
  try {
    if (heap_.KindOf(heap_.InstanceTypeOf(v->address)) != ObjectKind::kHeapNumber) return std::nullopt;
    return ReadHeapNumber(heap_, v->address);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::optional<bool> JsObjects::Boolean(const std::optional<Tagged>& v) {
  if (!v || v->kind != Tagged::Kind::kStrong) return std::nullopt;
  try {
    if (heap_.KindOf(heap_.InstanceTypeOf(v->address)) != ObjectKind::kOddball) return std::nullopt;
    std::string name = ReadOddball(heap_, v->address).name;
    if (name == "true") return true;
    if (name == "false") return false;
  } catch (const Error&) {
    // Not an oddball that can be read: neither.
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> JsObjects::Strings(const std::optional<Tagged>& v, size_t max_items) {
  if (!v || v->kind != Tagged::Kind::kStrong) return std::nullopt;
  try {
    if (heap_.metadata().TypeClass(heap_.InstanceTypeOf(v->address)) != "JSArray") return std::nullopt;
    MapInfo map = ReadMap(heap_, heap_.MapOf(v->address));
    uint64_t length = ReadJsArrayLength(heap_, v->address);
    ElementList elements = ReadElements(heap_, v->address, map, std::min<uint64_t>(length, max_items), max_items);
    std::vector<std::string> out;
    for (const auto& item : elements.items) {
      if (item.second.number_text) continue;
      if (auto s = String(heap_.Decode(item.second.raw))) out.push_back(*s);
    }
    return out;
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::vector<std::pair<std::string, Tagged>> JsObjects::StringKeyed(uint64_t tagged, size_t max_items) {
  std::vector<std::pair<std::string, Tagged>> out;
  for (const OwnProperty& p : PropertiesOf(heap_, tagged)) {
    if (out.size() >= max_items) break;
    if (p.details.accessor) continue;
    try {
      KeyText key = ReadKey(heap_, p.key);
      if (!key.is_symbol) out.emplace_back(key.text, p.value);
    } catch (const Error&) {
      // An unreadable key: that property is left out.
    }
  }
  return out;
}

std::vector<Tagged> JsObjects::Elements(const std::optional<Tagged>& v, size_t max_items) {
  std::vector<Tagged> out;
  if (!v || v->kind != Tagged::Kind::kStrong) return out;
  try {
    if (heap_.metadata().TypeClass(heap_.InstanceTypeOf(v->address)) != "JSArray") return out;
    MapInfo map = ReadMap(heap_, heap_.MapOf(v->address));
    uint64_t length = ReadJsArrayLength(heap_, v->address);
    ElementList elements = ReadElements(heap_, v->address, map, std::min<uint64_t>(length, max_items), max_items);
    for (const auto& item : elements.items) {
      if (!item.second.number_text) out.push_back(heap_.Decode(item.second.raw));
    }
  } catch (const Error&) {
    // Not readable as an array: no elements.
  }
  return out;
}

std::optional<std::string> JsObjects::Endpoint(const std::optional<Tagged>& v) {
  if (!v || v->kind != Tagged::Kind::kStrong) return std::nullopt;
  auto address = String(Get(v->raw, "address"));
  auto port = Number(Get(v->raw, "port"));
  if (!address || !port) return std::nullopt;
  return HostPort(*address, *port);
}

std::string JsObjects::HostPort(const std::string& host, double port) {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + FormatJsNumber(port);
}

uint64_t JsObjects::ProcessObject(uint64_t native_context) {
  try {
    ContextInfo nc = ReadContext(heap_, heap_.Decode(native_context).address);
    if (nc.kind != ContextKind::kNative) return 0;
    if (auto value = Get(nc.global_object, "process")) {
      if (ClassName(value->raw) == "process") return value->raw;
    }
    auto getter = Getter(nc.global_object, "process");
    if (!getter) return 0;
    JSFunctionData f = ReadJSFunction(heap_, heap_.Decode(*getter).address);
    Tagged context = heap_.Decode(f.context);
    if (context.kind != Tagged::Kind::kStrong) return 0;
    ContextChain chain = WalkContextChain(heap_, context.address, 8);
    for (const ContextInfo& c : chain.contexts) {
      for (const ContextVariable& v : c.variables) {
        if (heap_.Decode(v.value).kind == Tagged::Kind::kStrong && ClassName(v.value) == "process") return v.value;
      }
    }
  } catch (const Error&) {
    // Any unreadable step: no process object (0), as documented.
  }
  return 0;
}

}  // namespace nodegdb
