// JSFunctions, SharedFunctionInfos and Scripts: names, kinds, positions,
// source text and line/column, function data, and their V8 views.
#include "core/v8/js_function.h"
#include "core/v8/shared_function_info.h"
#include "core/view/debug_print.h"
#include "fuzz/driver.h"

using namespace nodegdb;

NODEGDB_FUZZ_TARGET(functions) {
  Heap& heap = fuzz.heap();
  DebugPrintOptions options;
  options.symbolize = [](uint64_t address) { return address & 1 ? std::string("Builtin") : std::string(); };
  for (uint64_t address : fuzz::ObjectRoots(fuzz)) {
    fuzz::Try([&] { ReadJSFunction(heap, address); });
    fuzz::Try([&] { DebugPrintJSFunction(heap, address, options); });
    fuzz::Try([&] { BriefJSFunction(heap, address); });
    fuzz::Try([&] {
      SharedFunctionInfoData sfi = ReadSharedFunctionInfo(heap, address);
      fuzz::Try([&] { FunctionSource(heap, sfi, 4000); });
      fuzz::Try([&] {
        if (auto loc = LocateFunction(heap, sfi)) FormatFunctionLocation(*loc);
      });
    });
    fuzz::Try([&] { DebugPrintSharedFunctionInfo(heap, address, options); });
    fuzz::Try([&] { BriefSharedFunctionInfo(heap, address); });
    fuzz::Try([&] {
      ScriptInfo script = ReadScript(heap, address);
      fuzz::Try([&] { ScriptSource(heap, script, 4000); });
      for (int64_t position : {int64_t{0}, int64_t{1}, int64_t{1000}, int64_t{1} << 40}) {
        fuzz::Try([&] { ScriptLocation(heap, script, position, 1 << 20); });
      }
    });
    fuzz::Try([&] { DebugPrintScript(heap, address, options); });
    fuzz::Try([&] { BytecodeFromFunctionData(heap, address + heap.layout().tagging.heap_object_tag); });
  }
}
