#pragma once

// Element values for kernels: what a stored element means as a number.

#include <cstdint>
#include <type_traits>

#include "lowp/format/intn.hpp"
#include "lowp/format/minifloat.hpp"

namespace lowp {

// Integer-valued elements (exact integer products and int32 accumulation).
template <class T>
inline constexpr bool is_integer_element_v =
    std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t> || is_intn_v<T>;

// Every element type a matrix operand may hold.
template <class T>
inline constexpr bool is_element_v =
    std::is_same_v<T, float> || is_integer_element_v<T> || is_minifloat_v<T>;

template <class T>
constexpr double element_value(const T& x) {
  if constexpr (std::is_arithmetic_v<T>) return double(x);
  else if constexpr (is_intn_v<T>) return double(x.value());
  else return double(static_cast<float>(x));
}

template <class T>
constexpr std::int64_t element_integer(const T& x) {
  static_assert(is_integer_element_v<T>);
  if constexpr (std::is_arithmetic_v<T>) return std::int64_t(x);
  else return x.value();
}

// Spelling of element types in kernel and benchmark names (DESIGN §8).
template <class T>
constexpr const char* element_name() {
  if constexpr (std::is_same_v<T, float>) return "float32";
  else if constexpr (std::is_same_v<T, std::int8_t>) return "int8";
  else if constexpr (std::is_same_v<T, std::uint8_t>) return "uint8";
  else if constexpr (std::is_same_v<T, std::int32_t>) return "int32";
  else return T::name;
}

}  // namespace lowp
