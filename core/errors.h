// Errors the core reports. Every failure the user can cause (bad address,
// missing metadata, corrupt object) is one of these, with a message that fits
// on one line; the GDB layer prints it as is.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace nodegdb {

std::string Hex(uint64_t value);

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A read of target memory failed (unmapped, left out of the core, truncated).
class ReadError : public Error {
 public:
  ReadError(uint64_t address, size_t size);
  uint64_t address() const { return address_; }

 private:
  uint64_t address_;
};

// A postmortem constant the decoder needs is absent from this binary.
class MissingConstant : public Error {
 public:
  explicit MissingConstant(const std::string& name);
};

// Memory was readable but does not hold what it should (bad map, length...).
class CorruptObject : public Error {
 public:
  using Error::Error;
};

}  // namespace nodegdb
