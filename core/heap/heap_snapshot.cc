#include "core/heap/heap_snapshot.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <vector>

#include "core/heap/heap_graph.h"
#include "core/view/json_writer.h"

namespace nodegdb {

namespace {

using namespace heap_graph;

class File {
 public:
  File(const std::string& path, const char* mode) : path_(path), f_(std::fopen(path.c_str(), mode)) {
    if (!f_) throw Error("cannot write " + path);
    std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
  }
  ~File() {
    if (f_) std::fclose(f_);
  }
  void Write(const std::string& s) { Write(s.data(), s.size()); }
  void Write(const char* data, size_t n) {
    if (n && std::fwrite(data, 1, n, f_) != n) throw Error("cannot write " + path_ + " (disk full?)");
  }
  long Tell() { return std::ftell(f_); }
  void Flush() {
    if (std::fflush(f_) != 0) throw Error("cannot write " + path_ + " (disk full?)");
  }
  long Size() {
    Flush();
    struct stat st;
    if (::fstat(::fileno(f_), &st) != 0) throw Error("cannot read back " + path_);
    return static_cast<long>(st.st_size);
  }
  void SeekEnd() {
    if (std::fseek(f_, 0, SEEK_END) != 0) throw Error("cannot seek in " + path_);
  }
  void Seek(long at) {
    if (std::fseek(f_, at, SEEK_SET) != 0) throw Error("cannot seek in " + path_);
  }
  FILE* get() { return f_; }
  void Close() {
    FILE* f = f_;
    f_ = nullptr;
    if (std::fclose(f) != 0) throw Error("cannot write " + path_ + " (disk full?)");
  }

 private:
  std::string path_;
  FILE* f_;
};

// Numbers as text into a reused buffer (std::to_chars: no allocation per
// field; 13.6 M nodes and 39 M edges on the benchmark heap).
class Line {
 public:
  void Clear() { text_.clear(); }
  void Number(uint64_t v) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
    text_.append(digits, static_cast<size_t>(end - digits));
  }
  void Char(char c) { text_.push_back(c); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Nodes to the output, edges to a temporary file (appended after the nodes).
class FileSink : public GraphSink {
 public:
  FileSink(File& nodes, File& edges, size_t node_fields) : nodes_(nodes), edges_(edges), node_fields_(node_fields) {}
  void Node(int type, uint32_t name, uint64_t id, uint64_t self_size, const std::vector<GraphEdge>& edges) override {
    line_.Clear();
    if (!first_node_) line_.Char(',');
    first_node_ = false;
    for (uint64_t v : {static_cast<uint64_t>(type), uint64_t{name}, id, self_size, uint64_t{edges.size()}}) {
      line_.Number(v);
      line_.Char(',');
    }
    nodes_.Write(line_.text());
    nodes_.Write(node_fields_ == 7 ? "0,0\n" : "0\n", node_fields_ == 7 ? 4 : 2);
    line_.Clear();
    for (const GraphEdge& edge : edges) {
      if (!first_edge_) line_.Char(',');
      first_edge_ = false;
      line_.Number(static_cast<uint64_t>(edge.type));
      line_.Char(',');
      line_.Number(edge.name_or_index);
      line_.Char(',');
      line_.Number(edge.to * node_fields_);
      line_.Char('\n');
    }
    edges_.Write(line_.text());
  }

 private:
  File& nodes_;
  File& edges_;
  size_t node_fields_;
  bool first_node_ = true, first_edge_ = true;
  Line line_;
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

// Copies a temporary file to the end of `out` and closes it: in the kernel
// (copy_file_range: no trip of a gigabyte of edges through user space),
// else through a buffer where the file systems cannot.
void Append(File& out, File& from) {
  from.Flush();
  out.Flush();
  const int in_fd = ::fileno(from.get()), out_fd = ::fileno(out.get());
  loff_t in_at = 0;
  const long size = from.Size();
  while (in_at < size) {
    const ssize_t n = ::copy_file_range(in_fd, &in_at, out_fd, nullptr, static_cast<size_t>(size - in_at), 0);
    if (n <= 0) break;
  }
  out.SeekEnd();
  from.Seek(in_at);
  std::vector<char> buffer(1 << 20);
  for (size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), from.get())) > 0;) out.Write(buffer.data(), n);
  from.Close();
}

SnapshotReport Write(HeapWalker& walker, ObjectNamer& namer, const std::string& path, const ProgressFn& progress,
                     const GraphOptions& options, bool* created) {
  Heap& heap = walker.heap();
  if (walker.pages().pages.empty()) throw Error("no V8 heap pages found: nothing to snapshot");
  SnapshotReport report;
  size_t node_fields = 7;
  const std::string meta = Meta(heap.rules().major, &node_fields);
  File out(path, "wb");
  *created = true;
  const std::string edges_path = path + ".edges.tmp";
  uint64_t names_written = 0;
  File edges(edges_path, "w+b");
  out.Write("{\"snapshot\":{\"meta\":" + meta + ",\"node_count\":");
  const long node_count_at = out.Tell();
  out.Write(kPlaceholder + ",\"edge_count\":");
  const long edge_count_at = out.Tell();
  out.Write(kPlaceholder + ",\"trace_function_count\":0},\n\"nodes\":[");

  // Names go to their own temporary file as they are first met, so the
  // heap's text is never held (heap_graph.h, GraphStrings).
  const std::string strings_path = path + ".strings.tmp";
  File names(strings_path, "w+b");
  std::string quoted;
  GraphStrings strings([&](std::string_view s) {
    quoted.assign(names_written++ ? ",\n" : "");
    quoted += JsonQuote(s);
    names.Write(quoted);
  });
  strings.Id("");
  FileSink sink(out, edges, node_fields);
  GraphReport graph = BuildHeapGraph(walker, namer, strings, sink, progress, options);
  report.walk = graph.walk;
  if (graph.cancelled) {
    report.cancelled = true;
    edges.Close();
    names.Close();
    out.Close();
    std::remove(edges_path.c_str());
    std::remove(strings_path.c_str());
    std::remove(path.c_str());
    return report;
  }

  out.Write("],\n\"edges\":[");
  Append(out, edges);
  std::remove(edges_path.c_str());
  out.Write("],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[],\n\"strings\":[");
  Append(out, names);
  std::remove(strings_path.c_str());
  out.Write("]}\n");
  out.Seek(node_count_at);
  out.Write(std::to_string(graph.nodes));
  out.Seek(edge_count_at);
  out.Write(std::to_string(graph.edges));
  out.Close();
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
  bool created = false;
  try {
    SnapshotReport report = Write(walker, namer, path, progress, options, &created);
    report.path = path;
    report.heap = options.heap;
    return report;
  } catch (...) {
    std::remove((path + ".edges.tmp").c_str());
    std::remove((path + ".strings.tmp").c_str());
    if (created) std::remove(path.c_str());  // a partial snapshot would mislead
    throw;
  }
}

std::vector<SnapshotReport> WriteIsolateSnapshots(HeapWalker& walker, ObjectNamer& namer, const std::string& path,
                                                  const ProgressFn& progress, const RootNames& names,
                                                  std::vector<std::pair<uint64_t, std::string>> isolates) {
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
    GraphOptions options{names, isolates.size() > 1 ? isolates[i].first : 0};
    const std::string file = i == 0 ? path : stem + "." + isolates[i].second + ".heapsnapshot";
    reports.push_back(WriteHeapSnapshot(walker, namer, file, progress, options));
    reports.back().isolate = isolates.size() > 1 ? isolates[i].second : "";
    if (reports.back().cancelled) break;
  }
  return reports;
}

}  // namespace nodegdb
