// Names of V8's read-only roots ("class_fields_symbol", "empty_fixed_array"),
// for objects that only their root index identifies: V8 prints private
// symbols as <Symbol: (class_fields_symbol)>.
//
// The names are RootsTable::root_names_ in the binary, in RootIndex order.
// The addresses are the read-only heap's roots array: found from
// SoleReadOnlyHeap::shared_ro_heap_ (V8 11, 12) or, from V8 13, among the
// objects IsolateGroup::default_isolate_group_ points to, as the array of
// words whose "undefined_value" entry is undefined and whose *_symbol
// entries are all symbols.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace nodegdb {

class ElfFile;
class Memory;

class ReadOnlyRoots {
 public:
  // `undefined` and `symbol_map`: tagged addresses of the undefined value
  // and of the Symbol map, which validate the roots array found.
  // `bias`: the binary's load bias, for the global pointers it starts from.
  ReadOnlyRoots(const ElfFile& binary, Memory& memory, uint64_t bias, uint64_t undefined, uint64_t symbol_map);

  // The root name of a tagged address, if it is a read-only root.
  std::optional<std::string> NameOf(uint64_t tagged) const;
  bool found() const { return !by_address_.empty(); }

 private:
  std::unordered_map<uint64_t, std::string> by_address_;
};

}  // namespace nodegdb
