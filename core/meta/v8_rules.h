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
  // V8 12: a PromiseReaction starts with continuation_preserved_embedder_data
  // (then next, reject_handler, fulfill_handler, promise_or_capability); V8
  // 11 had it last (checked on the reactions of pending promises in cores of
  // Node 20 and 22-26).
  bool promise_reaction_embedder_data_first() const { return major >= 12; }
  // V8 13: an API object (JS_API_OBJECT_TYPE...) keeps a cpp_heap_wrappable
  // word before its embedder fields (checked: a TCP wrapper's Map[72] with 5
  // embedder fields on Node 24 and 26, Map[56] with 4 on Node 20 and 22).
  bool api_object_has_cpp_heap_wrappable() const { return major >= 13; }
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

  // V8 13 keeps a JSDate's time value as a raw double in its value slot
  // (before: a Smi or a HeapNumber).
  bool date_value_is_raw_double() const { return major >= 13; }
  // V8 13 put a cpp_heap_wrappable slot before a JSArrayBufferView's buffer.
  bool view_has_wrappable_slot() const { return major >= 13; }
  // Offset of a JSArrayBufferView's bit_field (length-tracking, ...): 48 up
  // to V8 12, 40 from V8 13 on.
  int view_bit_field_offset() const { return major >= 13 ? 40 : 48; }
  // %DebugPrint's words, which V8's printer changed:
  // V8 13 reordered the typed-array elements kinds (BIGUINT64 and BIGINT64
  // after INT32); V8 12 added FLOAT16, so 12 typed kinds (11 before).
  bool typed_kinds_bigint_after_int32() const { return major >= 13; }
  int typed_elements_kind_count() const { return major >= 12 ? 12 : 11; }
  // V8 13 prints the internal formal parameter count (receiver included),
  // a Script's "infos:", and trusted / untrusted function data apart.
  bool prints_internal_parameter_count() const { return major >= 13; }
  bool prints_script_infos_short() const { return major >= 13; }
  bool prints_trusted_function_data() const { return major >= 13; }
  // V8 12 calls the SharedFunctionInfo field "function_data" (V8 11: "data").
  bool prints_function_data_name() const { return major >= 12; }
  // Only V8 11's SharedFunctionInfo prints its debug info.
  bool prints_sfi_debug_info() const { return major <= 11; }
  // Unformatted Error stacks (view/call_site_info.cc). V8 12 moved
  // CallSiteInfo's code_object first (before receiver_or_instance and
  // function; V8 11 had it third), seen in cores of Node 20 and 22.
  bool call_site_info_code_object_first() const { return major >= 12; }
  // V8 12 added CallSiteInfoFlags' is_builtin as bit 6, which moved
  // is_source_position_computed to bit 7 (V8 11: bit 6; seen in the flags,
  // 96, of a Promise.all frame in a Node 20 core).
  bool call_site_flags_have_builtin_bit() const { return major >= 12; }
  // V8 12's StringEndsWithMethodName also takes " " before the method name,
  // so a getter's frame is "get size" (V8 11: "get size [as size]").
  bool method_name_may_follow_space() const { return major >= 12; }
  // V8 13 captures an Error's stack as a raw FixedArray, six slots per
  // frame (code wrapper, receiver, function, offset, parameters, flags),
  // and makes CallSiteInfo objects only when asked for frames; V8 11-12
  // store CallSiteInfo objects (seen in cores of Node 20-26).
  bool error_stack_raw_frames() const { return major >= 13; }
  // V8 13 names a function receiver's type after the function
  // ("Module._load"); V8 11-12 only class constructors (others are
  // "Function"). Used by Error.stack lines and by stack frames' names.
  bool frames_name_function_receivers() const { return major >= 13; }

  // ---- heap/: pages, object sizes, the walk ----
  // (each fact is used by core/heap/)

  // V8 14 grew DescriptorArray's header to 32 bytes (from 24): the
  // fallback when the metadata lacks header_size.
  bool descriptor_header_is_32() const { return major >= 14; }
  // V8 12 moved BytecodeArray's data to 64 (from 54) and InstructionStream's
  // instructions to 32 (from 16): fallbacks when the metadata lacks them.
  bool trusted_space_headers() const { return major >= 12; }
  // V8 12's InstructionStream holds its body size (V8 11: its Code does).
  bool instruction_stream_has_body_size() const { return major >= 12; }
  // V8 13 counts FreeSpace sizes in tagged words (before: bytes).
  bool free_space_counts_words() const { return major >= 13; }
  // V8 13 appends a uint16 per create-closure slot to FeedbackMetadata.
  bool feedback_metadata_has_closure_counts() const { return major >= 13; }
  // V8 13 shrank FeedbackVector's header to 48 bytes (from 56).
  bool feedback_vector_header_48() const { return major >= 13; }
  // V8 12+ hands the main thread's allocation buffers back to the free list
  // before it counts a space (GetHeapSpaceStatistics), so their unallocated
  // tails are `available`; V8 11 counts them as `used`. Checked against
  // process.report.getReport() in the same tick on Node 20-26.
  bool lab_tails_count_as_available() const { return major >= 12; }
  // V8 13 dropped WasmTypeInfo's native type and instance: its supertypes
  // length moved to +16 (from +32).
  bool wasm_type_info_compact() const { return major >= 13; }
  // V8 13 added three words to WasmDispatchTable's header; V8 14 shrank its
  // entries to 16 bytes (from 24).
  bool wasm_dispatch_table_long_header() const { return major >= 13; }
  bool wasm_dispatch_entries_16() const { return major >= 14; }
  // V8 13's heap snapshots give read-only objects a self size of 0 (the
  // read-only space is shared, so no isolate owns it) and name undefined,
  // null, true and false by their value (V8 11-12: "system / Oddball").
  // Checked against v8.writeHeapSnapshot() of Node 20-26.
  bool snapshot_read_only_size_zero() const { return major >= 13; }
  bool snapshot_names_oddballs() const { return major >= 13; }
  // V8 13 made holes a type of their own (no longer oddballs): its
  // snapshots make edges to every hole but the_hole_value.
  bool snapshot_edges_to_holes() const { return major >= 13; }
  // V8 11 names a BytecodeArray's handler table and source position table
  // after it ("(handler table)"); V8 12+ keep them in trusted space and
  // name only the constant pool.
  bool snapshot_tags_bytecode_tables() const { return major < 12; }
  // V8 12's snapshots type CodeWrapper and BytecodeWrapper hidden, V8 13+ code.
  bool snapshot_wrappers_are_code() const { return major >= 13; }
  // The root group of the roots table's mutable part: "(Strong roots)" in
  // V8 11, "(Strong root list)" since V8 12 (which keeps "(Strong roots)"
  // for Heap's strong_roots_list); builtins' Code nodes are "(NAME builtin
  // handle)" in V8 11, "(NAME builtin code)" since.
  const char* snapshot_strong_root_list_name() const { return major >= 12 ? "(Strong root list)" : "(Strong roots)"; }
  const char* snapshot_builtin_code_suffix() const { return major >= 12 ? " builtin code" : " builtin handle"; }

  // ---- stack/: frames, code, source positions ----
  // (each fact is used by core/stack/)

  // V8 12 moved Code's source position table to 16 (unnamed by the
  // metadata; V8 11: its constant, else 24).
  bool code_position_table_at_16() const { return major >= 12; }
  // V8 12 moved BytecodeArray's source position table to 24 (from 32),
  // after the wrapper (unnamed by the metadata; seen in cores of each).
  bool bytecode_positions_at_24() const { return major >= 12; }
  // V8 14 flags the code offsets of source position tables (a breakable
  // bit); V8 11-13 sign them.
  bool flagged_position_offsets() const { return major >= 14; }

  // ---- bytecode/: BytecodeArray and --print-bytecode ----
  // (each fact is used by core/bytecode/)

  // V8 14's --print-bytecode shows constant pool values in operands and
  // flag operands in hex.
  bool print_bytecode_v14_style() const { return major >= 14; }
  // V8 12 moved BytecodeArray to trusted space: length and wrapper first,
  // the tables after the wrapper, no age field; data at 64 (from 54).
  bool bytecode_array_after_wrapper() const { return major >= 12; }
  // V8 13 made the parameter count a uint16 (from int32 bytes) and shifted
  // the handler table's offset by 4 (from 3).
  bool bytecode_array_v13_fields() const { return major >= 13; }
  // V8 14 encodes breakable source positions (lower case in the listing).
  bool breakable_positions() const { return major >= 14; }
  // V8 11 has no JSFunction::code constant; the field sits at 48, between
  // the feedback cell (40) and the prototype (56).
  bool function_code_field_unnamed_at_48() const { return major == 11; }
  // V8 13 split SharedFunctionInfo's function data: the untrusted part
  // (builtin ids, uncompiled data) follows the trusted one.
  bool untrusted_function_data() const { return major >= 13; }
  // V8 13 moved the script scopes first in ScopeType's numbering and made
  // ScopeInfo's flags a raw uint32 (from a Smi).
  bool scope_info_v13() const { return major >= 13; }
};

}  // namespace nodegdb
