// JSON text for programs that read node-gdb's answers (`-json` options,
// node-report's diagnostic-report JSON): a writer that appends to one
// string, so an answer is built in a single pass with no document tree.
// Strings are escaped as JSON requires; bytes that are not valid UTF-8 are
// written as U+FFFD, so the output always parses. Numbers beyond 2^53 are
// still written exactly (JSON allows it; JS readers round them).
//
// Nothing here fails: misuse (a value where a key is due) is the caller's
// bug and only makes the text wrong, never throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nodegdb {

class JsonWriter {
 public:
  // `indent` > 0: pretty-printed, that many spaces a level; 0: one line.
  explicit JsonWriter(int indent = 2) : indent_(indent) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view text);
  JsonWriter& Number(int64_t value);
  JsonWriter& Unsigned(uint64_t value);
  JsonWriter& Double(double value);  // NaN and infinities are written as null
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Already JSON text (another writer's output), inserted as one value.
  JsonWriter& Raw(std::string_view json);

  // Key + value in one call.
  template <typename T>
  JsonWriter& Field(std::string_view key, const T& value) {
    Key(key);
    return Value(value);
  }
  JsonWriter& Value(std::string_view v) { return String(v); }
  JsonWriter& Value(const std::string& v) { return String(v); }
  JsonWriter& Value(const char* v) { return String(v); }
  JsonWriter& Value(bool v) { return Bool(v); }
  JsonWriter& Value(int v) { return Number(v); }
  JsonWriter& Value(int64_t v) { return Number(v); }
  JsonWriter& Value(uint64_t v) { return Unsigned(v); }
  JsonWriter& Value(uint32_t v) { return Unsigned(v); }
  JsonWriter& Value(double v) { return Double(v); }

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  void Newline();

  int indent_;
  std::string out_;
  // Per open container: whether it has an element yet.
  std::vector<bool> open_;
  bool after_key_ = false;
};

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view text);
// The same, appended to `out` (no string made per call).
void AppendJsonQuoted(std::string& out, std::string_view text);
// The same, written at `out`, which has room for JsonQuotedBound(text.size())
// bytes; returns the end of what was written.
constexpr size_t JsonQuotedBound(size_t bytes) { return 6 * bytes + 2; }
char* WriteJsonQuoted(char* out, std::string_view text);

// "0x0000000000d59a08": an address as Node's diagnostic report writes it
// (16 hex digits).
std::string ReportAddress(uint64_t address);

}  // namespace nodegdb
