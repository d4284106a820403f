// Objects: maps, own properties (in-object, property array, descriptors,
// dictionaries), elements of every kind, keys, their V8 views, and JS
// property paths through them.
#include "core/view/js_model.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/property.h"
#include "core/view/v8_view.h"
#include "core/view/debug_print.h"
#include "core/view/js_path.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(objects) {
  Heap& heap = fuzz.heap();
  for (uint64_t address : fuzz::ObjectRoots(fuzz)) {
    fuzz::Try([&] {
      MapInfo map = ReadMap(heap, heap.MapOf(address));
      fuzz::Try([&] { MapConstructor(heap, map); });
      fuzz::Try([&] {
        for (const OwnProperty& p : ReadOwnProperties(heap, address, map, 1000)) {
          fuzz::Try([&] { ReadKey(heap, p.key); });
        }
      });
      fuzz::Try([&] { FindOwnProperty(heap, address, map, u"x"); });
      fuzz::Try([&] { FindOwnProperty(heap, address, map, u"constructor"); });
      uint64_t length = 1000;
      fuzz::Try([&] { length = std::min<uint64_t>(ReadJsArrayLength(heap, address), 1u << 20); });
      fuzz::Try([&] { ReadElements(heap, address, map, length, 1000); });
      fuzz::Try([&] { ReadEmbedderFields(heap, address, map); });
      if (map.descriptors) fuzz::Try([&] { ReadDescriptors(heap, map.descriptors, map.own_descriptors); });
      fuzz::Try([&] {
        V8View view(heap);
        DebugPrintMap(heap, view, map.address);
      });
    });
    // Any object may be a backing store.
    fuzz::Try([&] { ReadNameDictionary(heap, address, 1000); });
    fuzz::Try([&] { ReadGlobalDictionary(heap, address, 1000); });
    fuzz::Try([&] { ReadNumberDictionary(heap, address, 1000); });
    fuzz::Try([&] { ReadDescriptors(heap, address, 1000); });
    fuzz::Try([&] {
      int64_t n = FixedArrayLength(heap, address);
      for (int64_t i = 0; i < n && i < 64; i++) FixedArrayGet(heap, address, i);
    });
    fuzz::Try([&] {
      V8View view(heap);
      DebugPrintJSObject(heap, view, address);
    });
    fuzz::Try([&] {
      InspectOptions options;
      options.node_major = fuzz.node_major();
      HeapJsModel(heap, options).Describe(address + heap.layout().tagging.heap_object_tag);
    });
    for (const char* path : {".x.y[0]", "[3].length", ".get('k')", ".has(1)", ".constructor.name"}) {
      fuzz::Try([&] { LookupPath(heap, address + heap.layout().tagging.heap_object_tag, ParsePath(path)); });
    }
  }
}
