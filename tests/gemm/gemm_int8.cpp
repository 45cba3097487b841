// The integer fast path of lowp::gemm (kernels/gemm/int8.hpp) on every
// available ISA, bit for bit against reference::gemm.

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "lowp/error.hpp"
#include "lowp/kernels/gemm.hpp"
#include "lowp/reference/gemm.hpp"
#include "lowp/dispatch/dispatch.hpp"
#include "operands.hpp"

namespace {

using lowp::matrix_view;

using lowp_test::layout;
using lowp_test::layout_name;
using lowp_test::make_operand;
using lowp_test::storage;

struct gemm_case {
  std::size_t m, n, k;
  layout la = layout::row_major, lb = layout::row_major;
  std::int32_t alpha = 1, beta = 0;
};

template <class TA, class TB>
void check_on(lowp::isa which, const lowp::gemm_options& options, const gemm_case& t, std::uint32_t seed) {
  std::mt19937 g(seed);
  std::vector<storage<TA>> as;
  std::vector<storage<TB>> bs;
  const auto a = make_operand<TA>(as, t.m, t.k, t.la, g);
  const auto b = make_operand<TB>(bs, t.k, t.n, t.lb, g);
  // C: a sub-view of a larger matrix (row stride != N); entries outside it must stay as they are.
  const std::size_t ldc = t.n + 3;
  std::vector<std::int32_t> c0(t.m * ldc + 1);
  for (auto& x : c0) x = std::int32_t(g());
  auto c = c0, r = c0;
  matrix_view<std::int32_t> cv(c.data(), t.m, t.n, ldc), rv(r.data(), t.m, t.n, ldc);
  lowp::gemm(t.alpha, a, b, t.beta, cv, which, options);
  lowp::reference::gemm<TA, TB, std::int32_t>(t.alpha, a, b, t.beta, rv);
  INFO(lowp::element_name<TA>() << " x " << lowp::element_name<TB>() << " on " << lowp::name(which) << ": " << t.m
                                << "x" << t.n << "x" << t.k << ", A " << layout_name(t.la) << ", B "
                                << layout_name(t.lb) << ", alpha " << t.alpha << ", beta " << t.beta);
  std::size_t wrong = 0, first = 0;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c[i] != r[i] && wrong++ == 0) first = i;
  INFO("first mismatch at storage index " << first << ": " << c[first] << " != " << r[first]);
  REQUIRE(wrong == 0);
}

using lowp_test::each_kernel;

template <class TA, class TB>
void check_all(const gemm_case& t, std::uint32_t seed) {
  each_kernel([&](lowp::isa which, const lowp::gemm_options& options) { check_on<TA, TB>(which, options, t, seed); });
}

// big: also a case with M across the row block (slow for the reference on
// packed operands, so run for byte operands only).
template <class TA, class TB>
void check_shapes(bool big = true) {
  const gemm_case cases[] = {
      {1, 1, 1},
      {7, 13, 29},
      {6, 16, 2},
      {12, 32, 64},
      {5, 3, 0, layout::row_major, layout::row_major, 2, 3},
      {13, 35, 513},                                          // K crosses KC with an odd tail
      {200, 37, 1100, layout::row_major, layout::row_major, -3, 1},  // M crosses MC, K crosses KC twice
      {6, 19, 4103, layout::col_major, layout::row_major, 1, 3},     // K crosses the Winograd KC (2048) twice
      {11, 50, 31, layout::col_major, layout::col_major, 1, -2},
      {9, 19, 40, layout::sub_view, layout::strided, 5, 7},
      {17, 33, 45, layout::strided, layout::sub_view, -1, 0},
      {25, 18, 77, layout::row_major, layout::col_major, 2, 1},
  };
  std::uint32_t seed = 1;
  for (const gemm_case& t : cases)
    if (big || t.m * t.n * t.k < 1000000) check_all<TA, TB>(t, seed++);
}

}  // namespace

TEST_CASE("gemm integer fast path: uint8 x int8 exact on every ISA", "[gemm][gemm_int8]") {
  check_shapes<std::uint8_t, std::int8_t>();
}

TEST_CASE("gemm integer fast path: int8 x int8 and uint8 x uint8 exact on every ISA", "[gemm][gemm_int8]") {
  check_shapes<std::int8_t, std::int8_t>();
  check_shapes<std::uint8_t, std::uint8_t>();
  check_shapes<std::int8_t, std::uint8_t>();
}

TEST_CASE("gemm integer fast path: packed and intn operands exact on every ISA", "[gemm][gemm_int8]") {
  check_shapes<lowp::int4, std::int8_t>(false);
  check_shapes<std::uint8_t, lowp::int4>(false);
  check_shapes<lowp::uint4, lowp::int2>(false);
  check_shapes<lowp::int8, lowp::uint8>(false);
  check_shapes<lowp::uint2, std::int8_t>(false);
}

// The vector panel packing (8-bit operands with depths contiguous, or rows
// contiguous in whole panels) against element-by-element packing: every depth
// tail of its 8-depth steps, odd depths, whole and partial panels of every
// tile shape (MR 4, 12; NR 24, 32), each layout of each operand.
TEST_CASE("gemm integer fast path: vector panel packing for every depth tail and layout", "[gemm][gemm_int8]") {
  std::uint32_t seed = 500;
  for (std::size_t k : {1, 2, 3, 7, 8, 9, 15, 16, 17, 30, 511, 512, 514, 1033})
    for (layout la : {layout::row_major, layout::col_major, layout::sub_view})
      for (layout lb : {layout::row_major, layout::col_major, layout::strided}) {
        check_all<std::uint8_t, std::int8_t>({24, 96, k, la, lb, 1, 0}, seed++);
        check_all<std::int8_t, std::uint8_t>({13, 41, k, la, lb, -1, 2}, seed++);
      }
}

TEST_CASE("gemm integer fast path: N crosses the column block", "[gemm][gemm_int8]") {
  check_all<std::uint8_t, std::int8_t>({5, 4100, 3, layout::row_major, layout::row_major, 1, 1}, 99);
  check_all<std::int8_t, std::int8_t>({3, 4099, 5, layout::row_major, layout::col_major, 2, 0}, 98);
}

TEST_CASE("gemm integer fast path: no int16 saturation of 255 x 127 + 255 x 127", "[gemm][gemm_int8]") {
  // VPMADDUBSW would saturate this pair sum to 32767 (Intel SDM, PMADDUBSW).
  const std::uint8_t a[2] = {255, 255};
  const std::int8_t b[2] = {127, 127};
  const std::int8_t bn[2] = {-128, -128};
  each_kernel([&](lowp::isa which, const lowp::gemm_options& options) {
    INFO(lowp::name(which));
    std::int32_t c = 12345;
    lowp::gemm(1, matrix_view<const std::uint8_t>(a, 1, 2), matrix_view<const std::int8_t>(b, 2, 1), 0,
               matrix_view<std::int32_t>(&c, 1, 1), which, options);
    REQUIRE(c == 64770);
    lowp::gemm(1, matrix_view<const std::uint8_t>(a, 1, 2), matrix_view<const std::int8_t>(bn, 2, 1), 0,
               matrix_view<std::int32_t>(&c, 1, 1), which, options);
    REQUIRE(c == -65280);
  });
}

TEST_CASE("gemm integer fast path: long K wraps modulo 2^32 like the reference", "[gemm][gemm_int8]") {
  // A all 255, B a mix of 127 and -128: |sum| exceeds 2^31 past K ~ 66000.
  const std::size_t M = 3, N = 5, K = 140001;
  std::vector<std::uint8_t> a(M * K, 255);
  std::vector<std::int8_t> b(K * N);
  for (std::size_t k = 0; k < K; ++k)
    for (std::size_t j = 0; j < N; ++j) b[k * N + j] = j == 0 || (j == 3 && k % 3 == 0) ? std::int8_t(-128) : std::int8_t(127);
  const matrix_view<const std::uint8_t> av(a.data(), M, K);
  const matrix_view<const std::int8_t> bv(b.data(), K, N);
  // Column 0 by hand: 255 * -128 * K mod 2^32.
  const std::int32_t col0 = std::int32_t(std::uint32_t(std::int64_t(255) * -128 * std::int64_t(K)));
  each_kernel([&](lowp::isa which, const lowp::gemm_options& options) {
    for (std::int32_t alpha : {1, 7}) {
      INFO(lowp::name(which) << " alpha " << alpha);
      std::vector<std::int32_t> c(M * N, -1), r(M * N, -1);
      lowp::gemm(alpha, av, bv, 0, matrix_view<std::int32_t>(c.data(), M, N), which, options);
      lowp::reference::gemm<std::uint8_t, std::int8_t, std::int32_t>(alpha, av, bv, 0,
                                                                      matrix_view<std::int32_t>(r.data(), M, N));
      REQUIRE(c == r);
      REQUIRE(c[0] == std::int32_t(std::uint32_t(col0) * std::uint32_t(alpha)));
    }
  });
}

TEST_CASE("gemm integer fast path: beta = 0 ignores whatever C holds", "[gemm][gemm_int8]") {
  const std::int8_t a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
  each_kernel([&](lowp::isa which, const lowp::gemm_options& options) {
    INFO(lowp::name(which));
    std::int32_t c[4] = {std::numeric_limits<std::int32_t>::min(), -1, 0x5a5a5a5a, std::numeric_limits<std::int32_t>::max()};
    lowp::gemm(2, matrix_view<const std::int8_t>(a, 2, 2), matrix_view<const std::int8_t>(b, 2, 2), 0,
               matrix_view<std::int32_t>(c, 2, 2), which, options);
    REQUIRE(c[0] == 2 * 19);
    REQUIRE(c[1] == 2 * 22);
    REQUIRE(c[2] == 2 * 43);
    REQUIRE(c[3] == 2 * 50);
  });
}

TEST_CASE("gemm integer fast path: argument errors", "[gemm][gemm_int8]") {
  std::vector<std::int8_t> a(12), b(12);
  std::vector<std::int32_t> c(16);
  const matrix_view<const std::int8_t> a34(a.data(), 3, 4), b34(b.data(), 3, 4), b43(b.data(), 4, 3);
  REQUIRE_THROWS_AS(lowp::gemm(1, a34, b34, 0, matrix_view<std::int32_t>(c.data(), 3, 4)), lowp::error);
  REQUIRE_THROWS_WITH(lowp::gemm(1, a34, b43, 0, matrix_view<std::int32_t>(c.data(), 4, 3)),
                      Catch::Contains("C is 4x3"));
  // C overlapping A: the int8 storage seen as int32.
  std::vector<std::int32_t> shared(16);
  const matrix_view<const std::int8_t> a_in_c(reinterpret_cast<const std::int8_t*>(shared.data()), 3, 4);
  REQUIRE_THROWS_WITH(lowp::gemm(1, a_in_c, b43, 0, matrix_view<std::int32_t>(shared.data(), 3, 3)),
                      Catch::Contains("C overlaps A"));
  const matrix_view<const std::int8_t> b_in_c(reinterpret_cast<const std::int8_t*>(shared.data() + 8), 4, 3);
  REQUIRE_THROWS_WITH(lowp::gemm(1, a34, b_in_c, 0, matrix_view<std::int32_t>(shared.data(), 3, 3)),
                      Catch::Contains("C overlaps B"));
}
