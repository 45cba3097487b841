// lowp::gemv's fast paths on every available ISA: W4A8 (4-bit block weights
// x int8 activations, per-block or per-row scales, given or quantized on the
// fly), weight-only (block weights x float32) and float32 x float32, against
// an exact oracle: a Kulisch accumulator over the dequantized operands
// (reference::dequantize of both sides), which the integer block sums must
// reproduce up to the stated float32 accumulation bound.
//
// Bound (datapath::fast, any summation order): for a dot product of m terms
// accumulated in float32 with at most d further roundings (scale products,
// lane reductions, alpha and beta),
//   |y - y_exact| <= gamma(m + d) * (|alpha| sum |w_j x_j| + |beta y_old|),
//   gamma(n) = n u / (1 - n u), u = 2^-24 (Higham, "Accuracy and Stability of
//   Numerical Algorithms", 2nd ed., §3.1 and §3.5).
// The W4A8 path has m = K / 32 terms (each exact sub-block sum times its
// scale product); the float paths have m = K.

#include <cmath>
#include <cstring>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <lowp/reference/convert.hpp>
#include <lowp/block/block_matrix_view.hpp>
#include <lowp/block/block_tensor.hpp>
#include <lowp/block/formats.hpp>
#include <lowp/block/row_interleaved.hpp>
#include <lowp/container/matrix_view.hpp>
#include <lowp/kernels/gemm.hpp>
#include <lowp/quant/exact.hpp>
#include <lowp/reference/block.hpp>
#include <lowp/reference/gemv.hpp>
#include <lowp/dispatch/dispatch.hpp>

namespace {

using lowp::matrix_view;

double gamma_bound(std::size_t n) {
  const double u = std::ldexp(1.0, -24);
  return double(n) * u / (1.0 - double(n) * u);
}

std::vector<float> gaussian(std::size_t n, unsigned seed, float sigma = 1.0f) {
  std::mt19937 g(seed);
  std::normal_distribution<float> d(0.0f, sigma);
  std::vector<float> v(n);
  for (float& x : v) x = d(g);
  return v;
}

// y_exact = alpha * sum_j w(r, j) x_j + beta * y_old(r) and its error bound,
// from the dequantized weights wd (N x K) and activations xd (K).
struct expected_row {
  double value;
  double bound;
};

std::vector<expected_row> exact_rows(const std::vector<float>& wd, const std::vector<float>& xd, std::size_t n,
                                     std::size_t k, float alpha, float beta, const std::vector<float>& y_old,
                                     std::size_t terms) {
  std::vector<expected_row> out(n);
  for (std::size_t r = 0; r < n; ++r) {
    lowp::exact::accumulator acc;
    double magnitude = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      acc.add_product(double(wd[r * k + j]), double(xd[j]));
      magnitude += std::fabs(double(wd[r * k + j]) * double(xd[j]));
    }
    const double old = beta == 0.0f ? 0.0 : double(y_old[r]);
    const double v = double(alpha) * acc.to_double() + double(beta) * old;
    const double scale = std::fabs(double(alpha)) * magnitude + std::fabs(double(beta) * old);
    // 8 roundings beyond the m terms: scale product, lane reduction (3),
    // alpha, beta, the final sum, and the double oracle's own rounding.
    out[r] = {v, gamma_bound(terms + 8) * scale + 1e-30};
  }
  return out;
}

template <class BW>
struct w4a8_case {
  std::size_t n, k;
  lowp::padding pad;
};

// One weight format and shape: every activation form on every ISA.
template <class BW>
void check_w4a8(std::size_t n, std::size_t k, lowp::padding pad, unsigned seed) {
  INFO(BW::name << " " << n << "x" << k);
  const std::vector<float> w = gaussian(n * k, seed);
  const std::vector<float> x = gaussian(k, seed + 1, 2.0f);
  lowp::quantize_options opt;
  opt.pad = pad;
  const lowp::block_tensor<BW> wt(w, n, k, opt);
  const lowp::block_matrix_view<BW> wv(wt);
  const std::vector<float> wd = wt.dequantize();
  // Activations: ggml_q8_0 blocks (per-block scales), zero-padded to 32.
  lowp::quantize_options xopt;
  xopt.pad = lowp::padding::zero;
  const lowp::block_tensor<lowp::ggml_q8_0> xt(x, 1, k, xopt);
  const lowp::block_matrix_view<lowp::ggml_q8_0> xv(xt);
  const std::vector<float> xd = xt.dequantize();
  const std::size_t terms = (k + 31) / 32;

  for (const float beta : {0.0f, 0.5f}) {
    const float alpha = 1.5f;
    const std::vector<float> y_old = gaussian(n, seed + 2);
    const std::vector<expected_row> want = exact_rows(wd, xd, n, k, alpha, beta, y_old, terms);

    // The reference: the same expression in double, rounded once.
    {
      const std::size_t kp = lowp::reference::row_bytes<BW>(k, pad) / BW::bytes_per_block * BW::block_size;
      std::vector<std::int8_t> q(kp, 0);
      std::vector<float> s(kp / 32, 0.0f);
      for (std::size_t j = 0; j < k; ++j) q[j] = std::int8_t(xt.raw()[(j / 32) * 34 + 2 + j % 32]);
      for (std::size_t b = 0; b < (k + 31) / 32; ++b)
        s[b] = lowp::reference::decode<lowp::float16::desc>(lowp::reference::detail::load_le16(&xt.raw()[b * 34]));
      std::vector<float> y = y_old;
      if (beta == 0.0f) std::fill(y.begin(), y.end(), std::numeric_limits<float>::quiet_NaN());
      lowp::reference::gemv_w4a8<BW>(alpha, wv, {q.data(), s.data(), kp}, beta, y.data());
      for (std::size_t r = 0; r < n; ++r) {
        INFO("reference row " << r);
        REQUIRE(std::fabs(double(y[r]) - want[r].value) <= std::ldexp(std::fabs(want[r].value), -23) + 1e-30);
      }
    }

    for (lowp::isa which : lowp::available_isas()) {
      INFO("isa " << lowp::name(which) << " beta " << beta);
      std::vector<float> y = y_old;
      if (beta == 0.0f) std::fill(y.begin(), y.end(), std::numeric_limits<float>::quiet_NaN());
      lowp::gemv(alpha, wv, xv, beta, y.data(), y.size(), which);
      for (std::size_t r = 0; r < n; ++r) {
        INFO("row " << r << " got " << y[r] << " want " << want[r].value);
        REQUIRE(std::fabs(double(y[r]) - want[r].value) <= want[r].bound);
      }

      // Dynamic per-block quantization is exactly quantize<ggml_q8_0> then the int8 path.
      std::vector<float> yd = y_old;
      if (beta == 0.0f) std::fill(yd.begin(), yd.end(), std::numeric_limits<float>::quiet_NaN());
      lowp::gemv(alpha, wv, x.data(), x.size(), beta, yd.data(), yd.size(),
                 lowp::gemv_options{lowp::activation_quantization::per_block}, which);
      for (std::size_t r = 0; r < n; ++r) REQUIRE(yd[r] == y[r]);

      // Weight-only: the dequantized weights times float x.
      const std::vector<expected_row> want_f = exact_rows(wd, x, n, k, alpha, beta, y_old, k);
      std::vector<float> yf = y_old;
      if (beta == 0.0f) std::fill(yf.begin(), yf.end(), std::numeric_limits<float>::quiet_NaN());
      lowp::gemv(alpha, wv, x.data(), x.size(), beta, yf.data(), yf.size(), which);
      for (std::size_t r = 0; r < n; ++r) {
        INFO("weight-only row " << r << " got " << yf[r] << " want " << want_f[r].value);
        REQUIRE(std::fabs(double(yf[r]) - want_f[r].value) <= want_f[r].bound);
      }
    }
  }
}

// Per-row int8 activations: int8_vector, and quantize_x = per_row equal to it.
template <class BW>
void check_w4a8_per_row(std::size_t n, std::size_t k, unsigned seed) {
  INFO(BW::name << " per row " << n << "x" << k);
  const std::vector<float> w = gaussian(n * k, seed);
  const std::vector<float> x = gaussian(k, seed + 1);
  const lowp::block_tensor<BW> wt(w, n, k);
  const lowp::block_matrix_view<BW> wv(wt);
  const std::vector<float> wd = wt.dequantize();
  // The per-row rule, computed here: d = amax / 127, q = round(x / d).
  float amax = 0;
  for (float v : x) amax = std::max(amax, std::fabs(v));
  const float d = amax / 127.0f;
  std::vector<std::int8_t> q(k);
  std::vector<float> xd(k);
  for (std::size_t j = 0; j < k; ++j) {
    q[j] = std::int8_t(std::lround(x[j] * (1.0f / d)));
    xd[j] = float(q[j]) * d;
    REQUIRE(std::fabs(xd[j] - x[j]) <= 0.5001 * d);
  }
  const std::vector<float> y_old = gaussian(n, seed + 2);
  const std::vector<expected_row> want = exact_rows(wd, xd, n, k, -0.75f, 0.25f, y_old, k / 32);
  for (lowp::isa which : lowp::available_isas()) {
    INFO("isa " << lowp::name(which));
    std::vector<float> y = y_old, yq = y_old;
    lowp::gemv(-0.75f, wv, lowp::int8_vector{q.data(), q.size(), d}, 0.25f, y.data(), y.size(), which);
    lowp::gemv(-0.75f, wv, x.data(), x.size(), 0.25f, yq.data(), yq.size(),
               lowp::gemv_options{lowp::activation_quantization::per_row}, which);
    for (std::size_t r = 0; r < n; ++r) {
      INFO("row " << r);
      REQUIRE(std::fabs(double(y[r]) - want[r].value) <= want[r].bound);
      REQUIRE(yq[r] == y[r]);
    }
  }
}

template <class BW>
void check_w4a8_shapes(unsigned seed) {
  constexpr std::size_t B = BW::block_size;
  check_w4a8<BW>(1, B, lowp::padding::none, seed);
  check_w4a8<BW>(3, 2 * B, lowp::padding::none, seed + 10);
  check_w4a8<BW>(37, 11 * B, lowp::padding::none, seed + 20);  // primes, 4-row passes and a tail
  check_w4a8<BW>(8, 4096, lowp::padding::none, seed + 30);
  check_w4a8<BW>(5, B + 32, lowp::padding::zero, seed + 40);  // K padded to whole weight blocks
  check_w4a8_per_row<BW>(13, 2 * std::max<std::size_t>(B, 128), seed + 50);
}

}  // namespace

TEST_CASE("gemv W4A8 ggml_q4_0 x int8 on every ISA within the bound of the exact product", "[gemm][gemv]") {
  check_w4a8_shapes<lowp::ggml_q4_0>(100);
}
TEST_CASE("gemv W4A8 int4_g128 x int8 on every ISA within the bound of the exact product", "[gemm][gemv]") {
  check_w4a8_shapes<lowp::int4_g128>(200);
}
TEST_CASE("gemv W4A8 mxfp4 x int8 on every ISA within the bound of the exact product", "[gemm][gemv]") {
  check_w4a8_shapes<lowp::mxfp4>(300);
  check_w4a8<lowp::mxfp4_noclip>(9, 256, lowp::padding::none, 350);
  check_w4a8<lowp::ggml_mxfp4>(9, 256, lowp::padding::none, 360);
}

TEST_CASE("gemv W4A8: int8 extremes (-128) and every weight code are exact per block", "[gemm][gemv]") {
  // All activations -128 or 127 with scale 1 and weights covering every code:
  // each sub-block sum is an integer far from float32's rounding, so every
  // ISA must return the exact value.
  const std::size_t n = 16, k = 256;
  std::vector<std::uint8_t> raw(lowp::reference::raw_bytes<lowp::ggml_q4_0>(n, k));
  std::mt19937 g(5);
  for (auto& b : raw) b = std::uint8_t(g());
  for (std::size_t blk = 0; blk < raw.size() / 18; ++blk) {  // d = 1.0 (float16 0x3C00)
    raw[blk * 18] = 0x00;
    raw[blk * 18 + 1] = 0x3C;
  }
  const lowp::block_matrix_view<lowp::ggml_q4_0> wv(raw.data(), n, k, lowp::padding::none);
  std::vector<std::int8_t> q(k);
  for (std::size_t j = 0; j < k; ++j) q[j] = j % 3 == 0 ? std::int8_t(-128) : std::int8_t(127);
  for (lowp::isa which : lowp::available_isas()) {
    INFO("isa " << lowp::name(which));
    std::vector<float> y(n);
    lowp::gemv(1.0f, wv, lowp::int8_vector{q.data(), k, 1.0f}, 0.0f, y.data(), n, which);
    for (std::size_t r = 0; r < n; ++r) {
      std::int64_t s = 0;
      for (std::size_t j = 0; j < k; ++j) {
        const std::uint8_t byte = raw[r * (k / 32) * 18 + (j / 32) * 18 + 2 + (j % 32) % 16];
        const int c = (j % 32) < 16 ? (byte & 15) : (byte >> 4);
        s += std::int64_t(c - 8) * q[j];
      }
      REQUIRE(double(y[r]) == double(s));
    }
  }
}

TEST_CASE("gemv float32 x float32 on every ISA within the bound of the exact product", "[gemm][gemv]") {
  struct shape {
    std::size_t n, k, lda;
  };
  for (const shape s : {shape{1, 1, 1}, shape{5, 17, 17}, shape{4, 8, 8}, shape{37, 1001, 1003}, shape{64, 4096, 4096},
                        shape{3, 31, 40}}) {
    INFO(s.n << "x" << s.k << " lda " << s.lda);
    const std::vector<float> a = gaussian(s.n * s.lda, unsigned(s.k));
    const std::vector<float> x = gaussian(s.k, unsigned(s.k + 1));
    const std::vector<float> y_old = gaussian(s.n, unsigned(s.k + 2));
    std::vector<float> ad(s.n * s.k);
    for (std::size_t r = 0; r < s.n; ++r)
      for (std::size_t j = 0; j < s.k; ++j) ad[r * s.k + j] = a[r * s.lda + j];
    for (const float beta : {0.0f, -2.0f}) {
      const std::vector<expected_row> want = exact_rows(ad, x, s.n, s.k, 0.5f, beta, y_old, s.k);
      for (lowp::isa which : lowp::available_isas()) {
        INFO("isa " << lowp::name(which) << " beta " << beta);
        std::vector<float> y = y_old;
        if (beta == 0.0f) std::fill(y.begin(), y.end(), std::numeric_limits<float>::quiet_NaN());
        lowp::gemv(0.5f, matrix_view<const float>(a.data(), s.n, s.k, s.lda), x.data(), s.k, beta, y.data(), s.n,
                   which);
        for (std::size_t r = 0; r < s.n; ++r) {
          INFO("row " << r);
          REQUIRE(std::fabs(double(y[r]) - want[r].value) <= want[r].bound);
        }
      }
    }
  }
}

TEST_CASE("gemv W4A8: a NaN weight scale gives NaN rows, others are unaffected", "[gemm][gemv]") {
  const std::size_t n = 6, k = 64;
  const std::vector<float> w = gaussian(n * k, 9);
  std::vector<float> x = gaussian(k, 10);
  lowp::block_tensor<lowp::mxfp4> wt(w, n, k);
  wt.raw()[2 * wt.row_bytes() + 17] = 0xFF;  // row 2, second block: E8M0 NaN
  const lowp::block_matrix_view<lowp::mxfp4> wv(wt);
  for (lowp::isa which : lowp::available_isas()) {
    std::vector<float> y(n);
    lowp::gemv(1.0f, wv, x.data(), k, 0.0f, y.data(), n,
               lowp::gemv_options{lowp::activation_quantization::per_block}, which);
    for (std::size_t r = 0; r < n; ++r) CHECK(std::isnan(y[r]) == (r == 2));
  }
}

TEST_CASE("gemv errors name the argument", "[gemm][gemv]") {
  const std::size_t n = 4, k = 64;
  const std::vector<float> w = gaussian(n * k, 1);
  const lowp::block_tensor<lowp::ggml_q4_0> wt(w, n, k);
  const lowp::block_matrix_view<lowp::ggml_q4_0> wv(wt);
  std::vector<float> x(k), y(n);
  const lowp::gemv_options dyn{lowp::activation_quantization::per_block};
  REQUIRE_THROWS_WITH(lowp::gemv(1.f, wv, x.data(), k - 1, 0.f, y.data(), n, dyn),
                      Catch::Contains("x has 63 elements"));
  REQUIRE_THROWS_WITH(lowp::gemv(1.f, wv, x.data(), k, 0.f, y.data(), n + 1, dyn), Catch::Contains("y has 5"));
  const lowp::block_tensor<lowp::ggml_q8_0> xt(std::vector<float>(32), 1, 32);
  REQUIRE_THROWS_WITH(lowp::gemv(1.f, wv, lowp::block_matrix_view<lowp::ggml_q8_0>(xt), 0.f, y.data(), n),
                      Catch::Contains("x_q8 is 1x32"));
  std::vector<std::int8_t> q(k);
  REQUIRE_THROWS_WITH(lowp::gemv(1.f, wv, lowp::int8_vector{q.data(), 60, 1.f}, 0.f, y.data(), n),
                      Catch::Contains("x has 60"));
  REQUIRE_THROWS_WITH(lowp::gemv(1.f, matrix_view<const float>(w.data(), n, k), x.data(), k, 0.f, y.data(), 3),
                      Catch::Contains("y has 3"));
  // K not a multiple of the block size without padding: the weights cannot be built.
  REQUIRE_THROWS_WITH((lowp::block_tensor<lowp::int4_g128>(std::vector<float>(n * 96), n, 96)),
                      Catch::Contains("cols: K = 96"));
}

// ---- row-interleaved weights (lowp/block/row_interleaved.hpp) -------------------

namespace {

// The packed bytes of the stored N x K weights `raw` (row_bytes per row), by
// the layout's definition: group g, group block b, scales of rows 8g + r at
// r * scale_bytes, then per sub-block s and step t 32 bytes, byte 4r + i
// holding values 32s + 8t + i (low nibble) and 32s + 8t + 4 + i (high).
template <class BW>
std::vector<std::uint8_t> interleave_by_definition(const std::uint8_t* raw, std::size_t n, std::size_t row_bytes) {
  const std::size_t blocks = row_bytes / BW::bytes_per_block, groups = (n + 7) / 8;
  const std::size_t gbb = 8 * BW::bytes_per_block;
  std::vector<std::uint8_t> out(groups * blocks * gbb, 0);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t b = 0; b < blocks; ++b) {
      const std::uint8_t* blk = raw + r * row_bytes + b * BW::bytes_per_block;
      std::uint8_t* gb = out.data() + (r / 8) * blocks * gbb + b * gbb;
      for (std::size_t i = 0; i < BW::scale_bytes; ++i) gb[(r % 8) * BW::scale_bytes + i] = blk[i];
      for (std::size_t j = 0; j < BW::block_size; ++j) {
        // the plain code of value j: ggml's q4_0 / mxfp4 keep value j < 16 of a
        // 32-block in the low nibble of byte j, value j >= 16 in the high
        // nibble of byte j - 16; int4_g128 and OCP MXFP4 keep value j in byte
        // j / 2, low nibble first
        const bool split = std::is_same_v<BW, lowp::ggml_q4_0> || std::is_same_v<BW, lowp::ggml_mxfp4>;
        const std::size_t byte = split ? (j % 16) + 16 * (j / 32) : j / 2;
        const unsigned shift = split ? unsigned((j % 32) / 16) * 4 : unsigned(j % 2) * 4;
        const unsigned code = (blk[BW::scale_bytes + byte] >> shift) & 15u;
        const std::size_t s = j / 32, t = (j % 32) / 8, high = (j % 8) / 4, i = j % 4;
        gb[8 * BW::scale_bytes + 128 * s + 32 * t + 4 * (r % 8) + i] |= std::uint8_t(code << (4 * high));
      }
    }
  return out;
}

bool same_float(float a, float b) { return std::isnan(a) ? std::isnan(b) : std::memcmp(&a, &b, 4) == 0; }

// Row-interleaved weights on every ISA: bit-identical to
// reference::gemv_w4a8 for the layout with every activation form, within
// gamma(K / 32 + 3) of the exact product (so within the sum of both bounds
// of the plain-layout result).
template <class BW>
void check_interleaved(std::size_t n, std::size_t k, lowp::padding pad, unsigned seed) {
  INFO(BW::name << " interleaved " << n << "x" << k);
  const std::vector<float> w = gaussian(n * k, seed);
  const std::vector<float> x = gaussian(k, seed + 1, 2.0f);
  lowp::quantize_options opt;
  opt.pad = pad;
  const lowp::block_tensor<BW> wt(w, n, k, opt);
  const lowp::block_matrix_view<BW> wv(wt);
  const lowp::row_interleaved<BW> wi = lowp::interleave_rows(wv);
  REQUIRE(wi.rows() == n);
  REQUIRE(wi.cols() == k);
  REQUIRE(wi.stored_cols() == wt.row_bytes() / BW::bytes_per_block * BW::block_size);
  const std::vector<std::uint8_t> packed = interleave_by_definition<BW>(wt.raw().data(), n, wt.row_bytes());
  REQUIRE(wi.size_bytes() == packed.size());
  REQUIRE(std::memcmp(wi.data(), packed.data(), packed.size()) == 0);

  const std::vector<float> wd = wt.dequantize();
  lowp::quantize_options xopt;
  xopt.pad = lowp::padding::zero;
  const lowp::block_tensor<lowp::ggml_q8_0> xt(x, 1, k, xopt);
  const lowp::block_matrix_view<lowp::ggml_q8_0> xv(xt);
  const std::vector<float> xd = xt.dequantize();
  const std::size_t kp = wi.stored_cols();
  std::vector<std::int8_t> q(kp, 0);
  std::vector<float> s(kp / 32, 0.0f);
  for (std::size_t j = 0; j < k; ++j) q[j] = std::int8_t(xt.raw()[(j / 32) * 34 + 2 + j % 32]);
  for (std::size_t b = 0; b < (k + 31) / 32; ++b)
    s[b] = lowp::reference::decode<lowp::float16::desc>(lowp::reference::detail::load_le16(&xt.raw()[b * 34]));

  for (const float beta : {0.0f, -0.5f}) {
    const float alpha = 1.25f;
    const std::vector<float> y_old = gaussian(n, seed + 2);
    auto fresh = [&] {
      std::vector<float> y = y_old;
      if (beta == 0.0f) std::fill(y.begin(), y.end(), std::numeric_limits<float>::quiet_NaN());
      return y;
    };
    const std::vector<expected_row> want = exact_rows(wd, xd, n, k, alpha, beta, y_old, (k + 31) / 32);
    std::vector<float> ref = fresh();
    lowp::reference::gemv_w4a8<BW>(alpha, wi, {q.data(), s.data(), kp}, beta, ref.data());
    for (std::size_t r = 0; r < n; ++r) {
      INFO("reference row " << r << " got " << ref[r] << " want " << want[r].value);
      REQUIRE(std::fabs(double(ref[r]) - want[r].value) <= want[r].bound);
    }
    for (lowp::isa which : lowp::available_isas()) {
      INFO("isa " << lowp::name(which) << " beta " << beta);
      std::vector<float> y = fresh(), yd = fresh(), plain = fresh();
      lowp::gemv(alpha, wi, xv, beta, y.data(), y.size(), which);
      lowp::gemv(alpha, wi, x.data(), x.size(), beta, yd.data(), yd.size(),
                 lowp::gemv_options{lowp::activation_quantization::per_block}, which);
      lowp::gemv(alpha, wv, xv, beta, plain.data(), plain.size(), which);
      for (std::size_t r = 0; r < n; ++r) {
        INFO("row " << r << " got " << y[r] << " reference " << ref[r] << " plain layout " << plain[r]);
        REQUIRE(same_float(y[r], ref[r]));
        REQUIRE(same_float(yd[r], ref[r]));
        REQUIRE(std::fabs(double(y[r]) - double(plain[r])) <= 2 * want[r].bound);
      }
    }
  }

  // Per-row activations: int8_vector, and quantize_x = per_row (the
  // reference rule, then the same kernel).
  const float d = 0.03125f;
  std::vector<std::int8_t> qr(k);
  for (std::size_t j = 0; j < k; ++j) qr[j] = std::int8_t(int(j * 37 % 256) - 128);
  std::vector<std::int8_t> qp(kp, 0), qq(kp, 0);
  std::copy(qr.begin(), qr.end(), qp.begin());
  const float dq = lowp::reference::quantize_activations_per_row(std::span<const float>(x), qq.data());
  const std::vector<float> sp(kp / 32, d), sq(kp / 32, dq);
  std::vector<float> ref(n), ref_q(n);
  lowp::reference::gemv_w4a8<BW>(-1.0f, wi, {qp.data(), sp.data(), kp}, 0.0f, ref.data());
  lowp::reference::gemv_w4a8<BW>(0.5f, wi, {qq.data(), sq.data(), kp}, 0.0f, ref_q.data());
  for (lowp::isa which : lowp::available_isas()) {
    INFO("isa " << lowp::name(which) << " per row");
    std::vector<float> y(n), yq(n);
    lowp::gemv(-1.0f, wi, lowp::int8_vector{qr.data(), k, d}, 0.0f, y.data(), n, which);
    lowp::gemv(0.5f, wi, x.data(), k, 0.0f, yq.data(), n, lowp::gemv_options{lowp::activation_quantization::per_row},
               which);
    for (std::size_t r = 0; r < n; ++r) {
      REQUIRE(same_float(y[r], ref[r]));
      REQUIRE(same_float(yq[r], ref_q[r]));
    }
  }
}

// Random raw bytes (every code, every scale encoding: float16 subnormals,
// Inf and NaN, E8M0 0, 1 and 0xFF) and int8 extremes: every ISA returns the
// reference's bits.
template <class BW>
void check_interleaved_raw(std::size_t n, std::size_t k, unsigned seed) {
  INFO(BW::name << " interleaved raw " << n << "x" << k);
  std::vector<std::uint8_t> raw(lowp::reference::raw_bytes<BW>(n, k));
  std::mt19937 g(seed);
  for (auto& b : raw) b = std::uint8_t(g());
  const std::size_t row_bytes = raw.size() / n;
  for (std::size_t blk = 0; blk < raw.size() / BW::bytes_per_block; ++blk) {
    std::uint8_t* p = raw.data() + blk * BW::bytes_per_block;
    if constexpr (BW::scale_bytes == 2) {
      // mostly moderate scales, every 7th block a random float16 (Inf, NaN and subnormals included)
      if (blk % 7 != 0) p[1] = std::uint8_t(0x20 + g() % 0x10);
    } else {
      const std::uint8_t special[] = {0, 1, 2, 0xFE, 0xFF};
      p[0] = blk % 5 == 0 ? special[(blk / 5) % 5] : std::uint8_t(100 + g() % 40);
    }
  }
  const lowp::block_matrix_view<BW> wv(raw.data(), n, k, lowp::padding::none);
  const lowp::row_interleaved<BW> wi(wv);
  REQUIRE(std::memcmp(wi.data(), interleave_by_definition<BW>(raw.data(), n, row_bytes).data(), wi.size_bytes()) ==
          0);
  std::vector<std::int8_t> q(k);
  for (std::size_t j = 0; j < k; ++j) q[j] = j % 5 == 0 ? std::int8_t(-128) : std::int8_t(g());
  const float s_row = std::ldexp(1.0f + float(g() % 1024) / 1024.0f, -9);
  for (const float beta : {0.0f, 3.0f}) {
    const std::vector<float> y_old = gaussian(n, seed + 3);
    // one scale for the whole vector (int8_vector)
    std::vector<float> ref_row = y_old;
    const std::vector<float> s1(k / 32, s_row);
    lowp::reference::gemv_w4a8<BW>(0.75f, wi, {q.data(), s1.data(), k}, beta, ref_row.data());
    // one float16 scale per 32 (x_q8)
    std::vector<std::uint8_t> xq(k / 32 * 34);
    std::vector<float> s16(k / 32);
    for (std::size_t b = 0; b < k / 32; ++b) {
      const std::uint16_t h = std::uint16_t(0x2C00 + g() % 0x1000);
      xq[34 * b] = std::uint8_t(h);
      xq[34 * b + 1] = std::uint8_t(h >> 8);
      s16[b] = lowp::reference::decode<lowp::float16::desc>(h);
      for (std::size_t j = 0; j < 32; ++j) xq[34 * b + 2 + j] = std::uint8_t(q[32 * b + j]);
    }
    std::vector<float> ref_q8 = y_old;
    lowp::reference::gemv_w4a8<BW>(0.75f, wi, {q.data(), s16.data(), k}, beta, ref_q8.data());
    const lowp::block_matrix_view<lowp::ggml_q8_0> xv(xq.data(), 1, k, lowp::padding::none);
    for (lowp::isa which : lowp::available_isas()) {
      INFO("isa " << lowp::name(which) << " beta " << beta);
      std::vector<float> y = y_old, y8 = y_old;
      lowp::gemv(0.75f, wi, lowp::int8_vector{q.data(), k, s_row}, beta, y.data(), n, which);
      lowp::gemv(0.75f, wi, xv, beta, y8.data(), n, which);
      for (std::size_t r = 0; r < n; ++r) {
        INFO("row " << r << " got " << y[r] << " / " << y8[r] << " want " << ref_row[r] << " / " << ref_q8[r]);
        REQUIRE(same_float(y[r], ref_row[r]));
        REQUIRE(same_float(y8[r], ref_q8[r]));
      }
    }
  }
}

template <class BW>
void check_interleaved_shapes(unsigned seed) {
  constexpr std::size_t B = BW::block_size;
  check_interleaved<BW>(1, B, lowp::padding::none, seed);
  check_interleaved<BW>(8, 2 * B, lowp::padding::none, seed + 10);
  check_interleaved<BW>(37, 11 * B, lowp::padding::none, seed + 20);  // odd N: a partial last group
  check_interleaved<BW>(16, 4096, lowp::padding::none, seed + 30);
  check_interleaved<BW>(13, B + 32, lowp::padding::zero, seed + 40);  // K not a multiple of the block
  check_interleaved_raw<BW>(21, 4 * std::max<std::size_t>(B, 64), seed + 50);
}

}  // namespace

TEST_CASE("gemv row_interleaved ggml_q4_0 on every ISA is bit-identical to its reference", "[gemm][gemv]") {
  check_interleaved_shapes<lowp::ggml_q4_0>(500);
}
TEST_CASE("gemv row_interleaved int4_g128 on every ISA is bit-identical to its reference", "[gemm][gemv]") {
  check_interleaved_shapes<lowp::int4_g128>(600);
}
TEST_CASE("gemv row_interleaved MXFP4 formats on every ISA are bit-identical to their reference", "[gemm][gemv]") {
  check_interleaved_shapes<lowp::mxfp4>(700);
  check_interleaved_shapes<lowp::mxfp4_noclip>(750);
  check_interleaved_shapes<lowp::ggml_mxfp4>(800);
}

TEST_CASE("gemv row_interleaved: a NaN weight scale gives a NaN row, others are unaffected", "[gemm][gemv]") {
  const std::size_t n = 11, k = 64;
  lowp::block_tensor<lowp::mxfp4> wt(gaussian(n * k, 21), n, k);
  wt.raw()[9 * wt.row_bytes() + 17] = 0xFF;  // row 9 (second group), second block: E8M0 NaN
  const lowp::row_interleaved<lowp::mxfp4> wi(lowp::block_matrix_view<lowp::mxfp4>{wt});
  const std::vector<float> x = gaussian(k, 22);
  for (lowp::isa which : lowp::available_isas()) {
    std::vector<float> y(n);
    lowp::gemv(1.0f, wi, x.data(), k, 0.0f, y.data(), n, lowp::gemv_options{lowp::activation_quantization::per_block},
               which);
    for (std::size_t r = 0; r < n; ++r) CHECK(std::isnan(y[r]) == (r == 9));
  }
}

TEST_CASE("gemv row_interleaved errors name the argument", "[gemm][gemv]") {
  const std::size_t n = 4, k = 64;
  const lowp::block_tensor<lowp::ggml_q4_0> wt(gaussian(n * k, 1), n, k);
  const lowp::block_matrix_view<lowp::ggml_q4_0> wv(wt);
  REQUIRE_THROWS_WITH(lowp::interleave_rows(wv.transposed()), Catch::Contains("w is a transposed view"));
  const lowp::row_interleaved<lowp::ggml_q4_0> wi(wv);
  std::vector<float> x(k), y(n);
  const lowp::gemv_options dyn{lowp::activation_quantization::per_block};
  REQUIRE_THROWS_WITH(lowp::gemv(1.f, wi, x.data(), k - 1, 0.f, y.data(), n, dyn),
                      Catch::Contains("x has 63 elements"));
  REQUIRE_THROWS_WITH(lowp::gemv(1.f, wi, x.data(), k, 0.f, y.data(), n + 1, dyn), Catch::Contains("y has 5"));
  REQUIRE_THROWS_WITH(lowp::gemv(1.f, wi, x.data(), k, 0.f, y.data(), n, lowp::gemv_options{}),
                      Catch::Contains("options.quantize_x is none"));
  const lowp::block_tensor<lowp::ggml_q8_0> xt(std::vector<float>(32), 1, 32);
  REQUIRE_THROWS_WITH(lowp::gemv(1.f, wi, lowp::block_matrix_view<lowp::ggml_q8_0>(xt), 0.f, y.data(), n),
                      Catch::Contains("x_q8 is 1x32"));
  std::vector<std::int8_t> q(k);
  REQUIRE_THROWS_WITH(lowp::gemv(1.f, wi, lowp::int8_vector{q.data(), 60, 1.f}, 0.f, y.data(), n),
                      Catch::Contains("x has 60"));
  std::vector<float> s(1);
  REQUIRE_THROWS_WITH(lowp::reference::gemv_w4a8<lowp::ggml_q4_0>(1.f, wi, {q.data(), s.data(), 32}, 0.f, y.data()),
                      Catch::Contains("x: 32 activations"));
}

// The portable forms of the float32 and weight-only GEMV kernels (what an ISA
// without vector code for them runs; never a no-op), against double sums of
// the decoded weights.
TEMPLATE_TEST_CASE("gemv kernels: portable float32 and weight-only forms compute y", "[gemm][gemv]", lowp::ggml_q4_0,
                   lowp::int4_g128, lowp::mxfp4) {
  using BF = TestType;
  INFO(BF::name);
  constexpr std::size_t n = 5, k = 256;
  std::mt19937 g(7);
  std::normal_distribution<float> d(0.f, 1.f);
  std::vector<float> w(n * k), x(k), y(n), y0(n);
  for (auto& v : w) v = d(g);
  for (auto& v : x) v = d(g);
  for (auto& v : y0) v = d(g);

  // float32: y = 0.5 a x - 2 y
  y = y0;
  lowp::kernels::gemv_kernel::f32<lowp::simd::scalar>({}, w.data(), k, n, k, x.data(), 0.5f, -2.0f, y.data());
  for (std::size_t r = 0; r < n; ++r) {
    double s = 0;
    for (std::size_t j = 0; j < k; ++j) s += double(w[r * k + j]) * x[j];
    CHECK(std::fabs(y[r] - (0.5 * s - 2.0 * y0[r])) <= 1e-4 * (1 + std::fabs(s)));
  }

  // weight-only: BF weights, float x in the stored nibble order.
  const lowp::block_tensor<BF> t(w, n, k);
  std::vector<float> wd(n * k);
  t.dequantize(wd);
  std::vector<float> xf(k);
  for (std::size_t j = 0; j < k; ++j) xf[j - j % 32 + lowp::kernels::detail::nibble_order<BF>(j)] = x[j];
  y = y0;
  lowp::kernels::gemv_kernel::w4f32<lowp::simd::scalar, BF>({}, t.raw().data(), t.row_bytes(), n, xf.data(), k,
                                                             1.0f, 0.0f, y.data());
  for (std::size_t r = 0; r < n; ++r) {
    double s = 0, mag = 0;
    for (std::size_t j = 0; j < k; ++j) {
      s += double(wd[r * k + j]) * x[j];
      mag += std::fabs(double(wd[r * k + j]) * x[j]);
    }
    CHECK(std::fabs(y[r] - s) <= 1e-5 * (1 + mag));
  }
}
