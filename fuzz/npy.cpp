// libFuzzer target: lowp::io::parse_npy on arbitrary bytes. Every input either
// parses into a tensor whose data matches its shape and dtype, or throws
// lowp::error; anything else (a crash, another exception, a sanitizer report)
// is a finding. A parsed tensor must also serialize and parse back unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "lowp/error.hpp"
#include "lowp/io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lowp::io::tensor t;
  try {
    t = lowp::io::parse_npy(std::span<const std::uint8_t>(data, size), "fuzz.npy");
  } catch (const lowp::error&) {
    return 0;
  }
  if (t.data.size() != t.elements() * lowp::io::size_of(t.type)) std::abort();
  if (t.shape.size() > 64) return 0;  // parsed, but more than the writer stores
  const lowp::io::tensor back = lowp::io::parse_npy(lowp::io::serialize_npy(t), "round trip");
  if (back.shape != t.shape || back.type != t.type || back.data != t.data) std::abort();
  (void)t.to_floats();
  return 0;
}
