// lowp::to_e8m0: the named rules that turn a positive value into an E8M0
// scale (format/convert.hpp), on hand-computed cases. E8M0 code c is 2^(c-127);
// 0xff is NaN.

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

#include "lowp/format/convert.hpp"

namespace {

struct scale_case {
  double x;
  std::uint32_t floor_code, ceil_code, nearest_code;
};

// clang-format off
const scale_case cases[] = {
  // powers of two are exact under every rule
  {1.0,            127, 127, 127},
  {2.0,            128, 128, 128},
  {0.5,            126, 126, 126},
  {0x1p-127,         0,   0,   0},
  {0x1p-126,         1,   1,   1},
  {0x1p127,        254, 254, 254},
  // 1.5 * 2^k is the tie of nearest_even: the even code wins
  {1.5,            127, 128, 128},   // 1 (127) | 2 (128)
  {3.0,            128, 129, 128},   // 2 (128) | 4 (129)
  {6.0,            129, 130, 130},   // 4 (129) | 8 (130)
  {0.75,           126, 127, 126},   // 0.5 (126) | 1 (127)
  {3072.0,         138, 139, 138},   // 3 * 2^10 = 1.5 * 2^11
  {3 * 0x1p-10,    118, 119, 118},   // 1.5 * 2^-9
  {1.5 * 0x1p-8,   119, 120, 120},
  {1.5 * 0x1p-127,   0,   1,   0},
  {1.5 * 0x1p126,  253, 254, 254},
  {1.5 * 0x1p127,  254, 254, 254},   // ceil would be 2^128: saturates; the tie goes to 254 (even)
  // not ties
  {1.25,           127, 128, 127},
  {1.75,           127, 128, 128},
  {5.0,            129, 130, 129},
  {7.0,            129, 130, 130},
  {0x1.7ffffffffffffp0, 127, 128, 127},
  {0x1.8000000000001p0, 127, 128, 128},
  {3 * 0x1p20 + 1, 148, 149, 149},
  // below 2^-127: every rule gives the least scale
  {0x1p-128,         0,   0,   0},
  {0.75 * 0x1p-127,  0,   0,   0},
  {0x1p-140,         0,   0,   0},
  {1e-300,           0,   0,   0},
  {FLT_TRUE_MIN,     0,   0,   0},
  {DBL_TRUE_MIN,     0,   0,   0},
  // 2^128 and above: every rule gives the largest scale
  {0x1.fp127,      254, 254, 254},
  {0x1p128,        254, 254, 254},
  {1e300,          254, 254, 254},
  {DBL_MAX,        254, 254, 254},
  // zero and negative values give 2^-127
  {0.0,              0,   0,   0},
  {-0.0,             0,   0,   0},
  {-1.0,             0,   0,   0},
  {-3.0,             0,   0,   0},
  {-1e300,           0,   0,   0},
  {-0x1p-140,        0,   0,   0},
  // NaN and ±Inf give NaN
  {std::numeric_limits<double>::quiet_NaN(),  0xff, 0xff, 0xff},
  {-std::numeric_limits<double>::quiet_NaN(), 0xff, 0xff, 0xff},
  {std::numeric_limits<double>::infinity(),   0xff, 0xff, 0xff},
  {-std::numeric_limits<double>::infinity(),  0xff, 0xff, 0xff},
};
// clang-format on

}  // namespace

TEST_CASE("to_e8m0 scale rules on hand-computed cases", "[format][e8m0]") {
  using lowp::scale_rule;
  for (const scale_case& c : cases) {
    INFO("x = " << c.x << " (" << std::hexfloat << c.x << std::defaultfloat << ")");
    CHECK(lowp::to_e8m0(c.x, scale_rule::floor_log2).bits() == c.floor_code);
    CHECK(lowp::to_e8m0(c.x, scale_rule::ceil_log2).bits() == c.ceil_code);
    CHECK(lowp::to_e8m0(c.x, scale_rule::nearest_even).bits() == c.nearest_code);
  }
}

TEST_CASE("to_e8m0 scales decode to the powers of two they name", "[format][e8m0]") {
  using lowp::scale_rule;
  CHECK(static_cast<double>(lowp::to_e8m0(3.0, scale_rule::nearest_even)) == 2.0);
  CHECK(static_cast<double>(lowp::to_e8m0(3.0, scale_rule::ceil_log2)) == 4.0);
  CHECK(static_cast<double>(lowp::to_e8m0(0.3, scale_rule::floor_log2)) == 0.25);
  CHECK(static_cast<double>(lowp::to_e8m0(0.3, scale_rule::ceil_log2)) == 0.5);
  CHECK(static_cast<double>(lowp::to_e8m0(0.0, scale_rule::floor_log2)) == 0x1p-127);
  CHECK(static_cast<double>(lowp::to_e8m0(1e300, scale_rule::floor_log2)) == 0x1p127);
  CHECK(lowp::to_e8m0(-std::numeric_limits<double>::infinity(), scale_rule::floor_log2).is_nan());
  // floor_log2 never exceeds x, ceil_log2 never falls below it (within range)
  for (double x = 0x1p-100; x < 0x1p100; x *= 1.37) {
    INFO(x);
    const double f = static_cast<double>(lowp::to_e8m0(x, scale_rule::floor_log2));
    const double c = static_cast<double>(lowp::to_e8m0(x, scale_rule::ceil_log2));
    const double n = static_cast<double>(lowp::to_e8m0(x, scale_rule::nearest_even));
    REQUIRE(f <= x);
    REQUIRE(2 * f > x);
    REQUIRE(c >= x);
    REQUIRE(c < 2 * x);
    REQUIRE((n == f || n == c));
    REQUIRE(std::fabs(n - x) <= std::fabs((n == f ? c : f) - x));
  }
}
