// JsSlot, one value slot: a tagged word to be described by the model, or a
// number stored unboxed (double elements, double fields, typed-array
// elements) already formatted as util.inspect formats numbers ("1", "-0",
// "NaN", "5n"). Readers (ReadElements) produce it; view/inspect.h uses it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace nodegdb {

struct JsSlot {
  uint64_t raw = 0;
  std::optional<std::string> number_text;

  static JsSlot Tagged(uint64_t raw) { return JsSlot{raw, std::nullopt}; }
  static JsSlot Number(std::string text) { return JsSlot{0, std::move(text)}; }
};

}  // namespace nodegdb
