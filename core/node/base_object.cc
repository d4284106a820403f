#include "core/node/base_object.h"

#include <algorithm>

#include "core/errors.h"
#include "core/node/node_handles.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"

namespace nodegdb {

std::vector<WrappedCppObject> WrappedCppObjects(Program& program, uint64_t object) {
  Heap& heap = program.heap();
  MapInfo map = ReadMap(heap, heap.MapOf(object));
  std::vector<WrappedCppObject> found;
  std::vector<uint64_t> fields = ReadEmbedderFields(heap, object, map);
  for (size_t i = 0; i < fields.size(); i++) {
    const uint64_t pointer = fields[i];
    if (pointer == 0 || (pointer & 7) != 0) continue;  // not an aligned pointer
    uint64_t vptr = 0;
    int64_t offset_to_top = 0;
    if (!heap.memory().Read(pointer, &vptr, sizeof vptr)) continue;
    // A base-class part (a StreamBase* inside a TCPWrap) has a secondary
    // vtable, whose offset-to-top leads to the whole object.
    if (!heap.memory().Read(vptr - 16, &offset_to_top, sizeof offset_to_top)) continue;
    const uint64_t whole = pointer + static_cast<uint64_t>(offset_to_top);
    std::string cls = CppClassOf(program, whole);
    bool seen = std::any_of(found.begin(), found.end(), [&](const WrappedCppObject& o) { return o.address == whole; });
    if (!cls.empty() && !seen) found.push_back({i, whole, cls});
  }
  return found;
}

}  // namespace nodegdb
