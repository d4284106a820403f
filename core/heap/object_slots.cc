#include "core/heap/object_slots.h"

namespace nodegdb {

uint64_t SlotPlan::End(const ObjectRef& o) const {
  switch (o.facts->rule) {
    case SizeRule::kSeqOneByteString:
    case SizeRule::kSeqTwoByteString:
    case SizeRule::kByteArray:
    case SizeRule::kFreeSpace:
    case SizeRule::kBigInt:
    case SizeRule::kHole:
    case SizeRule::kFeedbackMetadata:
    case SizeRule::kPreparseData:
      return 0;
    case SizeRule::kBytecodeArray:
      return static_cast<uint64_t>(bytecode_header);
    case SizeRule::kInstructionStream:
      return static_cast<uint64_t>(instruction_header);
    default:
      break;
  }
  if (o.facts->type == fixed_double_array || o.facts->type == heap_number || o.facts->type == wasm_null) return 0;
  return o.size;
}

SlotPlan SlotPlanFor(HeapWalker& walker) {
  Heap& heap = walker.heap();
  SlotPlan plan;
  plan.fixed_double_array = walker.sizer().types().Find("FIXED_DOUBLE_ARRAY_TYPE");
  plan.heap_number = walker.sizer().types().Find("HEAP_NUMBER_TYPE");
  plan.wasm_null = walker.sizer().types().Find("WASM_NULL_TYPE");  // a page of padding (V8 12+), no pointers
  plan.bytecode_header = heap.metadata().FindField("BytecodeArray", {"data"}).value_or(54);
  plan.instruction_header = heap.metadata().FindField("InstructionStream", {"instruction_start"}).value_or(32);
  return plan;
}

}  // namespace nodegdb
