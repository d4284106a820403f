#include "core/v8/string.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <vector>

namespace nodegdb {

namespace {

// V8's String::kMaxLength is just under 2^29 on 64-bit; anything above 2^30
// is a corrupt length.
constexpr int64_t kMaxPlausibleLength = int64_t{1} << 30;
// A walk of a cons/sliced/thin tree visits at most this many nodes. A string
// built by a million `+=` is a million deep; past that it is corrupt or cyclic.
constexpr size_t kMaxStringSteps = 4'000'000;


}  // namespace

const char* RepresentationName(StringShape::Representation r) {
  switch (r) {
    case StringShape::Representation::kSeq: return "sequential";
    case StringShape::Representation::kCons: return "cons";
    case StringShape::Representation::kSliced: return "sliced";
    case StringShape::Representation::kThin: return "thin";
    case StringShape::Representation::kExternal: return "external";
  }
  return "?";
}

std::string StringTypeName(const Heap& heap, int type) {
  const Layout& l = heap.layout();
  const bool v12_names = heap.metadata().FindType("SEQ_ONE_BYTE_STRING_TYPE").has_value();
  int rep = static_cast<int>(type & l.string_representation_mask);
  bool one_byte = (type & l.string_encoding_mask) == l.one_byte_string_tag;
  bool internalized = (type & l.not_internalized_mask) == 0;
  bool uncached = rep == l.external_string_tag && (type & l.uncached_external_mask) != 0;
  std::string prefix;
  if (rep == l.cons_string_tag) prefix = "CONS_";
  else if (rep == l.sliced_string_tag) prefix = "SLICED_";
  else if (rep == l.thin_string_tag) prefix = "THIN_";
  else if (rep == l.external_string_tag) prefix = uncached ? "UNCACHED_EXTERNAL_" : "EXTERNAL_";
  else if (v12_names && !internalized) prefix = "SEQ_";
  if (v12_names) {
    return prefix + (internalized ? "INTERNALIZED_" : "") + (one_byte ? "ONE_BYTE_" : "TWO_BYTE_") + "STRING_TYPE";
  }
  return prefix + (one_byte ? "ONE_BYTE_" : "") + (internalized ? "INTERNALIZED_" : "") + "STRING_TYPE";
}

static StringShape ShapeOf(Heap& heap, uint64_t address, int type) {
  const Layout& l = heap.layout();
  if (!heap.IsString(type)) {
    throw heap.NotA(address, "string", heap.TypeName(type));
  }
  StringShape shape{};
  int rep = type & static_cast<int>(heap.Need(l.string_representation_mask, "v8dbg_StringRepresentationMask"));
  if (rep == l.seq_string_tag) shape.representation = StringShape::Representation::kSeq;
  else if (rep == l.cons_string_tag) shape.representation = StringShape::Representation::kCons;
  else if (rep == l.sliced_string_tag) shape.representation = StringShape::Representation::kSliced;
  else if (rep == l.thin_string_tag) shape.representation = StringShape::Representation::kThin;
  else if (rep == l.external_string_tag) shape.representation = StringShape::Representation::kExternal;
  else throw CorruptObject(heap.Shown(address) + " has an unknown string representation " + std::to_string(rep));
  int enc = type & static_cast<int>(heap.Need(l.string_encoding_mask, "v8dbg_StringEncodingMask"));
  shape.one_byte = enc == l.one_byte_string_tag;
  shape.internalized = (type & l.not_internalized_mask) == 0;
  shape.uncached_external = shape.representation == StringShape::Representation::kExternal &&
                            (type & l.uncached_external_mask) != 0;
  int32_t length = static_cast<int32_t>(
      heap.memory().ReadU32(address + static_cast<uint64_t>(heap.Need(l.string_length, "v8dbg_class_String__length__*"))));
  if (length < 0 || length > kMaxPlausibleLength) {
    throw CorruptObject("string " + heap.Shown(address) + " has an impossible length " + std::to_string(length));
  }
  shape.length = length;
  return shape;
}

StringShape ReadStringShape(Heap& heap, uint64_t address) {
  return ShapeOf(heap, address, heap.InstanceTypeOf(address));
}

namespace {

void AppendChars(Heap& heap, uint64_t chars, bool one_byte, int64_t start, int64_t count,
                 std::u16string& out) {
  if (count <= 0) return;
  const uint64_t first = chars + static_cast<uint64_t>(start) * (one_byte ? 1 : 2);
  heap.memory().CheckReadable(first, static_cast<size_t>(count) * (one_byte ? 1 : 2));
  size_t old = out.size();
  out.resize(old + static_cast<size_t>(count));
  if (one_byte) {
    std::vector<uint8_t> bytes(static_cast<size_t>(count));
    heap.memory().ReadOrThrow(chars + static_cast<uint64_t>(start), bytes.data(), bytes.size());
    for (size_t i = 0; i < bytes.size(); i++) out[old + i] = bytes[i];
  } else {
    heap.memory().ReadOrThrow(chars + static_cast<uint64_t>(start) * 2, &out[old],
                              static_cast<size_t>(count) * 2);
  }
}

}  // namespace

StringContents ReadString(Heap& heap, uint64_t address, size_t limit) {
  const Layout& l = heap.layout();
  StringContents result;
  StringShape top = ReadStringShape(heap, address);
  result.length = top.length;

  // What a part may be, given what holds it (V8's own invariants): the two
  // parts of a cons are each shorter than it (a flattened cons keeps its flat
  // copy, or a thin string to it, beside an empty part), and a slice's parent
  // and a thin string's actual string are flat. So a string that contains
  // itself is caught at its first repeat, however long it claims to be.
  enum class Holder : uint8_t { kNone, kCons, kSliceOrThin };
  struct Piece {
    uint64_t address;
    int64_t start, count;
    Holder holder = Holder::kNone;
    int64_t holder_length = 0;
  };
  std::vector<Piece> stack;
  stack.push_back({address, 0, std::min<int64_t>(top.length, static_cast<int64_t>(limit))});
  // A real tree is bounded by its length: every cons node is longer than
  // its parts, leaves hold a character or more (an empty one only beside a
  // flat one, in a flattened cons), and a thin or sliced string leads
  // straight to a flat one; so fewer than six nodes per character. More
  // means the tree contains itself: a cyclic cons string of 80 characters
  // stops after ~500 steps, not millions.
  const size_t max_steps = static_cast<size_t>(std::min<int64_t>(
      static_cast<int64_t>(kMaxStringSteps), 6 * std::max<int64_t>(top.length, 0) + 64));
  size_t steps = 0;
  while (!stack.empty() && result.units.size() < limit) {
    if (++steps > max_steps) {
      throw CorruptObject("string " + heap.Shown(address) + ": gave up after " + std::to_string(max_steps) +
                          " nested parts for " + std::to_string(top.length) +
                          " characters (cyclic or corrupt cons string?)");
    }
    Piece p = stack.back();
    stack.pop_back();
    if (p.count <= 0) continue;
    StringShape shape = ReadStringShape(heap, p.address);
    using R = StringShape::Representation;
    const bool flat = shape.representation == R::kSeq || shape.representation == R::kExternal;
    if (p.holder == Holder::kCons && (shape.representation == R::kCons || shape.representation == R::kSliced) &&
        shape.length >= p.holder_length) {
      throw CorruptObject("string " + heap.Shown(address) + ": its part " + heap.Shown(p.address) + " (length " +
                          std::to_string(shape.length) + ") is not shorter than the cons string holding it (" +
                          std::to_string(p.holder_length) + "): cyclic or corrupt cons string");
    }
    if (p.holder == Holder::kSliceOrThin && !flat) {
      throw CorruptObject("string " + heap.Shown(address) + ": the string " + heap.Shown(p.address) +
                          " under a sliced or thin string is not flat: cyclic or corrupt string");
    }
    if (p.start + p.count > shape.length) {
      throw CorruptObject("string " + heap.Shown(p.address) + " is shorter (" + std::to_string(shape.length) +
                          ") than its parent says (" + std::to_string(p.start + p.count) + ")");
    }
    switch (shape.representation) {
      case StringShape::Representation::kSeq: {
        int64_t chars = heap.Need(shape.one_byte ? l.seq_one_byte_chars : l.seq_two_byte_chars,
                                  "v8dbg_class_SeqOneByteString__chars__char");
        AppendChars(heap, p.address + static_cast<uint64_t>(chars), shape.one_byte, p.start, p.count,
                    result.units);
        break;
      }
      case StringShape::Representation::kCons: {
        uint64_t first = heap.ReadObjectField(p.address, heap.Need(l.cons_first, "v8dbg_class_ConsString__first__*"), "first part");
        uint64_t second = heap.ReadObjectField(p.address, heap.Need(l.cons_second, "v8dbg_class_ConsString__second__*"), "second part");
        int64_t first_length = ReadStringShape(heap, first).length;
        int64_t end = p.start + p.count;
        // Push the second half first so the first is read first.
        if (end > first_length) {
          int64_t s = std::max<int64_t>(p.start - first_length, 0);
          stack.push_back({second, s, end - first_length - s, Holder::kCons, shape.length});
        }
        if (p.start < first_length) {
          stack.push_back({first, p.start, std::min(end, first_length) - p.start, Holder::kCons, shape.length});
        }
        break;
      }
      case StringShape::Representation::kSliced: {
        uint64_t parent = heap.ReadObjectField(p.address, heap.Need(l.sliced_parent, "v8dbg_class_SlicedString__parent__*"), "parent");
        int64_t offset = heap.ReadSmiField(p.address, heap.Need(l.sliced_offset, "v8dbg_class_SlicedString__offset__*"), "offset");
        if (offset < 0 || offset > kMaxPlausibleLength) {
          throw CorruptObject("sliced string " + heap.Shown(p.address) + " has an impossible offset " + std::to_string(offset));
        }
        stack.push_back({parent, offset + p.start, p.count, Holder::kSliceOrThin, shape.length});
        break;
      }
      case StringShape::Representation::kThin: {
        uint64_t actual = heap.ReadObjectField(p.address, heap.Need(l.thin_actual, "v8dbg_class_ThinString__actual__*"), "actual string");
        stack.push_back({actual, p.start, p.count, Holder::kSliceOrThin, shape.length});
        break;
      }
      case StringShape::Representation::kExternal: {
        if (shape.uncached_external) {
          throw CorruptObject("external string " + heap.Shown(p.address) +
                              " does not cache its data pointer; its characters are behind a C++ resource");
        }
        // The cached data pointer follows the resource pointer (V8's
        // ExternalString::resource_data_; not in the postmortem metadata).
        uint64_t resource_offset = static_cast<uint64_t>(heap.Need(l.external_resource, "v8dbg_class_ExternalString__resource__*"));
        uint64_t data = heap.ReadWord(p.address + resource_offset + 8);
        if (data == 0) throw CorruptObject("external string " + heap.Shown(p.address) + " has no data pointer");
        AppendChars(heap, data, shape.one_byte, p.start, p.count, result.units);
        break;
      }
    }
  }
  return result;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string Utf16ToUtf8(const std::u16string& u) {
  std::string out;
  out.reserve(u.size());
  for (size_t i = 0; i < u.size(); i++) {
    char32_t c = u[i];
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < u.size() && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (u[i + 1] - 0xDC00);
      i++;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    AppendUtf8(out, c);
  }
  return out;
}

void AppendLatin1AsUtf8(std::string& out, const uint8_t* chars, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    // Eight characters at a time while none has its high bit set.
    for (uint64_t w; run + 8 <= n && (std::memcpy(&w, chars + run, 8), (w & 0x8080808080808080ULL) == 0);) run += 8;
    while (run < n && chars[run] < 0x80) ++run;
    out.append(reinterpret_cast<const char*>(chars + i), run - i);
    if (run == n) break;
    out.push_back(static_cast<char>(0xC0 | (chars[run] >> 6)));
    out.push_back(static_cast<char>(0x80 | (chars[run] & 0x3F)));
    i = run + 1;
  }
}

std::string EscapeV8String(const std::u16string& u) {
  std::string out;
  char buf[8];
  for (char16_t c : u) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      std::snprintf(buf, sizeof buf, c < 0x100 ? "\\x%02x" : "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    }
  }
  return out;
}

std::string EscapeJsString(const std::u16string& u, char16_t quote) {
  static const char* const kNamed[32] = {
      "\\x00", "\\x01", "\\x02", "\\x03", "\\x04", "\\x05", "\\x06", "\\x07",
      "\\b",   "\\t",   "\\n",   "\\x0B", "\\f",   "\\r",   "\\x0E", "\\x0F",
      "\\x10", "\\x11", "\\x12", "\\x13", "\\x14", "\\x15", "\\x16", "\\x17",
      "\\x18", "\\x19", "\\x1A", "\\x1B", "\\x1C", "\\x1D", "\\x1E", "\\x1F"};
  std::string out;
  out.reserve(u.size());
  char buf[16];
  for (size_t i = 0; i < u.size(); i++) {
    char16_t c = u[i];
    if (c < 32) {
      out += kNamed[c];
    } else if (quote && c == quote) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x7F && c <= 0x9F) {
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
      out += buf;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      if (c <= 0xDBFF && i + 1 < u.size() && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
        AppendUtf8(out, 0x10000 + ((char32_t{c} - 0xD800) << 10) + (u[i + 1] - 0xDC00));
        i++;
      } else {
        // Node prints the code unit in lower-case hex without padding.
        std::snprintf(buf, sizeof buf, "\\u%x", static_cast<unsigned>(c));
        out += buf;
      }
    } else {
      AppendUtf8(out, c);
    }
  }
  return out;
}

std::string QuoteJsString(const StringContents& contents) {
  const std::u16string& u = contents.units;
  // util.inspect prefers single quotes; with a ' inside it takes ", then `,
  // and only escapes ' if all three occur (or "${" rules out backticks).
  char16_t quote = '\'';
  if (u.find(u'\'') != std::u16string::npos) {
    if (u.find(u'"') == std::u16string::npos) {
      quote = '"';
    } else if (u.find(u'`') == std::u16string::npos && u.find(u"${") == std::u16string::npos) {
      quote = '`';
    }
  }
  std::string out;
  out += static_cast<char>(quote);
  out += EscapeJsString(u, quote == '\'' ? u'\'' : 0);
  out += static_cast<char>(quote);
  if (contents.truncated()) {
    int64_t remaining = contents.length - static_cast<int64_t>(u.size());
    out += "... " + std::to_string(remaining) + " more character" + (remaining > 1 ? "s" : "");
  }
  return out;
}

std::u16string Utf8ToUtf16(std::string_view s) {
  std::u16string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    int n;
    if (c < 0x80) { cp = c; n = 1; }
    else if ((c >> 5) == 6) { cp = c & 0x1f; n = 2; }
    else if ((c >> 4) == 14) { cp = c & 0x0f; n = 3; }
    else { cp = c & 0x07; n = 4; }
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xd800 + (cp >> 10));
      out += static_cast<char16_t>(0xdc00 + (cp & 0x3ff));
    } else {
      out += static_cast<char16_t>(cp);
    }
  }
  return out;
}

}  // namespace nodegdb
