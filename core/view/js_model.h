// The heap side of the JS view: describes any tagged value for the
// util.inspect formatter (inspect.h) by dispatching on its instance type to
// the decoder of that kind (js_object.cc, map.cc, collections, functions...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/v8/heap.h"
#include "core/view/inspect.h"
#include "core/v8/map.h"

namespace nodegdb {

class HeapJsModel : public JsModel {
 public:
  HeapJsModel(Heap& heap, const InspectOptions& options) : heap_(heap), options_(options) {}
  JsDescription Describe(uint64_t raw) override;

  // V8's JSReceiver::GetConstructorName (util's internalGetConstructorName,
  // and CallSiteInfo's type name in stack traces); `class_name` is
  // JSReceiver::class_name, its last resort.
  std::string InternalConstructorName(uint64_t address, const MapInfo& map, const std::string& class_name);

  // Facts the V8 view shares.
  std::string FunctionName(uint64_t function);  // "" if anonymous
  bool IsFunctionType(int instance_type) const;

 private:
  // A JS receiver being described: where it is, its map, and whether its
  // Symbol.toStringTag is a getter (a typed array's answers the element type).
  struct Receiver {
    uint64_t address;
    const MapInfo& map;
    bool tag_getter;
  };
  // Reads one receiver class's own state into `d` (the kind table in js_model.cc).
  using Describer = void (HeapJsModel::*)(const Receiver& r, JsDescription& d);
  struct ReceiverKind;
  const ReceiverKind& KindOfReceiver(int instance_type);

  JsDescription DescribeHeapObject(uint64_t address);
  void DescribeReceiver(uint64_t address, const MapInfo& map, JsDescription& d);
  void AddNamedProperties(uint64_t address, const MapInfo& map, JsDescription& d);
  void AddIndexedAsProperties(uint64_t address, const MapInfo& map, JsDescription& d);
  // The describers of the kind table.
  void DescribeArray(const Receiver& r, JsDescription& d);
  void DescribeArguments(const Receiver& r, JsDescription& d);
  void DescribeFunction(const Receiver& r, JsDescription& d);
  void DescribeBoundFunction(const Receiver& r, JsDescription& d);
  void DescribeCollection(const Receiver& r, JsDescription& d);  // d.kind says Map or Set
  void DescribeDate(const Receiver& r, JsDescription& d);
  void DescribeRegExp(const Receiver& r, JsDescription& d);
  void DescribeBoxed(const Receiver& r, JsDescription& d);
  void DescribePromise(const Receiver& r, JsDescription& d);
  // Elements, properties, and Node's Buffer form.
  void DescribeTypedArrayReceiver(const Receiver& r, JsDescription& d);
  void DescribeDataView(const Receiver& r, JsDescription& d);
  void DescribeArrayBuffer(const Receiver& r, JsDescription& d);
  void DescribeError(const Receiver& r, JsDescription& d);
  // Error.prototype.toString of the error; the stack V8 would format from
  // the call sites in `raw` ("" if it holds none); whether Node made it.
  std::string ErrorToString(const Receiver& r, const JsDescription& d);
  std::string UnformattedStack(const Receiver& r, uint64_t raw, const JsDescription& d);
  bool IsNodeError(const Receiver& r);

  void DescribeTypedArray(uint64_t address, const MapInfo& map, JsDescription& d);
  // A JSArrayBufferView's buffer, byte offset and byte length (length-tracking
  // views span their buffer; detached ones are empty) into `d`.
  void ReadViewExtent(uint64_t address, JsDescription& d);
  void DescribeContext(uint64_t address, JsDescription& d);
  // A data property found on the object or its prototype chain (nullopt for
  // accessors, which only running code could evaluate).
  std::optional<Tagged> LookupDataProperty(uint64_t address, const MapInfo& map, std::u16string_view name);
  std::string StringValue(const std::optional<Tagged>& value);
  bool ArrayBufferDetached(uint64_t buffer);
  void DescribeBuffer(uint64_t address, JsDescription& d);
  std::optional<std::string> ConstructorName(uint64_t address, const MapInfo& map, bool* null_prototype);
  std::optional<std::string> FindConstructorName(uint64_t address, const MapInfo& map, bool* null_prototype);
  // The object's own data property `key` (a symbol's description text or a
  // string), nullopt if absent or an accessor.
  std::optional<Tagged> OwnDataProperty(uint64_t address, const MapInfo& map, std::string_view symbol,
                                        std::u16string_view name);
  // value[Symbol.toStringTag] where no code has to run: the first own or
  // inherited property with that key if it is a string data property; ""
  // otherwise. *getter: the first such property was an accessor.
  std::string ToStringTag(uint64_t address, const MapInfo& map, bool* getter);
  std::string FindToStringTag(uint64_t address, const MapInfo& map, bool* getter);
  // The primitive's util.inspect text; strings and numbers also mark `d`.
  std::string PrimitiveText(uint64_t raw, JsDescription& d);

  Heap& heap_;
  InspectOptions options_;
};

// ISO 8601 text of a time value in ms since the epoch, as Date.prototype.toISOString
// ("1970-01-01T00:00:00.000Z"); "Invalid Date" for NaN or out of range.
std::string IsoDateText(double ms);

// A description as text, field by field (debugging and tests).
std::string DebugString(const JsDescription& d);

// RegExp flags bits to their text in V8's canonical order ("dgimsuvy").
std::string RegExpFlagsText(int64_t flags);

}  // namespace nodegdb
