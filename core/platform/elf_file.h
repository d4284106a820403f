// A memory-mapped ELF64 file: the node executable (or libnode.so) for its
// symbol table and initialised data, and any file a core's NT_FILE note names.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nodegdb {

// A read-only mapping of a whole file. Throws Error if it can't be opened.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Copies bytes at a file offset; false past the end.
  bool ReadAt(uint64_t offset, void* out, size_t size) const;
  // Releases the mapping's resident pages (MADV_DONTNEED: a read-only
  // private mapping faults them in again from the file); the bytes stay.
  void DropResidentPages() const;

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

struct ElfSymbol {
  std::string_view name;
  uint64_t value;  // link-time virtual address
  uint64_t size;
};

// Each note in a block of ELF notes (a PT_NOTE segment or SHT_NOTE section),
// as (name, type, descriptor, descriptor size); stops at a truncated note.
using NoteVisitor =
    std::function<void(std::string_view name, uint32_t type, const uint8_t* desc, uint64_t size)>;
void ForEachNoteIn(const uint8_t* notes, uint64_t size, const NoteVisitor& visit);

// The GNU build-id (hex) in a block of ELF notes, or "" if there is none.
std::string FindGnuBuildId(const uint8_t* notes, uint64_t size);

class ElfFile {
 public:
  // Throws Error if the file is not a little-endian ELF64 (the machine is
  // checked by its users: arch/arch.h).
  explicit ElfFile(const std::string& path);

  const std::string& path() const { return file_->path(); }
  bool is_core() const { return type_ == 4; }
  uint16_t machine() const { return machine_; }  // e_machine: EM_X86_64, EM_AARCH64...
  bool is_position_independent() const { return type_ == 3; }
  const MappedFile& file() const { return *file_; }

  // Calls `visit` for every symbol in .symtab and .dynsym whose name starts
  // with `prefix` (a symbol in both is visited twice).
  void ForEachSymbol(std::string_view prefix,
                     const std::function<void(const ElfSymbol&)>& visit) const;

  // Reads the initialised contents at a link-time address from the file;
  // bytes of a NOBITS section (.bss) read as zero, as they are at load time.
  bool ReadVirtual(uint64_t address, void* out, size_t size) const;

  // The GNU build-id as hex, or "" if the file has none.
  std::string BuildId() const;

  struct Segment {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz;
  };
  const std::vector<Segment>& segments() const { return segments_; }
  // Lowest PT_LOAD address (page aligned): used to compute a load bias.
  uint64_t FirstLoadAddress() const;

  // The notes of every PT_NOTE segment.
  void ForEachNote(const NoteVisitor& visit) const;

 private:
  struct Section {
    uint32_t type;
    uint64_t addr, offset, size, link, entsize;
  };
  std::unique_ptr<MappedFile> file_;
  uint16_t type_ = 0;
  uint16_t machine_ = 0;
  std::vector<Section> sections_;
  std::vector<Segment> segments_;
};

}  // namespace nodegdb
