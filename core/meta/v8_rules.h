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

  // V8 13: a JSFunction has a dispatch handle (a uint32 before `shared`)
  // where V8 11-12 kept the Code (the code moved to the JSDispatchTable).
  bool function_code_in_dispatch_table() const { return major >= 13; }
  // V8 11-12's Code keeps its entry point at offset 40 even where the
  // metadata does not name the field; from V8 13 the metadata must.
  bool code_entry_at_40_unnamed() const { return major <= 12; }
  // V8 12: SharedFunctionInfo gained function_literal_id, unique_id and age
  // after its flags.
  bool sfi_has_literal_id_and_age() const { return major >= 12; }
  // V8 13: ScopeInfo's start/end positions moved into the header (slots 3-4,
  // variables from slot 5) and its flags became a raw uint32 (a Smi before).
  bool scope_info_positions_in_header() const { return major >= 13; }
  bool scope_info_flags_are_smi() const { return major <= 12; }
  // V8 13 renumbered ScopeType: SCRIPT_SCOPE and REPL_MODE_SCOPE come first.
  bool scope_types_script_first() const { return major >= 13; }
  // V8 13: flag bits 27-30 are some_context_has_extension, is_hidden, empty,
  // is_wrapped_function (V8 11-12: is_repl_mode_scope, has_locals_block_list,
  // empty); a sloppy-eval scope keeps a dependent-code slot.
  bool scope_info_hidden_and_wrapped_flags() const { return major >= 13; }
  bool scope_info_has_dependent_code() const { return major >= 13; }
  // V8 14: flag bit 11 means allocates_arguments (was has_new_target), bit 31
  // has_context_cells; function scopes keep an unused-parameter-bits slot,
  // and can_only_access_fixed_formal_parameters is derived from the flags.
  bool scope_info_v14_flags() const { return major >= 14; }
  // V8 12: the module variable count moved before the names (V8 11: after
  // the module info).
  bool module_variable_count_first() const { return major >= 12; }
  // VariableMode gained kUsing (V8 12) and kAwaitUsing (V8 13) after kConst.
  bool variable_mode_has_using() const { return major >= 12; }
  bool variable_mode_has_await_using() const { return major >= 13; }
  // Symbol flags: V8 14 made the low two bits a "private kind" (bit 0 only
  // before).
  unsigned symbol_private_mask() const { return major >= 14 ? 3u : 1u; }

  // ---- view/: the JS and V8 views ----
  // (each fact is used by core/view/)

  // ---- heap/: pages, object sizes, the walk ----
  // (each fact is used by core/heap/)

  // ---- stack/: frames, code, source positions ----
  // (each fact is used by core/stack/)

  // ---- bytecode/: BytecodeArray and --print-bytecode ----
  // (each fact is used by core/bytecode/)
};

}  // namespace nodegdb
