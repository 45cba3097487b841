// One value, every rounding and overflow policy: what lowp::convert does.
#include <lowp/lowp.hpp>

#include <cstdio>

int main() {
  using lowp::float8_e4m3fn;
  int failures = 0;
  const double x = 0.3;
  std::printf("float8_e4m3fn of %g:\n", x);
  for (lowp::rounding r : lowp::all_roundings) {
    const auto y = lowp::convert<float8_e4m3fn>(x, r, lowp::overflow::saturate, /*seed=*/42, /*index=*/0);
    const float v = static_cast<float>(y);
    std::printf("  %-13s -> 0x%02x = %g\n", lowp::name(r).data(), unsigned(y.bits()), double(v));
    failures += (v != 0.28125f && v != 0.3125f);  // every rounding picks a neighbour
  }
  std::printf("1000 (beyond max 448):\n");
  for (lowp::overflow o : lowp::all_overflows) {
    const auto y = lowp::convert<float8_e4m3fn>(1000.0, lowp::rounding::nearest_even, o);
    std::printf("  %-14s -> 0x%02x = %g\n", lowp::name(o).data(), unsigned(y.bits()), double(static_cast<float>(y)));
  }
  failures += lowp::convert<float8_e4m3fn>(1000.0, lowp::rounding::nearest_even, lowp::overflow::saturate).bits() != 0x7e;
  failures += !lowp::convert<float8_e4m3fn>(1000.0, lowp::rounding::nearest_even, lowp::overflow::non_saturating).is_nan();
  return failures;
}
