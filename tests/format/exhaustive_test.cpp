// Hidden tier: every one of the 2^32 float32 inputs, encoded into each format
// of at most 8 bits under the three ml_dtypes policies (nearest_even +
// non_saturating, nearest_even + saturate, toward_zero + non_saturating) and
// nearest_even + saturate_all, against the exact model.
//
// The model is table driven: its answer can change only at a representable
// value or at a midpoint between two neighbours, so the float32 bit patterns
// of one sign are cut into segments at those points and the model is asked
// once per segment. Each sign runs on its own thread.
//
//   lowp_tests "[.exhaustive]"                  every format
//   lowp_tests "[.exhaustive][float8_e4m3fn]"   one format

#include <algorithm>
#include <bit>
#include <cfloat>
#include <chrono>
#include <ctime>
#include <cstdint>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "exact_model.hpp"
#include "format_test_util.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/format/formats.hpp"

namespace {

using lowp::overflow;
using lowp::rounding;

struct policy {
  rounding r;
  overflow o;
};
constexpr policy policies[] = {{rounding::nearest_even, overflow::non_saturating},
                               {rounding::nearest_even, overflow::saturate},
                               {rounding::toward_zero, overflow::non_saturating},
                               {rounding::nearest_even, overflow::saturate_all}};
constexpr int policy_count = int(sizeof policies / sizeof policies[0]);

struct sweep_log {
  std::uint64_t checked = 0;
  std::uint64_t mismatches = 0;
  std::vector<std::string> first;
  std::string error;
};

// Magnitude bit patterns where the model's answer may change: every grid
// value and every midpoint that is a float32, then +Inf.
std::vector<std::uint32_t> segment_starts(const lowp_test::format_model& m, bool& all_float32) {
  std::vector<double> cuts;
  const auto& g = m.grid();
  for (std::size_t i = 0; i < g.size(); ++i) {
    cuts.push_back(std::fabs(g[i].value));
    if (i + 1 < g.size()) cuts.push_back(std::fabs((g[i].value + g[i + 1].value) / 2));
  }
  std::vector<std::uint32_t> starts{0U, 0x7f800000U};
  all_float32 = true;
  for (double c : cuts) {
    if (c > FLT_MAX) continue;
    all_float32 = all_float32 && lowp_test::is_float32(c);
    starts.push_back(std::bit_cast<std::uint32_t>(static_cast<float>(c)));
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  return starts;
}

template <class T>
void sweep_sign(const lowp_test::format_model& m, const std::vector<std::uint32_t>& starts, bool negative,
                sweep_log& log) {
  const std::uint32_t sign = negative ? 0x80000000U : 0U;
  auto model_codes = [&](std::uint32_t mag, std::uint32_t* want) {
    const double x = std::bit_cast<float>(sign | mag);
    for (int p = 0; p < policy_count; ++p) want[p] = m.encode(x, policies[p].r, policies[p].o);
  };
  auto check = [&](std::uint32_t mag, const std::uint32_t* want) {
    const float x = std::bit_cast<float>(sign | mag);
    for (int p = 0; p < policy_count; ++p) {
      const std::uint32_t got = lowp::encode<T>(x, policies[p].r, policies[p].o);
      if (got != want[p]) {
        ++log.mismatches;
        if (log.first.size() < 10)
          log.first.push_back(lowp_test::hex(sign | mag, 8) + " (" + lowp_test::describe(x) + ") " +
                              std::string(lowp::name(policies[p].r)) + "+" + std::string(lowp::name(policies[p].o)) +
                              ": expected " + lowp_test::hex(want[p], 2) + ", got " + lowp_test::hex(got, 2));
      }
    }
  };
  std::uint32_t want[policy_count], want_end[policy_count];
  for (std::size_t j = 0; j < starts.size(); ++j) {
    const std::uint32_t start = starts[j];
    const std::uint64_t end = j + 1 < starts.size() ? starts[j + 1] : 0x80000000ULL;
    model_codes(start, want);
    check(start, want);
    if (start + 1 >= end) continue;
    model_codes(start + 1, want);
    model_codes(std::uint32_t(end - 1), want_end);
    if (!std::equal(want, want + policy_count, want_end)) {
      log.error = "model not constant between " + lowp_test::hex(start, 8) + " and " + lowp_test::hex(end, 8);
      return;
    }
    for (std::uint64_t mag = start + 1; mag < end; ++mag) check(std::uint32_t(mag), want);
  }
  log.checked = 0x80000000ULL * policy_count;
}

template <class T>
void sweep_all_float32() {
  INFO(T::name);
  const auto& m = lowp_test::model_of(T::name);
  bool all_float32 = false;
  const auto starts = segment_starts(m, all_float32);
  REQUIRE(all_float32);
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t cpu0 = std::clock();
  sweep_log logs[2];
  std::thread threads[2];
  for (int s = 0; s < 2; ++s)
    threads[s] = std::thread([&, s] {
      try {
        sweep_sign<T>(m, starts, s == 1, logs[s]);
      } catch (const std::exception& e) {
        logs[s].error = e.what();
      }
    });
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu_seconds = double(std::clock() - cpu0) / CLOCKS_PER_SEC;
  for (const auto& log : logs) {
    for (const auto& f : log.first) FAIL_CHECK(T::name << ": input " << f);
    if (!log.error.empty()) FAIL_CHECK(T::name << ": " << log.error);
  }
  WARN(T::name << ": " << (logs[0].checked + logs[1].checked) << " encodings of all float32 inputs in " << seconds
               << " s (" << cpu_seconds << " s CPU), " << (logs[0].mismatches + logs[1].mismatches) << " mismatches");
  CHECK(logs[0].mismatches + logs[1].mismatches == 0);
  CHECK(logs[0].checked + logs[1].checked == (std::uint64_t{1} << 32) * policy_count);
}

}  // namespace

#define LOWP_EXHAUSTIVE_CASE(format)                                                              \
  TEST_CASE("every float32 input encodes like the model: " #format, "[.exhaustive][" #format "]") { \
    sweep_all_float32<lowp::format>();                                                            \
  }

LOWP_EXHAUSTIVE_CASE(float8_e4m3fn)
LOWP_EXHAUSTIVE_CASE(float8_e5m2)
LOWP_EXHAUSTIVE_CASE(float8_e4m3fnuz)
LOWP_EXHAUSTIVE_CASE(float8_e5m2fnuz)
LOWP_EXHAUSTIVE_CASE(float8_e4m3b11fnuz)
LOWP_EXHAUSTIVE_CASE(float8_e4m3)
LOWP_EXHAUSTIVE_CASE(float8_e3m4)
LOWP_EXHAUSTIVE_CASE(float8_e8m0fnu)
LOWP_EXHAUSTIVE_CASE(float8_ue4m3)
LOWP_EXHAUSTIVE_CASE(float6_e2m3fn)
LOWP_EXHAUSTIVE_CASE(float6_e3m2fn)
LOWP_EXHAUSTIVE_CASE(float4_e2m1fn)
LOWP_EXHAUSTIVE_CASE(int8)
LOWP_EXHAUSTIVE_CASE(uint8)
LOWP_EXHAUSTIVE_CASE(int4)
LOWP_EXHAUSTIVE_CASE(uint4)
LOWP_EXHAUSTIVE_CASE(int2)
LOWP_EXHAUSTIVE_CASE(uint2)
