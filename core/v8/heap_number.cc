#include "core/v8/heap_number.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace nodegdb {

double ReadHeapNumber(Heap& heap, uint64_t address) {
  int64_t offset = heap.Need(heap.layout().heap_number_value, "v8dbg_class_HeapNumber__value__double");
  return heap.memory().ReadValue<double>(address + static_cast<uint64_t>(offset));
}

std::string FormatJsNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (value == 0) return "0";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";
  std::string sign = value < 0 ? "-" : "";
  value = std::fabs(value);

  // Shortest round-trip digits d1.d2d3...e±X; JS calls the digit count k and
  // the decimal point position n = X + 1.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  size_t e = sci.find('e');
  std::string digits;
  for (size_t i = 0; i < e; i++) {
    if (sci[i] != '.') digits += sci[i];
  }
  int exponent = std::atoi(sci.c_str() + e + 1);
  int k = static_cast<int>(digits.size());
  int n = exponent + 1;

  std::string out = sign;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<size_t>(n));
    out += '.';
    out += digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

std::string InspectJsNumber(double value) {
  if (value == 0 && std::signbit(value)) return "-0";
  return FormatJsNumber(value);
}

}  // namespace nodegdb
