#include "core/view/source_listing.h"

#include <algorithm>
#include <cstdio>

#include "core/errors.h"
#include "core/v8/js_function.h"
#include "core/v8/shared_function_info.h"
#include "core/v8/string.h"

namespace nodegdb {

// ---- the line window ----

LineRange LinesAround(int64_t line, int64_t count, int64_t lo, int64_t hi) {
  if (hi < lo || count <= 0) return LineRange{lo, lo - 1};
  if (count >= hi - lo + 1) return LineRange{lo, hi};
  line = std::clamp(line, lo, hi);
  int64_t first = line - count / 2;
  first = std::clamp(first, lo, hi - count + 1);
  return LineRange{first, first + count - 1};
}

namespace {

bool IsTerminator(char16_t c) { return c == u'\n' || c == u'\r' || c == 0x2028 || c == 0x2029; }

}  // namespace

std::vector<size_t> LineStarts(const std::u16string& text) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < text.size(); i++) {
    char16_t c = text[i];
    if (!IsTerminator(c)) continue;
    if (c == u'\r' && i + 1 < text.size() && text[i + 1] == u'\n') i++;
    starts.push_back(i + 1);
  }
  return starts;
}

std::string ListingLineText(const std::u16string& text, size_t begin, size_t end, size_t max_units) {
  end = std::min(end, text.size());
  begin = std::min(begin, end);
  // The terminator (one unit, or \r\n) belongs to no line's text.
  while (end > begin && IsTerminator(text[end - 1])) end--;
  const size_t shown = std::min(end - begin, max_units);
  std::u16string units;
  units.reserve(shown);
  std::string out;
  auto flush = [&] {
    out += Utf16ToUtf8(units);
    units.clear();
  };
  for (size_t i = begin; i < begin + shown; i++) {
    char16_t c = text[i];
    if ((c < 0x20 && c != u'\t') || c == 0x7f) {
      flush();
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    } else {
      units.push_back(c);
    }
  }
  flush();
  if (shown < end - begin) out += " … (" + std::to_string(end - begin - shown) + " more characters)";
  return out;
}

std::string FormatNumberedLines(const std::vector<std::string>& lines, int64_t first_number, int64_t marked) {
  std::string out;
  for (size_t i = 0; i < lines.size(); i++) {
    const int64_t number = first_number + static_cast<int64_t>(i);
    out += number == marked ? "=> " : "   ";
    out += std::to_string(number);
    out += '\t';
    out += lines[i];
    out += '\n';
  }
  return out;
}

// ---- the listing ----

namespace {

SharedFunctionInfoData FunctionInfoOf(Heap& heap, uint64_t raw) {
  Tagged t = heap.Decode(raw);
  if (t.kind != Tagged::Kind::kStrong) {
    throw Error(Hex(raw) + " is not a JSFunction or SharedFunctionInfo (" +
                (t.is_smi() ? "a Smi" : "a weak or cleared reference") + ")");
  }
  int type = -1;
  try {
    type = heap.InstanceTypeOf(t.address);
  } catch (const ReadError& e) {
    throw Error(Hex(raw) + " is not a JSFunction or SharedFunctionInfo: " + e.what());
  }
  if (IsJSFunctionType(heap, type)) return ReadJSFunction(heap, t.address).sfi;
  if (IsSharedFunctionInfo(heap, t.address)) return ReadSharedFunctionInfo(heap, t.address);
  throw heap.NotA(t.address, "JSFunction or SharedFunctionInfo", heap.TypeName(type));
}

std::string FunctionTitle(const SharedFunctionInfoData& sfi) {
  return "function " + (sfi.debug_name.empty() ? std::string("<anonymous>") : sfi.debug_name);
}

// The 1-based index (in `starts`) of the line holding `position`.
int64_t LineIndexOf(const std::vector<size_t>& starts, int64_t position) {
  auto it = std::upper_bound(starts.begin(), starts.end(), static_cast<size_t>(std::max<int64_t>(position, 0)));
  return static_cast<int64_t>(it - starts.begin());
}

}  // namespace

std::string SourceListing(Heap& heap, const SourceRequest& request) {
  const SharedFunctionInfoData sfi = FunctionInfoOf(heap, request.function);
  const std::string title = request.title.empty() ? FunctionTitle(sfi) : request.title;
  if (!sfi.script) {
    throw Error(title + " has no JavaScript source (" +
                (sfi.builtin_id ? "a V8 builtin" : sfi.is_native ? "native code" : "no Script") + ")");
  }
  if (sfi.start_position < 0) throw Error(title + " has no source position");
  const ScriptInfo script = ReadScript(heap, sfi.script);
  const std::string script_name = script.has_name && !script.name_text.empty() ? script.name_text : "<anonymous>";
  const StringContents source = ScriptSource(heap, script, kMaxSourceUnits);
  if (source.length == 0 && source.units.empty()) {
    throw Error(title + " has no JavaScript source (its Script " + heap.Shown(sfi.script) + " keeps none)");
  }
  const std::vector<size_t> starts = LineStarts(source.units);
  const int64_t line_count = static_cast<int64_t>(starts.size());
  // Script lines are numbered from the script's own line offset.
  const int64_t offset = script.line_offset;
  auto line_text = [&](int64_t index) {  // 1-based index into starts
    size_t begin = starts[static_cast<size_t>(index - 1)];
    size_t end = index < line_count ? starts[static_cast<size_t>(index)] : source.units.size();
    return ListingLineText(source.units, begin, end, kMaxLineUnits);
  };
  auto column_of = [&](int64_t position, int64_t index) {
    int64_t column = position - static_cast<int64_t>(starts[static_cast<size_t>(index - 1)]) + 1;
    return index == 1 ? column + script.column_offset : column;
  };
  auto readable = [&](int64_t position, const char* what) {
    if (position < 0 || position > static_cast<int64_t>(source.units.size())) {
      throw Error(title + ": the " + std::string(what) + " (position " + std::to_string(position) +
                  ") is outside its script's source (" + std::to_string(source.units.size()) + " characters" +
                  (source.truncated() ? " read" : "") + ")");
    }
  };
  if (request.lines < 0) throw Error("the number of lines must not be negative");
  // More lines than any script has (kMaxSourceUnits bounds them) is all of them.
  const int64_t lines_wanted = std::min<int64_t>(request.lines, int64_t{1} << 40);

  std::string out;
  if (!request.whole_function) {
    const bool at_start = !request.position || *request.position < 0;
    const int64_t position = at_start ? sfi.start_position : *request.position;
    readable(position, "position");
    const int64_t index = LineIndexOf(starts, position);
    const LineRange range = LinesAround(index, lines_wanted, 1, line_count);
    out = title + " at " + script_name + ":" + std::to_string(index + offset) + ":" +
          std::to_string(column_of(position, index)) + (at_start ? " (the function's start)" : "") + "\n";
    std::vector<std::string> lines;
    for (int64_t i = range.first; i <= range.last; i++) lines.push_back(line_text(i));
    out += FormatNumberedLines(lines, range.first + offset, index + offset);
    return out;
  }

  // The whole function: from its `function` token (or start) to its end.
  const int64_t begin = sfi.function_token_position >= 0 ? std::min(sfi.function_token_position, sfi.start_position)
                                                         : sfi.start_position;
  const int64_t end = std::max(sfi.end_position, sfi.start_position);
  readable(begin, "start");
  readable(std::min<int64_t>(end, static_cast<int64_t>(source.units.size())), "end");
  const int64_t first = LineIndexOf(starts, begin);
  // end_position is one past the last character (the closing brace).
  const int64_t last = std::max(first, LineIndexOf(starts, std::max(begin, end - 1)));
  const int64_t shown_last = std::min(last, first + lines_wanted - 1);
  out = title + " at " + script_name + ":" + std::to_string(first + offset) + ":" +
        std::to_string(column_of(begin, first)) + ", lines " + std::to_string(first + offset) + "-" +
        std::to_string(last + offset) + "\n";
  std::vector<std::string> lines;
  for (int64_t i = first; i <= shown_last; i++) lines.push_back(line_text(i));
  out += FormatNumberedLines(lines, first + offset, first + offset);
  if (shown_last < last) {
    const int64_t more = last - shown_last;
    out += "... " + std::to_string(more) + (more == 1 ? " more line" : " more lines") + " (-l " +
           std::to_string(last - first + 1) + " for all)\n";
  }
  return out;
}

}  // namespace nodegdb
