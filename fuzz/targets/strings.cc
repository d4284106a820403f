// Strings of every representation (sequential, cons, sliced, thin,
// external): shape, contents under several limits, and the quoting of
// util.inspect and of %DebugPrint.
#include "core/v8/string.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(strings) {
  for (uint64_t address : fuzz::ObjectRoots(fuzz)) {
    fuzz::Try([&] { ReadStringShape(fuzz.heap(), address); });
    fuzz::Try([&] { StringTypeName(fuzz.heap(), fuzz.heap().InstanceTypeOf(address)); });
    for (size_t limit : {size_t{0}, size_t{1}, size_t{17}, kInspectMaxStringLength, size_t{1} << 30}) {
      fuzz::Try([&] {
        StringContents s = ReadString(fuzz.heap(), address, limit);
        QuoteJsString(s);
        EscapeV8String(s.units);
        Utf16ToUtf8(s.units);
      });
    }
  }
}
