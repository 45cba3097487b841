#pragma once

#include <cstdint>
#include <type_traits>

namespace lowp {

// Number of bits a format occupies in packed storage. Formats specialize this
// through a static member `bit_width`; plain types use their object size.
template <class T>
struct bit_width : std::integral_constant<int, int(sizeof(T) * 8)> {};

template <class T>
  requires requires { T::bit_width; }
struct bit_width<T> : std::integral_constant<int, T::bit_width> {};

template <class T>
inline constexpr int bit_width_v = bit_width<T>::value;

}  // namespace lowp
