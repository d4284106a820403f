#include <elf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "core/platform/core_file.h"
#include "core/platform/memory.h"

namespace nodegdb {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/nodegdb-test-XXXXXX";
  return mkdtemp(tmpl);
}

void WriteFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// A minimal ELF core: one PT_LOAD with contents at 0x600000, one left out
// (p_filesz 0) at 0x400000 whose bytes the NT_FILE note says come from
// `backing` at offset 0x1000.
std::vector<uint8_t> MakeCore(const std::string& backing, uint64_t present_filesz_claim = 0x1000) {
  std::vector<uint8_t> note;
  auto put = [&](const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    note.insert(note.end(), b, b + n);
  };
  std::vector<uint8_t> desc;
  auto put64 = [&](uint64_t v) { desc.insert(desc.end(), reinterpret_cast<uint8_t*>(&v), reinterpret_cast<uint8_t*>(&v) + 8); };
  put64(1);       // count
  put64(0x1000);  // page size
  put64(0x400000);
  put64(0x402000);
  put64(1);  // file offset in pages
  desc.insert(desc.end(), backing.begin(), backing.end());
  desc.push_back(0);
  while (desc.size() % 4) desc.push_back(0);
  Elf64_Nhdr nh{5, static_cast<Elf64_Word>(desc.size()), 0x46494c45};
  put(&nh, sizeof nh);
  put("CORE\0\0\0", 8);
  put(desc.data(), desc.size());

  const uint64_t phoff = sizeof(Elf64_Ehdr);
  const uint64_t note_off = phoff + 3 * sizeof(Elf64_Phdr);
  const uint64_t data_off = (note_off + note.size() + 0xfff) & ~uint64_t{0xfff};
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_CORE;
  eh.e_machine = EM_X86_64;
  eh.e_phoff = phoff;
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = 3;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  Elf64_Phdr ph[3] = {};
  ph[0].p_type = PT_NOTE;
  ph[0].p_offset = note_off;
  ph[0].p_filesz = note.size();
  ph[1].p_type = PT_LOAD;
  ph[1].p_vaddr = 0x400000;
  ph[1].p_offset = data_off;
  ph[1].p_filesz = 0;
  ph[1].p_memsz = 0x2000;
  ph[2].p_type = PT_LOAD;
  ph[2].p_vaddr = 0x600000;
  ph[2].p_offset = data_off;
  ph[2].p_filesz = present_filesz_claim;
  ph[2].p_memsz = 0x1000;
  std::vector<uint8_t> out(data_off + 0x1000, 0);
  std::memcpy(out.data(), &eh, sizeof eh);
  std::memcpy(out.data() + phoff, ph, sizeof ph);
  std::memcpy(out.data() + note_off, note.data(), note.size());
  for (size_t i = 0; i < 0x1000; i++) out[data_off + i] = static_cast<uint8_t>(i * 7);
  return out;
}

TEST(CoreFile, ReadsSegmentsAndLeftOutPagesFromNtFileFiles) {
  std::string dir = TempDir();
  std::vector<uint8_t> backing(0x3000);
  for (size_t i = 0; i < backing.size(); i++) backing[i] = static_cast<uint8_t>(i >> 4);
  WriteFile(dir + "/lib.so", backing);
  WriteFile(dir + "/core", MakeCore(dir + "/lib.so"));

  CoreFileMemory core(dir + "/core");
  uint8_t b = 0;
  ASSERT_TRUE(core.Read(0x600010, &b, 1));
  EXPECT_EQ(b, static_cast<uint8_t>(0x10 * 7));
  // Left out of the core: read from lib.so at file offset 0x1000 + 0x20.
  ASSERT_TRUE(core.Read(0x400020, &b, 1));
  EXPECT_EQ(b, static_cast<uint8_t>((0x1000 + 0x20) >> 4));
  EXPECT_FALSE(core.Read(0x500000, &b, 1));
  uint64_t word;
  EXPECT_FALSE(core.Read(0x600ffc, &word, 8));  // crossing the end of the segment
  EXPECT_EQ(core.LoadBaseOf(dir + "/lib.so"), 0u);  // mapped from offset 0x1000, not 0
  ASSERT_EQ(core.file_mappings().size(), 1u);
  EXPECT_EQ(core.file_mappings()[0].path, dir + "/lib.so");
}

TEST(CoreFile, DroppedResidentPagesReadTheSame) {
  std::string dir = TempDir();
  std::vector<uint8_t> backing(0x3000);
  WriteFile(dir + "/lib.so", backing);
  WriteFile(dir + "/core", MakeCore(dir + "/lib.so"));
  CoreFileMemory core(dir + "/core");
  uint8_t before[64], after[64];
  ASSERT_TRUE(core.Read(0x600100, before, sizeof before));
  core.DropResidentPages();  // the heap walks' way of keeping GDB small
  ASSERT_TRUE(core.Read(0x600100, after, sizeof after));
  EXPECT_EQ(std::memcmp(before, after, sizeof before), 0);
  EXPECT_EQ(after[1], static_cast<uint8_t>(0x101 * 7));
}

TEST(CoreFile, SubstituteFileByBaseName) {
  std::string dir = TempDir();
  WriteFile(dir + "/core", MakeCore("/no/such/dir/lib.so"));
  std::vector<uint8_t> other(0x3000, 0xab);
  WriteFile(dir + "/lib.so", other);
  CoreFileMemory core(dir + "/core");
  uint8_t b;
  EXPECT_FALSE(core.Read(0x400020, &b, 1));
  core.SubstituteFile("lib.so", dir + "/lib.so");
  ASSERT_TRUE(core.Read(0x400020, &b, 1));
  EXPECT_EQ(b, 0xab);
}

TEST(CoreFile, TruncatedCoreReadsWhatIsThere) {
  std::string dir = TempDir();
  WriteFile(dir + "/core", MakeCore("/nowhere", 0x100000));  // claims 1 MiB, has 4 KiB
  CoreFileMemory core(dir + "/core");
  EXPECT_GT(core.truncated_bytes(), 0u);
  uint8_t b;
  EXPECT_TRUE(core.Read(0x600010, &b, 1));
  EXPECT_NE(core.Describe().find("truncated"), std::string::npos);
}

TEST(CoreFile, NotACoreIsAClearError) {
  std::string dir = TempDir();
  WriteFile(dir + "/junk", std::vector<uint8_t>(100, 0x41));
  EXPECT_THROW(CoreFileMemory(dir + "/junk"), Error);
  EXPECT_THROW(CoreFileMemory(dir + "/missing"), Error);
}

// Found by fuzzing: a program header entry size of 0 read one header 65535
// times, and each later lookup walked all the copies (a 64 KiB input ran for
// minutes); a second file list repeated every mapping.
TEST(CoreFile, DamagedHeaderTablesAreRejectedOrReadOnce) {
  std::string dir = TempDir();
  std::vector<uint8_t> core = MakeCore("/nowhere");
  auto* eh = reinterpret_cast<Elf64_Ehdr*>(core.data());
  std::vector<uint8_t> zero_entries = core;
  auto* zeh = reinterpret_cast<Elf64_Ehdr*>(zero_entries.data());
  zeh->e_phentsize = 0;
  zeh->e_phnum = 0xffff;
  WriteFile(dir + "/zero", zero_entries);
  try {
    CoreFileMemory bad(dir + "/zero");
    FAIL() << "a program header size of 0 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("program header entries of 0 bytes"), std::string::npos) << e.what();
  }
  // The note segment twice: one file list, not two.
  auto* ph = reinterpret_cast<Elf64_Phdr*>(core.data() + eh->e_phoff);
  ph[1] = ph[0];
  WriteFile(dir + "/twice", core);
  CoreFileMemory twice(dir + "/twice");
  EXPECT_EQ(twice.file_mappings().size(), 1u);
}

TEST(ProcessMemory, ReadsThisProcess) {
  static const uint64_t value = 0x1122334455667788;
  ProcessMemory memory(getpid());
  uint64_t got = 0;
  ASSERT_TRUE(memory.Read(reinterpret_cast<uint64_t>(&value), &got, 8));
  EXPECT_EQ(got, value);
  EXPECT_FALSE(memory.Read(8, &got, 8));
  EXPECT_FALSE(memory.Read(0xffffffffffff0000, &got, 8));
}

TEST(CallbackMemory, CachesPagesAndHandlesPartialPages) {
  int calls = 0;
  // Readable: [0x1000, 0x1800) only.
  CallbackMemory memory(
      [&](uint64_t a, void* out, size_t n) {
        calls++;
        if (a < 0x1000 || a + n > 0x1800) return false;
        for (size_t i = 0; i < n; i++) static_cast<uint8_t*>(out)[i] = static_cast<uint8_t>(a + i);
        return true;
      },
      "test");
  uint8_t buf[16];
  ASSERT_TRUE(memory.Read(0x1010, buf, 16));
  EXPECT_EQ(buf[0], 0x10);
  ASSERT_TRUE(memory.Read(0x1020, buf, 16));
  EXPECT_FALSE(memory.Read(0x17f8, buf, 16));
  EXPECT_FALSE(memory.Read(UINT64_MAX - 4, buf, 16));
}

TEST(LayeredMemory, FallsThrough) {
  auto a = std::make_shared<BufferMemory>();
  a->Map(0x1000, std::vector<uint8_t>(16, 1));
  auto b = std::make_shared<BufferMemory>();
  b->Map(0x2000, std::vector<uint8_t>(16, 2));
  LayeredMemory layered;
  layered.Add(a);
  layered.Add(b);
  EXPECT_EQ(layered.ReadU8(0x1000), 1);
  EXPECT_EQ(layered.ReadU8(0x2000), 2);
  EXPECT_THROW(layered.ReadU8(0x3000), ReadError);
}

}  // namespace
}  // namespace nodegdb
