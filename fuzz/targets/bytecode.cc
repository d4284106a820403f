// Bytecode: from a function to its BytecodeArray, the whole --print-bytecode
// disassembly (instructions, constant pool, handler and source position
// tables) with the binary's tables carried in the input, and the table and
// instruction decoders on raw bytes.
#include "core/bytecode/bytecode.h"
#include "core/bytecode/bytecode_array.h"
#include "core/bytecode/bytecode_printer.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(bytecode) {
  Heap& heap = fuzz.heap();
  const V8Rules& rules = heap.rules();
  for (uint64_t root : fuzz.roots()) {
    fuzz::Try([&] { LocateBytecode(heap, root, rules); });
    if (fuzz.tables()) fuzz::Try([&] { DisassembleBytecode(heap, *fuzz.tables(), fuzz.v8_version(), root); });
    Tagged t = heap.Decode(root);
    if (!t.is_heap_object()) continue;
    fuzz::Try([&] { SharedFunctionName(heap, t.address); });
    fuzz::Try([&] { ConstantBrief(heap, root, rules); });
    fuzz::Try([&] { ConstantOperandBrief(heap, root, rules); });
    fuzz::Try([&] {
      BytecodeArrayLayout layout = BytecodeArrayLayout::For(heap.metadata());
      fuzz::Try([&] { ReadBytecodeArray(heap, layout, t.address); });
      fuzz::Try([&] { ReadByteArray(heap, layout, t.address); });
    });
  }
  // The raw decoders over the bytes of each region.
  for (const auto& region : fuzz.seed().regions) {
    const std::vector<uint8_t>& bytes = region.second;
    size_t n = std::min<size_t>(bytes.size(), 4096);
    fuzz::Try([&] { DecodeSourcePositions(bytes.data(), n, false); });
    fuzz::Try([&] { DecodeSourcePositions(bytes.data(), n, true); });
    fuzz::Try([&] { DecodeHandlerTable(bytes.data(), n, 3); });
    fuzz::Try([&] { DecodeHandlerTable(bytes.data(), n, 4); });
    if (const BytecodeTables* tables = fuzz.tables()) {
      OperandContext context;
      context.constant_brief = [](uint32_t index) { return std::to_string(index); };
      for (int offset = 0; offset < static_cast<int>(n) && offset < 512;) {
        int length = 1;
        fuzz::Try([&] {
          Instruction insn = DecodeInstruction(*tables, bytes.data(), n, offset);
          FormatInstruction(*tables, insn, bytes.data(), context);
          length = insn.length;
        });
        offset += std::max(length, 1);
      }
    }
  }
}
