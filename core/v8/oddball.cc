#include "core/v8/oddball.h"

#include <cctype>

namespace nodegdb {

namespace {
// v8dbg_OddballTheHole -> "the_hole", v8dbg_OddballArgumentsMarker -> "arguments_marker"
std::string SnakeCase(std::string_view camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!out.empty()) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace

std::vector<std::pair<int64_t, std::string>> OddballKindNames(const Metadata& md) {
  std::vector<std::pair<int64_t, std::string>> names;
  for (const auto& [name, value] : md.v8dbg()) {
    if (name.rfind("v8dbg_Oddball", 0) == 0) names.emplace_back(value, SnakeCase(std::string_view(name).substr(13)));
  }
  return names;
}

OddballInfo ReadOddball(Heap& heap, uint64_t address) {
  const Layout& l = heap.layout();
  int type = heap.InstanceTypeOf(address);
  if (type == l.hole_type) return {-1, "hole", false};
  if (type != l.oddball_type) {
    throw heap.NotA(address, "oddball", heap.TypeName(type));
  }
  int64_t kind = heap.ReadSmiField(address, heap.Need(l.oddball_kind, "v8dbg_class_Oddball__kind__*"), "oddball kind");
  for (const auto& [value, name] : l.oddball_kinds) {
    if (value != kind) continue;
    bool js = name == "undefined" || name == "null" || name == "true" || name == "false";
    return {kind, name, js};
  }
  return {kind, "oddball kind " + std::to_string(kind), false};
}

std::string InspectOddball(const OddballInfo& info) {
  return info.is_js_value ? info.name : "<" + info.name + ">";
}

}  // namespace nodegdb
