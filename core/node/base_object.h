// node::BaseObject: the C++ object behind one of Node's JS wrappers (a TCP,
// Zlib or FSReqCallback handle object). Node keeps a pointer to it in an
// embedder field of the wrapper (BaseObject::kSlot); the C++ object's first
// word is its vtable pointer, and the vtable's symbol in the node binary
// names the class ("vtable for node::TCPWrap" -> node::TCPWrap), so GDB can
// be told `print *(node::TCPWrap *)ADDRESS` where the types exist.
//
// May fail: never throws for a field that leads nowhere (it is left out);
// the reads of the wrapper itself throw as the heap's readers do.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/v8/program.h"

namespace nodegdb {

struct WrappedCppObject {
  size_t field = 0;      // the embedder field that points to it
  uint64_t address = 0;  // the C++ object
  std::string cls;       // "node::TCPWrap"
};

// The C++ objects the embedder fields of an API object (untagged address)
// point to, each named by its vtable; none for other objects.
std::vector<WrappedCppObject> WrappedCppObjects(Program& program, uint64_t object);

}  // namespace nodegdb
