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
  switch (heap_.KindOf(type)) {
    case ObjectKind::kString:
      return QuoteJsString(ReadString(heap_, address, kInspectMaxStringLength));
    case ObjectKind::kHeapNumber:
      return InspectJsNumber(ReadHeapNumber(heap_, address));
    case ObjectKind::kOddball:
    case ObjectKind::kHole:
      return InspectOddball(ReadOddball(heap_, address));
    case ObjectKind::kSymbol:
      return InspectSymbol(ReadSymbol(heap_, address));
    case ObjectKind::kMap:
    case ObjectKind::kOther:
      break;
  }
  // Objects and V8 internals: a brief form until their own decoders exist.
  return "<" + heap_.TypeName(type) + " " + Hex(address + heap_.layout().tagging.heap_object_tag) + ">";
}

}  // namespace nodegdb
