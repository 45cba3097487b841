// Consumes an installed lowp through find_package(lowp) and uses its API.
#include <lowp/lowp.hpp>

#include <cstdio>

int main() {
  const lowp::float8_e4m3fn x(0.3f);
  const auto back = static_cast<float>(x);
  std::printf("lowp %d.%d.%d: float8_e4m3fn(0.3) = 0x%02x = %g\n", LOWP_VERSION_MAJOR, LOWP_VERSION_MINOR,
              LOWP_VERSION_PATCH, unsigned(x.bits()), double(back));
  // 0.3 lies between 0.28125 (0x29) and 0.3125 (0x2a); nearest is 0.3125.
  return x.bits() == 0x2a && back == 0.3125f ? 0 : 1;
}
