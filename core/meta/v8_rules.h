// Every difference between the V8 versions node-gdb reads (V8 11 in Node 20,
// 12 in Node 22, 13 in Node 24, 14 in Node 26) that the postmortem metadata
// does not carry, as named facts: a decoder asks `heap.rules().some_fact()`,
// never compares version numbers, so a new Node line is this one file to read.
//
// The one version source is Metadata (core/meta/metadata.h): the binary's
// v8::internal::Version, or, for a binary without it (tests, fuzzing), the
// generation its constants show. Per-version data tables (page layouts,
// space names, instance types the metadata lacks) stay with their wing,
// keyed by `major`.
//
// Each fact says what changed and, where it is not obvious, how it was
// verified; the sections follow the wings that ask.
#pragma once

namespace nodegdb {

struct V8Rules {
  // V8's major version: 11, 12, 13 or 14 (others are read as the nearest).
  int major = 11;

  static V8Rules For(int major) { return V8Rules{major}; }

  // ---- meta/ and v8/: object layouts the constants do not describe ----
  // (each fact is used by the readers in core/v8/)

  // V8 14 dropped the HOLE_TYPE constant; its number there, read from the
  // maps of holes in Node 26's V8 14.6 (%DebugPrint'ed), is 274. -1: learnt
  // from the first hole-shaped object (core/v8/heap.cc).
  int hole_type_without_constant() const { return major == 14 ? 274 : -1; }

  // ---- view/: the JS and V8 views ----
  // (each fact is used by core/view/)

  // V8 13 keeps a JSDate's time value as a raw double in its value slot
  // (before: a Smi or a HeapNumber).
  bool date_value_is_raw_double() const { return major >= 13; }
  // V8 13 put a cpp_heap_wrappable slot before a JSArrayBufferView's buffer.
  bool view_has_wrappable_slot() const { return major >= 13; }
  // Offset of a JSArrayBufferView's bit_field (length-tracking, ...): 48 up
  // to V8 12, 40 from V8 13 on.
  int view_bit_field_offset() const { return major >= 13 ? 40 : 48; }

  // ---- heap/: pages, object sizes, the walk ----
  // (each fact is used by core/heap/)

  // ---- stack/: frames, code, source positions ----
  // (each fact is used by core/stack/)

  // ---- bytecode/: BytecodeArray and --print-bytecode ----
  // (each fact is used by core/bytecode/)
};

}  // namespace nodegdb
