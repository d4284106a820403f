// V8 strings of every representation: sequential (one- and two-byte), cons,
// sliced, thin and external. Reading is iterative with a step limit, so deep
// cons trees (from repeated +=) work and cyclic ones stop.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/v8/heap.h"

namespace nodegdb {

struct StringShape {
  enum class Representation { kSeq, kCons, kSliced, kThin, kExternal };
  Representation representation;
  bool one_byte;
  bool internalized;
  bool uncached_external;
  int64_t length;
};

const char* RepresentationName(StringShape::Representation r);

// V8's name of a string instance type, for the types the binary's metadata
// does not list (only some string types have v8dbg_type_ constants). V8 11
// says ONE_BYTE_INTERNALIZED_STRING_TYPE, V8 12+ INTERNALIZED_ONE_BYTE_STRING_TYPE;
// the binary's own names tell which scheme it uses.
std::string StringTypeName(const Heap& heap, int instance_type);

// The shape of the string at `address` (throws CorruptObject if not a string).
StringShape ReadStringShape(Heap& heap, uint64_t address);

struct StringContents {
  std::u16string units;  // at most the requested limit of UTF-16 code units
  int64_t length = 0;    // the string's whole length
  bool truncated() const { return static_cast<int64_t>(units.size()) < length; }
};

// Reads up to `limit` code units of the string at `address`.
StringContents ReadString(Heap& heap, uint64_t address, size_t limit);

// UTF-16 to UTF-8; a lone surrogate becomes U+FFFD.
std::string Utf16ToUtf8(const std::u16string& units);
// One-byte (Latin-1) characters appended as UTF-8.
void AppendLatin1AsUtf8(std::string& out, const uint8_t* chars, size_t n);
// UTF-8 to UTF-16 (surrogate pairs past U+FFFF); a broken sequence is read
// as far as it goes, never an error.
std::u16string Utf8ToUtf16(std::string_view utf8);
void AppendUtf8(std::string& out, char32_t code_point);

// The string as util.inspect prints it: quotes chosen as Node chooses them,
// control characters, backslash and lone surrogates escaped, and the
// "... N more characters" trailer past util.inspect's maxStringLength.
std::string QuoteJsString(const StringContents& contents);

// The escaping only (no quotes): "\n" for a newline, "\x1B", "\ud800", ...;
// `quote` is the quote character that must be escaped too (0 for none).
std::string EscapeJsString(const std::u16string& units, char16_t quote);

// V8's own printing of string contents (%DebugPrint): printable ASCII as
// is, everything else as \xNN or \uNNNN.
std::string EscapeV8String(const std::u16string& units);

// Node's util.inspect default for maxStringLength.
constexpr size_t kInspectMaxStringLength = 10000;

}  // namespace nodegdb
