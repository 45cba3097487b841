#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lowp {

// Rounding of a value that falls between two representable neighbours.
enum class rounding : std::uint8_t {
  nearest_even,  // IEEE 754 roundTiesToEven (default)
  toward_zero,   // IEEE 754 roundTowardZero (truncation)
  nearest_away,  // IEEE 754 roundTiesToAway
  up,            // IEEE 754 roundTowardPositive
  down,          // IEEE 754 roundTowardNegative
  stochastic,    // away from zero with probability equal to the discarded fraction (core/rng.hpp)
};

// What a value whose rounded magnitude exceeds the format's max becomes (DESIGN §4).
enum class overflow : std::uint8_t {
  saturate,        // finite overflow -> ±max; ±Inf -> Inf, else NaN, else ±max
  saturate_all,    // like saturate, and ±Inf -> ±max (PTX .satfinite)
  non_saturating,  // overflow -> ±Inf, else NaN, else ±max (ml_dtypes' behaviour)
};

inline constexpr std::array<rounding, 6> all_roundings{rounding::nearest_even, rounding::toward_zero,
                                                       rounding::nearest_away, rounding::up,
                                                       rounding::down,         rounding::stochastic};
inline constexpr std::array<overflow, 3> all_overflows{overflow::saturate, overflow::saturate_all,
                                                       overflow::non_saturating};

constexpr std::string_view name(rounding r) {
  switch (r) {
    case rounding::nearest_even: return "nearest_even";
    case rounding::toward_zero: return "toward_zero";
    case rounding::nearest_away: return "nearest_away";
    case rounding::up: return "up";
    case rounding::down: return "down";
    case rounding::stochastic: return "stochastic";
  }
  return "?";
}

constexpr std::string_view name(overflow o) {
  switch (o) {
    case overflow::saturate: return "saturate";
    case overflow::saturate_all: return "saturate_all";
    case overflow::non_saturating: return "non_saturating";
  }
  return "?";
}

constexpr std::optional<rounding> parse_rounding(std::string_view s) {
  for (rounding r : all_roundings)
    if (name(r) == s) return r;
  return std::nullopt;
}

constexpr std::optional<overflow> parse_overflow(std::string_view s) {
  for (overflow o : all_overflows)
    if (name(o) == s) return o;
  return std::nullopt;
}

}  // namespace lowp
