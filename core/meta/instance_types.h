// Instance types by name, including the many a heap walk meets that the
// binary's v8dbg_type_ constants leave out: hash tables and dictionaries,
// context kinds, fillers and free space, feedback metadata, transition
// arrays, BigInts, the special JS prototype and constructor types.
//
// Those numbers come from tables per V8 generation (11-14: Node 20-26),
// read from the binaries themselves: every Map of a live process of each
// Node was printed with V8's own object printer (_v8_internal_Print_Object,
// whose "- type:" line names the map's instance type). A table is used only
// where it agrees with the binary's own constants (a type number the
// metadata names differently disables it).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "core/meta/metadata.h"

namespace nodegdb {

struct InstanceTypes {
  int generation = 0;  // V8 major the table belongs to, 0 if none applies
  std::unordered_map<std::string, int> by_name;  // "NAME_DICTIONARY_TYPE" -> 179
  std::unordered_map<int, std::string> by_number;

  // The type's number, from the constants first, then the table; -1 if unknown.
  int Find(std::string_view name) const;
  // V8's name of a type ("NAME_DICTIONARY_TYPE"), "" if neither knows it.
  std::string Name(int type) const;

  static InstanceTypes From(const Metadata& md);

 private:
  const Metadata* md_ = nullptr;
};

// "NAME_DICTIONARY_TYPE" -> "NameDictionary", "JS_ARRAY_TYPE" -> "JSArray":
// V8's class-name spelling of an instance type name.
std::string TypeNameToClassName(std::string_view type_name);

}  // namespace nodegdb
