#pragma once

// The in-memory tensor that io/npy.hpp and io/safetensors.hpp read and write:
// a name, an element type, a shape and the little-endian element bytes.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lowp/reference/convert.hpp"
#include "lowp/error.hpp"
#include "lowp/format/minifloat.hpp"

namespace lowp::io {

enum class dtype : std::uint8_t { float32, float16, bfloat16 };

constexpr std::size_t size_of(dtype t) { return t == dtype::float32 ? 4 : 2; }

constexpr std::string_view name(dtype t) {
  switch (t) {
    case dtype::float32: return "float32";
    case dtype::float16: return "float16";
    case dtype::bfloat16: return "bfloat16";
  }
  return "?";
}

namespace detail {

inline std::string shape_text(std::span<const std::size_t> shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// Product of the shape times the element size, or an error naming `what`.
inline std::size_t checked_bytes(std::span<const std::size_t> shape, std::size_t item_size, const std::string& what) {
  for (std::size_t d : shape)
    if (d == 0) return 0;
  std::size_t n = item_size;
  for (std::size_t d : shape) {
    if (n > std::numeric_limits<std::size_t>::max() / d)
      lowp::detail::fail(what + ": shape " + shape_text(shape) + " overflows the size of an array");
    n *= d;
  }
  return n;
}

}  // namespace detail

struct tensor {
  std::string name;                // safetensors key; empty for .npy
  dtype type = dtype::float32;
  std::vector<std::size_t> shape;  // row-major (C order); empty for a scalar
  std::vector<std::uint8_t> data;  // elements, little-endian

  std::size_t elements() const {
    std::size_t n = 1;
    for (std::size_t d : shape) n *= d;
    return n;
  }

  // The values as float32 (exact for every dtype).
  std::vector<float> to_floats() const {
    const std::size_t n = data.size() / size_of(type);
    std::vector<float> out(n);
    const std::uint8_t* p = data.data();
    for (std::size_t i = 0; i < n; ++i) {
      if (type == dtype::float32) {
        const std::uint32_t bits = std::uint32_t(p[4 * i]) | (std::uint32_t(p[4 * i + 1]) << 8) |
                                   (std::uint32_t(p[4 * i + 2]) << 16) | (std::uint32_t(p[4 * i + 3]) << 24);
        out[i] = std::bit_cast<float>(bits);
      } else {
        const std::uint32_t bits = std::uint32_t(p[2 * i]) | (std::uint32_t(p[2 * i + 1]) << 8);
        out[i] = type == dtype::float16 ? reference::decode<float16::desc>(bits) : std::bit_cast<float>(bits << 16);
      }
    }
    return out;
  }

  // A tensor of `type` holding `values` (shape's product of them). float16
  // and bfloat16 round to nearest even and overflow to Inf, as IEEE 754 does.
  static tensor from_floats(std::string name, std::vector<std::size_t> shape, std::span<const float> values,
                            dtype type = dtype::float32) {
    const std::size_t bytes = detail::checked_bytes(shape, size_of(type), "shape");
    if (bytes / size_of(type) != values.size())
      lowp::detail::fail("values: " + std::to_string(values.size()) + " values, but shape " +
                         detail::shape_text(shape) + " holds " + std::to_string(bytes / size_of(type)));
    tensor t{std::move(name), type, std::move(shape), std::vector<std::uint8_t>(bytes)};
    std::uint8_t* p = t.data.data();
    for (float v : values) {
      std::uint32_t bits = std::bit_cast<std::uint32_t>(v);
      if (type == dtype::float16)
        bits = reference::encode<float16::desc>(double(v), rounding::nearest_even, overflow::non_saturating);
      else if (type == dtype::bfloat16)
        bits = reference::encode<bfloat16::desc>(double(v), rounding::nearest_even, overflow::non_saturating);
      for (std::size_t k = 0; k < size_of(type); ++k) *p++ = std::uint8_t(bits >> (8 * k));
    }
    return t;
  }
};

}  // namespace lowp::io
