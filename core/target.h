// The façade both front ends (the pybind11 module, node-gdb-cli) talk to:
// one Program and its two views of a value, the JS view (util.inspect text)
// and the V8 view (%DebugPrint facts). The GDB layer makes one per inferior
// and asks it everything; the wings' commands take it as the Program it is.
//
// May fail: as Program; Print, Structure and DebugPrint throw Error (one line)
// for a value they cannot read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/v8/program.h"
#include "core/view/inspect.h"
#include "core/view/js_children.h"
#include "core/view/v8_view.h"

namespace nodegdb {

class Target : public Program {
 public:
  using Program::Program;

  // The JS view and the V8 view of a tagged value. `options.node_major`
  // is filled in from the process's Node version.
  std::string Print(uint64_t raw, InspectOptions options = {});
  // The same value's structure as one JSON document (js_json.h).
  std::string PrintJson(uint64_t raw, InspectOptions options = {}, int indent = 2);
  // Summary and children of a value, for structured display (GDB children, MI).
  JsStructure Structure(uint64_t raw, InspectOptions options, size_t limit);
  std::string DebugPrint(uint64_t raw, size_t string_limit = kV8ViewStringLimit);
};

}  // namespace nodegdb
