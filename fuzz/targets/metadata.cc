// Metadata: the v8dbg_ constants themselves are mutated here (a third of
// the mutations change, drop or shift a constant), as when a core is read
// with another node binary: the table index, every layout derived from it,
// and both views over the real memory under wrong offsets.
#include <string_view>

#include "core/bytecode/bytecode_array.h"
#include "core/v8/js_object.h"
#include "core/view/js_view.h"
#include "core/v8/map.h"
#include "core/v8/property.h"
#include "core/view/v8_view.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET_WITH(metadata, 35) {
  Heap& heap = fuzz.heap();
  const Metadata& md = fuzz.metadata();
  for (const auto& entry : md.v8dbg()) {
    std::string_view cls, field;
    SplitClassField(entry.first, &cls, &field);
    md.Find(entry.first);
  }
  fuzz::Try([&] { heap.LayoutOf<MapLayout>(); });
  fuzz::Try([&] { heap.LayoutOf<PropertyLayout>(); });
  fuzz::Try([&] { heap.LayoutOf<JSObjectLayout>(); });
  fuzz::Try([&] { BytecodeArrayLayout::For(md); });
  for (int type = 0; type < 0x10000; type += 1 + type / 8) {
    md.TypeName(type);
    heap.TypeName(type);
    heap.KindOf(type);
  }
  InspectOptions options;
  options.node_major = fuzz.node_major();
  for (uint64_t root : fuzz.roots()) {
    fuzz::Try([&] { JsView(heap, options).Format(root); });
    fuzz::Try([&] { V8View(heap).DebugPrint(root); });
  }
}
