#include "core/meta/metadata.h"

#include <cstdlib>

#include <cstring>
#include <iterator>

#include "core/errors.h"
#include "core/platform/memory.h"

namespace nodegdb {

namespace {
constexpr std::string_view kV8Prefix = "v8dbg_";
constexpr std::string_view kNodePrefix = "nodedbg_";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
}  // namespace

bool SplitClassField(std::string_view rest, std::string_view* cls, std::string_view* field) {
  size_t sep = rest.find("__");
  if (sep == std::string_view::npos || sep == 0) return false;
  *cls = rest.substr(0, sep);
  std::string_view tail = rest.substr(sep + 2);
  // tail is "field__Type", "field___Type" (field ends in '_') or just "field".
  size_t pos = 0;
  while (true) {
    size_t next = tail.find("__", pos);
    if (next == std::string_view::npos) {
      *field = tail;
      break;
    }
    size_t run_end = next;
    while (run_end < tail.size() && tail[run_end] == '_') run_end++;
    if (next == 0) {  // a field can't start with the separator
      pos = run_end;
      continue;
    }
    *field = tail.substr(0, run_end - 2);
    break;
  }
  return !field->empty();
}

std::string Metadata::FieldKey(std::string_view cls, std::string_view field) {
  std::string key(cls);
  key += '.';
  key += field;
  return key;
}

namespace {

// v8::internal::Version's major_, minor_, build_ and patch_ (initialised data).
std::string V8VersionOf(const ElfFile& binary) {
  int parts[4] = {-1, -1, -1, -1};
  const char* names[4] = {"_ZN2v88internal7Version6major_E", "_ZN2v88internal7Version6minor_E",
                          "_ZN2v88internal7Version6build_E", "_ZN2v88internal7Version6patch_E"};
  binary.ForEachSymbol("_ZN2v88internal7Version", [&](const ElfSymbol& sym) {
    for (int i = 0; i < 4; i++) {
      int32_t v;
      if (sym.name == names[i] && sym.size == 4 && binary.ReadVirtual(sym.value, &v, 4)) parts[i] = v;
    }
  });
  if (parts[0] < 0 || parts[1] < 0 || parts[2] < 0) return "";
  std::string s = std::to_string(parts[0]) + "." + std::to_string(parts[1]) + "." + std::to_string(parts[2]);
  if (parts[3] > 0) s += "." + std::to_string(parts[3]);
  return s;
}

}  // namespace

Metadata Metadata::FromBinary(const ElfFile& binary) {
  Metadata md;
  binary.ForEachSymbol(kV8Prefix, [&](const ElfSymbol& sym) {
    if (sym.size != 1 && sym.size != 2 && sym.size != 4 && sym.size != 8) return;
    std::string name(sym.name);
    if (md.v8dbg_.count(name)) return;
    uint8_t raw[8] = {};
    if (!binary.ReadVirtual(sym.value, raw, sym.size)) return;
    int64_t value = 0;
    switch (sym.size) {
      case 1: value = static_cast<int8_t>(raw[0]); break;
      case 2: { int16_t v; std::memcpy(&v, raw, 2); value = v; break; }
      case 4: { int32_t v; std::memcpy(&v, raw, 4); value = v; break; }
      case 8: std::memcpy(&value, raw, 8); break;
    }
    md.v8dbg_.emplace(std::move(name), value);
  });
  binary.ForEachSymbol(kNodePrefix, [&](const ElfSymbol& sym) {
    if (sym.size == 0 || sym.size > 8) return;
    std::string_view rest = sym.name.substr(kNodePrefix.size());
    size_t kind_end = rest.find('_');
    if (kind_end == std::string_view::npos) return;
    std::string_view kind = rest.substr(0, kind_end);
    std::string_view cls, field;
    if (!SplitClassField(rest.substr(kind_end + 1), &cls, &field)) return;
    std::string key = std::string(kind) + ":" + FieldKey(cls, field);
    md.nodedbg_.emplace(key, NodeVariable{std::string(sym.name), sym.value, sym.size});
  });
  if (md.v8dbg_.empty()) {
    throw Error("no V8 postmortem metadata (v8dbg_ symbols) in " + binary.path() +
                ": not a node binary, or its symbols were stripped");
  }
  md.Index();
  md.v8_version_ = V8VersionOf(binary);
  const int major = std::atoi(md.v8_version_.c_str());
  md.rules_ = V8Rules::For(major > 0 ? major : md.GenerationFromConstants());
  return md;
}

Metadata Metadata::FromTable(const std::map<std::string, int64_t>& v8dbg,
                             const std::map<std::string, uint64_t>& nodedbg_addresses, int v8_major) {
  Metadata md;
  for (auto& [name, value] : v8dbg) md.v8dbg_[name] = value;
  for (auto& [name, address] : nodedbg_addresses) {
    std::string_view rest = std::string_view(name).substr(kNodePrefix.size());
    size_t kind_end = rest.find('_');
    std::string_view cls, field;
    if (kind_end == std::string_view::npos || !SplitClassField(rest.substr(kind_end + 1), &cls, &field))
      continue;
    md.nodedbg_[std::string(rest.substr(0, kind_end)) + ":" + FieldKey(cls, field)] =
        NodeVariable{name, address, 4};
  }
  md.Index();
  md.rules_ = V8Rules::For(v8_major > 0 ? v8_major : md.GenerationFromConstants());
  if (v8_major > 0) md.v8_version_ = std::to_string(v8_major) + ".0.0";
  return md;
}

int Metadata::GenerationFromConstants() const {
  int64_t first_vars = Find("v8dbg_scopeinfo_idx_first_vars").value_or(3);
  if (first_vars >= 5) return FindType("CONTEXT_CELL_TYPE") ? 14 : 13;
  return FindField("BytecodeArray", {"wrapper"}) ? 12 : 11;
}

void Metadata::Index() {
  // A shift outside 0..63 is not a bit position: such a constant comes from
  // a damaged or foreign binary, and shifting by it is undefined. It is
  // dropped, so decoders say it is missing (or use their default).
  for (auto it = v8dbg_.begin(); it != v8dbg_.end();) {
    const std::string& name = it->first;
    const bool is_shift = name.find("shift") != std::string::npos || name.find("Shift") != std::string::npos;
    it = is_shift && (it->second < 0 || it->second > 63) ? v8dbg_.erase(it) : std::next(it);
  }
  for (auto& [name, value] : v8dbg_) {
    std::string_view n = name;
    if (StartsWith(n, "v8dbg_class_")) {
      std::string_view cls, field;
      if (SplitClassField(n.substr(12), &cls, &field)) fields_.emplace(FieldKey(cls, field), value);
    } else if (StartsWith(n, "v8dbg_type_")) {
      std::string_view rest = n.substr(11);
      size_t sep = rest.find("__");
      if (sep == std::string_view::npos) continue;
      std::string cls(rest.substr(0, sep));
      std::string type_name(rest.substr(sep + 2));
      types_[type_name] = static_cast<int>(value);
      auto& entry = type_names_[static_cast<int>(value)];
      if (entry.first.empty()) entry = {type_name, cls};
    }
  }
}

std::optional<int64_t> Metadata::Find(std::string_view name) const {
  auto it = v8dbg_.find(std::string(name));
  if (it == v8dbg_.end()) return std::nullopt;
  return it->second;
}

int64_t Metadata::Get(std::string_view name) const {
  auto v = Find(name);
  if (!v) throw MissingConstant(std::string(name));
  return *v;
}

std::optional<int64_t> Metadata::FindField(std::string_view cls,
                                           std::initializer_list<std::string_view> fields) const {
  for (std::string_view field : fields) {
    auto it = fields_.find(FieldKey(cls, field));
    if (it != fields_.end()) return it->second;
  }
  return std::nullopt;
}

int64_t Metadata::GetField(std::string_view cls, std::initializer_list<std::string_view> fields) const {
  auto v = FindField(cls, fields);
  if (!v) {
    std::string names;
    for (std::string_view field : fields) {
      if (!names.empty()) names += " or ";
      names += "v8dbg_class_" + std::string(cls) + "__" + std::string(field) + "__*";
    }
    throw MissingConstant(names);
  }
  return *v;
}

std::optional<int> Metadata::FindType(std::string_view type_name) const {
  auto it = types_.find(std::string(type_name));
  if (it == types_.end()) return std::nullopt;
  return it->second;
}

int Metadata::GetType(std::string_view type_name) const {
  auto v = FindType(type_name);
  if (!v) throw MissingConstant("v8dbg_type_*__" + std::string(type_name));
  return *v;
}

std::string Metadata::TypeName(int instance_type) const {
  auto it = type_names_.find(instance_type);
  return it == type_names_.end() ? std::string() : it->second.first;
}

std::string Metadata::TypeClass(int instance_type) const {
  auto it = type_names_.find(instance_type);
  return it == type_names_.end() ? std::string() : it->second.second;
}

std::optional<Metadata::NodeVariable> Metadata::FindNode(std::string_view kind, std::string_view cls,
                                                         std::string_view field) const {
  auto it = nodedbg_.find(std::string(kind) + ":" + FieldKey(cls, field));
  if (it == nodedbg_.end()) return std::nullopt;
  return it->second;
}

int64_t Metadata::ReadNode(Memory& memory, uint64_t bias, std::string_view kind, std::string_view cls,
                           std::string_view field) const {
  auto var = FindNode(kind, cls, field);
  if (!var) {
    throw MissingConstant("nodedbg_" + std::string(kind) + "_" + std::string(cls) + "__" +
                          std::string(field) + "__*");
  }
  uint8_t raw[8] = {};
  if (!memory.Read(var->address + bias, raw, var->size)) {
    throw Error("cannot read " + var->name + " at " + Hex(var->address + bias) +
                " (nodedbg_ values are filled in at start-up: is the process running?)");
  }
  int64_t value = 0;
  if (var->size == 4) {
    int32_t v;
    std::memcpy(&v, raw, 4);
    value = v;
  } else {
    std::memcpy(&value, raw, var->size);
  }
  return value;
}

}  // namespace nodegdb
