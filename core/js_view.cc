#include "js_view.h"

#include "heap_number.h"
#include "oddball.h"
#include "string.h"
#include "symbol.h"

namespace nodegdb {

std::string JsView::Format(uint64_t raw) {
  Tagged t = heap_.Decode(raw);
  switch (t.kind) {
    case Tagged::Kind::kSmi:
      return std::to_string(t.smi);
    case Tagged::Kind::kCleared:
      return "<cleared weak reference>";
    case Tagged::Kind::kInvalid:
      throw Error(NotTaggedMessage(raw));
    case Tagged::Kind::kWeak:
      return "<weak> " + FormatHeapObject(t.address);
    case Tagged::Kind::kStrong:
      break;
  }
  return FormatHeapObject(t.address);
}

std::string JsView::FormatHeapObject(uint64_t address) {
  int type = heap_.InstanceTypeOf(address);
  const Metadata& md = heap_.metadata();
  if (heap_.IsString(type)) return QuoteJsString(ReadString(heap_, address, kInspectMaxStringLength));
  if (type == md.GetType("HEAP_NUMBER_TYPE")) return InspectJsNumber(ReadHeapNumber(heap_, address));
  if (type == md.GetType("ODDBALL_TYPE") || type == md.FindType("HOLE_TYPE")) {
    return InspectOddball(ReadOddball(heap_, address));
  }
  if (type == md.GetType("SYMBOL_TYPE")) return InspectSymbol(ReadSymbol(heap_, address));
  // Objects and V8 internals: a brief form until their own decoders exist.
  return "<" + heap_.TypeName(type) + " " + Hex(address + heap_.layout().tagging.heap_object_tag) + ">";
}

}  // namespace nodegdb
