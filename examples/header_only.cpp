// lowp used header-only: no CMake, no per-ISA sources. Built as
//   g++ -std=c++20 -O2 -march=native -ffp-contract=off -I include header_only.cpp
// it runs the kernels of the best ISA those flags enable (static dispatch,
// lowp/dispatch/isa.hpp). It prints that ISA and a checksum of the bits of a
// float32 GEMM, an exact uint8 x int8 GEMM, an fp8 encoding and an MXFP4
// round trip, so that its output can be compared with the same program built
// with lowp's per-ISA sources (the test example.header_only does).
// -ffp-contract=off keeps the compiler from fusing the reference
// computations' multiplies and adds, as lowp's CMake target does.

#include <lowp/lowp.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

}  // namespace

int main() {
  const lowp::isa isa = lowp::best_isa();
  std::uint64_t h = 0xcbf29ce484222325ULL;

  constexpr std::size_t M = 67, N = 45, K = 129;
  std::vector<float> a(M * K), b(K * N), c(M * N);
  std::vector<std::uint8_t> qa(M * K);
  std::vector<std::int8_t> qb(K * N);
  std::vector<std::int32_t> qc(M * N);
  for (std::size_t i = 0; i < M * K; ++i) {
    a[i] = float(int(i * 37 % 101) - 50) / 16.0f;
    qa[i] = std::uint8_t(i * 91 % 256);
  }
  for (std::size_t i = 0; i < K * N; ++i) {
    b[i] = float(int(i * 53 % 97) - 48) / 8.0f;
    qb[i] = std::int8_t(int(i * 29 % 256) - 128);
  }
  lowp::gemm(1.0f, lowp::matrix_view<const float>(a.data(), M, K), lowp::matrix_view<const float>(b.data(), K, N),
             0.0f, lowp::matrix_view<float>(c.data(), M, N), isa);
  h = fnv1a(h, c.data(), c.size() * sizeof(float));
  lowp::gemm(std::int32_t(1), lowp::matrix_view<const std::uint8_t>(qa.data(), M, K),
             lowp::matrix_view<const std::int8_t>(qb.data(), K, N), std::int32_t(0),
             lowp::matrix_view<std::int32_t>(qc.data(), M, N), isa);
  h = fnv1a(h, qc.data(), qc.size() * sizeof(std::int32_t));

  std::vector<std::uint8_t> e(a.size());
  lowp::quantize(std::span<const float>(a), lowp::packed_span<lowp::float8_e4m3fn>(e.data(), e.size()),
                 lowp::rounding::nearest_even, lowp::overflow::saturate, 0, 0, isa);
  h = fnv1a(h, e.data(), e.size());

  const std::vector<std::uint8_t> raw = lowp::quantize_blocks<lowp::mxfp4>(a, M, K, lowp::padding::zero, isa);
  std::vector<float> back(M * K);
  lowp::dequantize_blocks<lowp::mxfp4>(raw, M, K, back, lowp::padding::zero, isa);
  h = fnv1a(h, raw.data(), raw.size());
  h = fnv1a(h, back.data(), back.size() * sizeof(float));

  std::printf("isa %s checksum %016llx\n", std::string(lowp::name(isa)).c_str(), static_cast<unsigned long long>(h));
  return 0;
}
