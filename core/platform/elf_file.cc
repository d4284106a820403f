#include "core/platform/elf_file.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.h"

namespace nodegdb {

MappedFile::MappedFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(path + " is not a regular file");
  }
  size_ = static_cast<uint64_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      throw Error("cannot map " + path + ": " + std::strerror(errno));
    }
    data_ = static_cast<const uint8_t*>(p);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

void MappedFile::DropResidentPages() const {
  if (data_) ::madvise(const_cast<uint8_t*>(data_), size_, MADV_DONTNEED);
}

bool MappedFile::ReadAt(uint64_t offset, void* out, size_t size) const {
  if (offset > size_ || size > size_ - offset) return false;
  std::memcpy(out, data_ + offset, size);
  return true;
}

namespace {
template <typename T>
bool ReadStruct(const MappedFile& f, uint64_t offset, T* out) {
  return f.ReadAt(offset, out, sizeof(T));
}
}  // namespace

ElfFile::ElfFile(const std::string& path) : file_(std::make_unique<MappedFile>(path)) {
  Elf64_Ehdr eh;
  if (!ReadStruct(*file_, 0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
    throw Error(path + " is not an ELF file");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
    throw Error(path + " is not a little-endian 64-bit ELF file");
  type_ = eh.e_type;
  machine_ = eh.e_machine;
  // Other entry sizes mean a damaged header; a size of 0 would read one entry
  // 65535 times and make every later lookup quadratic.
  if (eh.e_phnum && eh.e_phentsize != sizeof(Elf64_Phdr))
    throw Error(path + ": program header entries of " + std::to_string(eh.e_phentsize) + " bytes, not " +
                std::to_string(sizeof(Elf64_Phdr)));
  if (eh.e_shnum && eh.e_shentsize != sizeof(Elf64_Shdr)) eh.e_shnum = 0;  // symbols are optional

  for (unsigned i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    if (!ReadStruct(*file_, eh.e_phoff + uint64_t{i} * eh.e_phentsize, &ph)) break;
    segments_.push_back({ph.p_type, ph.p_flags, ph.p_offset, ph.p_vaddr, ph.p_filesz, ph.p_memsz});
  }
  for (unsigned i = 0; i < eh.e_shnum; i++) {
    Elf64_Shdr sh;
    if (!ReadStruct(*file_, eh.e_shoff + uint64_t{i} * eh.e_shentsize, &sh)) break;
    sections_.push_back({sh.sh_type, sh.sh_addr, sh.sh_offset, sh.sh_size, sh.sh_link, sh.sh_entsize});
  }
}

void ElfFile::ForEachSymbol(std::string_view prefix,
                            const std::function<void(const ElfSymbol&)>& visit) const {
  // The ELF format allows one table of each type; more is damage, and
  // visiting copies of one table would multiply the work.
  bool seen_symtab = false, seen_dynsym = false;
  for (const Section& sec : sections_) {
    if (sec.type != SHT_SYMTAB && sec.type != SHT_DYNSYM) continue;
    bool& seen = sec.type == SHT_SYMTAB ? seen_symtab : seen_dynsym;
    if (seen) continue;
    seen = true;
    if (sec.link >= sections_.size()) continue;
    const Section& strtab = sections_[sec.link];
    if (strtab.offset > file_->size() || strtab.size > file_->size() - strtab.offset) continue;
    if (sec.offset > file_->size() || sec.size > file_->size() - sec.offset) continue;
    const char* strings = reinterpret_cast<const char*>(file_->data() + strtab.offset);
    const auto* syms = reinterpret_cast<const Elf64_Sym*>(file_->data() + sec.offset);
    uint64_t count = sec.size / sizeof(Elf64_Sym);
    for (uint64_t i = 0; i < count; i++) {
      const Elf64_Sym& s = syms[i];
      if (s.st_name >= strtab.size) continue;
      const char* name = strings + s.st_name;
      size_t max_len = strtab.size - s.st_name;
      if (prefix.size() > max_len || std::memcmp(name, prefix.data(), prefix.size()) != 0) continue;
      size_t len = strnlen(name, max_len);
      visit(ElfSymbol{std::string_view(name, len), s.st_value, s.st_size});
    }
  }
}

bool ElfFile::ReadVirtual(uint64_t address, void* out, size_t size) const {
  // Sections first: they tell .bss (NOBITS) apart precisely.
  for (const Section& sec : sections_) {
    if (sec.addr == 0 || address < sec.addr || address - sec.addr >= sec.size) continue;
    if (size > sec.size - (address - sec.addr)) continue;
    if (sec.type == SHT_NOBITS) {
      std::memset(out, 0, size);
      return true;
    }
    return file_->ReadAt(sec.offset + (address - sec.addr), out, size);
  }
  for (const Segment& seg : segments_) {
    if (seg.type != PT_LOAD || address < seg.vaddr || address - seg.vaddr >= seg.filesz) continue;
    if (size > seg.filesz - (address - seg.vaddr)) continue;
    return file_->ReadAt(seg.offset + (address - seg.vaddr), out, size);
  }
  return false;
}

uint64_t ElfFile::FirstLoadAddress() const {
  uint64_t lowest = UINT64_MAX;
  for (const Segment& seg : segments_) {
    if (seg.type == PT_LOAD && seg.vaddr < lowest) lowest = seg.vaddr;
  }
  return lowest == UINT64_MAX ? 0 : lowest & ~uint64_t{0xfff};
}

void ForEachNoteIn(const uint8_t* notes, uint64_t size, const NoteVisitor& visit) {
  uint64_t off = 0;
  while (off + sizeof(Elf64_Nhdr) <= size) {
    Elf64_Nhdr nh;
    std::memcpy(&nh, notes + off, sizeof nh);
    uint64_t name_at = off + sizeof nh;
    uint64_t desc_at = name_at + ((uint64_t{nh.n_namesz} + 3) & ~uint64_t{3});
    uint64_t next = desc_at + ((uint64_t{nh.n_descsz} + 3) & ~uint64_t{3});
    if (next > size) break;
    // n_namesz counts the terminating NUL.
    std::string_view name(reinterpret_cast<const char*>(notes + name_at), nh.n_namesz ? nh.n_namesz - 1 : 0);
    visit(name, nh.n_type, notes + desc_at, nh.n_descsz);
    off = next;
  }
}

void ElfFile::ForEachNote(const NoteVisitor& visit) const {
  for (const Segment& seg : segments_) {
    if (seg.type != PT_NOTE || seg.offset > file_->size() || seg.filesz > file_->size() - seg.offset) continue;
    ForEachNoteIn(file_->data() + seg.offset, seg.filesz, visit);
  }
}

std::string FindGnuBuildId(const uint8_t* notes, uint64_t size) {
  std::string hex;
  ForEachNoteIn(notes, size, [&](std::string_view name, uint32_t type, const uint8_t* desc, uint64_t n) {
    if (!hex.empty() || type != NT_GNU_BUILD_ID || name != "GNU") return;
    static const char digits[] = "0123456789abcdef";
    for (uint64_t i = 0; i < n; i++) {
      hex += digits[desc[i] >> 4];
      hex += digits[desc[i] & 15];
    }
  });
  return hex;
}

std::string ElfFile::BuildId() const {
  for (const Segment& seg : segments_) {
    if (seg.type != PT_NOTE || seg.offset > file_->size() || seg.filesz > file_->size() - seg.offset) continue;
    std::string hex = FindGnuBuildId(file_->data() + seg.offset, seg.filesz);
    if (!hex.empty()) return hex;
  }
  // Executables usually carry the note in a section too (.note.gnu.build-id).
  for (const Section& sec : sections_) {
    if (sec.type != SHT_NOTE || sec.offset > file_->size() || sec.size > file_->size() - sec.offset) continue;
    std::string hex = FindGnuBuildId(file_->data() + sec.offset, sec.size);
    if (!hex.empty()) return hex;
  }
  return "";
}

}  // namespace nodegdb
