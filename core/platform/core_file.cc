#include "core/platform/core_file.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace nodegdb {

namespace {
constexpr uint32_t kNtFile = 0x46494c45;  // NT_FILE: "FILE"
constexpr uint32_t kNtPrstatus = 1;
// Offset of pr_pid in struct elf_prstatus on 64-bit Linux: after
// pr_info (3 ints), pr_cursig (short + pad), pr_sigpend, pr_sighold (longs).
constexpr uint64_t kPrstatusPidOffset = 32;
constexpr uint64_t kPrstatusCursigOffset = 12;
// pr_reg, after pr_pid, pr_ppid, pr_pgrp, pr_sid and four timevals; the
// stack pointer in it: user_regs_struct's rsp (x86-64), user_pt_regs' sp
// (AArch64, after x0-x30).
constexpr uint64_t kPrstatusRegsOffset = 112;
uint64_t StackPointerOffset(uint16_t machine) {
  return machine == EM_X86_64 ? kPrstatusRegsOffset + 19 * 8 : machine == EM_AARCH64 ? kPrstatusRegsOffset + 31 * 8 : 0;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
}  // namespace

CoreFileMemory::CoreFileMemory(const std::string& core_path) : core_(core_path) {
  if (!core_.is_core()) throw Error(core_path + " is not a core file");
  const uint64_t file_size = core_.file().size();
  for (const auto& seg : core_.segments()) {
    if (seg.type != PT_LOAD) continue;
    Load load{seg.vaddr, seg.memsz, seg.offset, seg.filesz};
    // A truncated core: keep only what the file really has.
    if (load.offset >= file_size) {
      truncated_bytes_ += load.filesz;
      load.filesz = 0;
    } else if (load.filesz > file_size - load.offset) {
      truncated_bytes_ += load.filesz - (file_size - load.offset);
      load.filesz = file_size - load.offset;
    }
    loads_.push_back(load);
  }
  std::sort(loads_.begin(), loads_.end(), [](const Load& a, const Load& b) { return a.vaddr < b.vaddr; });

  bool seen_file_note = false;
  const uint64_t sp_offset = StackPointerOffset(core_.machine());
  core_.ForEachNote([&](std::string_view name, uint32_t type, const uint8_t* desc, uint64_t size) {
    if (name == "CORE" && type == kNtPrstatus && sp_offset && size >= sp_offset + 8 && stack_pointers_.size() < 4096) {
      uint64_t sp;
      std::memcpy(&sp, desc + sp_offset, 8);
      stack_pointers_.push_back(sp);
    }
    if (name == "CORE" && type == kNtPrstatus && pid_ == 0 && size >= kPrstatusPidOffset + 4) {
      std::memcpy(&pid_, desc + kPrstatusPidOffset, 4);
      int16_t cursig = 0;  // pr_cursig, after pr_info's three ints
      std::memcpy(&cursig, desc + kPrstatusCursigOffset, 2);
      signal_ = cursig;
    }
    // A core has one file list; a second (a damaged or overlapping note
    // segment) would only repeat or contradict it.
    if (name != "CORE" || type != kNtFile || size < 16 || seen_file_note) return;
    seen_file_note = true;
    uint64_t count, page_size;
    std::memcpy(&count, desc, 8);
    std::memcpy(&page_size, desc + 8, 8);
    if (count > (size - 16) / 24) return;  // corrupt note
    const uint8_t* entries = desc + 16;
    const char* names = reinterpret_cast<const char*>(entries + count * 24);
    const char* names_end = reinterpret_cast<const char*>(desc + size);
    for (uint64_t i = 0; i < count && names < names_end; i++) {
      uint64_t v[3];
      std::memcpy(v, entries + i * 24, 24);
      size_t len = strnlen(names, static_cast<size_t>(names_end - names));
      file_mappings_.push_back({v[0], v[1], v[2] * page_size, std::string(names, len)});
      names += len + 1;
    }
  });
  std::sort(file_mappings_.begin(), file_mappings_.end(),
            [](const FileMapping& a, const FileMapping& b) { return a.start < b.start; });
}

void CoreFileMemory::SubstituteFile(const std::string& core_path, const std::string& local_path) {
  substitutes_[core_path] = local_path;
  open_files_.clear();
}

uint64_t CoreFileMemory::LoadBaseOf(const std::string& file) const {
  for (int pass = 0; pass < 2; pass++) {
    for (const auto& m : file_mappings_) {
      bool match = pass == 0 ? m.path == file : BaseName(m.path) == BaseName(file);
      if (match && m.file_offset == 0) return m.start;
    }
  }
  return 0;
}

const MappedFile* CoreFileMemory::OpenMapped(const std::string& path) {
  auto it = open_files_.find(path);
  if (it != open_files_.end()) return it->second.get();
  std::unique_ptr<MappedFile> file;
  auto sub = substitutes_.find(path);
  if (sub == substitutes_.end()) sub = substitutes_.find(BaseName(path));
  const std::string& local = sub == substitutes_.end() ? path : sub->second;
  try {
    file = std::make_unique<MappedFile>(local);
  } catch (const Error&) {
    // Not on this machine: the reads fall through to the next memory layer.
  }
  return open_files_.emplace(path, std::move(file)).first->second.get();
}

bool CoreFileMemory::ReadFromCore(uint64_t address, uint8_t* out, size_t size, size_t* done) {
  size_t index = last_load_.load(std::memory_order_relaxed);
  if (index >= loads_.size() || address < loads_[index].vaddr || address - loads_[index].vaddr >= loads_[index].filesz) {
    auto it = std::upper_bound(loads_.begin(), loads_.end(), address,
                               [](uint64_t a, const Load& l) { return a < l.vaddr; });
    if (it == loads_.begin()) return false;
    index = static_cast<size_t>(it - loads_.begin()) - 1;
    last_load_.store(index, std::memory_order_relaxed);
  }
  const Load& load = loads_[index];
  uint64_t delta = address - load.vaddr;
  if (delta >= load.filesz) return false;
  size_t n = static_cast<size_t>(std::min<uint64_t>(size, load.filesz - delta));
  if (!core_.file().ReadAt(load.offset + delta, out, n)) return false;
  *done = n;
  return true;
}

bool CoreFileMemory::ReadFromMappedFile(uint64_t address, uint8_t* out, size_t size, size_t* done) {
  auto it = std::upper_bound(file_mappings_.begin(), file_mappings_.end(), address,
                             [](uint64_t a, const FileMapping& m) { return a < m.start; });
  if (it == file_mappings_.begin()) return false;
  const FileMapping& m = *--it;
  if (address >= m.end) return false;
  const MappedFile* file = OpenMapped(m.path);
  if (!file) return false;
  size_t n = static_cast<size_t>(std::min<uint64_t>(size, m.end - address));
  if (!file->ReadAt(m.file_offset + (address - m.start), out, n)) return false;
  *done = n;
  return true;
}

void CoreFileMemory::SetExecutable(const std::string& path, uint64_t bias) {
  executable_ = std::make_unique<ElfFile>(path);
  executable_bias_ = bias;
}

bool CoreFileMemory::ReadFromExecutable(uint64_t address, uint8_t* out, size_t size, size_t* done) {
  if (!executable_ || address < executable_bias_) return false;
  const uint64_t link = address - executable_bias_;
  for (const ElfFile::Segment& seg : executable_->segments()) {
    // Writable segments change at run time: only the core knows them.
    if (seg.type != PT_LOAD || (seg.flags & PF_W) || link < seg.vaddr || link - seg.vaddr >= seg.filesz) continue;
    size_t n = static_cast<size_t>(std::min<uint64_t>(size, seg.filesz - (link - seg.vaddr)));
    if (!executable_->file().ReadAt(seg.offset + (link - seg.vaddr), out, n)) return false;
    *done = n;
    return true;
  }
  return false;
}

bool CoreFileMemory::ReadPieces(uint64_t address, uint8_t* dst, size_t size, bool use_files) {
  if (address + size < address) return false;
  while (size > 0) {
    size_t done = 0;
    if (!ReadFromCore(address, dst, size, &done) &&
        !(use_files && (ReadFromMappedFile(address, dst, size, &done) ||
                        ReadFromExecutable(address, dst, size, &done))))
      return false;
    dst += done;
    address += done;
    size -= done;
  }
  return true;
}

void CoreFileMemory::DropResidentPages() { core_.file().DropResidentPages(); }

bool CoreFileMemory::Read(uint64_t address, void* out, size_t size) {
  return ReadPieces(address, static_cast<uint8_t*>(out), size, true);
}

bool CoreFileMemory::ReadCoreOnly(uint64_t address, void* out, size_t size) {
  return ReadPieces(address, static_cast<uint8_t*>(out), size, false);
}

CoreFileMemory::~CoreFileMemory() {
  if (bulk_fd_ >= 0) ::close(bulk_fd_);
}

std::vector<MemoryRange> CoreFileMemory::Ranges() {
  std::vector<MemoryRange> ranges;
  for (const Load& load : loads_) {
    if (load.filesz > 0) ranges.push_back({load.vaddr, load.vaddr + load.filesz});
  }
  return ranges;
}

int CoreFileMemory::BulkFile(uint64_t address, size_t size, uint64_t* offset) {
  if (bulk_fd_ == -2) bulk_fd_ = ::open(core_.path().c_str(), O_RDONLY | O_CLOEXEC);
  auto it = std::upper_bound(loads_.begin(), loads_.end(), address,
                             [](uint64_t a, const Load& l) { return a < l.vaddr; });
  if (bulk_fd_ < 0 || it == loads_.begin()) return -1;
  const Load& load = *--it;
  uint64_t delta = address - load.vaddr;
  if (delta >= load.filesz || size > load.filesz - delta) return -1;
  *offset = load.offset + delta;
  return bulk_fd_;
}

bool CoreFileMemory::ReadBulk(uint64_t address, void* out, size_t size) {
  if (bulk_fd_ == -2) bulk_fd_ = ::open(core_.path().c_str(), O_RDONLY | O_CLOEXEC);
  auto* dst = static_cast<uint8_t*>(out);
  while (size > 0 && bulk_fd_ >= 0) {
    auto it = std::upper_bound(loads_.begin(), loads_.end(), address,
                               [](uint64_t a, const Load& l) { return a < l.vaddr; });
    if (it == loads_.begin()) break;
    const Load& load = *--it;
    uint64_t delta = address - load.vaddr;
    if (delta >= load.filesz) break;
    size_t n = static_cast<size_t>(std::min<uint64_t>(size, load.filesz - delta));
    ssize_t got = ::pread(bulk_fd_, dst, n, static_cast<off_t>(load.offset + delta));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    dst += got;
    address += static_cast<uint64_t>(got);
    size -= static_cast<size_t>(got);
  }
  return size == 0 || Read(address, dst, size);
}

std::string CoreFileMemory::Describe() const {
  std::string text = "core file " + core_.path();
  if (truncated_bytes_) text += " (truncated: " + std::to_string(truncated_bytes_) + " bytes missing)";
  return text;
}

}  // namespace nodegdb
