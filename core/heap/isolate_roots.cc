#include "core/heap/isolate_roots.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <unordered_set>

#include "core/errors.h"
#include "core/platform/memory.h"
#include "core/v8/program.h"

namespace nodegdb {

namespace {

constexpr uint64_t kIsolateDataWindow = 0x40000;  // IsolateData lies within 256 KiB before the Heap
constexpr uint64_t kAfterHeapWindow = 0x8000;     // the caches and the ReadOnlyHeap pointer: within 32 KiB after
constexpr size_t kMinRootsRun = 64, kMinBuiltinsRun = 500;
constexpr size_t kMaxCache = 1 << 22;  // elements of a cache vector believed
constexpr uint64_t kMaxNames = 8192;    // root or builtin names read

uint64_t WordOr0(Memory& memory, uint64_t address) {
  uint64_t w = 0;
  return memory.Read(address, &w, 8) ? w : 0;
}

struct Run {
  size_t begin = 0, end = 0;  // word indices in the window
  size_t read_only = 0;       // of them, pointers into read-only space
  size_t size() const { return end - begin; }
};

class Finder {
 public:
  Finder(Heap& heap, const HeapPageSet& pages, uint64_t heap_address)
      : heap_(heap), memory_(heap.memory()), pages_(pages), heap_address_(heap_address) {
    code_type_ = heap.metadata().FindType("CODE_TYPE").value_or(-1);
    base_ = heap_address > kIsolateDataWindow ? heap_address - kIsolateDataWindow : 0;
    window_ = ReadWordsOrZero(memory_, base_, heap_address - base_);
  }

  IsolateRoots Find() {
    IsolateRoots r;
    r.heap = heap_address_;
    std::vector<Run> runs = PointerRuns();
    // The builtins first: on arm64 their Code is in read-only space, so
    // their run would otherwise look like the roots table.
    const Run* builtins = FindBuiltins(runs, r);
    runs.erase(std::remove_if(runs.begin(), runs.end(), [&](const Run& run) { return builtins && run.begin == builtins->begin; }),
               runs.end());
    FindRootsTable(runs, r);
    FindCaches(r);
    return r;
  }

 private:
  const HeapPage* PageOfTagged(uint64_t word) const {
    const Tagged t = heap_.Decode(word);
    return t.kind == Tagged::Kind::kStrong ? pages_.PageOf(t.address) : nullptr;
  }

  // Runs of strong tagged pointers into heap pages in IsolateData's window.
  std::vector<Run> PointerRuns() const {
    std::vector<Run> runs;
    Run run;
    for (size_t i = 0; i <= window_.size(); ++i) {
      const HeapPage* p = i < window_.size() ? PageOfTagged(window_[i]) : nullptr;
      if (p) {
        if (run.size() == 0) run.begin = i;
        run.end = i + 1;
        run.read_only += p->read_only;
        continue;
      }
      if (run.size() >= kMinRootsRun) runs.push_back(run);
      run = Run{};
    }
    return runs;
  }

  void FindRootsTable(const std::vector<Run>& runs, IsolateRoots& r) {
    const Run* best = nullptr;
    for (const Run& run : runs) {
      if (run.read_only * 2 >= run.size() && (!best || run.read_only > best->read_only)) best = &run;
    }
    if (!best) {
      r.notes.push_back("the roots table was not found before the Heap at " + Hex(heap_address_));
      return;
    }
    size_t start = best->begin, read_only = 0;
    if (!FromReadOnlyCopy(*best, &start, &read_only)) {
      // No copy: the read-only roots end where the first pointer out of
      // read-only space is (V8's first strong root is an AccessorInfo).
      r.read_only_end_guessed = true;
      while (start + read_only < best->end && PageOfTagged(window_[start + read_only])->read_only) ++read_only;
      r.notes.push_back("the read-only roots' copy in the ReadOnlyHeap was not found: their end was guessed");
    }
    r.roots_table = base_ + 8 * start;
    r.read_only.assign(window_.begin() + start, window_.begin() + start + read_only);
    r.strong.assign(window_.begin() + start + read_only, window_.begin() + best->end);
  }

  // The ReadOnlyHeap keeps the read-only roots apart; a pointer near the
  // Heap leads within a few hundred bytes of that copy. The table starts at
  // the run's start or one word later (V8 13+: a tagged IsolateData field,
  // often undefined, precedes it).
  bool FromReadOnlyCopy(const Run& run, size_t* start, size_t* read_only) {
    if (run.size() < 8) return false;
    const uint64_t probe[3] = {window_[run.begin + 1], window_[run.begin + 2], window_[run.begin + 3]};
    std::vector<uint64_t> after = ReadWordsOrZero(memory_, heap_address_, kAfterHeapWindow);
    std::unordered_set<uint64_t> tried;
    for (uint64_t p : after) {
      if ((p & 7) != 0 || p < 0x10000 || pages_.PageOf(p) || !tried.insert(p).second || tried.size() > 4096) continue;
      uint64_t block[64];
      if (!memory_.ReadBulk(p, block, sizeof block)) continue;
      for (size_t j = 1; j + 2 < 64; ++j) {
        if (block[j] != probe[0] || block[j + 1] != probe[1] || block[j + 2] != probe[2]) continue;
        const uint64_t copy_of_first = p + 8 * (j - 1);  // the copy's word for window_[run.begin]
        const bool from_first = WordOr0(memory_, copy_of_first) == window_[run.begin];
        *start = run.begin + (from_first ? 0 : 1);
        const uint64_t copy = from_first ? copy_of_first : copy_of_first + 8;
        std::vector<uint64_t> words = ReadWordsOrZero(memory_, copy & ~uint64_t{4095}, ((copy & 4095) + 8 * run.size() + 4095) & ~uint64_t{4095});
        const size_t skip = (copy & 4095) / 8;
        size_t n = 0;
        while (*start + n < run.end && skip + n < words.size() && words[skip + n] == window_[*start + n]) ++n;
        *read_only = n;
        return n > 0;
      }
    }
    return false;
  }

  bool IsCode(uint64_t word) {
    const Tagged t = heap_.Decode(word);
    if (t.kind != Tagged::Kind::kStrong || code_type_ < 0) return false;
    try {
      return heap_.InstanceTypeOf(t.address) == code_type_;
    } catch (const Error&) {
      return false;
    }
  }

  const Run* FindBuiltins(const std::vector<Run>& runs, IsolateRoots& r) {
    const Run* best = nullptr;
    for (const Run& run : runs) {
      if (run.size() < kMinBuiltinsRun || (best && run.size() <= best->size())) continue;
      if (IsCode(window_[run.begin]) && IsCode(window_[run.end - 1]) && IsCode(window_[(run.begin + run.end) / 2])) {
        best = &run;
      }
    }
    if (!best) {
      r.notes.push_back("the builtins table was not found before the Heap at " + Hex(heap_address_));
      return nullptr;
    }
    r.builtin_table = base_ + 8 * best->begin;
    r.builtin_count = best->size();
    r.builtins.assign(window_.begin() + best->begin, window_.begin() + best->end);
    // The tier-0 table: the table's first entries, again, elsewhere.
    for (size_t i = 0; i + 1 < window_.size(); ++i) {
      if (i == best->begin || window_[i] != window_[best->begin] || window_[i + 1] != window_[best->begin + 1]) continue;
      for (size_t k = 0; i + k < window_.size() && k < 64 && window_[i + k] == window_[best->begin + k]; ++k) {
        r.builtins.push_back(window_[i + k]);
      }
      break;
    }
    return best;
  }

  bool IsUndefinedLike(uint64_t word) {
    const HeapPage* p = PageOfTagged(word);
    if (!p || !p->read_only) return false;
    try {
      return heap_.InstanceTypeOf(heap_.Decode(word).address) == heap_.layout().oddball_type;
    } catch (const Error&) {
      return false;
    }
  }

  // A std::vector<Tagged<Object>> {begin, end, capacity} ended by undefined.
  std::optional<std::vector<uint64_t>> CacheAt(const uint64_t* w) {
    const uint64_t b = w[0], e = w[1], c = w[2];
    if (b == 0 || b > e || e > c || ((b | e | c) & 7) != 0 || e == b || (e - b) / 8 > kMaxCache) return std::nullopt;
    if (pages_.PageOf(b)) return std::nullopt;
    std::vector<uint64_t> values((e - b) / 8);
    if (!memory_.ReadBulk(b, values.data(), e - b) || !IsUndefinedLike(values.back())) return std::nullopt;
    return values;
  }

  void FindCaches(IsolateRoots& r) {
    std::vector<uint64_t> after = ReadWordsOrZero(memory_, heap_address_, kAfterHeapWindow);
    for (size_t i = 0; i + 5 < after.size(); ++i) {
      if (after[i] == 0 || after[i + 3] == 0) continue;
      const uint64_t* w = &after[i];
      if (w[0] > w[1] || w[1] > w[2] || w[3] > w[4] || w[4] > w[5]) continue;
      auto startup = CacheAt(w);
      if (!startup) continue;
      auto shared = CacheAt(w + 3);
      if (!shared || shared->back() != startup->back()) continue;
      r.startup_object_cache = std::move(*startup);
      r.shared_heap_object_cache = std::move(*shared);
      r.caches_found = true;
      return;
    }
    r.notes.push_back("the startup and shareable object caches were not found after the Heap at " + Hex(heap_address_));
  }

  Heap& heap_;
  Memory& memory_;
  const HeapPageSet& pages_;
  uint64_t heap_address_;
  int code_type_ = -1;
  uint64_t base_ = 0;
  std::vector<uint64_t> window_;
};

std::string CString(Memory& memory, uint64_t address) {
  char buf[128];
  if (!address || !memory.Read(address, buf, sizeof buf)) {
    // Near the end of a mapping: byte by byte.
    std::string s;
    for (size_t i = 0; i < sizeof buf; ++i) {
      char ch;
      if (!memory.Read(address + i, &ch, 1) || ch == 0) return s;
      s += ch;
    }
    return s;
  }
  const void* nul = std::memchr(buf, 0, sizeof buf);
  return nul ? std::string(buf, static_cast<const char*>(nul) - buf) : std::string();
}

bool IsIdentifier(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// The address of the first symbol whose name contains `part` and starts with `prefix`.
uint64_t SymbolContaining(Program& program, std::string_view prefix, std::string_view part) {
  uint64_t found = 0;
  program.binary().ForEachSymbol(prefix, [&](const ElfSymbol& sym) {
    if (!found && sym.value && sym.name.find(part) != std::string_view::npos) found = sym.value;
  });
  return found ? found + program.load_bias() : 0;
}

}  // namespace

IsolateRoots FindIsolateRoots(Heap& heap, const HeapPageSet& pages, uint64_t heap_address) {
  return Finder(heap, pages, heap_address).Find();
}

RootNames ReadRootNames(Program& program) {
  RootNames names;
  Memory& memory = program.memory();
  // const char* RootsTable::root_names_[]: a pointer per root, in RootIndex order.
  if (uint64_t table = program.SymbolRuntimeAddress("_ZN2v88internal10RootsTable11root_names_E")) {
    for (uint64_t i = 0; i < kMaxNames; ++i) {
      std::string name = CString(memory, WordOr0(memory, table + 8 * i));
      if (!IsIdentifier(name)) break;
      names.roots.push_back(std::move(name));
    }
  }
  // builtin_metadata[]: {const char* name; ...} per builtin, of a stride
  // learned from the entries (each name an identifier).
  const uint64_t metadata = SymbolContaining(program, "_ZN2v88internal12_GLOBAL__N_1", "builtin_metadataE");
  if (!metadata) return names;
  for (uint64_t stride : {16, 24, 32}) {
    bool ok = true;
    for (uint64_t i = 0; i < 4 && ok; ++i) ok = IsIdentifier(CString(memory, WordOr0(memory, metadata + i * stride)));
    if (!ok) continue;
    for (uint64_t i = 0; i < kMaxNames; ++i) {
      std::string name = CString(memory, WordOr0(memory, metadata + i * stride));
      if (!IsIdentifier(name)) break;
      names.builtins.push_back(std::move(name));
    }
    break;
  }
  return names;
}

}  // namespace nodegdb
