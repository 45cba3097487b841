// Weight-only quantization: float activations times packed int4 weights,
// decoded inside the GEMM's packing.
#include <lowp/kernels/gemm.hpp>
#include <lowp/lowp.hpp>

#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
  constexpr std::size_t M = 2, N = 3, K = 4;
  std::vector<float> x{1, 2, 3, 4, -1, 0, 1, 0};           // M x K activations
  std::vector<std::uint8_t> w(lowp::packed_bytes<lowp::int4>(N * K));
  lowp::matrix_view<lowp::int4> wv(w.data(), N, K);       // N x K weights, as stored by models
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t k = 0; k < K; ++k) wv(n, k) = lowp::int4(int(n) - int(k));
  std::vector<float> y(M * N);
  lowp::gemm(1.f, lowp::matrix_view<const float>(x.data(), M, K),
             lowp::matrix_view<const lowp::int4>(wv).transposed(), 0.f, lowp::matrix_view<float>(y.data(), M, N));
  for (std::size_t m = 0; m < M; ++m) std::printf("%g %g %g\n", y[m * N], y[m * N + 1], y[m * N + 2]);
  // Row 0: sum_k x_k (n - k) = 10 n - 20.  Row 1: -(n) + (n - 2) = -2.
  return y[0] == -20 && y[1] == -10 && y[2] == 0 && y[3] == -2 && y[5] == -2 ? 0 : 1;
}
