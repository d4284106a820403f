// `v8 source`: a function's JavaScript source as numbered lines, read from
// its Script's source string in the heap, as GDB's `list` shows C.
//
// Line numbers are the script's own (1-based, plus the Script's line
// offset), lines split at JavaScript's line terminators (\n, \r, \r\n,
// U+2028, U+2029) exactly as ScriptLocation counts them, so the marked line
// is the line `v8 bt` reports. Two forms:
//   around a position: `lines` lines centred on the current line as GDB's
//     `list N` centres them (lines/2 before it), moved to stay inside the
//     script; the current line marked `=> `.
//   the whole function: from the line of its `function` token (or start)
//     to the line of its end, at most `lines` lines; its first line marked.
// Each listed line is "=> 52\ttext" or "   53\ttext" (GDB's "52\ttext"
// with a marker column); control characters other than tab are escaped
// (\x1b), a line longer than kMaxLineUnits is cut with a note.
//
// May fail (Error, one line): the value is neither a JSFunction nor a
// SharedFunctionInfo; the function has no script or no source (a builtin,
// an API function), or its source cannot be read; the position is outside
// the source. Reads stop at kMaxSourceUnits of a script's source.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/v8/heap.h"

namespace nodegdb {

// ---- the line window (no heap) ----

// Inclusive range of line numbers; empty when last < first.
struct LineRange {
  int64_t first = 1, last = 0;
  int64_t size() const { return last < first ? 0 : last - first + 1; }
};

// `count` lines around `line` as GDB's `list` centres them (count / 2
// before it), shifted (not cut) to stay inside [lo, hi]; all of [lo, hi]
// if it is shorter. `line` outside [lo, hi] is clamped first.
LineRange LinesAround(int64_t line, int64_t count, int64_t lo, int64_t hi);

// Offsets where each line of `text` starts (the first is 0): a new line
// after each line terminator (\r\n counts once).
std::vector<size_t> LineStarts(const std::u16string& text);

// One line of source for the listing: the terminator dropped, control
// characters but tab escaped, cut after `max_units` with a note.
std::string ListingLineText(const std::u16string& text, size_t begin, size_t end, size_t max_units);

// "=> 52\ttext\n" for the marked line, "   53\ttext\n" for the others:
// `lines[i]` is line number first_number + i.
std::string FormatNumberedLines(const std::vector<std::string>& lines, int64_t first_number, int64_t marked);

// ---- the listing (reads the heap) ----

constexpr size_t kMaxSourceUnits = size_t{64} << 20;  // of one script's source
constexpr size_t kMaxLineUnits = 2000;                // of one listed line

struct SourceRequest {
  uint64_t function = 0;  // raw tagged JSFunction or SharedFunctionInfo
  // The current source position (a script offset) of a frame running it;
  // nullopt: the function's start.
  std::optional<int64_t> position;
  bool whole_function = false;  // the whole function instead of a window
  int64_t lines = 10;           // the window, or the most lines of a whole function
  // How the header names the function ("#3 innerDeep"); "" for
  // "function NAME" from its SharedFunctionInfo.
  std::string title;
};

// The header line then the numbered lines, each ending in "\n":
//   #3 innerDeep at /srv/stack.js:52:10
//   "function innerDeep at /srv/stack.js:50:19, lines 50-53 of 190"
// and, when a whole function is cut, a last line saying how many more
// ("... 12 more lines (-l 40 for all)").
std::string SourceListing(Heap& heap, const SourceRequest& request);

}  // namespace nodegdb
