#include "core/view/v8_view.h"

#include <cstring>

#include "core/v8/heap_number.h"
#include "core/v8/context.h"
#include "core/view/call_site_info.h"
#include "core/view/debug_print.h"
#include "core/v8/js_function.h"
#include "core/view/js_model.h"
#include "core/v8/scope_info.h"
#include "core/v8/shared_function_info.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/property.h"
#include "core/v8/oddball.h"
#include "core/v8/string.h"
#include "core/v8/symbol.h"

namespace nodegdb {

namespace {

std::string StringText(Heap& heap, uint64_t address, size_t limit) {
  StringShape shape = ReadStringShape(heap, address);
  StringContents contents = ReadString(heap, address, limit);
  std::string text = shape.internalized ? "#" : "\"";
  text += EscapeJsString(contents.units, 0);
  if (contents.truncated()) text += "…";
  if (!shape.internalized) text += "\"";
  return text;
}

}  // namespace

namespace {
// The kinds' own briefs come as "<...>"; Brief adds the brackets itself.
std::string StripBrackets(std::string s) {
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') return s.substr(1, s.size() - 2);
  return s;
}
}  // namespace

bool V8View::IsReceiverType(int type) const {
  return IsJSReceiverType(heap_, type);
}

// V8's ShortPrint of objects other than primitives: "FixedArray[3]",
// "JSArray[2]", "JSFunction f (sfi = 0x...)", "Point map = 0x...".
std::string V8View::BriefOther(uint64_t address, int type) {
  const uint64_t tag = heap_.layout().tagging.heap_object_tag;
  std::string cls = heap_.metadata().TypeClass(type);
  std::string name = heap_.TypeName(type);
  if (cls == "FixedArray" || cls == "FixedDoubleArray" || cls == "WeakFixedArray" || cls == "ByteArray" ||
      cls == "PropertyArray" || cls == "DescriptorArray" || cls == "StrongDescriptorArray") {
    int64_t length = cls == "PropertyArray" ? (heap_.ReadTagged(address + 8).smi & 0x3ff)
                     : cls.find("DescriptorArray") != std::string::npos ? heap_.memory().ReadU16(address + 10)
                                                                       : FixedArrayLength(heap_, address);
    return (cls == "StrongDescriptorArray" ? std::string("DescriptorArray") : cls) + "[" + std::to_string(length) + "]";
  }
  if (IsContextType(heap_, type)) return StripBrackets(BriefContext(heap_, address));
  if (IsSharedFunctionInfo(heap_, address)) return StripBrackets(BriefSharedFunctionInfo(heap_, address));
  if (IsScopeInfo(heap_, address)) return StripBrackets(BriefScopeInfo(heap_, address));
  if (IsJSFunctionType(heap_, type)) return StripBrackets(BriefJSFunction(heap_, address));
  // Structs print their class: "<CallSiteInfo>", "<ErrorStackData>".
  if (cls == "CallSiteInfo" || cls == "ErrorStackData" || cls == "StackTraceInfo" || cls == "StackFrameInfo") return cls;
  if (!IsReceiverType(type)) return name;
  HeapJsModel model(heap_, InspectOptions{});
  if (cls == "JSArray") return "JSArray[" + std::to_string(ReadJsArrayLength(heap_, address)) + "]";
  if (model.IsFunctionType(type)) {
    std::string fn = model.FunctionName(address);
    uint64_t sfi = heap_.ReadWord(address + static_cast<uint64_t>(
        heap_.metadata().FindField("JSFunction", {"shared"}).value_or(heap_.metadata().FindField("JSFunction", {"context"}).value_or(32) - 8)));
    return "JSFunction" + (fn.empty() ? std::string() : " " + fn) + " (sfi = " + Hex(sfi) + ")";
  }
  MapInfo map = ReadMap(heap_, heap_.MapOf(address));
  if (cls.empty() || cls == "JSObject") {
    Tagged ctor = MapConstructor(heap_, map);
    std::string ctor_name = "Object";
    if (ctor.kind == Tagged::Kind::kStrong && model.IsFunctionType(heap_.InstanceTypeOf(ctor.address))) {
      std::string n = model.FunctionName(ctor.address);
      if (!n.empty()) ctor_name = n;
    }
    return ctor_name + " map = " + Hex(map.address + tag);
  }
  return cls;
}

// FixedArray and friends: length, then each slot; runs of one value are
// folded into "from-to: value" as V8 prints them.
std::string V8View::DebugPrintArray(uint64_t address, const std::string& cls) {
  const uint64_t tag = heap_.layout().tagging.heap_object_tag;
  const bool is_property_array = cls == "PropertyArray";
  int64_t length = is_property_array ? (heap_.ReadTagged(address + 8).smi & 0x3ff) : FixedArrayLength(heap_, address);
  std::string out = Hex(address + tag) + ": [" + cls + "]\n";
  out += " - map: " + Hex(heap_.MapOf(address) + tag) + " " + Brief(heap_.MapOf(address) + tag) + "\n";
  out += " - length: " + std::to_string(length) + "\n";
  auto slot_text = [&](int64_t i) {
    uint64_t word = heap_.ReadWord(address + 16 + static_cast<uint64_t>(i) * 8);
    if (cls == "FixedDoubleArray") {
      if (word == 0xFFF7FFFFFFF7FFFFull) return std::string("<the_hole>");
      double d;
      std::memcpy(&d, &word, 8);
      return InspectJsNumber(d);
    }
    Tagged t = heap_.Decode(word);
    return t.is_smi() ? std::to_string(t.smi) : Hex(word) + " " + Brief(word);
  };
  constexpr int64_t kShown = 100;
  int64_t i = 0;
  for (; i < length && i < kShown;) {
    std::string text = slot_text(i);
    int64_t j = i + 1;
    while (j < length && j < kShown && slot_text(j) == text) ++j;
    std::string index = j - i > 1 ? std::to_string(i) + "-" + std::to_string(j - 1) : std::to_string(i);
    out += std::string(index.size() < 12 ? 12 - index.size() : 0, ' ') + index + ": " + text + "\n";
    i = j;
  }
  if (i < length) out += "         ...: " + std::to_string(length - i) + " more\n";
  return out;
}

std::string V8View::Brief(uint64_t raw) {
  Tagged t = heap_.Decode(raw);
  if (t.is_smi()) return "<Smi " + std::to_string(t.smi) + ">";
  if (t.kind == Tagged::Kind::kCleared) return "<cleared>";
  if (!t.is_heap_object()) return "<invalid " + Hex(raw) + ">";
  std::string weak = t.kind == Tagged::Kind::kWeak ? "weak " : "";
  try {
    int type = heap_.InstanceTypeOf(t.address);
    switch (heap_.KindOf(type)) {
      case ObjectKind::kString: {
        StringShape shape = ReadStringShape(heap_, t.address);
        return "<" + weak + "String[" + std::to_string(shape.length) + "]: " + StringText(heap_, t.address, 80) + ">";
      }
      case ObjectKind::kMap: {
        MapInfo m = ReadMap(heap_, t.address);
        // V8 prints the elements kind for JS object maps, the type for the rest.
        if (m.instance_type > heap_.metadata().FindType("JS_PROXY_TYPE").value_or(0x400)) {
          return "<" + weak + "Map[" + std::to_string(m.instance_size) + "](" + ElementsKindName(heap_, m.elements_kind) + ")>";
        }
        return "<" + weak + "Map(" + heap_.TypeName(m.instance_type) + ")>";
      }
      case ObjectKind::kHeapNumber:
        return "<" + weak + "HeapNumber " + InspectJsNumber(ReadHeapNumber(heap_, t.address)) + ">";
      case ObjectKind::kOddball:
      case ObjectKind::kHole:
        return "<" + weak + ReadOddball(heap_, t.address).name + ">";
      case ObjectKind::kSymbol:
        return "<" + weak + InspectSymbol(ReadSymbol(heap_, t.address, 80)) + ">";
      case ObjectKind::kOther:
        break;
    }
    return "<" + weak + BriefOther(t.address, type) + ">";
  } catch (const Error& e) {
    return "<unreadable: " + std::string(e.what()) + ">";
  }
}

std::string V8View::DebugPrint(uint64_t raw) {
  Tagged t = heap_.Decode(raw);
  switch (t.kind) {
    case Tagged::Kind::kSmi:
      return "Smi " + std::to_string(t.smi) + " (" + Hex(raw) + "): not a heap object";
    case Tagged::Kind::kCleared:
      return "cleared weak reference (" + Hex(raw) + ")";
    case Tagged::Kind::kInvalid:
      throw Error(NotTaggedMessage(raw));
    default:
      break;
  }
  const uint64_t a = t.address;
  const Metadata& md = heap_.metadata();
  const Layout& l = heap_.layout();
  uint64_t map = heap_.MapOf(a);
  int type = heap_.MapInstanceType(map);
  std::string type_name = heap_.TypeName(type);
  // Addresses are shown tagged, as V8 itself prints them.
  const uint64_t tagged = a + l.tagging.heap_object_tag;
  std::string head = Hex(tagged) + ": ";
  if (t.kind == Tagged::Kind::kWeak) head = Hex(tagged) + " (weak reference): ";
  uint64_t map_tagged = map + l.tagging.heap_object_tag;
  std::string map_line = " - map: " + Hex(map_tagged) + " " + Brief(map_tagged);

  const ObjectKind kind = heap_.KindOf(type);
  if (kind == ObjectKind::kString) {
    StringShape shape = ReadStringShape(heap_, a);
    std::string out = head + "[String] " + StringText(heap_, a, string_limit_) + "   (" + type_name +
                      ", length " + std::to_string(shape.length) + ")\n" + map_line + "\n";
    out += std::string(" - representation: ") + RepresentationName(shape.representation) +
           (shape.one_byte ? ", one-byte" : ", two-byte") + (shape.internalized ? ", internalized" : "") + "\n";
    auto field = [&](const char* name, int64_t offset) {
      if (offset < 0) return;
      uint64_t word = heap_.ReadWord(a + static_cast<uint64_t>(offset));
      out += std::string(" - ") + name + ": " + Hex(word) + " " + Brief(word) + "\n";
    };
    switch (shape.representation) {
      case StringShape::Representation::kCons:
        field("first", l.cons_first);
        field("second", l.cons_second);
        break;
      case StringShape::Representation::kSliced:
        field("parent", l.sliced_parent);
        field("offset", l.sliced_offset);
        break;
      case StringShape::Representation::kThin:
        field("actual", l.thin_actual);
        break;
      case StringShape::Representation::kExternal:
        if (l.external_resource >= 0) {
          out += " - resource: " + Hex(heap_.ReadWord(a + static_cast<uint64_t>(l.external_resource))) + "\n";
          if (!shape.uncached_external)
            out += " - data: " + Hex(heap_.ReadWord(a + static_cast<uint64_t>(l.external_resource) + 8)) + "\n";
        }
        break;
      default:
        break;
    }
    return out;
  }
  if (kind == ObjectKind::kHeapNumber) {
    return head + "[HeapNumber] " + InspectJsNumber(ReadHeapNumber(heap_, a)) + "   (" + type_name + ")\n" +
           map_line + "\n";
  }
  if (kind == ObjectKind::kOddball || kind == ObjectKind::kHole) {
    OddballInfo info = ReadOddball(heap_, a);
    std::string kind = info.kind >= 0 ? ", kind " + std::to_string(info.kind) : "";
    return head + "[Oddball] " + info.name + "   (" + type_name + kind + ")\n" + map_line + "\n";
  }
  if (kind == ObjectKind::kSymbol) {
    SymbolInfo info = ReadSymbol(heap_, a, kV8ViewStringLimit);
    std::string out = head + "[Symbol] " + InspectSymbol(info) + "   (" + type_name + ")\n" + map_line + "\n";
    if (l.symbol_name >= 0) {
      uint64_t word = heap_.ReadWord(a + static_cast<uint64_t>(l.symbol_name));
      out += " - description: " + Hex(word) + " " + Brief(word) + "\n";
    }
    return out;
  }
  if (kind == ObjectKind::kMap) return DebugPrintMap(heap_, *this, a);
  if (IsContextType(heap_, type)) return DebugPrintContext(heap_, a);
  if (IsJSFunctionType(heap_, type)) return DebugPrintJSFunction(heap_, a);
  if (IsSharedFunctionInfo(heap_, a)) return DebugPrintSharedFunctionInfo(heap_, a);
  if (IsScript(heap_, a)) return DebugPrintScript(heap_, a);
  if (IsScopeInfo(heap_, a)) return DebugPrintScopeInfo(heap_, a);
  if (IsCallSiteInfo(heap_, a)) return DebugPrintCallSiteInfo(heap_, *this, a);
  {
    std::string cls = md.TypeClass(type);
    if (cls == "FixedArray" || cls == "FixedDoubleArray" || cls == "WeakFixedArray" || cls == "PropertyArray" ||
        cls == "TrustedFixedArray" || cls == "ProtectedFixedArray") {
      return DebugPrintArray(a, cls);
    }
  }
  if (IsReceiverType(type)) return DebugPrintJSObject(heap_, *this, a);
  if (kind == ObjectKind::kMap) {
    int described = heap_.MapInstanceType(a);
    std::string out = head + "[Map]   (" + type_name + ")\n" + map_line + "\n" +
                      " - type: " + heap_.TypeName(described) + "\n";
    if (l.map_instance_size_in_words >= 0) {
      int words = heap_.memory().ReadU8(a + static_cast<uint64_t>(l.map_instance_size_in_words));
      out += " - instance size: " + (words ? std::to_string(words * l.pointer_size) : std::string("variable")) + "\n";
    }
    return out;
  }
  std::string cls = md.TypeClass(type);
  return head + "[" + (cls.empty() ? type_name : cls) + "]   (" + type_name + ")\n" + map_line + "\n";
}

}  // namespace nodegdb
