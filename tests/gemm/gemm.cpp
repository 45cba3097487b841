#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "lowp/block/formats.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/isa.hpp"
#include "lowp/kernels/gemm.hpp"
#include "lowp/reference/gemm.hpp"

namespace {

using lowp::matrix_view;

template <class T>
struct storage {
  // Elements of T, packed when T is narrower than a byte.
  std::vector<std::conditional_t<lowp::detail::is_packed_v<T>, std::uint8_t, T>> data;
  std::size_t count;
  explicit storage(std::size_t n)
      : data(lowp::detail::is_packed_v<T> ? lowp::packed_bytes<T>(n) : n), count(n) {}
};

template <class T>
T random_element(std::mt19937& g) {
  std::uniform_int_distribution<int> d(0, 255);
  if constexpr (std::is_same_v<T, float>) return std::uniform_real_distribution<float>(-2.f, 2.f)(g);
  else if constexpr (std::is_same_v<T, std::int8_t>) return std::int8_t(d(g) - 128);
  else if constexpr (std::is_same_v<T, std::uint8_t>) return std::uint8_t(d(g));
  else {
    // Random finite code of the format.
    for (;;) {
      T t = T::from_bits(typename T::storage_type(d(g) & ((1 << lowp::bit_width_v<T>) - 1)));
      if (std::isfinite(float(t))) return t;
    }
  }
}

template <class T>
matrix_view<T> fill(storage<T>& s, std::size_t rows, std::size_t cols, std::mt19937& g) {
  matrix_view<T> v(s.data.data(), rows, cols);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) v(i, j) = random_element<T>(g);
  return v;
}

// C (M x N) from A (M x K) and B (K x N) on every available ISA against the
// exact reference. B is stored N x K (weights layout) and viewed transposed
// when transpose_b; C is written through a column-major view when
// col_major_c.
template <class TA, class TB>
void check_gemm(std::size_t M, std::size_t N, std::size_t K, bool transpose_b, std::uint32_t seed,
                bool col_major_c = false) {
  using TC = lowp::gemm_output_t<matrix_view<const TA>, matrix_view<const TB>>;
  std::mt19937 g(seed);
  storage<TA> as(M * K);
  storage<TB> bs(K * N);
  auto a = fill(as, M, K, g);
  auto b = transpose_b ? fill(bs, N, K, g).transposed() : fill(bs, K, N, g);
  std::vector<TC> c0(M * N);
  for (auto& x : c0) x = TC(std::uniform_int_distribution<int>(-3, 3)(g));
  auto view = [&](std::vector<TC>& v) {
    return col_major_c ? matrix_view<TC>(v.data(), N, M).transposed() : matrix_view<TC>(v.data(), M, N);
  };
  for (TC beta : {TC(0), TC(1), TC(-2)}) {
    const TC alpha = std::is_same_v<TC, float> ? TC(0.75f) : TC(3);
    auto r = c0;
    matrix_view<TC> rv = view(r);
    lowp::reference::gemm<TA, TB, TC>(alpha, a, b, beta, rv);
    for (lowp::isa which : lowp::available_isas()) {
      auto c = c0;
      matrix_view<TC> cv = view(c);
      lowp::gemm(alpha, matrix_view<const TA>(a), matrix_view<const TB>(b), beta, cv, which);
      for (std::size_t i = 0; i < M; ++i)
        for (std::size_t j = 0; j < N; ++j) {
          INFO(lowp::element_name<TA>() << " x " << lowp::element_name<TB>() << " " << M << "x" << N << "x" << K
                                        << " beta " << double(beta) << " isa " << lowp::name(which) << " at " << i
                                        << "," << j);
          if constexpr (std::is_same_v<TC, float>) {
            const double bound =
                lowp::reference::gemm_error_bound<TA, TB>(alpha, a, b, beta, float(view(c0)(i, j)), i, j);
            REQUIRE(std::fabs(double(cv(i, j)) - double(rv(i, j))) <= bound);
          } else {
            REQUIRE(cv(i, j) == rv(i, j));
          }
        }
    }
  }
}

template <class TA, class TB>
void check_shapes() {
  struct shape { std::size_t m, n, k; };
  // 1x1x1, primes, K = 0, K crossing the fast path's KC (384), M crossing its
  // MC (144), N crossing whole NR panels and NC (4096).
  for (shape s : {shape{1, 1, 1}, shape{7, 13, 29}, shape{5, 3, 0}, shape{17, 9, 300}, shape{70, 11, 33},
                  shape{3, 35, 390}, shape{150, 4, 20}, shape{2, 4100, 3}})
    for (bool t : {false, true}) check_gemm<TA, TB>(s.m, s.n, s.k, t, std::uint32_t(s.m * 1000 + s.k));
  check_gemm<TA, TB>(9, 21, 17, true, 5, true);
}

}  // namespace

TEST_CASE("gemm float32 x float32 within the error bound of the exact product", "[gemm]") {
  check_shapes<float, float>();
}

TEST_CASE("gemm int8 x int8 and uint8 x int8 are exact in int32", "[gemm]") {
  check_shapes<std::int8_t, std::int8_t>();
  check_shapes<std::uint8_t, std::int8_t>();
}

TEST_CASE("gemm with narrow weights decoded in the packing", "[gemm]") {
  check_shapes<float, lowp::float8_e4m3fn>();
  check_shapes<float, lowp::int4>();
  check_shapes<float, lowp::float4_e2m1fn>();
  check_shapes<float, lowp::float6_e3m2fn>();
  check_shapes<lowp::float8_e4m3fn, lowp::float8_e5m2>();
  check_shapes<std::int8_t, lowp::int4>();
  // Weights stored N x K are packed one NR panel at a time by the first MC
  // block of A and reused by the later ones: M crossing MC, N over several
  // whole panels and a partial one, K crossing KC (each KC block repacked).
  check_gemm<float, lowp::float8_e4m3fn>(150, 37, 400, true, 11);
  check_gemm<float, lowp::int4>(150, 37, 400, true, 12);
  check_gemm<lowp::float8_e4m3fn, lowp::float8_e5m2>(150, 37, 400, true, 13);
}

TEST_CASE("gemm exact reference: cancellation is resolved exactly", "[gemm]") {
  // 2^30 + 1 - 2^30 in float loses the 1 in a naive sum; the oracle keeps it.
  float a[3] = {0x1p30f, 1.f, -0x1p30f};
  float b[3] = {1.f, 1.f, 1.f};
  float c = 0;
  lowp::reference::gemm<float, float, float>(1.f, matrix_view<const float>(a, 1, 3),
                                             matrix_view<const float>(b, 3, 1), 0.f, matrix_view<float>(&c, 1, 1));
  REQUIRE(c == 1.f);
}

TEST_CASE("gemm with beta = 0 does not read C", "[gemm]") {
  // NaN in C would survive 0 * NaN; a C of 7 x 20 covers full and partial tiles.
  std::vector<float> a(7 * 3), b(3 * 20), c(7 * 20);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = float(i % 5);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = float(i % 3) - 1;
  for (lowp::isa which : lowp::available_isas()) {
    INFO(lowp::name(which));
    std::fill(c.begin(), c.end(), std::numeric_limits<float>::quiet_NaN());
    lowp::gemm(1.f, matrix_view<const float>(a.data(), 7, 3), matrix_view<const float>(b.data(), 3, 20), 0.f,
               matrix_view<float>(c.data(), 7, 20), which);
    for (std::size_t i = 0; i < 7; ++i)
      for (std::size_t j = 0; j < 20; ++j) {
        float sum = 0;
        for (std::size_t k = 0; k < 3; ++k) sum += a[i * 3 + k] * b[k * 20 + j];
        REQUIRE(c[i * 20 + j] == sum);  // small integers: exact in any order
      }
  }
}

TEST_CASE("gemm rejects bad arguments with a message naming them", "[gemm]") {
  std::vector<float> a(6), b(12), c(8);
  using Catch::Matchers::Contains;
  REQUIRE_THROWS_WITH(lowp::gemm(1.f, matrix_view<const float>(a.data(), 2, 3), matrix_view<const float>(b.data(), 4, 3),
                                 0.f, matrix_view<float>(c.data(), 2, 3)),
                      Contains("A.cols() must equal B.rows()"));
  REQUIRE_THROWS_WITH(lowp::gemm(1.f, matrix_view<const float>(a.data(), 2, 3), matrix_view<const float>(b.data(), 3, 4),
                                 0.f, matrix_view<float>(c.data(), 2, 3)),
                      Contains("C is 2x3 but A * B is 2x4"));
  REQUIRE_THROWS_WITH(lowp::gemm(1.f, matrix_view<const float>(a.data(), 2, 3), matrix_view<const float>(b.data(), 3, 2),
                                 0.f, matrix_view<float>(a.data() + 2, 2, 2)),
                      Contains("C overlaps A"));
  REQUIRE_THROWS_AS(lowp::gemv(1.f, matrix_view<const float>(a.data(), 2, 3), b.data(), 4, 0.f, c.data(), 2),
                    lowp::error);
  REQUIRE_THROWS_WITH(lowp::gemv(1.f, matrix_view<const float>(a.data(), 2, 3), b.data(), 3, 0.f, c.data(), 5),
                      Contains("y has 5 elements"));
}

TEST_CASE("gemv matches the reference", "[gemm]") {
  std::mt19937 g(7);
  storage<lowp::int4> w(37 * 41);
  auto a = fill(w, 37, 41, g);
  std::vector<float> x(41), y(37, 1.f), r(37, 1.f);
  for (auto& v : x) v = random_element<float>(g);
  lowp::gemv(2.f, matrix_view<const lowp::int4>(a), x.data(), x.size(), 0.5f, y.data(), y.size());
  lowp::reference::gemm<lowp::int4, float, float>(2.f, a, matrix_view<const float>(x.data(), 41, 1), 0.5f,
                                                  matrix_view<float>(r.data(), 37, 1));
  for (std::size_t i = 0; i < 37; ++i) {
    const double bound = lowp::reference::gemm_error_bound<lowp::int4, float>(
        2.f, a, matrix_view<const float>(x.data(), 41, 1), 0.5f, 1.f, i, 0);
    REQUIRE(std::fabs(y[i] - r[i]) <= bound);
  }
}

namespace {

// Block-format weights (stored N x K, blocks along K) times activations A
// (M x K, float or another block format), against the float reference on the
// dequantized operands: the block decoding itself is checked against ggml
// and OCP elsewhere.
template <class BW, class BA = void>
void check_block_gemm(std::size_t M, std::size_t N, std::size_t K) {
  std::mt19937 g(unsigned(M * 131 + N * 7 + K));
  std::normal_distribution<float> d(0.f, 1.f);
  std::vector<float> w(N * K), x(M * K);
  for (auto& v : w) v = d(g);
  for (auto& v : x) v = d(g);
  lowp::quantize_options opt;
  opt.pad = lowp::padding::zero;
  lowp::block_tensor<BW> wq(w, N, K, opt);
  const std::vector<float> wd = wq.dequantize();
  std::vector<float> xd = x;
  std::vector<float> r(M * N, 1.f);
  const lowp::block_matrix_view<BW> wv(wq);
  std::conditional_t<std::is_void_v<BA>, int, lowp::block_tensor<BA>> xq{};
  if constexpr (!std::is_void_v<BA>) {
    xq = lowp::block_tensor<BA>(x, M, K, opt);
    xd = xq.dequantize();
  }
  const matrix_view<const float> av(xd.data(), M, K), bv = matrix_view<const float>(wd.data(), N, K).transposed();
  lowp::reference::gemm<float, float, float>(1.5f, av, bv, 0.5f, matrix_view<float>(r.data(), M, N));
  for (lowp::isa which : lowp::available_isas()) {
    std::vector<float> c(M * N, 1.f);
    if constexpr (std::is_void_v<BA>)
      lowp::gemm(1.5f, matrix_view<const float>(x.data(), M, K), wv.transposed(), 0.5f,
                 matrix_view<float>(c.data(), M, N), which);
    else
      lowp::gemm(1.5f, lowp::block_matrix_view<BA>(xq), wv.transposed(), 0.5f, matrix_view<float>(c.data(), M, N),
                 which);
    for (std::size_t i = 0; i < M; ++i)
      for (std::size_t j = 0; j < N; ++j) {
        INFO(BW::name << " " << M << "x" << N << "x" << K << " isa " << lowp::name(which) << " at " << i << "," << j);
        const double bound = lowp::reference::gemm_error_bound<float, float>(1.5f, av, bv, 0.5f, 1.f, i, j);
        REQUIRE(std::fabs(double(c[i * N + j]) - double(r[i * N + j])) <= bound);
      }
  }
}

}  // namespace

TEST_CASE("gemm with block-format weights decodes whole blocks in the packing", "[gemm]") {
  check_block_gemm<lowp::mxfp4>(5, 7, 64);
  check_block_gemm<lowp::mxfp4>(3, 9, 544);  // crosses a KC boundary
  check_block_gemm<lowp::mxfp4>(150, 17, 800);  // crosses MC and KC, partial panels
  check_block_gemm<lowp::nvfp4>(4, 5, 48);
  check_block_gemm<lowp::ggml_q4_0>(6, 3, 96);
  check_block_gemm<lowp::mxfp8_e4m3>(2, 2, 40);  // K padded to 64
  check_block_gemm<lowp::mxfp6_e3m2>(3, 4, 32);
}

TEST_CASE("gemm W4A8: 4-bit block weights times int8 block activations", "[gemm]") {
  check_block_gemm<lowp::ggml_q4_0, lowp::ggml_q8_0>(4, 6, 128);
  check_block_gemm<lowp::mxfp4, lowp::mxint8>(5, 3, 96);
}
