// The _nodegdb module's parts, one per wing of the core: each Register*
// adds that wing's classes and functions to the module. Translation only:
// every decision is in the C++ core, every GDB concern in python/node_gdb.
#pragma once

#include <pybind11/pybind11.h>

#include <map>
#include <memory>
#include <string>

#include "core/heap/heap_walk.h"
#include "core/target.h"

namespace nodegdb {

namespace py = pybind11;

using TargetClass = py::class_<Target, std::shared_ptr<Target>>;

// module.cc: Targets over a core file (with GDB's memory behind it), a live
// process, or any Python reader (address, size) -> bytes | None.
std::shared_ptr<Target> TargetFromCore(const std::string& binary, const std::string& core, uint64_t bias,
                                       const std::map<std::string, std::string>& substitutes,
                                       py::object fallback_reader);
std::shared_ptr<Target> TargetFromProcess(const std::string& binary, int pid, uint64_t bias);
std::shared_ptr<Target> TargetFromReader(const std::string& binary, py::object reader, uint64_t bias);

void RegisterTarget(py::module_& m);       // target.cc: Target (views, banner, constants)
void AddBytecodeMethods(TargetClass& t);   // bytecode.cc: Target.bytecode
void RegisterNode(py::module_& m);         // node.cc: EnvironmentSearch, node_handles, ...
void RegisterStack(py::module_& m);        // stack.cc: StackDecoder
void RegisterHeap(py::module_& m);         // heap.cc: HeapSession
void RegisterReport(py::module_& m);       // report.cc: build_report (node-report)

// Python's progress callback, plus Ctrl-C: GDB turns SIGINT into a pending
// KeyboardInterrupt, which PyErr_CheckSignals raises here; the walk then
// stops at the next page and the interrupt is raised again once the C++
// stack is unwound.
class Progress {
 public:
  explicit Progress(py::object callback) : callback_(std::move(callback)) {}
  ProgressFn fn() {
    return [this](const WalkProgress& p) {
      if (PyErr_CheckSignals() != 0) {
        PyErr_Clear();
        interrupted_ = true;
        return false;
      }
      if (callback_.is_none()) return true;
      try {
        return py::cast<bool>(callback_(p.bytes_done, p.bytes_total, p.objects));
      } catch (py::error_already_set& e) {
        if (e.matches(PyExc_KeyboardInterrupt)) {
          interrupted_ = true;
          return false;
        }
        throw;
      }
    };
  }
  // Raises KeyboardInterrupt if the walk was interrupted.
  void Check(const WalkReport& report) {
    if (interrupted_ || report.cancelled) {
      PyErr_SetNone(PyExc_KeyboardInterrupt);
      throw py::error_already_set();
    }
  }

 private:
  py::object callback_;
  bool interrupted_ = false;
};

}  // namespace nodegdb
