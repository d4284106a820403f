// Small reads of JavaScript objects that Node's C++ structures point to:
// the wrapper of a BaseObject, a property by name, strings, numbers, and the
// `process` object of a native context. Every reader returns nullopt (or 0)
// instead of throwing when the memory does not hold what it expects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/v8/heap.h"

namespace nodegdb {

class JsObjects {
 public:
  explicit JsObjects(Heap& heap) : heap_(heap) {}

  // The JS object a BaseObject's persistent handle holds (tagged), 0 if the
  // handle is empty. `persistent_offset`: BaseObject::persistent_handle_.
  uint64_t Wrapper(uint64_t base_object, int64_t persistent_offset);

  // util.inspect's constructor name of an object ("TCP", "process"), "" if unknown.
  std::string ClassName(uint64_t tagged);

  // An own data property by string key, or by symbol description when
  // `symbol` is set ("owner_symbol" for Symbol(owner_symbol)). Accessors
  // are not values: nullopt.
  std::optional<Tagged> Get(uint64_t tagged, const std::string& name, bool symbol = false);
  // An own accessor's getter function (tagged), nullopt if not an accessor pair.
  std::optional<uint64_t> Getter(uint64_t tagged, const std::string& name);

  std::optional<std::string> String(const std::optional<Tagged>& value, size_t limit = 4096);
  std::optional<double> Number(const std::optional<Tagged>& value);
  // true / false; nullopt for any other value.
  std::optional<bool> Boolean(const std::optional<Tagged>& value);
  // A JS array's string elements (at most `max_items`; others are skipped).
  std::optional<std::vector<std::string>> Strings(const std::optional<Tagged>& value, size_t max_items = 256);
  // An own data property's string keys and values, in property order (at
  // most `max_items`; accessors and symbol keys left out): agent.sockets.
  std::vector<std::pair<std::string, Tagged>> StringKeyed(uint64_t tagged, size_t max_items = 256);
  // A JS array's elements as tagged values (at most `max_items`).
  std::vector<Tagged> Elements(const std::optional<Tagged>& value, size_t max_items = 256);
  // { address, port } objects (a socket's _peername or _sockname): "host:port".
  std::optional<std::string> Endpoint(const std::optional<Tagged>& value);

  static std::string HostPort(const std::string& host, double port);

  // The `process` object of a native context (tagged): the global's
  // `process` property, which Node defines as an accessor whose getter
  // closes over the object: then the value in the getter's context chain
  // whose constructor name is "process". 0 if not found.
  uint64_t ProcessObject(uint64_t native_context);

 private:
  Heap& heap_;
};

}  // namespace nodegdb
