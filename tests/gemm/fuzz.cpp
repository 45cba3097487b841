// A randomized differential tier of lowp::gemm: random element types (byte,
// packed integer, float32 and narrow float operands), shapes (tails of every
// tile and block, K across the cache blocks), operand and C layouts, alpha,
// beta and thread counts, on every available ISA and integer kernel variant,
// against reference::gemm: bit for bit for integer operands, within
// reference::gemm_error_bound for float ones, and no element of C's storage
// outside the view touched.
//
// The default run draws a few dozen cases from a fixed seed; the hidden tier
// draws LOWP_FUZZ_CASES (20000) from Catch's --rng-seed:
//   lowp_tests "[.fuzz]" --rng-seed 12345        (./run test-fuzz: a new seed each run)
// A failure prints the case and its case seed, which runs it alone:
//   LOWP_FUZZ_CASE=<case seed> lowp_tests "[.fuzz]"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "lowp/format/formats.hpp"
#include "lowp/kernels/gemm.hpp"
#include "lowp/reference/gemm.hpp"
#include "lowp/dispatch/dispatch.hpp"
#include "lowp/threads.hpp"
#include "operands.hpp"

namespace {

using lowp::matrix_view;
using lowp_test::layout;
using lowp_test::layout_name;
using lowp_test::make_operand;
using lowp_test::storage;
using lowp_test::threads_scope;

struct fuzz_case {
  std::size_t m = 1, n = 1, k = 1;
  layout la = layout::row_major, lb = layout::row_major;
  bool c_col_major = false;  // C viewed through its transpose
  std::size_t c_pad = 0;     // extra elements per row (column) of C's storage
  double alpha = 1, beta = 0;
  int threads = 1;
};

std::string describe(const fuzz_case& t) {
  return std::to_string(t.m) + "x" + std::to_string(t.n) + "x" + std::to_string(t.k) + ", A " + layout_name(t.la) +
         ", B " + layout_name(t.lb) + ", C " + (t.c_col_major ? "column-major" : "row-major") + " +" +
         std::to_string(t.c_pad) + ", alpha " + std::to_string(t.alpha) + ", beta " + std::to_string(t.beta) + ", " +
         std::to_string(t.threads) + " threads";
}

// Sizes around the tile and block edges: mostly small, some across MC, NC
// and the KC of every kernel (512, Winograd's 2048), bounded in work so that
// the reference stays quick. max_work: M * N * K.
fuzz_case draw(std::mt19937& g, bool integer, double max_work) {
  auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(g); };
  auto dim = [&] {
    switch (pick(0, 3)) {
      case 0: return pick(1, 8);
      case 1: return pick(1, 40);
      case 2: return pick(9, 130);
      default: return pick(90, 300);
    }
  };
  fuzz_case t;
  t.m = dim();
  t.n = dim();
  switch (pick(0, 5)) {
    case 0: t.k = pick(0, 4); break;
    case 1: t.k = pick(1, 70); break;
    case 2: t.k = pick(60, 600); break;
    case 3: t.k = pick(500, 1100); break;
    case 4: t.k = integer ? pick(2040, 4200) : pick(1, 300); break;
    default: t.k = pick(1, 300); break;
  }
  while (double(t.m) * double(t.n) * double(t.k) > max_work) {
    if (t.m >= t.n && t.m > 1) t.m = (t.m + 1) / 2;
    else if (t.n > 1) t.n = (t.n + 1) / 2;
    else t.k /= 2;
  }
  const layout layouts[] = {layout::row_major, layout::col_major, layout::sub_view, layout::strided};
  t.la = layouts[pick(0, 3)];
  t.lb = layouts[pick(0, 3)];
  t.c_col_major = pick(0, 3) == 0;
  t.c_pad = pick(0, 1) * pick(1, 5);
  if (integer) {
    const double alphas[] = {1, -1, 3, 0, 65537, -2147483647.0};
    const double betas[] = {0, 1, -1, 2, 0, 1000003};
    t.alpha = alphas[pick(0, 5)];
    t.beta = betas[pick(0, 5)];
  } else {
    const double alphas[] = {1, -1, 0.75, 0, 3};
    const double betas[] = {0, 1, -0.5, 0, 2};
    t.alpha = alphas[pick(0, 4)];
    t.beta = betas[pick(0, 4)];
  }
  t.threads = int(pick(1, 3));
  return t;
}

template <class TA, class TB>
void run_case(const fuzz_case& t, std::uint32_t seed) {
  using TC = lowp::gemm_output_t<matrix_view<const TA>, matrix_view<const TB>>;
  constexpr bool exact = std::is_same_v<TC, std::int32_t>;
  std::mt19937 g(seed);
  std::vector<storage<TA>> as;
  std::vector<storage<TB>> bs;
  const auto a = make_operand<TA>(as, t.m, t.k, t.la, g);
  const auto b = make_operand<TB>(bs, t.k, t.n, t.lb, g);
  // C inside a larger storage whose other entries must not change.
  const std::size_t lines = t.c_col_major ? t.n : t.m, per_line = (t.c_col_major ? t.m : t.n) + t.c_pad;
  std::vector<TC> c0(lines * per_line + 2);
  for (TC& x : c0) {
    if constexpr (exact) x = TC(g());
    else x = std::uniform_real_distribution<float>(-4.f, 4.f)(g);
  }
  auto view = [&](std::vector<TC>& v) {
    return t.c_col_major ? matrix_view<TC>(v.data() + 1, t.n, t.m, per_line).transposed()
                         : matrix_view<TC>(v.data() + 1, t.m, t.n, per_line);
  };
  const TC alpha = exact ? TC(std::int32_t(std::int64_t(t.alpha))) : TC(t.alpha);
  const TC beta = exact ? TC(std::int32_t(std::int64_t(t.beta))) : TC(t.beta);
  std::vector<TC> r = c0;
  lowp::reference::gemm<TA, TB, TC>(alpha, a, b, beta, view(r));
  const auto check = [&](lowp::isa which, const lowp::gemm_options& options) {
    std::vector<TC> c = c0;
    {
      threads_scope scope(t.threads);
      lowp::gemm(alpha, a, b, beta, view(c), which, options);
    }
    INFO(lowp::element_name<TA>() << " x " << lowp::element_name<TB>() << " on " << lowp::name(which) << ": "
                                  << describe(t) << " (case seed " << seed << ")");
    std::size_t wrong = 0, first = 0;
    const matrix_view<TC> cv = view(c), rv = view(r), c0v = view(c0);
    for (std::size_t i = 0; i < t.m; ++i)
      for (std::size_t j = 0; j < t.n; ++j) {
        bool ok;
        if constexpr (exact) {
          ok = cv(i, j) == rv(i, j);
        } else {
          const double bound = lowp::reference::gemm_error_bound<TA, TB>(alpha, a, b, beta, c0v(i, j), i, j);
          ok = std::fabs(double(cv(i, j)) - double(rv(i, j))) <= bound;
        }
        if (!ok && wrong++ == 0) first = i * t.n + j;
      }
    INFO("first wrong entry (" << first / t.n << ", " << first % t.n << ")");
    REQUIRE(wrong == 0);
    // Outside the view: untouched.
    std::vector<bool> inside(c.size(), false);
    for (std::size_t i = 0; i < t.m; ++i)
      for (std::size_t j = 0; j < t.n; ++j) inside[std::size_t(&cv(i, j) - c.data())] = true;
    std::size_t touched = 0;
    for (std::size_t e = 0; e < c.size(); ++e)
      if (!inside[e] && !(c[e] == c0[e])) ++touched;
    REQUIRE(touched == 0);
  };
  if constexpr (exact) lowp_test::each_kernel(check);
  else
    for (lowp::isa which : lowp::available_isas()) check(which, lowp::gemm_options{});
}

// The element type pairs lowp::gemm takes, by index.
constexpr int type_pairs = 14;
void run_pair(int which, const fuzz_case& t, std::uint32_t seed) {
  switch (which) {
    case 0: return run_case<std::uint8_t, std::int8_t>(t, seed);
    case 1: return run_case<std::int8_t, std::int8_t>(t, seed);
    case 2: return run_case<std::uint8_t, std::uint8_t>(t, seed);
    case 3: return run_case<std::int8_t, std::uint8_t>(t, seed);
    case 4: return run_case<lowp::int4, std::int8_t>(t, seed);
    case 5: return run_case<std::uint8_t, lowp::int4>(t, seed);
    case 6: return run_case<std::int8_t, lowp::uint2>(t, seed);
    case 7: return run_case<float, float>(t, seed);
    case 8: return run_case<float, lowp::float8_e4m3fn>(t, seed);
    case 9: return run_case<float, lowp::int4>(t, seed);
    case 10: return run_case<float, lowp::float4_e2m1fn>(t, seed);
    case 11: return run_case<float, lowp::float6_e3m2fn>(t, seed);
    case 12: return run_case<lowp::float8_e4m3fn, lowp::float8_e5m2>(t, seed);
    default: return run_case<lowp::float8_e5m2, float>(t, seed);
  }
}

bool integer_pair(int which) { return which <= 6; }

// The largest M * N * K of a pair: the reference is cheapest on byte
// integers, slower on float32 (exact sums) and slowest on packed or narrow
// float elements (decoded one at a time).
double max_work(int which) {
  if (which <= 3) return 4e6;
  if (which == 7) return 1e6;
  return 4e5;
}

// One case from its seed: an element type pair, then the case.
void run_one(std::uint32_t case_seed, double scale) {
  std::mt19937 cg(case_seed);
  const int pair = int(std::uniform_int_distribution<int>(0, type_pairs - 1)(cg));
  const double work = scale * max_work(pair);
  const fuzz_case t = draw(cg, integer_pair(pair), work);
  run_pair(pair, t, case_seed);
}

// `cases` cases from `seed`.
void fuzz(std::uint32_t seed, int cases, double scale) {
  std::mt19937 g(seed);
  for (int i = 0; i < cases; ++i) run_one(std::uint32_t(g()), scale);
}

int env_cases(int fallback) {
  const char* s = std::getenv("LOWP_FUZZ_CASES");
  return s ? std::atoi(s) : fallback;
}

}  // namespace

TEST_CASE("gemm randomized against the reference: a few cases", "[gemm][random]") {
  fuzz(20261128U, 40, 0.5);
}

TEST_CASE("gemm randomized against the reference: thousands of cases", "[.fuzz]") {
  if (const char* one = std::getenv("LOWP_FUZZ_CASE"))
    return run_one(std::uint32_t(std::strtoul(one, nullptr, 10)), 1.0);
  fuzz(Catch::rngSeed(), env_cases(20000), 1.0);
}
