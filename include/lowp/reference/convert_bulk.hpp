#pragma once

// Scalar reference of the bulk conversions (kernels/convert.hpp): one call of
// lowp::encode / lowp::decode per element. Every SIMD path must reproduce it
// bit for bit, including the bits of a partially used last byte, which are
// left as they were.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>

#include "lowp/container/packed_span.hpp"
#include "lowp/core/concepts.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/error.hpp"
#include "lowp/format/convert.hpp"

namespace lowp::reference {

namespace detail {
inline void check_sizes(std::size_t in, std::size_t out, const char* in_name, const char* out_name) {
  if (in != out)
    lowp::detail::fail(std::string(out_name) + " has " + std::to_string(out) + " elements but " + in_name +
                       " has " + std::to_string(in));
}
}  // namespace detail

// out[i] = encode<T>(in[i], r, o, seed, first_index + i).
template <scalar_format T>
void quantize(std::span<const float> in, packed_span<T> out, rounding r = rounding::nearest_even,
              overflow o = overflow::saturate, std::uint64_t seed = 0, std::uint64_t first_index = 0) {
  detail::check_sizes(in.size(), out.size(), "in", "out");
  constexpr int W = bit_width_v<T>;
  std::uint8_t* bytes = out.data();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::uint32_t code = lowp::encode<T>(double(in[i]), r, o, seed, first_index + i);
    if constexpr (W == 8) {
      bytes[i] = std::uint8_t(code);
    } else if constexpr (W == 16) {
      bytes[2 * i] = std::uint8_t(code);
      bytes[2 * i + 1] = std::uint8_t(code >> 8);
    } else {
      lowp::detail::write_bits(bytes, i * W, W, code);
    }
  }
}

// out[i] = decode<T>(in[i]).
template <scalar_format T>
void dequantize(packed_span<const T> in, std::span<float> out) {
  detail::check_sizes(in.size(), out.size(), "in", "out");
  constexpr int W = bit_width_v<T>;
  using S = typename T::storage_type;
  const std::uint8_t* bytes = in.data();
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint32_t code;
    if constexpr (W == 8) code = bytes[i];
    else if constexpr (W == 16) code = std::uint32_t(bytes[2 * i]) | (std::uint32_t(bytes[2 * i + 1]) << 8);
    else code = lowp::detail::read_bits(bytes, i * W, W);
    out[i] = lowp::decode<T>(S(code));
  }
}

}  // namespace lowp::reference
