#pragma once

#include <cstdint>
#include <type_traits>

#include "lowp/core/bit_width.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/format/codec.hpp"

namespace lowp {

namespace detail {
template <int Bits, bool Signed>
constexpr const char* intn_name() {
  if constexpr (Bits == 2) return Signed ? "int2" : "uint2";
  else if constexpr (Bits == 4) return Signed ? "int4" : "uint4";
  else if constexpr (Bits == 8) return Signed ? "int8" : "uint8";
  else return Signed ? "intn" : "uintn";
}
}  // namespace detail

// An integer of Bits bits (two's complement when Signed). The code is the low
// Bits bits. Construction from float/double rounds to nearest even and
// saturates; NaN becomes 0. Arithmetic computes in float, rounds back and saturates.
template <int Bits, bool Signed>
class intn {
 public:
  static_assert(Bits >= 2 && Bits <= 8, "intn holds 2 to 8 bits");
  using storage_type = std::uint8_t;
  using value_type = std::conditional_t<Signed, std::int8_t, std::uint8_t>;
  static constexpr const char* name = detail::intn_name<Bits, Signed>();
  static constexpr int bit_width = Bits;
  static constexpr bool is_signed = Signed;
  static constexpr int max_value = Signed ? (1 << (Bits - 1)) - 1 : (1 << Bits) - 1;
  static constexpr int min_value = Signed ? -(1 << (Bits - 1)) : 0;

  constexpr intn() = default;
  constexpr explicit intn(double x)
      : code_(storage_type(codec::encode_int<Bits, Signed>(x, rounding::nearest_even))) {}
  constexpr explicit intn(float x) : intn(double(x)) {}
  constexpr explicit intn(int v) : intn(double(v)) {}

  static constexpr intn from_bits(storage_type code) {
    intn i;
    i.code_ = storage_type(code & ((1U << Bits) - 1U));
    return i;
  }
  constexpr storage_type bits() const { return code_; }
  constexpr int value() const { return int(codec::decode_int<Bits, Signed>(code_)); }

  constexpr explicit operator float() const { return float(value()); }
  constexpr explicit operator double() const { return double(value()); }
  constexpr explicit operator int() const { return value(); }

  friend constexpr bool operator==(intn a, intn b) { return a.value() == b.value(); }
  friend constexpr auto operator<=>(intn a, intn b) { return a.value() <=> b.value(); }
  friend constexpr intn operator+(intn a, intn b) { return intn(float(a) + float(b)); }
  friend constexpr intn operator-(intn a, intn b) { return intn(float(a) - float(b)); }
  friend constexpr intn operator*(intn a, intn b) { return intn(float(a) * float(b)); }
  friend constexpr intn operator/(intn a, intn b) { return intn(float(a) / float(b)); }
  constexpr intn operator-() const { return intn(-float(*this)); }
  constexpr intn operator+() const { return *this; }
  constexpr intn& operator+=(intn o) { return *this = *this + o; }
  constexpr intn& operator-=(intn o) { return *this = *this - o; }
  constexpr intn& operator*=(intn o) { return *this = *this * o; }
  constexpr intn& operator/=(intn o) { return *this = *this / o; }

 private:
  storage_type code_ = 0;
};

using int2 = intn<2, true>;
using uint2 = intn<2, false>;
using int4 = intn<4, true>;
using uint4 = intn<4, false>;
using int8 = intn<8, true>;
using uint8 = intn<8, false>;

template <class T>
inline constexpr bool is_intn_v = false;
template <int B, bool S>
inline constexpr bool is_intn_v<intn<B, S>> = true;

}  // namespace lowp
