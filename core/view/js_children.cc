#include "core/view/js_children.h"

#include "core/v8/context.h"
#include "core/view/js_model.h"

namespace nodegdb {

namespace {

JsChild SlotChild(std::string name, const JsSlot& slot) {
  JsChild c;
  c.name = std::move(name);
  if (slot.number_text) {
    c.text = *slot.number_text;
  } else {
    c.has_value = true;
    c.raw = slot.raw;
  }
  return c;
}

std::string Counted(const std::string& name, uint64_t n) { return name + "(" + std::to_string(n) + ")"; }

// A context's header slots come before its variables: what its scope is,
// and the links outward that a debugger UI follows.
void AddContextHeader(Heap& heap, uint64_t raw, JsStructure& s) {
  Tagged t = heap.Decode(raw);
  if (t.kind != Tagged::Kind::kStrong || !IsContextType(heap, heap.InstanceTypeOf(t.address))) return;
  ContextInfo context = ReadContext(heap, t.address);
  auto add = [&](const char* name, uint64_t word) {
    JsChild c;
    c.name = name;
    c.has_value = true;
    c.raw = word;
    s.children.push_back(c);
  };
  add("[[scope_info]]", context.scope_info);
  if (context.kind != ContextKind::kNative) add("[[previous]]", context.previous);
  if (context.has_extension) add("[[extension]]", context.extension);
}

// Own properties as children, accessors by what util.inspect shows for them.
void AddPropertyChildren(const JsDescription& d, size_t limit, JsStructure& s) {
  for (const JsProperty& p : d.properties) {
    if (s.children.size() >= limit) break;
    std::string name = p.key.kind == JsKey::Kind::kSymbol ? "[" + p.key.text + "]" : p.key.text;
    if (p.accessor) {
      JsChild c;
      c.name = name;
      c.text = p.has_getter && p.has_setter ? "[Getter/Setter]" : p.has_getter ? "[Getter]" : "[Setter]";
      s.children.push_back(c);
    } else {
      s.children.push_back(SlotChild(name, p.value));
    }
  }
}

// Arrays, arguments and typed arrays: "Array(3)" with the elements by
// index, then the properties; GDB's "array" hint only for a dense list.
void AddElementChildren(const JsDescription& d, const std::string& ctor, size_t limit, JsStructure& s) {
  s.summary = d.kind == JsKind::kTypedArray ? Counted(d.typed_name, d.length)
              : d.kind == JsKind::kArguments ? Counted("Arguments", d.length)
                                             : Counted(ctor == "Array" ? "Array" : ctor, d.length);
  bool dense = d.elements.size() == d.length || (d.elements.size() > 0 && d.elements.back().first + 1 == d.elements.size());
  s.hint = dense && d.properties.empty() ? "array" : "";
  for (const auto& [index, slot] : d.elements) {
    if (s.children.size() >= limit) break;
    s.children.push_back(SlotChild("[" + std::to_string(index) + "]", slot));
  }
  AddPropertyChildren(d, limit, s);
}

// Maps and Sets: "Map(2)" with a key and a value child per entry.
void AddEntryChildren(const JsDescription& d, const std::string& ctor, size_t limit, JsStructure& s) {
  s.summary = Counted(ctor, d.length);
  s.hint = d.kind == JsKind::kMap ? "map" : "array";
  size_t i = 0;
  for (const auto& [key, value] : d.entries) {
    if (s.children.size() + 1 >= limit) break;
    if (d.kind == JsKind::kMap) {
      s.children.push_back(SlotChild("[" + std::to_string(i) + "].key", key));
      s.children.push_back(SlotChild("[" + std::to_string(i) + "].value", value));
    } else {
      s.children.push_back(SlotChild("[" + std::to_string(i) + "]", key));
    }
    ++i;
  }
}

void AddPromiseChildren(const JsDescription& d, size_t limit, JsStructure& s) {
  s.summary = "Promise";
  if (d.promise_state == JsPromiseState::kPending) {
    s.children.push_back(JsChild{"[[PromiseState]]", false, 0, "pending"});
  } else {
    s.children.push_back(JsChild{"[[PromiseState]]", false, 0, d.promise_state == JsPromiseState::kFulfilled ? "fulfilled" : "rejected"});
    s.children.push_back(SlotChild("[[PromiseResult]]", d.promise_result));
  }
  AddPropertyChildren(d, limit, s);
}

}  // namespace

JsStructure DescribeStructure(Heap& heap, uint64_t raw, const InspectOptions& options, size_t limit) {
  HeapJsModel model(heap, options);
  JsDescription d = model.Describe(raw);
  JsStructure s;
  const std::string ctor = d.constructor_name.value_or("[" + d.builtin_name + ": null prototype]");
  switch (d.kind) {
    case JsKind::kArray:
    case JsKind::kArguments:
    case JsKind::kTypedArray:
      AddElementChildren(d, ctor, limit, s);
      return s;
    case JsKind::kMap:
    case JsKind::kSet:
      AddEntryChildren(d, ctor, limit, s);
      return s;
    case JsKind::kObject:
    case JsKind::kGlobalProxy:
    case JsKind::kModuleNamespace:
      s.summary = ctor;
      AddContextHeader(heap, raw, s);
      AddPropertyChildren(d, limit, s);
      return s;
    case JsKind::kPromise:
      AddPromiseChildren(d, limit, s);
      return s;
    default: {
      // Primitives, functions, dates, regexps, errors, boxed values: their
      // util.inspect text says it all; own properties (if any) as children.
      InspectOptions shallow = options;
      shallow.depth = 0;
      s.summary = Inspect(model, raw, shallow);
      if (d.kind == JsKind::kFunction || d.kind == JsKind::kError) {
        std::string::size_type brace = s.summary.find(" {");
        if (!d.properties.empty() && brace != std::string::npos) s.summary.resize(brace);
        AddPropertyChildren(d, limit, s);
      }
      return s;
    }
  }
}

}  // namespace nodegdb
