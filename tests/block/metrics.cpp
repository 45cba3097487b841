#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include <lowp/block/mx.hpp>
#include <lowp/quant/metrics.hpp>
#include <lowp/reference/block.hpp>

#include "block_test_data.hpp"

namespace {
constexpr float pinf = std::numeric_limits<float>::infinity();
constexpr float qnan = std::numeric_limits<float>::quiet_NaN();
}  // namespace

TEST_CASE("error metrics on a hand-computed pair", "[quant][metrics]") {
  const std::vector<float> x = {1, 2, 3, 4};
  const std::vector<float> y = {1, 2, 3, 5};
  const auto m = lowp::quant::compare(x, y);
  CHECK(m.count == 4);
  CHECK(m.sqnr_db == Approx(10 * std::log10(30.0)));
  CHECK(m.rmse == 0.5);
  CHECK(m.max_abs == 1.0);
  CHECK(m.max_rel == 0.25);
  CHECK(m.nonfinite == 0);
  CHECK(lowp::quant::sqnr_db(x, y) == m.sqnr_db);
  CHECK(lowp::quant::rmse(x, y) == m.rmse);
  CHECK(lowp::quant::max_abs_error(x, y) == m.max_abs);
  CHECK(lowp::quant::max_rel_error(x, y) == m.max_rel);
}

TEST_CASE("error metrics conventions: zeros, exact, non-finite, empty", "[quant][metrics]") {
  using lowp::quant::compare;
  const std::vector<float> x = {0, 2, 0};
  CHECK(compare(x, std::vector<float>{0, 2, 0}).sqnr_db == pinf);
  CHECK(compare(x, std::vector<float>{0, 2, 0}).max_rel == 0);
  CHECK(compare(x, std::vector<float>{0, 1, 0}).max_rel == 0.5);
  CHECK(compare(x, std::vector<float>{0.5f, 2, 0}).max_rel == pinf);  // error relative to an exact zero
  CHECK(compare(std::vector<float>{0, 0}, std::vector<float>{0, 1}).sqnr_db == -pinf);
  CHECK(compare(std::vector<float>{qnan, 1}, std::vector<float>{qnan, 1}).sqnr_db == pinf);
  CHECK(compare(std::vector<float>{pinf, 1}, std::vector<float>{pinf, 1}).nonfinite == 0);
  const auto bad = compare(std::vector<float>{1, 1}, std::vector<float>{qnan, 1});
  CHECK(bad.nonfinite == 1);
  CHECK(bad.rmse == pinf);
  CHECK(bad.max_abs == pinf);
  CHECK(bad.sqnr_db == -pinf);
  const auto empty = compare(std::vector<float>{}, std::vector<float>{});
  CHECK(empty.count == 0);
  CHECK(empty.rmse == 0);
  CHECK(empty.sqnr_db == pinf);
  REQUIRE_THROWS_WITH(compare(std::vector<float>{1}, std::vector<float>{1, 2}), Catch::Contains("reconstructed"));
}

TEST_CASE("error metrics of block round trips order the formats sensibly", "[quant][metrics]") {
  const std::size_t rows = 8, cols = 128;
  std::vector<float> x(rows * cols);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = lowp_block_test::uniform(77, i);
  const auto q8 = lowp::reference::quantize<lowp::mxfp8_e4m3>(x, rows, cols);
  const auto q4 = lowp::reference::quantize<lowp::mxfp4>(x, rows, cols);
  const double s8 = lowp::quant::sqnr_db(x, lowp::reference::dequantize<lowp::mxfp8_e4m3>(q8, rows, cols));
  const double s4 = lowp::quant::sqnr_db(x, lowp::reference::dequantize<lowp::mxfp4>(q4, rows, cols));
  CHECK(s8 > s4 + 6);
  CHECK(s4 > 10);
  // Uniform data puts a quarter of the values where OCP's rule clips
  // (|x| > 0.875 amax for E4M3); rounding the scale up avoids that.
  const auto n8 = lowp::reference::quantize<lowp::mxfp8_e4m3_noclip>(x, rows, cols);
  const double sn8 = lowp::quant::sqnr_db(x, lowp::reference::dequantize<lowp::mxfp8_e4m3_noclip>(n8, rows, cols));
  CHECK(sn8 > s8);
}
