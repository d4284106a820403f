// Stack unwinding: from each thread's registers, V8's frames one by one as
// `bt`, `v8 bt` and the unwinder see them (frame types, JS functions and
// their arguments, bytecode offsets, source positions, Code objects), up
// to 64 frames, with the async frames after JS ones and the thrown value
// between each thread's sp and fp; and the Code lookup and source position
// tables on their own.
#include "core/stack/code_map.h"
#include "core/stack/frames.h"
#include "core/stack/inlining.h"
#include "core/stack/thrown_value.h"
#include "core/v8/source_positions.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(stack) {
  std::shared_ptr<Target> target = fuzz.target();
  if (!target) return;
  std::unique_ptr<StackDecoder> decoder;
  try {
    decoder = std::make_unique<StackDecoder>(target);
  } catch (const Error&) {
    return;
  }
  std::vector<FileMapping> mappings;
  for (const fuzz::Seed::Mapping& m : fuzz.seed().mappings) mappings.push_back({m.start, m.end, m.offset, m.path});
  decoder->SetMappings(std::move(mappings));
  for (const fuzz::Seed::Thread& thread : fuzz.seed().threads) {
    FrameState state{thread.pc, thread.sp, thread.fp, std::nullopt};
    for (int frame = 0; frame < 64; frame++) {
      const bool innermost = frame == 0;
      fuzz::Try([&] {
        FrameInfo info = decoder->Describe(state, innermost);
        info.Summary();
        if (info.function) decoder->AsyncFrames(info.function, state.sp, state.fp);
      });
      std::optional<UnwindResult> caller;
      fuzz::Try([&] { caller = decoder->Unwind(state, innermost); });
      if (!caller) {
        // GDB's own unwinder would take over: follow rbp as it might.
        uint64_t words[2];
        if (!target->memory().Read(state.fp, words, sizeof words) || words[0] <= state.fp) break;
        state = FrameState{words[1], state.fp + 16, words[0], std::nullopt};
        continue;
      }
      state = FrameState{caller->pc, caller->sp, caller->fp, std::nullopt};
    }
  }
  Heap& heap = target->heap();
  for (const fuzz::Seed::Thread& thread : fuzz.seed().threads) {
    fuzz::Try([&] { FindThrownValue(heap, thread.sp, thread.sp + (64 << 10)); });
  }
  for (uint64_t root : fuzz.roots()) {
    fuzz::Try([&] { ReadCodeObject(heap, root); });
    fuzz::Try([&] { FindCodeForPc(heap, root, 1 << 16); });
    fuzz::Try([&] { ResolveInlining(heap, root, static_cast<int>(root % 7), 12); });
  }
  for (const auto& region : fuzz.seed().regions) {
    const std::vector<uint8_t>& bytes = region.second;
    size_t n = std::min<size_t>(bytes.size(), 4096);
    for (auto format : {PositionTableFormat::kSignedOffsets, PositionTableFormat::kFlaggedOffsets}) {
      fuzz::Try([&] {
        auto table = DecodeSourcePositionTable(bytes.data(), n, format);
        PositionAt(table, 7);
        PositionAt(table, 7, true);
      });
    }
  }
}
