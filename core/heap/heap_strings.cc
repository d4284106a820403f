#include "core/heap/heap_strings.h"

#include <cstring>
#include <unordered_map>

#include "core/v8/string.h"

namespace nodegdb {

namespace {

// Strings whose length is the text's, read and compared (the length first,
// from the walk's bytes, so most strings cost nothing).
class StringMatcher : public ObjectVisitor {
 public:
  StringMatcher(Heap& heap, std::u16string text) : heap_(heap), text_(std::move(text)) {
    length_offset_ = heap.layout().string_length;
  }
  void Visit(const ObjectRef& o) override {
    if (!heap_.IsString(o.facts->type) || length_offset_ < 0) return;
    const uint64_t at = static_cast<uint64_t>(length_offset_);
    if (at + 4 > o.available) return;
    int32_t length;
    std::memcpy(&length, o.bytes + at, 4);
    if (length != static_cast<int64_t>(text_.size())) return;
    try {
      StringContents s = ReadString(heap_, o.address, text_.size());
      if (s.units == text_) found.push_back(o.address);
    } catch (const Error&) {
      ++unreadable;  // an external string whose characters are not in the core, a broken part
    }
  }
  std::vector<uint64_t> found;  // untagged
  uint64_t unreadable = 0;

 private:
  Heap& heap_;
  std::u16string text_;
  int64_t length_offset_ = -1;
};

EqualString Describe(Heap& heap, uint64_t address) {
  EqualString s;
  s.tagged = address + heap.layout().tagging.heap_object_tag;
  try {
    StringShape shape = ReadStringShape(heap, address);
    s.type = StringTypeName(heap, heap.InstanceTypeOf(address));
    s.representation = RepresentationName(shape.representation);
    s.one_byte = shape.one_byte;
    s.internalized = shape.internalized;
  } catch (const Error&) {
    s.type = s.representation = "?";
  }
  return s;
}

}  // namespace

StringSearch FindEqualStrings(HeapWalker& walker, ObjectNamer& namer, const std::string& text,
                              const ProgressFn& progress, size_t limit) {
  if (text.empty()) throw Error("give a non-empty string to look for");
  Heap& heap = walker.heap();
  StringSearch out;
  StringMatcher matcher(heap, Utf8ToUtf16(text));
  out.report = walker.Walk(matcher, progress);
  out.unreadable = matcher.unreadable;
  if (out.report.cancelled || matcher.found.empty()) return out;

  std::vector<uint64_t> targets;
  std::unordered_map<uint64_t, size_t> index;  // tagged -> out.strings
  for (uint64_t a : matcher.found) {
    out.strings.push_back(Describe(heap, a));
    index[out.strings.back().tagged] = out.strings.size() - 1;
    targets.push_back(out.strings.back().tagged);
  }
  WalkReport refs_report;
  std::unordered_map<uint64_t, uint64_t> totals;
  std::vector<HeapReference> refs = FindReferencesToAny(walker, namer, targets, progress, limit, &refs_report, &totals);
  if (refs_report.cancelled) {
    out.report.cancelled = true;
    return out;
  }
  for (HeapReference& r : refs) {
    auto it = index.find(r.target);
    if (it == index.end()) continue;
    out.strings[it->second].holders.push_back(std::move(r));
    ++out.listed_holders;
  }
  for (EqualString& s : out.strings) {
    s.total_holders = totals[s.tagged];
    out.total_holders += s.total_holders;
  }
  return out;
}

}  // namespace nodegdb
