// The AArch64 switch-table finder and frame-edge reader on arbitrary code:
// the raw input is a function's bytes (its first 8 bytes give its link-time
// address), and jump-table entries are read from the same bytes. This target
// has its own entry point: no heap image.
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/arch/arch.h"
#include "core/arch/arm64_tables.h"

using namespace nodegdb;

namespace {

struct Input {
  const uint8_t* data;
  size_t size;
  uint64_t base;
};

bool ReadInput(const void* context, uint64_t address, void* out, size_t size) {
  const Input* in = static_cast<const Input*>(context);
  if (address < in->base || address - in->base > in->size || size > in->size - (address - in->base)) return false;
  std::memcpy(out, in->data + (address - in->base), size);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  uint64_t address;
  std::memcpy(&address, data, 8);
  address &= ~uint64_t{3};
  Input in{data + 8, size - 8, address};
  for (const IndexedLoad& load : Arm64FindIndexedLoadsWith(in.data, in.size, address, ReadInput, &in)) {
    if (load.at >= in.size || load.jump_targets.size() > 4096) __builtin_trap();
  }
  Arm64SmallNegativeConstant(in.data, in.size);
  if (in.size >= 8) {
    Arm64StubStringAt(in.data, address);
    const Arch* arch = ArchForMachine(183);  // EM_AARCH64
    arch->edge_at(in.data, true, in.data + 4);
  }
  return 0;
}
