// lowp::gemm and lowp::gemv on several threads (lowp/threads.hpp): the
// thread count and its errors, the range split, and results bit-identical to
// one thread (and, for the integer path, to reference::gemm) for row and
// column splits, plain, packed and block operands, on every available ISA.

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "lowp/block/block_matrix_view.hpp"
#include "lowp/error.hpp"
#include "lowp/block/row_interleaved.hpp"
#include "lowp/kernels/gemm.hpp"
#include "lowp/kernels/gemv.hpp"
#include "lowp/reference/block.hpp"
#include "lowp/reference/gemm.hpp"
#include "lowp/dispatch/dispatch.hpp"
#include "lowp/threads.hpp"
#include "operands.hpp"

namespace {

using lowp::matrix_view;
using lowp_test::threads_scope;

template <class T>
bool same_bits(const std::vector<T>& x, const std::vector<T>& y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(T)) == 0;
}

// C = alpha * A * B + beta * C0 with 1, 2 and 3 threads; every result bit for bit the one-thread result.
template <class TC, class F>
std::vector<TC> same_on_all_thread_counts(std::size_t M, std::size_t N, const std::vector<TC>& c0, F&& run) {
  std::vector<TC> one = c0;
  {
    threads_scope t(1);
    run(matrix_view<TC>(one.data(), M, N));
  }
  for (int threads : {2, 3}) {
    std::vector<TC> c = c0;
    threads_scope t(threads);
    const std::size_t runs = lowp::detail::parallel_runs();
    run(matrix_view<TC>(c.data(), M, N));
    INFO(threads << " threads, " << M << "x" << N);
    CHECK(lowp::detail::parallel_runs() == runs + 1);  // the call was split
    CHECK(same_bits(c, one));
  }
  return one;
}

}  // namespace

TEST_CASE("num_threads: the default from LOWP_NUM_THREADS or 1 and set_num_threads", "[gemm][threads]") {
  const char* env = std::getenv("LOWP_NUM_THREADS");
  if (env == nullptr || *env == '\0') CHECK(lowp::num_threads() == 1);
  const threads_scope keep(lowp::num_threads());
  lowp::set_num_threads(4);
  CHECK(lowp::num_threads() == 4);
  lowp::set_num_threads(1);
  CHECK(lowp::num_threads() == 1);
}

TEST_CASE("set_num_threads rejects counts outside 1..1024 naming n", "[gemm][threads]") {
  const threads_scope keep(lowp::num_threads());
  CHECK_THROWS_WITH(lowp::set_num_threads(0), Catch::Contains("set_num_threads: n must be from 1 to 1024, got 0"));
  CHECK_THROWS_WITH(lowp::set_num_threads(-3), Catch::Contains("got -3"));
  CHECK_THROWS_WITH(lowp::set_num_threads(1025), Catch::Contains("got 1025"));
  CHECK(lowp::num_threads() == keep.saved);
}

TEST_CASE("parallel_ranges covers every index once in granule-aligned ranges", "[gemm][threads]") {
  for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(95), std::size_t(96), std::size_t(97),
                        std::size_t(1000), std::size_t(4096)})
    for (int threads : {1, 2, 3, 7, 64}) {
      std::vector<std::atomic<int>> hits(n);
      std::atomic<int> ranges{0};
      std::atomic<bool> aligned{true};
      lowp::detail::parallel_ranges(n, 96, threads, [&](std::size_t b, std::size_t e) {
        ++ranges;
        if (b % 96 != 0 || b > e || e > n) aligned = false;
        for (std::size_t i = b; i < e; ++i) ++hits[i];
      });
      INFO("n " << n << " threads " << threads);
      CHECK(aligned);
      CHECK(ranges <= threads);
      CHECK(ranges >= 1);
      for (std::size_t i = 0; i < n; ++i) REQUIRE(hits[i] == 1);
    }
}

TEST_CASE("parallel_ranges rethrows an exception thrown on another thread after all ranges end", "[gemm][threads]") {
  std::atomic<int> finished{0};
  CHECK_THROWS_WITH(lowp::detail::parallel_ranges(300, 96, 3,
                                                  [&](std::size_t b, std::size_t) {
                                                    if (b != 0) {
                                                      ++finished;
                                                      if (b >= 192) throw std::runtime_error("range at " + std::to_string(b));
                                                    }
                                                  }),
                    "range at 192");
  CHECK(finished == 2);
}

TEST_CASE("gemm float32 on threads: rows and columns split bit-identical to one thread", "[gemm][threads]") {
  std::mt19937 g(7);
  std::normal_distribution<float> d(0.f, 1.f);
  // 389 x 211: rows split; 200 x 517 (N > M): columns split; K crosses a depth block.
  for (const auto& dims : {std::tuple<std::size_t, std::size_t, std::size_t>{389, 211, 301}, {200, 517, 97}}) {
    // Plain variables, not structured bindings: C++20 lambdas may capture
    // those, but Clang 14 does not implement it yet.
    const std::size_t M = std::get<0>(dims), N = std::get<1>(dims), K = std::get<2>(dims);
    std::vector<float> a(M * K), b(K * N), c0(M * N);
    for (auto& v : a) v = d(g);
    for (auto& v : b) v = d(g);
    for (auto& v : c0) v = d(g);
    for (lowp::isa which : lowp::available_isas()) {
      INFO("isa " << lowp::name(which));
      same_on_all_thread_counts<float>(M, N, c0, [&](matrix_view<float> c) {
        lowp::gemm(0.75f, matrix_view<const float>(a.data(), M, K), matrix_view<const float>(b.data(), K, N), -0.5f,
                   c, which);
      });
    }
  }
}

TEST_CASE("gemm uint8 x int8 on threads equals reference::gemm", "[gemm][threads]") {
  std::mt19937 g(11);
  std::uniform_int_distribution<int> u(0, 255), s(-128, 127);
  for (const auto& [M, N, K] : {std::tuple<std::size_t, std::size_t, std::size_t>{300, 130, 257}, {130, 401, 64}}) {
    std::vector<std::uint8_t> a(M * K);
    std::vector<std::int8_t> b(K * N);
    std::vector<std::int32_t> c0(M * N), r(M * N);
    for (auto& v : a) v = std::uint8_t(u(g));
    for (auto& v : b) v = std::int8_t(s(g));
    for (auto& v : c0) v = std::int32_t(g());
    r = c0;
    const matrix_view<const std::uint8_t> av(a.data(), M, K);
    const matrix_view<const std::int8_t> bv(b.data(), K, N);
    lowp::reference::gemm<std::uint8_t, std::int8_t, std::int32_t>(3, av, bv, -2, matrix_view<std::int32_t>(r.data(), M, N));
    for (lowp::isa which : lowp::available_isas()) {
      INFO("isa " << lowp::name(which));
      const std::vector<std::int32_t> one = same_on_all_thread_counts<std::int32_t>(
          M, N, c0, [&](matrix_view<std::int32_t> c) { lowp::gemm(3, av, bv, -2, c, which); });
      CHECK(one == r);
    }
  }
}

TEST_CASE("gemm with packed int4 A on threads: row ranges start on byte boundaries", "[gemm][threads]") {
  std::mt19937 g(13);
  constexpr std::size_t M = 291, N = 100, K = 75;  // odd K: rows start mid-byte except at multiples of 8 rows
  std::vector<std::uint8_t> abytes(lowp::packed_bytes<lowp::int4>(M * K));
  for (auto& v : abytes) v = std::uint8_t(g());
  std::vector<std::int8_t> b(K * N);
  for (auto& v : b) v = std::int8_t(g());
  const matrix_view<const lowp::int4> av(abytes.data(), M, K);
  const matrix_view<const std::int8_t> bv(b.data(), K, N);
  std::vector<std::int32_t> c0(M * N, 5), r = c0;
  lowp::reference::gemm<lowp::int4, std::int8_t, std::int32_t>(1, av, bv, 1, matrix_view<std::int32_t>(r.data(), M, N));
  for (lowp::isa which : lowp::available_isas()) {
    INFO("isa " << lowp::name(which));
    const std::vector<std::int32_t> one = same_on_all_thread_counts<std::int32_t>(
        M, N, c0, [&](matrix_view<std::int32_t> c) { lowp::gemm(1, av, bv, 1, c, which); });
    CHECK(one == r);
  }
}

TEST_CASE("gemm with block weights on threads: stored rows split, transposed views kept whole", "[gemm][threads]") {
  std::mt19937 g(17);
  std::normal_distribution<float> d(0.f, 1.f);
  lowp::quantize_options opt;
  opt.pad = lowp::padding::zero;
  // Weights N x K stored, B = their transpose: N > M splits columns of C,
  // i.e. stored weight rows.
  {
    constexpr std::size_t M = 96, N = 389, K = 160;
    std::vector<float> w(N * K), x(M * K), c0(M * N);
    for (auto& v : w) v = d(g);
    for (auto& v : x) v = d(g);
    const lowp::block_tensor<lowp::mxfp4> wq(w, N, K, opt);
    const lowp::block_matrix_view<lowp::mxfp4> wv(wq);
    for (lowp::isa which : lowp::available_isas()) {
      INFO("mxfp4 B, isa " << lowp::name(which));
      same_on_all_thread_counts<float>(M, N, c0, [&](matrix_view<float> c) {
        lowp::gemm(1.f, matrix_view<const float>(x.data(), M, K), wv.transposed(), 0.f, c, which);
      });
    }
  }
  // Block A (M x K stored as is): rows split.
  {
    constexpr std::size_t M = 400, N = 60, K = 96;
    std::vector<float> a(M * K), b(K * N), c0(M * N);
    for (auto& v : a) v = d(g);
    for (auto& v : b) v = d(g);
    const lowp::block_tensor<lowp::ggml_q4_0> aq(a, M, K, opt);
    for (lowp::isa which : lowp::available_isas()) {
      INFO("ggml_q4_0 A, isa " << lowp::name(which));
      same_on_all_thread_counts<float>(M, N, c0, [&](matrix_view<float> c) {
        lowp::gemm(1.f, lowp::block_matrix_view<lowp::ggml_q4_0>(aq), matrix_view<const float>(b.data(), K, N), 0.f,
                   c, which);
      });
    }
  }
}

TEST_CASE("block_matrix_view::stored_block: rows of the view and its range check", "[gemm][threads]") {
  std::vector<float> w(10 * 64);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = float(i % 13) - 6.f;
  const lowp::block_tensor<lowp::ggml_q8_0> t(w, 10, 64);
  const lowp::block_matrix_view<lowp::ggml_q8_0> v(t);
  const auto part = v.stored_block(3, 4);
  CHECK(part.stored_rows() == 4);
  CHECK(part.cols() == 64);
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t k = 0; k < 64; k += 7) CHECK(part(i, k) == v(3 + i, k));
  CHECK_THROWS_WITH(v.stored_block(8, 3), Catch::Contains("stored rows [8, 11) out of range (10 rows)"));
  CHECK_THROWS_WITH(v.stored_block(11, 0), Catch::Contains("out of range"));
}

TEST_CASE("gemm under 2^22 operations or with one range's rows stays on the calling thread", "[gemm][threads]") {
  const threads_scope t(4);
  std::vector<float> a(191 * 300, 1.f), b(300 * 191, 1.f), c(192 * 192);
  const std::size_t runs = lowp::detail::parallel_runs();
  // 191 x 191: neither dimension holds two ranges of 96.
  lowp::gemm(1.f, matrix_view<const float>(a.data(), 191, 300), matrix_view<const float>(b.data(), 300, 191), 0.f,
             matrix_view<float>(c.data(), 191, 191));
  // 192 x 192 x 8: two ranges of rows but under 2^22 operations.
  lowp::gemm(1.f, matrix_view<const float>(a.data(), 192, 8), matrix_view<const float>(b.data(), 8, 192), 0.f,
             matrix_view<float>(c.data(), 192, 192));
  CHECK(lowp::detail::parallel_runs() == runs);
  CHECK(c[0] == 8.f);
}

TEST_CASE("gemv on threads: float32 and ggml_q4_0 plain and row-interleaved bit-identical to one thread",
          "[gemm][threads]") {
  // 2004 rows: the last 16-row range ends in a partial group of 4 (of 8 in
  // the interleaved layout); each weight matrix is over 4 MiB, so it is split.
  constexpr std::size_t n = 2004, k = 4608, kf = 1100;
  std::mt19937 g(17);
  std::normal_distribution<float> d(0.f, 1.f);
  std::vector<float> af(n * kf), xf(k), y0(n);
  for (auto& v : af) v = d(g);
  for (auto& v : xf) v = d(g);
  for (auto& v : y0) v = d(g);
  std::vector<std::uint8_t> raw(lowp::reference::raw_bytes<lowp::ggml_q4_0>(n, k));
  for (auto& b : raw) b = std::uint8_t(g());
  for (std::size_t blk = 0; blk < raw.size() / 18; ++blk) {  // scales 2^-6 .. 2^-3 (float16 0x2400 .. 0x3000)
    raw[blk * 18] = 0x00;
    raw[blk * 18 + 1] = std::uint8_t(0x24 + 4 * (blk % 4));
  }
  const lowp::block_matrix_view<lowp::ggml_q4_0> wv(raw.data(), n, k, lowp::padding::none);
  const lowp::row_interleaved<lowp::ggml_q4_0> wi = lowp::interleave_rows(wv);
  std::vector<std::int8_t> q(k);
  for (auto& v : q) v = std::int8_t(g());
  const lowp::int8_vector xq{q.data(), k, 0.03125f};
  const lowp::gemv_options dyn{lowp::activation_quantization::per_block};
  for (lowp::isa which : lowp::available_isas()) {
    INFO("isa " << lowp::name(which));
    {
      // 2004 x 1100 float32 (8.8 MB; where there is no GEMV kernel, lowp::gemm
      // with 2.2 M products, over its 2^21).
      INFO("float32");
      same_on_all_thread_counts<float>(n, 1, y0, [&](matrix_view<float> y) {
        lowp::gemv(0.5f, matrix_view<const float>(af.data(), n, kf), xf.data(), kf, -0.25f, y.data(), n, which);
      });
    }
    {
      INFO("ggml_q4_0 x int8_vector");
      same_on_all_thread_counts<float>(n, 1, y0, [&](matrix_view<float> y) {
        lowp::gemv(0.5f, wv, xq, -0.25f, y.data(), n, which);
      });
    }
    {
      INFO("ggml_q4_0 x float32 quantized per block");
      same_on_all_thread_counts<float>(n, 1, y0, [&](matrix_view<float> y) {
        lowp::gemv(0.5f, wv, xf.data(), k, -0.25f, y.data(), n, dyn, which);
      });
    }
    {
      INFO("ggml_q4_0 row-interleaved x int8_vector");
      same_on_all_thread_counts<float>(n, 1, y0, [&](matrix_view<float> y) {
        lowp::gemv(0.5f, wi, xq, -0.25f, y.data(), n, which);
      });
    }
    if (which == lowp::isa::avx2 || which == lowp::isa::avx512bw) {
      INFO("ggml_q4_0 x float32 (weight-only kernel)");
      same_on_all_thread_counts<float>(n, 1, y0, [&](matrix_view<float> y) {
        lowp::gemv(0.5f, wv, xf.data(), k, -0.25f, y.data(), n, which);
      });
    }
  }
}

TEST_CASE("gemv under 4 MiB of weights stays on the calling thread", "[gemm][threads]") {
  const threads_scope t(4);
  constexpr std::size_t n = 1024, k = 1000;  // 4,096,000 bytes of float32, just under 2^22
  std::vector<float> a(n * k, 1.f), x(k, 1.f), y(n, 0.f);
  const std::size_t runs = lowp::detail::parallel_runs();
  lowp::gemv(1.f, matrix_view<const float>(a.data(), n, k), x.data(), k, 0.f, y.data(), n);
  CHECK(lowp::detail::parallel_runs() == runs);
  CHECK(y[n - 1] == float(k));
}
