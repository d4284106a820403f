#include "core/heap/heap_snapshot.h"

#include <pthread.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/heap/heap_graph.h"
#include "core/platform/sectioned_file.h"
#include "core/view/json_writer.h"

namespace nodegdb {

namespace {

using namespace heap_graph;

// The file's sections, in their order (SectionedFile joins them).
constexpr size_t kNodes = 0, kEdges = 1, kStrings = 2, kSections = 3;
constexpr uint64_t kDirectFromHeapBytes = uint64_t{256} << 20;

// A number's digits at `p`; returns their end (20 digits at most).
char* PutNumber(char* p, uint64_t v) { return std::to_chars(p, p + 20, v).ptr; }

// Nodes as text to the file's first section, edges to its second, names
// (JSON-quoted) to its third: formatted in place in the file's buffers
// (13.6 M nodes and 39 M edges on the benchmark heap).
class TextWriter {
 public:
  TextWriter(SectionedFile& out, size_t node_fields) : out_(out), node_fields_(node_fields) {}
  void Node(int type, uint32_t name, uint64_t id, uint64_t self_size, const GraphEdge* edges, size_t edge_count) {
    char* const start = out_.Reserve(kNodes, 8 * 21 + 2);
    char* p = start;
    if (!first_node_) *p++ = ',';
    first_node_ = false;
    for (uint64_t v : {static_cast<uint64_t>(type), uint64_t{name}, id, self_size, uint64_t{edge_count}}) {
      p = PutNumber(p, v);
      *p++ = ',';
    }
    if (node_fields_ == 7) *p++ = '0', *p++ = ',';
    *p++ = '0', *p++ = '\n';
    out_.Commit(kNodes, static_cast<size_t>(p - start));
    for (size_t i = 0; i < edge_count; ++i) {
      const GraphEdge& edge = edges[i];
      char* const from = out_.Reserve(kEdges, 3 * 21 + 3);
      p = from;
      if (!first_edge_) *p++ = ',';
      first_edge_ = false;
      p = PutNumber(p, static_cast<uint64_t>(edge.type));
      *p++ = ',';
      p = PutNumber(p, edge.name_or_index);
      *p++ = ',';
      p = PutNumber(p, edge.to * node_fields_);
      *p++ = '\n';
      out_.Commit(kEdges, static_cast<size_t>(p - from));
    }
  }
  void Name(std::string_view text) {
    char* const start = out_.Reserve(kStrings, 2 + JsonQuotedBound(text.size()));
    char* p = start;
    if (names_++) *p++ = ',', *p++ = '\n';
    p = WriteJsonQuoted(p, text);
    out_.Commit(kStrings, static_cast<size_t>(p - start));
  }

 private:
  SectionedFile& out_;
  size_t node_fields_;
  bool first_node_ = true, first_edge_ = true;
  uint64_t names_ = 0;
};

// The graph's nodes and new names handed, in chunks, to a thread that
// writes them as text (TextWriter): formatting and writing a gigabyte and
// more of text then overlaps the walk on another core. The order is the
// walk's, so the file is the same as written in one thread. An error of
// the writing thread (disk full) is rethrown to the walk at its next chunk.
class PipelinedSink : public GraphSink {
 public:
  PipelinedSink(SectionedFile& out, size_t node_fields) : writer_(out, node_fields), thread_([this] {
        pthread_setname_np(pthread_self(), "node-gdb write");  // for top and perf
        Run();
      }) {}
  ~PipelinedSink() override { Stop(); }

  void Node(int type, uint32_t name, uint64_t id, uint64_t self_size, const std::vector<GraphEdge>& edges) override {
    chunk_.nodes.push_back({type, name, id, self_size, edges.size()});
    chunk_.edges.insert(chunk_.edges.end(), edges.begin(), edges.end());
    if (chunk_.nodes.size() >= kChunkNodes || chunk_.edges.size() >= kChunkEdges) Hand();
  }
  void Name(std::string_view text) {
    chunk_.names.append(text.data(), text.size());
    chunk_.name_ends.push_back(chunk_.names.size());
    if (chunk_.names.size() >= kChunkNameBytes) Hand();
  }
  // Everything written; rethrows the writing thread's error, if any.
  void Finish() {
    Hand();
    Stop();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  struct NodeRecord {
    int type;
    uint32_t name;
    uint64_t id, self_size, edge_count;
  };
  struct Chunk {
    std::vector<NodeRecord> nodes;
    std::vector<GraphEdge> edges;
    std::string names;
    std::vector<size_t> name_ends;
    void Clear() { nodes.clear(), edges.clear(), names.clear(), name_ends.clear(); }
    static Chunk Reserved() {
      Chunk c;
      c.nodes.reserve(kChunkNodes);
      c.edges.reserve(kChunkEdges + 4096);
      c.names.reserve(kChunkNameBytes + 4096);
      return c;
    }
  };
  static constexpr size_t kChunkNodes = 1 << 14, kChunkEdges = 1 << 16, kChunkNameBytes = 1 << 20;
  static constexpr size_t kQueued = 4;  // chunks waiting at most: memory stays bounded

  // Names first: a node may name one that is new in its chunk.
  void Write(const Chunk& c) {
    for (size_t i = 0, start = 0; i < c.name_ends.size(); start = c.name_ends[i++]) {
      writer_.Name(std::string_view(c.names).substr(start, c.name_ends[i] - start));
    }
    const GraphEdge* edge = c.edges.data();
    for (const NodeRecord& n : c.nodes) {
      writer_.Node(n.type, n.name, n.id, n.self_size, edge, n.edge_count);
      edge += n.edge_count;
    }
  }
  void Hand() {
    if (chunk_.nodes.empty() && chunk_.name_ends.empty()) return;
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [&] { return queue_.size() < kQueued || failed_; });
    if (failed_) {
      chunk_.Clear();
      return;  // Finish rethrows
    }
    queue_.push_back(std::move(chunk_));
    chunk_ = spare_.empty() ? Chunk::Reserved() : std::move(spare_.back());
    if (!spare_.empty()) spare_.pop_back();
    chunk_.Clear();
    ready_.notify_one();
  }
  void Run() {
    for (;;) {
      Chunk c;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        c = std::move(queue_.front());
        queue_.pop_front();
        room_.notify_one();
      }
      try {
        if (!failed_) Write(c);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        error_ = std::current_exception();
        failed_ = true;
        room_.notify_all();
      }
      std::lock_guard<std::mutex> lock(mutex_);
      if (spare_.size() < kQueued) spare_.push_back(std::move(c));
    }
  }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
      ready_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
  }

  TextWriter writer_;  // used by the writing thread only
  Chunk chunk_ = Chunk::Reserved();  // being filled by the walk
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<Chunk> queue_;
  std::vector<Chunk> spare_;
  bool done_ = false, failed_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the rest is built
};

// V8's meta, as the V8 of this binary writes it (read from the files that
// v8.writeHeapSnapshot() of Node 20, 22, 24 and 26 wrote): V8 11 (Node 20)
// lists "wasm object" among the node types; V8 11 and 12 (Node 22) have a
// trace_node_id field, V8 13 (Node 24) and later do not, though V8 13 still
// lists five number types after the name's (V8 14: four, one per field).
std::string Meta(int major, size_t* node_fields) {
  const bool trace_node_id = major <= 12;
  *node_fields = trace_node_id ? 7 : 6;
  std::string types =
      "\"hidden\",\"array\",\"string\",\"object\",\"code\",\"closure\",\"regexp\",\"number\",\"native\","
      "\"synthetic\",\"concatenated string\",\"sliced string\",\"symbol\",\"bigint\",\"object shape\"";
  if (major <= 11) types += ",\"wasm object\"";
  std::string fields = trace_node_id ? ",\"trace_node_id\"" : "";
  const int number_types = major <= 13 ? 5 : 4;
  std::string field_types;
  for (int i = 0; i < number_types; ++i) field_types += ",\"number\"";
  return "{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\"" + fields + ",\"detachedness\"],"
         "\"node_types\":[[" + types + "],\"string\"" + field_types + "],"
         "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
         "\"edge_types\":[[\"context\",\"element\",\"property\",\"internal\",\"hidden\",\"shortcut\",\"weak\"],"
         "\"string_or_number\",\"node\"],"
         "\"trace_function_info_fields\":[\"function_id\",\"name\",\"script_name\",\"script_id\",\"line\",\"column\"],"
         "\"trace_node_fields\":[\"id\",\"function_info_index\",\"count\",\"size\",\"children\"],"
         "\"sample_fields\":[\"timestamp_us\",\"last_assigned_id\"],"
         "\"location_fields\":[\"object_index\",\"script_id\",\"line\",\"column\"]}";
}

const std::string kPlaceholder(20, ' ');

SnapshotReport Write(HeapWalker& walker, ObjectNamer& namer, const std::string& path, const ProgressFn& progress,
                     const GraphOptions& options) {
  Heap& heap = walker.heap();
  if (walker.pages().pages.empty()) throw Error("no V8 heap pages found: nothing to snapshot");
  SnapshotReport report;
  size_t node_fields = 7;
  const std::string meta = Meta(heap.rules().major, &node_fields);
  // A big heap makes a file of gigabytes: written around the page cache
  // (sectioned_file.h). A small one stays in the cache, written at once.
  uint64_t heap_bytes = 0;
  for (const HeapPage& page : walker.pages().pages) {
    if (!options.heap || page.heap == options.heap || page.read_only) heap_bytes += page.area_end - page.area_start;
  }
  const auto io = heap_bytes >= kDirectFromHeapBytes ? SectionedFile::Io::kDirect : SectionedFile::Io::kBuffered;
  SectionedFile out(path, kSections, SectionedFile::Join::kBest, io);
  out.Write(kNodes, "{\"snapshot\":{\"meta\":" + meta + ",\"node_count\":");
  const uint64_t node_count_at = out.Size(kNodes);
  out.Write(kNodes, kPlaceholder + ",\"edge_count\":");
  const uint64_t edge_count_at = out.Size(kNodes);
  out.Write(kNodes, kPlaceholder + ",\"trace_function_count\":0},\n\"nodes\":[");

  // Names go to their own section as they are first met, so the heap's
  // text is never held (heap_graph.h, GraphStrings).
  PipelinedSink sink(out, node_fields);
  GraphStrings strings([&](std::string_view s) { sink.Name(s); });
  strings.Id("");
  GraphReport graph = BuildHeapGraph(walker, namer, strings, sink, progress, options);
  sink.Finish();
  report.walk = graph.walk;
  if (graph.cancelled) {
    report.cancelled = true;
    out.Abandon();
    return report;
  }
  out.Write(kNodes, "],\n\"edges\":[");
  out.Write(kEdges, "],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[],\n\"strings\":[");
  out.Write(kStrings, "]}\n");
  out.Patch(node_count_at, std::to_string(graph.nodes));
  out.Patch(edge_count_at, std::to_string(graph.edges));
  out.Finish();
  report.nodes = graph.nodes;
  report.edges = graph.edges;
  report.strings = strings.size();
  report.dangling = graph.dangling;
  report.roots = graph.RootsSummary();
  return report;
}

}  // namespace
SnapshotReport WriteHeapSnapshot(HeapWalker& walker, ObjectNamer& namer, const std::string& path,
                                 const ProgressFn& progress, const GraphOptions& options) {
  const std::string extension = ".heapsnapshot";
  if (path.size() <= extension.size() || path.compare(path.size() - extension.size(), extension.size(), extension) != 0) {
    throw Error("the file name must end in .heapsnapshot (the extension DevTools loads): " + path);
  }
  SnapshotReport report = Write(walker, namer, path, progress, options);  // a partial file is removed
  report.path = path;
  report.heap = options.heap;
  return report;
}

std::vector<SnapshotReport> WriteIsolateSnapshots(HeapWalker& walker, ObjectNamer& namer, const std::string& path,
                                                  const ProgressFn& progress, const RootNames& names,
                                                  std::vector<std::pair<uint64_t, std::string>> isolates,
                                                  const std::vector<uint64_t>& stack_pointers) {
  const std::vector<uint64_t>& heaps = walker.pages().heaps;
  // Only isolates the walker knows, then the ones nothing named.
  isolates.erase(std::remove_if(isolates.begin(), isolates.end(),
                                [&](const auto& i) { return std::find(heaps.begin(), heaps.end(), i.first) == heaps.end(); }),
                 isolates.end());
  for (uint64_t h : heaps) {
    if (std::none_of(isolates.begin(), isolates.end(), [&](const auto& i) { return i.first == h; })) {
      isolates.emplace_back(h, "isolate-" + std::to_string(isolates.size() + 1));
    }
  }
  std::vector<SnapshotReport> reports;
  const std::string stem = path.size() > 13 ? path.substr(0, path.size() - 13) : path;  // without ".heapsnapshot"
  for (size_t i = 0; i < isolates.size(); ++i) {
    GraphOptions options{names, isolates.size() > 1 ? isolates[i].first : 0, stack_pointers};
    const std::string file = i == 0 ? path : stem + "." + isolates[i].second + ".heapsnapshot";
    reports.push_back(WriteHeapSnapshot(walker, namer, file, progress, options));
    reports.back().isolate = isolates.size() > 1 ? isolates[i].second : "";
    if (reports.back().cancelled) break;
  }
  return reports;
}

}  // namespace nodegdb
