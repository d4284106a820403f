// What differs between the machines node runs on, in one table per
// architecture (arch.cc): register names as GDB spells them, where V8's
// frames keep what, the edges of a function (before its frame exists), the
// libuv structure offsets that glibc's types move, and how a compiled
// `switch` table is found in the machine code. Adding an architecture is
// one more table here and its switch-table finder beside x86_tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/arch/switch_table.h"
#include "core/platform/elf_file.h"

namespace nodegdb {

// Where an innermost frame stopped at an edge of its function, before its
// frame is set up or after it is torn down.
enum class FrameEdge {
  kNone,      // inside the body: the frame pointer is the frame's
  kEntry,     // nothing pushed yet: the return address is at sp (x86) or in lr (arm64)
  kPushedFp,  // the caller's fp and return address just pushed at sp, fp not moved yet
  kReturn,    // at the return instruction: as kEntry
};

struct EdgeAt {
  FrameEdge edge = FrameEdge::kNone;
  uint64_t return_pop = 0;  // x86 `ret $N`: bytes the return pops past the address
  uint64_t pushed = 0;      // kPushedFp: bytes pushed (the caller's sp is sp + pushed)
};

struct Arch {
  std::string name;                    // "x86-64", "arm64" (the report's arch is derived elsewhere)
  uint16_t elf_machine;                // EM_X86_64, EM_AARCH64
  std::vector<std::string> gdb_names;  // gdb.Architecture.name() of this machine
  // Registers as GDB names them. lr is empty where calls push the return
  // address (x86): then it is at sp on entry.
  std::string pc, sp, fp, lr;
  // V8's kInterpreterBytecodeOffsetRegister (r9 / x19): current while a
  // bytecode handler runs.
  std::string bytecode_offset_register;
  // C++'s callee-saved registers, which V8's frames (other than entry
  // frames) leave as they are.
  std::vector<std::string> callee_saved;
  // JSEntry saves C++'s callee-saved registers: each one's offset from the
  // entry frame's fp; and where the C++ caller's sp is, from that fp.
  std::vector<std::pair<std::string, int64_t>> entry_saved;
  int64_t entry_caller_sp;
  // uv_loop_t fields after glibc's pthread_mutex_t (40 bytes on x86-64, 48
  // on aarch64), checked with offsetof against uv.h of libuv 1.46-1.52.
  uint64_t uv_loop_closing_handles;
  uint64_t uv_loop_time;
  // V8's kCodeAlignment: where InstructionStream objects start and how
  // their size rounds (64 on x64 for loop-header alignment, 32 elsewhere).
  uint64_t code_alignment;
  // The control bytes of a SwissNameDictionary group: 16 where V8 builds
  // its SSE2 group (x64), 8 for its portable one (arm64): each dictionary
  // holds capacity + width control bytes.
  uint64_t swiss_group_width;
  // glibc's struct pthread (glibc 2.26-2.40): the kernel thread id's offset;
  // whether it starts with self-pointers (tcbhead_t, x86-64), else where its
  // thread-list node is (arm64: after 24 words of padding).
  uint64_t pthread_tid;
  bool pthread_self_links;
  uint64_t pthread_list;
  // The innermost frame's edge from the instruction bytes around its pc:
  // `before` holds the 4 bytes before the pc (has_before false when they
  // cannot be read), `at` the 4 bytes at it.
  EdgeAt (*edge_at)(const uint8_t before[4], bool has_before, const uint8_t at[4]);
  // The compiled switch tables in a function's bytes (`address` is its
  // link-time address: arm64 addresses are pc-relative; jump tables are read
  // from `binary`).
  std::vector<IndexedLoad> (*find_tables)(const ElfFile* binary, const uint8_t* code, size_t size, uint64_t address);
  // The string a jump-table stub returns, at a link-time address.
  std::optional<uint64_t> (*stub_string)(const ElfFile& binary, uint64_t address);
  // The first small negative constant a function moves into a register
  // (BytecodeDecoder::DecodeRegisterOperand's kRegisterFileStartOffset).
  std::optional<int32_t> (*small_negative_constant)(const uint8_t* code, size_t size);
};

// The table for an ELF e_machine; nullptr for machines node-gdb does not know.
const Arch* ArchForMachine(uint16_t elf_machine);

// The table for a node binary; throws Error naming the machine if unsupported.
const Arch& ArchOf(const ElfFile& binary);

}  // namespace nodegdb
