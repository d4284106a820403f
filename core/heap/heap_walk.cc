#include "core/heap/heap_walk.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cstdio>
#include <cstring>

namespace nodegdb {

namespace {

constexpr size_t kBufferSize = 1 << 20;  // a regular page is read in one go
constexpr size_t kMaxProblems = 8;
constexpr int kPagesPerProgress = 16;
constexpr uint64_t kDropResidentEvery = uint64_t{128} << 20;  // heap bytes walked

const char* const kFromSpace = "inactive semi-space (from-space pages hold only garbage)";
const char* const kUnusedToSpace = "new-space pages not allocated into yet";
const char* const kTopUnknown = "new-space pages whose allocation top was not found";
const char* const kUnallocated = "allocation buffers not allocated into yet";
const char* const kReleased = "pages a compacting GC emptied, not freed yet (out of their space's page list)";
const char* const kReadOnlyUnmapped = "read-only space not mapped";
const char* const kReadOnlyEnd = "read-only space after its last object";
const char* const kNeverWritten = "page tails never allocated into (zeros to the page's end)";

std::string Bytes(uint64_t n) {
  char buf[32];
  if (n >= (uint64_t{1} << 30)) {
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(n) / (1 << 30));
  } else if (n >= (uint64_t{1} << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1 << 20));
  } else if (n >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(n) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRIu64 " bytes", n);
  }
  return buf;
}

std::string Percent(uint64_t part, uint64_t whole) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return buf;
}

}  // namespace

// Reads the walk's next pages on a second thread, with pread on the file
// the memory source names (a core's segment, /proc/PID/mem): copying page
// N + 1 overlaps parsing page N. Only plain preads run there, nothing that
// could call into GDB.
class HeapWalker::ReadAhead {
 public:
  struct Job {
    uint64_t address = 0;
    size_t size = 0;
    int fd = -1;
    uint64_t offset = 0;
  };

  explicit ReadAhead(std::vector<Job> jobs) : jobs_(std::move(jobs)) {
    for (auto& slot : slots_) slot.resize(kBufferSize);
    if (!jobs_.empty()) {
      thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "node-gdb read");  // for top and perf
        Run();
      });
    }
  }
  ~ReadAhead() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  size_t size() const { return jobs_.size(); }
  const Job& job(size_t i) const { return jobs_[i]; }

  // Job i's bytes (jobs are taken in order), or nullptr if its read failed.
  const uint8_t* Take(size_t i) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return read_ > i; });
    return ok_[i % kSlots] ? slots_[i % kSlots].data() : nullptr;
  }
  // Job i's slot may take the next read.
  void Release(size_t i) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      released_ = std::max(released_, i + 1);
    }
    cv_.notify_all();
  }

 private:
  static constexpr size_t kSlots = 3;
  void Run() {
    for (size_t i = 0; i < jobs_.size(); ++i) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || i < released_ + kSlots; });
        if (stop_) return;
      }
      const Job& job = jobs_[i];
      uint8_t* out = slots_[i % kSlots].data();
      size_t done = 0;
      while (done < job.size) {
        ssize_t n = ::pread(job.fd, out + done, job.size - done, static_cast<off_t>(job.offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<size_t>(n);
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ok_[i % kSlots] = done == job.size;
        read_ = i + 1;
      }
      cv_.notify_all();
    }
  }

  std::vector<Job> jobs_;
  std::vector<uint8_t> slots_[kSlots];
  bool ok_[kSlots] = {};
  std::mutex mutex_;
  std::condition_variable cv_;
  size_t read_ = 0, released_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

uint64_t WalkReport::failed_bytes() const {
  uint64_t n = 0;
  for (auto& [why, bytes] : failed) n += bytes;
  return n;
}

std::string WalkReport::Summary() const {
  auto count = [](uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i && (digits.size() - i) % 3 == 0) out += ',';
      out += digits[i];
    }
    return out;
  };
  std::string out;
  out += "Heap: " + std::to_string(heaps) + (heaps == 1 ? " isolate" : " isolates") + " (V8 " +
         std::to_string(generation) + "), " + count(pages) + " pages, " + Bytes(area_bytes) + " of page area\n";
  out += "Walked " + Bytes(walked_bytes()) + ": " + count(objects) + " objects (" + Bytes(object_bytes) + "), " +
         Bytes(free_bytes) + " of free space";
  if (garbage_bytes) out += ", " + Bytes(garbage_bytes) + " of garbage the last GC left on pages not swept yet";
  out += "\n";
  uint64_t skipped_bytes = 0;
  for (auto& [why, bytes] : skipped) skipped_bytes += bytes;
  if (skipped_bytes) {
    out += "Left out " + Bytes(skipped_bytes) + " that holds no objects:";
    for (auto& [why, bytes] : skipped) out += "\n  " + Bytes(bytes) + " " + why;
    out += "\n";
  }
  if (!failed.empty()) {
    out += "Could not walk " + Bytes(failed_bytes()) + " (" + Percent(failed_bytes(), area_bytes) +
           " of the page area):";
    for (auto& [why, bytes] : failed) out += "\n  " + Bytes(bytes) + ": " + why;
    for (const std::string& p : problems) out += "\n  " + p;
    out += "\n";
  } else if (!cancelled) {
    out += "Every page was walked to its end.\n";
  }
  if (cancelled) out += "Interrupted: the walk stopped early, the figures above are partial.\n";
  return out;
}


HeapWalker::HeapWalker(Heap& heap) : heap_(heap), sizer_(heap), buffer_(kBufferSize) {
  wasm_null_type_ = sizer_.types().Find("WASM_NULL_TYPE");
}

const HeapPageSet& HeapWalker::pages() {
  if (!pages_) {
    auto set = std::make_unique<HeapPageSet>(FindHeapPages(heap_));
    if (set->heaps.empty()) {
      throw Error("no V8 heap pages found in " + heap_.memory().Describe() +
                  " (searched " + Bytes(set->ranges_bytes) + "): is this the node binary that ran it?");
    }
    pages_ = std::move(set);
  }
  return *pages_;
}

bool HeapWalker::Fill(uint64_t address, uint64_t end) {
  size_t want = static_cast<size_t>(std::min<uint64_t>(end - address, buffer_.size()));
  buffer_start_ = address;
  buffer_size_ = 0;
  data_ = buffer_.data();
  if (heap_.memory().ReadBulk(address, buffer_.data(), want)) {
    buffer_size_ = want;
    return true;
  }
  // Part of the range is missing (a truncated core, the unmapped end of a
  // read-only page): keep what can be read, 4 KiB at a time.
  while (buffer_size_ < want) {
    size_t piece = std::min<size_t>(4096 - ((address + buffer_size_) & 4095), want - buffer_size_);
    if (!heap_.memory().Read(address + buffer_size_, buffer_.data() + buffer_size_, piece)) break;
    buffer_size_ += piece;
  }
  return buffer_size_ > 0;
}

void HeapWalker::Fail(const HeapPage& page, uint64_t address, uint64_t end, const std::string& why,
                      WalkReport& report) {
  report.failed[why] += end - address;
  if (report.problems.size() < kMaxProblems) {
    report.problems.push_back("page " + Hex(page.chunk) + " (" +
                              (page.read_only ? std::string("read-only") : SpaceName(page.generation, page.space)) +
                              "): stopped at " + Hex(address) + ", " + why);
  }
}

uint64_t HeapWalker::Step(const HeapPage& page, uint64_t a, uint64_t end, ObjectVisitor& visitor,
                          WalkReport& report, WalkReport::Space& space) {
  // The hot path: the object's header is in the buffer, its map is known.
  if (a < buffer_start_ || a + std::min<uint64_t>(64, end - a) > buffer_start_ + buffer_size_) {
    if (!Fill(a, end) || buffer_size_ < std::min<uint64_t>(8, end - a)) {
      if (page.read_only) {
        report.skipped[kReadOnlyUnmapped] += end - a;
      } else {
        Fail(page, a, end, "memory not in the core (unreadable)", report);
      }
      return 0;
    }
  }
  const uint8_t* bytes = data_ + (a - buffer_start_);
  const size_t available = static_cast<size_t>(buffer_start_ + buffer_size_ - a);
  uint64_t map;
  std::memcpy(&map, bytes, 8);
  const MapFacts& facts = sizer_.Facts(map);
  uint64_t size = facts.rule == SizeRule::kFixed ? facts.instance_size
                                                  : facts.valid ? sizer_.SizeOf(a, facts, bytes, available, nullptr) : 0;
  if (size == 0 || size > end - a) {
    size = StepFailed(page, a, end, facts, bytes, available, report);
    if (size == 0) return 0;
  }
  if (facts.filler) {
    report.free_bytes += size;
    space.free_bytes += size;
    return size;
  }
  ObjectRef ref;
  ref.address = a;
  ref.map = map;
  ref.facts = &facts;
  ref.size = size;
  ref.bytes = bytes;
  ref.available = static_cast<size_t>(std::min<uint64_t>(size, available));
  ref.page = &page;
  visitor.Visit(ref);
  report.objects++;
  report.object_bytes += size;
  space.objects++;
  space.object_bytes += size;
  return size;
}

uint64_t HeapWalker::StepFailed(const HeapPage& page, uint64_t a, uint64_t end, const MapFacts& facts,
                                const uint8_t* bytes, size_t available, WalkReport& report) {
  if (!facts.valid) {
    if (page.read_only && a > page.area_start) {
      // Read-only pages are filled from their start and never freed: what
      // follows the last object is unused (V8 14 uses 64 KiB of each page).
      report.skipped[kReadOnlyEnd] += end - a;
    } else if (a > page.area_start && ZerosUntil(a, end)) {
      // The untouched tail of a page some allocator (a LAB the walk did not
      // find: code or trusted space's) had not reached: V8 leaves no zero
      // word where an object or a filler is.
      report.skipped[kNeverWritten] += end - a;
    } else {
      Fail(page, a, end, "a word that is not a map where an object should start", report);
    }
    return 0;
  }
  std::string why;
  uint64_t size = sizer_.SizeOf(a, facts, bytes, available, &why);
  if (size == 0 && page.read_only && facts.type == wasm_null_type_) {
    // V8 11's wasm null is its map word alone, with objects after it; V8
    // 12+'s ends the read-only space: a header and a protected payload up
    // to the end of its page.
    uint64_t next = 0;
    if (available >= 16) std::memcpy(&next, bytes + 8, 8);
    if ((next & 1) && sizer_.Facts(next).valid) return 8;
    return end - a;
  }
  if (size == 0) {
    Fail(page, a, end, why, report);
  } else {
    Fail(page, a, end, "a " + sizer_.TypeName(facts.type) + " object that runs past its page", report);
  }
  return 0;
}

bool HeapWalker::ZerosUntil(uint64_t address, uint64_t end) {
  uint64_t words[512];
  for (uint64_t at = address; at < end;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(sizeof words, end - at));
    if (!heap_.memory().ReadBulk(at, words, n)) return false;
    for (size_t i = 0; i < n / 8; i++) {
      if (words[i]) return false;
    }
    at += n;
  }
  return true;
}

void HeapWalker::WalkRange(const HeapPage& page, uint64_t start, uint64_t end, ObjectVisitor& visitor,
                           WalkReport& report, WalkReport::Space& space) {
  for (uint64_t a = start; a < end;) {
    uint64_t size = Step(page, a, end, visitor, report, space);
    if (!size) return;
    a += size;
  }
}

void HeapWalker::WalkMarked(const HeapPage& page, uint64_t start, uint64_t end, ObjectVisitor& visitor,
                            WalkReport& report, WalkReport::Space& space) {
  // Not swept yet: the last GC marked what is alive, one bit per word from
  // the chunk start. (V8 11 marks two bits per object; stepping over each
  // object by its size never takes the second bit for a start.)
  const PageLayout layout = *PageLayout::For(page.generation);
  const uint64_t words = std::max(page.size, kV8PageSize) / 8;
  std::vector<uint64_t> bitmap((words + 63) / 64);
  if (!heap_.memory().ReadBulk(page.metadata + static_cast<uint64_t>(layout.marking_bitmap), bitmap.data(),
                           bitmap.size() * 8)) {
    Fail(page, start, end, "mark bits of a page not swept yet are unreadable", report);
    return;
  }
  auto next_marked = [&](uint64_t from) -> uint64_t {
    uint64_t i = (from - page.chunk) / 8;
    while (i < words) {
      uint64_t cell = bitmap[i / 64] >> (i % 64);
      if (cell) return page.chunk + 8 * (i + static_cast<uint64_t>(__builtin_ctzll(cell)));
      i = (i / 64 + 1) * 64;
    }
    return UINT64_MAX;
  };
  for (uint64_t a = start; a < end;) {
    uint64_t object = next_marked(a);
    if (object >= end) {
      report.garbage_bytes += end - a;
      space.garbage_bytes += end - a;
      return;
    }
    report.garbage_bytes += object - a;
    space.garbage_bytes += object - a;
    uint64_t size = Step(page, object, end, visitor, report, space);
    if (!size) return;
    a = object + size;
  }
}

void HeapWalker::WalkPage(const HeapPage& page, ObjectVisitor& visitor, WalkReport& report) {
  const std::string name = page.read_only ? "read-only" : SpaceName(page.generation, page.space);
  // One page's figures, added to its space and to its isolate's space
  // (Node's report gives each thread's heap).
  WalkReport::Space figures;
  WalkPageObjects(page, visitor, report, figures);
  report.spaces[name].Add(figures);
  report.isolate_spaces[page.heap][name].Add(figures);
}

void HeapWalker::WalkPageObjects(const HeapPage& page, ObjectVisitor& visitor, WalkReport& report,
                                 WalkReport::Space& space) {
  const uint64_t area = page.area_end - page.area_start;
  space.pages++;
  space.committed_bytes += std::max(page.size, area);
  space.area_bytes += area;
  report.pages++;
  report.area_bytes += area;
  switch (page.plan) {
    case HeapPage::Plan::kFromSpace:
      report.skipped[kFromSpace] += area;
      space.out_bytes += area;
      return;
    case HeapPage::Plan::kUnusedToSpace:
      report.skipped[kUnusedToSpace] += area;
      space.unused_bytes += area;
      return;
    case HeapPage::Plan::kToSpaceTopUnknown:
      report.failed[kTopUnknown] += area;
      space.out_bytes += area;
      return;
    case HeapPage::Plan::kReleased:
      report.skipped[kReleased] += area;
      space.out_bytes += area;
      return;
    case HeapPage::Plan::kWalk:
      break;
  }
  if (page.walk_end < page.area_end) {
    report.skipped[kUnusedToSpace] += page.area_end - page.walk_end;
    space.unused_bytes += page.area_end - page.walk_end;
  }
  uint64_t a = page.area_start;
  auto walk = [&](uint64_t end) {
    if (end <= a) return;
    if (page.not_swept()) {
      WalkMarked(page, a, end, visitor, report, space);
    } else {
      WalkRange(page, a, end, visitor, report, space);
    }
  };
  for (auto [top, limit] : page.unallocated) {
    if (top >= page.walk_end) break;
    if (top < a) continue;
    walk(top);
    uint64_t stop = std::min(limit, page.walk_end);
    report.skipped[kUnallocated] += stop - top;
    space.unused_bytes += stop - top;
    a = stop;
  }
  walk(page.walk_end);
}

WalkReport HeapWalker::Walk(ObjectVisitor& visitor, const ProgressFn& progress, uint64_t only_heap) {
  const HeapPageSet& set = pages();
  WalkReport report;
  report.generation = set.generation;
  report.heaps = only_heap ? 1 : set.heaps.size();
  auto skipped = [only_heap](const HeapPage& page) { return only_heap && page.heap && page.heap != only_heap; };
  WalkProgress p;
  for (const HeapPage& page : set.pages) {
    if (!skipped(page)) p.bytes_total += page.area_end - page.area_start;
  }
  buffer_start_ = buffer_size_ = 0;
  // The pages to walk, read ahead where the source allows.
  std::vector<ReadAhead::Job> jobs;
  std::vector<size_t> job_of(set.pages.size(), SIZE_MAX);
  for (size_t i = 0; i < set.pages.size(); ++i) {
    const HeapPage& page = set.pages[i];
    if (page.plan != HeapPage::Plan::kWalk || page.read_only || page.walk_end <= page.area_start || skipped(page)) {
      continue;
    }
    ReadAhead::Job job;
    job.address = page.area_start;
    job.size = static_cast<size_t>(std::min<uint64_t>(page.walk_end - page.area_start, kBufferSize));
    job.fd = heap_.memory().BulkFile(job.address, job.size, &job.offset);
    if (job.fd < 0) continue;
    job_of[i] = jobs.size();
    jobs.push_back(job);
  }
  ReadAhead ahead(std::move(jobs));
  int since = 0;
  uint64_t dropped_at = 0;
  for (size_t i = 0; i < set.pages.size(); ++i) {
    const HeapPage& page = set.pages[i];
    if (skipped(page)) continue;
    if (job_of[i] != SIZE_MAX) {
      const ReadAhead::Job& job = ahead.job(job_of[i]);
      if (const uint8_t* bytes = ahead.Take(job_of[i])) {
        data_ = bytes;
        buffer_start_ = job.address;
        buffer_size_ = job.size;
      }
    }
    WalkPage(page, visitor, report);
    if (job_of[i] != SIZE_MAX) {
      // The slot goes back to the reader: nothing may point into it now.
      if (data_ != buffer_.data()) buffer_start_ = buffer_size_ = 0;
      ahead.Release(job_of[i]);
    }
    p.bytes_done += page.area_end - page.area_start;
    p.objects = report.objects;
    if (p.bytes_done - dropped_at >= kDropResidentEvery) {
      // What the visitors read through the core's mapping stays resident
      // otherwise: a walk would map the whole heap into GDB.
      dropped_at = p.bytes_done;
      heap_.memory().DropResidentPages();
    }
    if (progress && ++since >= kPagesPerProgress) {
      since = 0;
      if (!progress(p)) {
        report.cancelled = true;
        break;
      }
    }
  }
  buffer_start_ = buffer_size_ = 0;
  if (dropped_at) heap_.memory().DropResidentPages();
  return report;
}

}  // namespace nodegdb
