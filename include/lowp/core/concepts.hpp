#pragma once

#include <concepts>
#include <cstdint>

#include "lowp/core/bit_width.hpp"

namespace lowp {

// A scalar format: a value type with a raw code of bit_width_v<T> bits.
template <class T>
concept scalar_format = requires(T t, typename T::storage_type code) {
  typename T::storage_type;
  { T::from_bits(code) } -> std::same_as<T>;
  { t.bits() } -> std::same_as<typename T::storage_type>;
  { T::name } -> std::convertible_to<const char*>;
  requires bit_width_v<T> >= 1 && bit_width_v<T> <= 16;
};

}  // namespace lowp
