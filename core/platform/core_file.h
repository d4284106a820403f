// Memory of a crashed (or gcore'd) process from its ELF core file.
//
// The kernel leaves unmodified file-backed pages out of a core (PT_LOAD with
// p_filesz 0, or shorter than p_memsz): the executable's text and .rodata, and
// shared libraries. Those bytes are read from the files the core's NT_FILE note
// names, or from a substitute path the caller supplies (the core came from
// another machine, or GDB was given the binary under another name). A core
// without that note (qemu-user writes none) still gets the executable's
// read-only segments from the executable the caller names.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/platform/elf_file.h"
#include "core/platform/memory.h"

namespace nodegdb {

class CoreFileMemory : public Memory {
 public:
  explicit CoreFileMemory(const std::string& core_path);  // throws Error

  bool Read(uint64_t address, void* out, size_t size) override;
  std::string Describe() const override;
  // The ranges the core file itself holds (PT_LOAD bytes present in the file).
  std::vector<MemoryRange> Ranges() override;
  // Core bytes read with pread (not through the mapping, so they do not stay
  // resident in GDB); other bytes as Read.
  bool ReadBulk(uint64_t address, void* out, size_t size) override;
  int BulkFile(uint64_t address, size_t size, uint64_t* offset) override;  // within one segment
  void DropResidentPages() override;  // of the core's mapping
  ~CoreFileMemory() override;
  // Only what the core itself holds (no NT_FILE files): to compare the
  // binary GDB was given with the one that was running.
  bool ReadCoreOnly(uint64_t address, void* out, size_t size);

  struct FileMapping {
    uint64_t start, end, file_offset;
    std::string path;
  };
  const std::vector<FileMapping>& file_mappings() const { return file_mappings_; }

  // Read pages of the file that the core calls `core_path` from `local_path`.
  // `core_path` may be a bare file name: it then stands for any path with it.
  void SubstituteFile(const std::string& core_path, const std::string& local_path);

  // Read the read-only PT_LOAD segments of the executable at `path`, loaded
  // `bias` above its link addresses, where the core and its NT_FILE files
  // have nothing (a core without NT_FILE). Throws Error if it cannot be read.
  void SetExecutable(const std::string& path, uint64_t bias);

  // Where the core says `file` (matched by path, or by base name if no path
  // matches) was mapped with offset 0: its load base. 0 if not mapped.
  uint64_t LoadBaseOf(const std::string& file) const;

  int pid() const { return pid_; }
  // Each thread's stack pointer at the time of the core (NT_PRSTATUS, x86-64
  // and AArch64), in the core's order; empty for other machines.
  const std::vector<uint64_t>& stack_pointers() const { return stack_pointers_; }
  // The signal that made the core (the first thread's pr_cursig), 0 if none:
  // what GDB's $_siginfo says, for cores without NT_SIGINFO (qemu-user's).
  int signal() const { return signal_; }
  // Bytes the PT_LOAD headers promise beyond the end of the file.
  uint64_t truncated_bytes() const { return truncated_bytes_; }
  const std::string& path() const { return core_.path(); }

 private:
  struct Load {
    uint64_t vaddr, memsz, offset, filesz;
  };
  // A read may span segments: each piece from the core, or (use_files) from
  // the NT_FILE files.
  bool ReadPieces(uint64_t address, uint8_t* dst, size_t size, bool use_files);
  bool ReadFromCore(uint64_t address, uint8_t* out, size_t size, size_t* done);
  bool ReadFromMappedFile(uint64_t address, uint8_t* out, size_t size, size_t* done);
  bool ReadFromExecutable(uint64_t address, uint8_t* out, size_t size, size_t* done);
  const MappedFile* OpenMapped(const std::string& path);

  ElfFile core_;
  std::vector<Load> loads_;  // sorted by vaddr
  // The segment the last read found: most reads of a walk fall in the same
  // one (relaxed: any index is a valid guess, checked before use).
  std::atomic<size_t> last_load_{0};
  std::vector<FileMapping> file_mappings_;  // sorted by start
  std::map<std::string, std::string> substitutes_;
  std::map<std::string, std::unique_ptr<MappedFile>> open_files_;  // null: failed to open
  std::unique_ptr<ElfFile> executable_;
  uint64_t executable_bias_ = 0;
  int pid_ = 0;
  int signal_ = 0;
  std::vector<uint64_t> stack_pointers_;
  uint64_t truncated_bytes_ = 0;
  int bulk_fd_ = -2;  // for ReadBulk: -2 not opened yet, -1 failed
};

}  // namespace nodegdb
