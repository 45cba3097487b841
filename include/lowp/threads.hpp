#pragma once

// Threads for lowp::gemm. C is cut into as many ranges of rows (or of
// columns) as threads, and each range is computed by one thread with the
// single-thread kernels, packing its own panels. An element of C goes through
// the same operations in the same order whatever the thread count, so results
// are bit-identical to one thread.
//
// The count is 1 (the calling thread only) unless set with set_num_threads or
// by the environment variable LOWP_NUM_THREADS (read once, at the first call
// that needs it; a value that is not an integer from 1 to 1024 is an error
// naming the variable). Problems under about 2^22 operations, or with fewer
// rows and columns than two thread ranges, run on the calling thread.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "lowp/error.hpp"

namespace lowp {

namespace detail {

inline constexpr int max_threads = 1024;

inline int threads_from_environment() {
  const char* v = std::getenv("LOWP_NUM_THREADS");
  if (v == nullptr || *v == '\0') return 1;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n < 1 || n > max_threads)
    fail("LOWP_NUM_THREADS must be an integer from 1 to " + std::to_string(max_threads) + ", got \"" + v + "\"");
  return int(n);
}

inline std::atomic<int>& thread_setting() {
  static std::atomic<int> n{0};  // 0: not read from the environment yet
  return n;
}

}  // namespace detail

// Threads lowp::gemm may use (n >= 1).
inline void set_num_threads(int n) {
  if (n < 1 || n > detail::max_threads)
    detail::fail("set_num_threads: n must be from 1 to " + std::to_string(detail::max_threads) + ", got " +
                 std::to_string(n));
  detail::thread_setting().store(n, std::memory_order_relaxed);
}

inline int num_threads() {
  int n = detail::thread_setting().load(std::memory_order_relaxed);
  if (n == 0) {
    n = detail::threads_from_environment();
    int expected = 0;
    if (!detail::thread_setting().compare_exchange_strong(expected, n, std::memory_order_relaxed)) n = expected;
  }
  return n;
}

namespace detail {

// How many calls of parallel_ranges ran on more than one thread (tests read
// it to know that a split happened).
inline std::atomic<std::size_t>& parallel_runs() {
  static std::atomic<std::size_t> n{0};
  return n;
}

// Runs f(begin, end) over up to `threads` ranges covering [0, n), each
// starting at a multiple of `granule`; the first range on the calling thread.
// The first exception thrown by any range is rethrown after all have ended.
template <class F>
void parallel_ranges(std::size_t n, std::size_t granule, int threads, F&& f) {
  const std::size_t granules = (n + granule - 1) / granule;
  const std::size_t t = std::min<std::size_t>(std::size_t(std::max(threads, 1)), granules);
  if (t <= 1) {
    f(std::size_t(0), n);
    return;
  }
  parallel_runs().fetch_add(1, std::memory_order_relaxed);
  const auto bound = [&](std::size_t i) { return std::min(n, (granules * i / t) * granule); };
  std::vector<std::exception_ptr> errors(t);
  std::vector<std::thread> workers;
  workers.reserve(t - 1);
  const auto run = [&](std::size_t i) {
    try {
      f(bound(i), bound(i + 1));
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  try {
    for (std::size_t i = 1; i < t; ++i) workers.emplace_back(run, i);
  } catch (...) {
    for (std::thread& w : workers) w.join();
    throw;
  }
  run(0);
  for (std::thread& w : workers) w.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace detail

}  // namespace lowp
