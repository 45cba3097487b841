#pragma once

// Shared pieces of lowp_bench: registration hooks of each kernel family and
// the standard input tensor.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

namespace lowp_bench {

// Elements per conversion benchmark: 64 MiB of float32, well beyond the
// last-level cache, so figures include memory traffic.
inline constexpr std::size_t convert_elements = std::size_t{1} << 24;

// N(0, 1) float32 values, generated once with a fixed seed.
inline const std::vector<float>& gaussian_input() {
  static const std::vector<float> data = [] {
    std::vector<float> v(convert_elements);
    std::mt19937_64 rng(20240501);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float& x : v) x = normal(rng);
    return v;
  }();
  return data;
}

// A zeroed buffer of n T on a 2 MiB boundary. Every benchmark gets the same
// alignment (and huge pages where the OS grants them) whatever the heap did
// before: with std::vector, the rate of a streaming kernel depended on which
// benchmarks ran earlier (FP4 decode: 2.7 vs 4.0 G elements/s).
template <class T>
class aligned_buffer {
 public:
  static constexpr std::size_t alignment = std::size_t{2} << 20;
  explicit aligned_buffer(std::size_t n)
      : size_(n), data_(static_cast<T*>(::operator new(bytes(n), std::align_val_t(alignment)))) {
    std::memset(static_cast<void*>(data_), 0, bytes(n));
  }
  aligned_buffer(const aligned_buffer&) = delete;
  aligned_buffer& operator=(const aligned_buffer&) = delete;
  ~aligned_buffer() { ::operator delete(data_, std::align_val_t(alignment)); }
  T* data() { return data_; }
  std::size_t size() const { return size_; }
  std::span<T> span() { return {data_, size_}; }

 private:
  static std::size_t bytes(std::size_t n) { return (n * sizeof(T) + alignment - 1) / alignment * alignment; }
  std::size_t size_;
  T* data_;
};

// Fills v with N(0, 1) values from a generator seeded with `seed`.
inline void fill_gaussian(std::span<float> v, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (float& x : v) x = normal(rng);
}

// One GEMM problem: C (m x n) = A (m x k) * B (k x n).
struct gemm_shape {
  std::size_t m, n, k;
  std::string name() const { return std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k); }
};

// The float32 GEMM sizes of lowp's gemm/ benchmarks and their peers: squares
// for the throughput-against-size plot, the weight-only shape M=512,
// N=K=4096 of a prefill batch, and smaller batches of 32 and 128 rows.
inline std::vector<gemm_shape> float_gemm_shapes() {
  return {{256, 256, 256},   {512, 512, 512},    {1024, 1024, 1024}, {2048, 2048, 2048},
          {512, 4096, 4096}, {32, 4096, 4096}, {128, 4096, 4096}};
}
// The integer GEMM sizes: squares, and few-row shapes (a batch of 32, 128
// or 512 tokens against a 4096 x 4096 weight matrix).
inline std::vector<gemm_shape> int_gemm_shapes() {
  return {{256, 256, 256},   {512, 512, 512},    {1024, 1024, 1024}, {2048, 2048, 2048},
          {32, 4096, 4096}, {128, 4096, 4096}, {512, 4096, 4096}};
}
// GEMV sizes N = K (decode: one token against a weight matrix).
inline std::vector<std::size_t> gemv_sizes() { return {1024, 4096, 8192}; }

// Thread counts of the multi-threaded GEMM runs (names end in /threads:<T>,
// wall-clock time): 2 and every core of the machine, where it has more.
inline std::vector<int> gemm_thread_counts() {
  const int cores = int(std::thread::hardware_concurrency());
  std::vector<int> t;
  if (cores >= 2) t.push_back(2);
  if (cores > 2) t.push_back(cores);
  return t;
}

// GEMM counter: 2 m n k operations per iteration, reported per second.
inline void set_flops(benchmark::State& state, const gemm_shape& s, const char* counter = "FLOPS") {
  state.counters[counter] = benchmark::Counter(2.0 * double(s.m) * double(s.n) * double(s.k),
                                               benchmark::Counter::kIsIterationInvariantRate,
                                               benchmark::Counter::kIs1000);
}

void register_convert();
void register_block();      // block.cpp: dequant/<format>/<isa>, quantize/<format>/<isa>
void register_gemm();       // gemm.cpp: gemm/<a>x<b>/... with float32 outputs
void register_gemm_int8();  // gemm_int8.cpp: gemm/<a>x<b>/... with int32 outputs
void register_gemv();       // gemv.cpp: gemv/<weights>/<N>x<K>/<isa>
void register_peer_memcpy();
void register_peer_openblas();  // peers/openblas.cpp (only when built with OpenBLAS)
void register_peer_onednn();    // peers/onednn.cpp (only when built with oneDNN)

}  // namespace lowp_bench
