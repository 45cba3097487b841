// The integer fast path of lowp::gemm (kernels/gemm_int8.hpp) on every
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
#include "lowp/simd/dispatch.hpp"

namespace {

using lowp::matrix_view;

// Storage of rows x cols elements of T (packed when T is narrower than a byte).
template <class T>
struct storage {
  static constexpr bool packed = lowp::detail::is_packed_v<T>;
  std::vector<std::conditional_t<packed, std::uint8_t, T>> data;
  matrix_view<T> view;
  storage(std::size_t rows, std::size_t cols)
      : data(packed ? lowp::packed_bytes<T>(rows * cols) : rows * cols), view(data.data(), rows, cols) {}
};

template <class T>
T random_element(std::mt19937& g) {
  if constexpr (std::is_same_v<T, std::int8_t>) return std::int8_t(std::uniform_int_distribution<int>(-128, 127)(g));
  else if constexpr (std::is_same_v<T, std::uint8_t>) return std::uint8_t(std::uniform_int_distribution<int>(0, 255)(g));
  else return T::from_bits(typename T::storage_type(std::uniform_int_distribution<int>(0, (1 << lowp::bit_width_v<T>) - 1)(g)));
}

template <class T>
void fill_random(matrix_view<T> v, std::mt19937& g) {
  for (std::size_t i = 0; i < v.rows(); ++i)
    for (std::size_t j = 0; j < v.cols(); ++j) v(i, j) = random_element<T>(g);
}

// How an operand is laid out in memory.
enum class layout { row_major, col_major, sub_view, strided };
const char* layout_name(layout l) {
  switch (l) {
    case layout::row_major: return "row-major";
    case layout::col_major: return "column-major";
    case layout::sub_view: return "sub-view";
    case layout::strided: return "strided";
  }
  return "?";
}

// A rows x cols operand of random elements laid out as `l`; storage kept in `s`.
template <class T>
matrix_view<const T> make_operand(std::vector<storage<T>>& s, std::size_t rows, std::size_t cols, layout l,
                                  std::mt19937& g) {
  s.reserve(4);
  switch (l) {
    case layout::row_major: {
      s.emplace_back(rows, cols);
      fill_random(s.back().view, g);
      return s.back().view;
    }
    case layout::col_major: {
      s.emplace_back(cols, rows);
      fill_random(s.back().view, g);
      return s.back().view.transposed();
    }
    case layout::sub_view: {  // rows x cols inside a larger matrix, at an offset of 8k elements (byte boundary if packed)
      s.emplace_back(rows + 3, (cols + 9 + 7) / 8 * 8);
      fill_random(s.back().view, g);
      return s.back().view.block(2, 8, rows, cols);
    }
    case layout::strided: {  // every other column of every third row
      s.emplace_back(rows * 3 + 1, cols * 2 + 1);
      fill_random(s.back().view, g);
      auto v = s.back().view;
      return matrix_view<T>::strided(v.data(), rows, cols, v.row_stride() * 3, 2);
    }
  }
  return {};
}

struct gemm_case {
  std::size_t m, n, k;
  layout la = layout::row_major, lb = layout::row_major;
  std::int32_t alpha = 1, beta = 0;
};

template <class TA, class TB>
void check_on(lowp::isa which, const gemm_case& t, std::uint32_t seed) {
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
  lowp::gemm(t.alpha, a, b, t.beta, cv, which);
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

// f(isa) on every available ISA; on avx2 and avx512bw both with and without
// VNNI, and on avx2 without VNNI in both the direct and Winograd's form.
template <class F>
void each_kernel(F&& f) {
  using lowp::kernels::igemm_winograd_choice;
  for (lowp::isa which : lowp::available_isas()) {
    f(which);
    if (which != lowp::isa::avx2 && which != lowp::isa::avx512bw) continue;
    lowp::kernels::detail::igemm_allow_vnni() = false;
    if (which == lowp::isa::avx2) {
      for (igemm_winograd_choice w : {igemm_winograd_choice::always, igemm_winograd_choice::never}) {
        lowp::kernels::detail::igemm_winograd() = w;
        INFO("without VNNI, Winograd's form: " << (w == igemm_winograd_choice::always ? "always" : "never"));
        f(which);
      }
      lowp::kernels::detail::igemm_winograd() = igemm_winograd_choice::automatic;
    } else {
      INFO("without VNNI");
      f(which);
    }
    lowp::kernels::detail::igemm_allow_vnni() = true;
  }
}

template <class TA, class TB>
void check_all(const gemm_case& t, std::uint32_t seed) {
  each_kernel([&](lowp::isa which) { check_on<TA, TB>(which, t, seed); });
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
  each_kernel([&](lowp::isa which) {
    INFO(lowp::name(which));
    std::int32_t c = 12345;
    lowp::gemm(1, matrix_view<const std::uint8_t>(a, 1, 2), matrix_view<const std::int8_t>(b, 2, 1), 0,
               matrix_view<std::int32_t>(&c, 1, 1), which);
    REQUIRE(c == 64770);
    lowp::gemm(1, matrix_view<const std::uint8_t>(a, 1, 2), matrix_view<const std::int8_t>(bn, 2, 1), 0,
               matrix_view<std::int32_t>(&c, 1, 1), which);
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
  each_kernel([&](lowp::isa which) {
    for (std::int32_t alpha : {1, 7}) {
      INFO(lowp::name(which) << " alpha " << alpha);
      std::vector<std::int32_t> c(M * N, -1), r(M * N, -1);
      lowp::gemm(alpha, av, bv, 0, matrix_view<std::int32_t>(c.data(), M, N), which);
      lowp::reference::gemm<std::uint8_t, std::int8_t, std::int32_t>(alpha, av, bv, 0,
                                                                      matrix_view<std::int32_t>(r.data(), M, N));
      REQUIRE(c == r);
      REQUIRE(c[0] == std::int32_t(std::uint32_t(col0) * std::uint32_t(alpha)));
    }
  });
}

TEST_CASE("gemm integer fast path: beta = 0 ignores whatever C holds", "[gemm][gemm_int8]") {
  const std::int8_t a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
  each_kernel([&](lowp::isa which) {
    INFO(lowp::name(which));
    std::int32_t c[4] = {std::numeric_limits<std::int32_t>::min(), -1, 0x5a5a5a5a, std::numeric_limits<std::int32_t>::max()};
    lowp::gemm(2, matrix_view<const std::int8_t>(a, 2, 2), matrix_view<const std::int8_t>(b, 2, 2), 0,
               matrix_view<std::int32_t>(c, 2, 2), which);
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
