// V8's and Node's postmortem metadata: the v8dbg_* constants (object layout,
// instance types, tagging) and nodedbg_* constants (Node class offsets) that
// every node binary carries in its symbol table.
//
// v8dbg_ values are initialised data: read from the binary file. nodedbg_
// values live in .bss and are filled in at start-up: read from memory.
//
// Names change between versions only in their type suffix
// (v8dbg_class_Map__prototype__Object, ..._Tagged_JSPrototype_), so class
// fields are looked up by class and field name alone.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/meta/v8_rules.h"
#include "core/platform/elf_file.h"

namespace nodegdb {

class Memory;

class Metadata {
 public:
  // Reads every v8dbg_/nodedbg_ symbol of `binary`, and its V8 version.
  // Throws Error with "no V8 postmortem metadata" if it has none.
  static Metadata FromBinary(const ElfFile& binary);

  // From plain tables (tests, fuzzing): names with their v8dbg_/nodedbg_
  // prefix. `v8_major` 0: the generation the constants show.
  static Metadata FromTable(const std::map<std::string, int64_t>& v8dbg,
                            const std::map<std::string, uint64_t>& nodedbg_addresses = {}, int v8_major = 0);

  // "11.3.244.8" from the binary's v8::internal::Version, "" if absent.
  const std::string& v8_version() const { return v8_version_; }
  // The V8 version's differences (core/meta/v8_rules.h): the binary's major,
  // else the generation the constants show.
  const V8Rules& rules() const { return rules_; }

  // A v8dbg_ constant by its whole name ("v8dbg_SmiTag").
  std::optional<int64_t> Find(std::string_view name) const;
  int64_t Get(std::string_view name) const;  // throws MissingConstant

  // v8dbg_class_<cls>__<field>__<any type>: the first of `fields` present.
  std::optional<int64_t> FindField(std::string_view cls,
                                   std::initializer_list<std::string_view> fields) const;
  int64_t GetField(std::string_view cls, std::initializer_list<std::string_view> fields) const;

  // Instance types (v8dbg_type_<Class>__<NAME>).
  std::optional<int> FindType(std::string_view type_name) const;
  int GetType(std::string_view type_name) const;
  std::string TypeName(int instance_type) const;  // "" if unknown
  std::string TypeClass(int instance_type) const;  // V8 class name, "" if unknown

  // nodedbg_<kind>_<cls>__<field>__<type> (kind: "offset" or "const"): the
  // link-time address of the variable holding the value, and its size.
  struct NodeVariable {
    std::string name;
    uint64_t address;
    uint64_t size;
  };
  std::optional<NodeVariable> FindNode(std::string_view kind, std::string_view cls,
                                       std::string_view field) const;
  // Reads a nodedbg_ value from memory; `bias` is the binary's load bias.
  int64_t ReadNode(Memory& memory, uint64_t bias, std::string_view kind, std::string_view cls,
                   std::string_view field) const;

  size_t v8dbg_count() const { return v8dbg_.size(); }
  size_t nodedbg_count() const { return nodedbg_.size(); }
  const std::unordered_map<std::string, int64_t>& v8dbg() const { return v8dbg_; }
  const std::map<std::string, NodeVariable>& nodedbg() const { return nodedbg_; }

 private:
  void Index();
  // 11..14 from the constants alone: where ScopeInfo's variables start,
  // V8 14's ContextCell type, V8 12's BytecodeArray wrapper.
  int GenerationFromConstants() const;
  static std::string FieldKey(std::string_view cls, std::string_view field);

  std::unordered_map<std::string, int64_t> v8dbg_;  // whole name -> value
  std::unordered_map<std::string, int64_t> fields_;  // "Class.field" -> value
  std::unordered_map<std::string, int> types_;  // "ODDBALL_TYPE" -> number
  std::unordered_map<int, std::pair<std::string, std::string>> type_names_;  // number -> (name, class)
  std::map<std::string, NodeVariable> nodedbg_;  // "kind:Class.field" -> variable
  std::string v8_version_;
  V8Rules rules_;
};

// Splits "Class__field__Type" into class and field. Fields may end in '_'
// (persistent_handle_), so in a run of underscores the last two separate.
bool SplitClassField(std::string_view rest, std::string_view* cls, std::string_view* field);

}  // namespace nodegdb
