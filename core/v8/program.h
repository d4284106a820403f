// One debugged program: the node binary that carries the postmortem
// metadata, the memory of the process (core file, live process or
// callback), the load bias between the two, and the Heap read through them.
// Every wing's reader takes a Program; the façade (core/target.h) adds the
// views on top.
//
// May fail: constructing one throws Error when the binary cannot be opened
// or has no metadata; NodeConstant throws MissingConstant or ReadError;
// NodeVersion and V8Version return "" when unreadable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/platform/elf_file.h"
#include "core/platform/memory.h"
#include "core/meta/metadata.h"
#include "core/v8/heap.h"

namespace nodegdb {

struct Arch;  // core/arch/arch.h

// A node binary and its metadata: loaded once per file (checked by size and
// modification time) and shared by every Program made for it, since GDB makes
// a new one each time the inferior has run.
struct LoadedBinary {
  explicit LoadedBinary(const std::string& path) : elf(path), metadata(Metadata::FromBinary(elf)) {}
  ElfFile elf;
  Metadata metadata;
  static std::shared_ptr<const LoadedBinary> Get(const std::string& path);
};

class Program {
 public:
  // `binary`: the node executable or libnode.so with the v8dbg_ symbols.
  // `load_bias`: runtime address minus link-time address of that file.
  Program(const std::string& binary, std::shared_ptr<Memory> memory, uint64_t load_bias);
  virtual ~Program() = default;

  const ElfFile& binary() const { return binary_; }
  const Metadata& metadata() const { return metadata_; }
  Heap& heap() { return *heap_; }
  Memory& memory() { return *memory_; }
  uint64_t load_bias() const { return load_bias_; }
  // The binary's machine (register names, frame and libuv layouts); throws
  // Error for a machine node-gdb does not know.
  const Arch& arch() const;

  // "v20.20.2" from node::per_process::metadata (memory), "" if unreadable.
  std::string NodeVersion();
  // "11.3.244.8" from v8::internal::Version (binary), "" if absent.
  std::string V8Version() const;
  // One line: Node and V8 versions and how many constants were found.
  std::string Banner();

  // Compares the binary's GNU build-id with the one in the process image
  // (read through `read`, e.g. a core's own pages only). Returns a warning,
  // or "" if they match or the process image does not have the note.
  std::string CheckBuildId(const std::function<bool(uint64_t, void*, size_t)>& read) const;
  const std::string& warning() const { return warning_; }
  void set_warning(std::string w) { warning_ = std::move(w); }

  // Reads a nodedbg_ value (filled in at start-up, so read from memory).
  int64_t NodeConstant(const std::string& kind, const std::string& cls, const std::string& field);
  // The runtime address of a symbol of the binary, 0 if it has none.
  uint64_t SymbolRuntimeAddress(const std::string& name) const;

  // Node's major version, read once (the newest known when unreadable):
  // util.inspect's rules follow it.
  int NodeMajor();

 private:
  std::shared_ptr<const LoadedBinary> loaded_;
  const ElfFile& binary_;
  const Metadata& metadata_;
  std::shared_ptr<Memory> memory_;
  uint64_t load_bias_;
  std::unique_ptr<Heap> heap_;
  std::string warning_;
  int node_major_ = -1;
};

}  // namespace nodegdb
