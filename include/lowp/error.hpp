#pragma once

#include <stdexcept>
#include <string>

namespace lowp {

// The one exception type of the library. Messages name the offending argument.
class error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace detail {
[[noreturn]] inline void fail(const std::string& message) { throw error("lowp: " + message); }
}  // namespace detail

}  // namespace lowp
