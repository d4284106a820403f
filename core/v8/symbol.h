// Symbols: Symbol('desc'), Symbol(), well-known and private symbols.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/v8/heap.h"
#include "core/v8/string.h"

namespace nodegdb {

struct SymbolInfo {
  std::optional<StringContents> description;  // absent for Symbol()
};

SymbolInfo ReadSymbol(Heap& heap, uint64_t address, size_t limit = kInspectMaxStringLength);

// Symbol.prototype.toString(): "Symbol(desc)".
std::string InspectSymbol(const SymbolInfo& info);

}  // namespace nodegdb
