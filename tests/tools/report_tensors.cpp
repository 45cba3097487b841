// The built-in tensors of `lowp report` are the same on every platform.

#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "../../tools/lowp/tensors.hpp"

TEST_CASE("report tensors: fixed bits on every platform", "[tools][report]") {
  // Recorded on x86-64 (GCC 12, Clang 14, with and without FMA) and aarch64 (qemu).
  const std::uint32_t expected[8] = {0x3ec68ab1, 0xbfb35deb, 0x3e441cab, 0xbf847001,
                                     0xbf571710, 0xbf86f591, 0x3f0155b3, 0x4035b1a1};
  const std::vector<float> g = lowp::tool::gaussian_tensor(8, 1);
  for (std::size_t i = 0; i < 8; ++i) {
    INFO("element " << i);
    CHECK(std::bit_cast<std::uint32_t>(g[i]) == expected[i]);
  }
  const std::vector<float> o = lowp::tool::outlier_tensor(65536, 2);
  double sum = 0;
  for (float v : o) sum += v;
  CHECK(sum == 0x1.d710ac53154p+4);
}

TEST_CASE("report tensors: Gaussian moments, outlier fraction", "[tools][report]") {
  const std::size_t n = 65536;
  const std::vector<float> g = lowp::tool::gaussian_tensor(n, 1);
  double mean = 0, var = 0, beyond2 = 0;
  for (float v : g) mean += v;
  mean /= double(n);
  for (float v : g) {
    var += (v - mean) * (v - mean);
    beyond2 += std::fabs(v) > 2;
  }
  var /= double(n);
  CHECK(std::fabs(mean) < 0.02);         // 5 standard errors
  CHECK(std::fabs(var - 1) < 0.03);      // 5 standard errors
  CHECK(std::fabs(beyond2 / double(n) - 0.0455) < 0.005);

  const std::vector<float> o = lowp::tool::outlier_tensor(n, 1);
  std::size_t outliers = 0;
  for (std::size_t i = 0; i < n; ++i) outliers += o[i] != g[i];
  CHECK(outliers > 30);
  CHECK(outliers < 110);
}
