#include "core/v8/symbol.h"

namespace nodegdb {

SymbolInfo ReadSymbol(Heap& heap, uint64_t address, size_t limit) {
  int64_t offset = heap.Need(heap.layout().symbol_name, "v8dbg_class_Symbol__name__*");
  Tagged name = heap.ReadTagged(address + static_cast<uint64_t>(offset));
  SymbolInfo info;
  if (name.kind == Tagged::Kind::kStrong && heap.IsString(heap.InstanceTypeOf(name.address))) {
    info.description = ReadString(heap, name.address, limit);
  }
  return info;
}

std::string InspectSymbol(const SymbolInfo& info) {
  if (!info.description) return "Symbol()";
  return "Symbol(" + Utf16ToUtf8(info.description->units) + ")";
}

}  // namespace nodegdb
