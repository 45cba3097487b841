// lowp::isa names, runtime selection and forcing.

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <lowp/isa.hpp>
#include <lowp/kernels/convert.hpp>

#include "convert_support.hpp"

TEST_CASE("isa names use the CLI spellings and round-trip through parse_isa", "[isa]") {
  const std::vector<std::string> spellings{"scalar", "sse2", "sse4_1", "avx2", "avx512bw", "neon64"};
  REQUIRE(lowp::all_isas.size() == spellings.size());
  for (std::size_t k = 0; k < spellings.size(); ++k) {
    CHECK(std::string(lowp::name(lowp::all_isas[k])) == spellings[k]);
    CHECK(lowp::parse_isa(spellings[k]) == lowp::all_isas[k]);
  }
  CHECK_FALSE(lowp::parse_isa("avx").has_value());
  CHECK_FALSE(lowp::parse_isa("AVX2").has_value());
  CHECK_FALSE(lowp::parse_isa("").has_value());
  REQUIRE_THROWS_WITH(lowp::require_isa("sse3"), Catch::Contains("sse3"));
}

TEST_CASE("the dispatcher runs a SIMD ISA on this machine", "[isa]") {
  lowp_test::warn_untested_isas();
  for (lowp::isa i : lowp::all_isas)
    INFO("isa " << lowp::name(i) << ": compiled " << lowp::isa_compiled(i) << ", CPU "
                << lowp::isa_supported_by_cpu(i));
  CHECK(lowp::isa_available(lowp::isa::scalar));
  CHECK(lowp::isa_available(lowp::best_isa()));
#if defined(__x86_64__)
  // x86-64 guarantees SSE2, and lowp_tests compiles every x86 ISA.
  CHECK(lowp::isa_compiled(lowp::isa::sse2));
  CHECK(lowp::isa_compiled(lowp::isa::sse4_1));
  CHECK(lowp::isa_compiled(lowp::isa::avx2));
  CHECK(lowp::isa_compiled(lowp::isa::avx512bw));
  CHECK(lowp::isa_available(lowp::isa::sse2));
  CHECK(lowp::best_isa() != lowp::isa::scalar);
  CHECK_FALSE(lowp::isa_compiled(lowp::isa::neon64));
#elif defined(__aarch64__)
  CHECK(lowp::isa_compiled(lowp::isa::neon64));
  CHECK(lowp::best_isa() == lowp::isa::neon64);
  CHECK_FALSE(lowp::isa_compiled(lowp::isa::avx2));
#endif
  const auto tested = lowp_test::tested_isas();
  CHECK(tested.size() >= 2);  // scalar and at least one SIMD ISA
}

TEST_CASE("forcing an ISA that cannot run here throws lowp::error naming it", "[isa]") {
  std::vector<float> in(40, 1.5f);
  std::vector<std::uint8_t> out(40);
  int unavailable = 0;
  for (lowp::isa i : lowp::all_isas) {
    if (lowp::isa_available(i)) {
      CHECK(lowp::require_isa(i) == i);
      continue;
    }
    ++unavailable;
    INFO("isa " << lowp::name(i));
    const std::string why = lowp::isa_compiled(i) ? "not supported by this CPU" : "not compiled";
    REQUIRE_THROWS_AS(lowp::require_isa(i), lowp::error);
    REQUIRE_THROWS_WITH(lowp::require_isa(std::string(lowp::name(i))),
                        Catch::Contains(std::string(lowp::name(i))) && Catch::Contains(why));
    REQUIRE_THROWS_WITH(lowp::quantize(std::span<const float>(in),
                                       lowp::packed_span<lowp::float8_e4m3fn>(out.data(), in.size()),
                                       lowp::rounding::nearest_even, lowp::overflow::saturate, 0, 0, i),
                        Catch::Contains(std::string(lowp::name(i))));
    REQUIRE_THROWS_WITH(lowp::dequantize(lowp::packed_span<const lowp::float8_e4m3fn>(out.data(), in.size()),
                                         std::span<float>(in), i),
                        Catch::Contains(std::string(lowp::name(i))));
  }
  CHECK(unavailable >= 1);  // at least the other architecture family's ISAs
}

TEST_CASE("available_isas lists exactly the ISAs isa_available accepts, scalar first", "[isa]") {
  const std::vector<lowp::isa> v = lowp::available_isas();
  REQUIRE(!v.empty());
  CHECK(v.front() == lowp::isa::scalar);
  std::size_t expected = 0;
  for (lowp::isa i : lowp::all_isas) {
    const bool listed = std::find(v.begin(), v.end(), i) != v.end();
    INFO("isa " << lowp::name(i));
    CHECK(listed == lowp::isa_available(i));
    expected += lowp::isa_available(i) ? 1 : 0;
  }
  CHECK(v.size() == expected);
}
