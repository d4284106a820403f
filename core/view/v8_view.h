// The V8 view: what %DebugPrint says of an object. The first line is
// "0xADDR: [Class] summary   (INSTANCE_TYPE, details)"; then " - field: value"
// lines for the map and the type's key fields.
#pragma once

#include <cstdint>
#include <string>

#include "core/v8/heap.h"

namespace nodegdb {

// Longest string text shown in the V8 view before a "…" marker.
constexpr size_t kV8ViewStringLimit = 1000;

class V8View {
 public:
  // string_limit: the longest string text DebugPrint shows of a string
  // before a "…" marker (kV8ViewStringLimit unless asked for more).
  explicit V8View(Heap& heap, size_t string_limit = kV8ViewStringLimit) : heap_(heap), string_limit_(string_limit) {}
  std::string DebugPrint(uint64_t raw);

  // "<Map(HEAP_NUMBER_TYPE)>", "<String[3]: #abc>", ...: one short phrase.
  std::string Brief(uint64_t raw);

  bool IsReceiverType(int instance_type) const;

 private:
  std::string BriefOther(uint64_t address, int instance_type);
  std::string DebugPrintArray(uint64_t address, const std::string& cls);
  Heap& heap_;
  size_t string_limit_;
};

}  // namespace nodegdb
