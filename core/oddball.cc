#include "oddball.h"

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

OddballInfo ReadOddball(Heap& heap, uint64_t address) {
  int type = heap.InstanceTypeOf(address);
  auto hole_type = heap.metadata().FindType("HOLE_TYPE");
  if (hole_type && type == *hole_type) return {-1, "hole", false};
  if (type != heap.metadata().GetType("ODDBALL_TYPE")) {
    throw CorruptObject(Hex(address) + " is not an oddball (" + heap.TypeName(type) + ")");
  }
  int64_t kind = heap.ReadSmiField(address, heap.Need(heap.layout().oddball_kind, "v8dbg_class_Oddball__kind__*"),
                                   "oddball kind");
  // The binary names each kind: v8dbg_OddballUndefined = 5, ...
  for (const auto& [name, value] : heap.metadata().v8dbg()) {
    if (value != kind || name.rfind("v8dbg_Oddball", 0) != 0) continue;
    std::string n = SnakeCase(std::string_view(name).substr(13));
    bool js = n == "undefined" || n == "null" || n == "true" || n == "false";
    return {kind, n, js};
  }
  return {kind, "oddball kind " + std::to_string(kind), false};
}

std::string InspectOddball(const OddballInfo& info) {
  return info.is_js_value ? info.name : "<" + info.name + ">";
}

}  // namespace nodegdb
