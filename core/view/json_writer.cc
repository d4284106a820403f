#include "core/view/json_writer.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nodegdb {

namespace {

// The length of the UTF-8 sequence starting at s[i], or 0 if invalid.
size_t Utf8Length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || (n > 1 && c < 0xC2) || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; k++) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Whether none of the eight bytes of `w` needs escaping or decoding: all
// printable ASCII, no quote or backslash.
bool PlainWord(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const uint64_t control = (w - kOnes * 0x20) & ~w & kHigh;         // a byte below 0x20
  const uint64_t del = ((w ^ (kOnes * 0x7F)) - kOnes) & ~(w ^ (kOnes * 0x7F)) & kHigh;
  const uint64_t quote = ((w ^ (kOnes * '"')) - kOnes) & ~(w ^ (kOnes * '"')) & kHigh;
  const uint64_t slash = ((w ^ (kOnes * '\\')) - kOnes) & ~(w ^ (kOnes * '\\')) & kHigh;
  return ((w & kHigh) | control | del | quote | slash) == 0;
}

void AppendQuoted(std::string& out, std::string_view text) {
  const size_t start = out.size();
  out.resize(start + JsonQuotedBound(text.size()));
  char* end = WriteJsonQuoted(out.data() + start, text);
  out.resize(static_cast<size_t>(end - out.data()));
}

}  // namespace

char* WriteJsonQuoted(char* out, std::string_view text) {
  *out++ = '"';
  const char* p = text.data();
  for (size_t i = 0; i < text.size();) {
    // Printable ASCII goes in eight bytes at a time (most of a heap's text).
    uint64_t w;
    if (i + 8 <= text.size() && (std::memcpy(&w, p + i, 8), PlainWord(w))) {
      std::memcpy(out, p + i, 8);
      out += 8, i += 8;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(p[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      *out++ = static_cast<char>(c);
    } else if (c == '"' || c == '\\') {
      *out++ = '\\', *out++ = static_cast<char>(c);
    } else if (c == '\n') {
      *out++ = '\\', *out++ = 'n';
    } else if (c == '\t') {
      *out++ = '\\', *out++ = 't';
    } else if (c == '\r') {
      *out++ = '\\', *out++ = 'r';
    } else if (c < 0x20 || c == 0x7F) {
      std::snprintf(out, 7, "\\u%04x", c);
      out += 6;
    } else {
      const size_t n = Utf8Length(text, i);
      if (n == 0) {
        std::memcpy(out, "\xEF\xBF\xBD", 3);  // U+FFFD
        out += 3, i += 1;
        continue;
      }
      std::memcpy(out, p + i, n);
      out += n, i += n;
      continue;
    }
    ++i;
  }
  *out++ = '"';
  return out;
}

void AppendJsonQuoted(std::string& out, std::string_view text) { AppendQuoted(out, text); }

std::string JsonQuote(std::string_view text) {
  std::string out;
  AppendQuoted(out, text);
  return out;
}

std::string ReportAddress(uint64_t address) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(address));
  return buf;
}

void JsonWriter::Newline() {
  if (indent_ <= 0) return;
  out_ += '\n';
  out_.append(open_.size() * static_cast<size_t>(indent_), ' ');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (open_.empty()) return;
  if (open_.back()) out_ += ',';
  open_.back() = true;
  Newline();
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_ += '{';
  open_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  bool had = !open_.empty() && open_.back();
  if (!open_.empty()) open_.pop_back();
  if (had) Newline();
  out_ += '}';
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_ += '[';
  open_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  bool had = !open_.empty() && open_.back();
  if (!open_.empty()) open_.pop_back();
  if (had) Newline();
  out_ += ']';
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  BeforeValue();
  AppendQuoted(out_, key);
  out_ += indent_ > 0 ? ": " : ":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view text) {
  BeforeValue();
  AppendQuoted(out_, text);
  return *this;
}

JsonWriter& JsonWriter::Number(int64_t value) {
  BeforeValue();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Unsigned(uint64_t value) {
  BeforeValue();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  BeforeValue();
  if (!std::isfinite(value)) {
    out_ += "null";
    return *this;
  }
  // The shortest of %.15g..%.17g that reads back as the same double.
  char buf[32];
  for (int precision = 15; precision <= 17; precision++) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  out_ += buf;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_.append(json);
  return *this;
}

}  // namespace nodegdb
