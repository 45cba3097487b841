// lowp::quantize / lowp::dequantize on every ISA this CPU runs, compared bit
// for bit with the scalar reference (reference/convert_bulk.hpp).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <lowp/format/formats.hpp>
#include <lowp/kernels/convert.hpp>
#include <lowp/reference/convert_bulk.hpp>

#include "convert_support.hpp"

using namespace lowp_test;

namespace {

struct encode_case {
  lowp::rounding r;
  lowp::overflow o;
  std::uint64_t seed;
  std::uint64_t first_index;
};

std::string describe(lowp::isa which, const encode_case& c) {
  return "isa " + std::string(lowp::name(which)) + ", " + std::string(lowp::name(c.r)) + ", " +
         std::string(lowp::name(c.o)) + ", seed " + std::to_string(c.seed) + ", first_index " +
         std::to_string(c.first_index);
}

// Empty when quantize on `which` writes exactly the reference's bytes (into
// buffers that start `out_offset` bytes into a prefilled allocation), else
// a description of the first difference.
template <class T>
std::string encode_mismatch(lowp::isa which, std::span<const float> in, const encode_case& c,
                            std::size_t out_offset) {
  constexpr int W = lowp::bit_width_v<T>;
  const std::size_t bytes = lowp::packed_bytes<T>(in.size());
  std::vector<std::uint8_t> expect(out_offset + bytes + 8, 0xa5);
  std::vector<std::uint8_t> got = expect;
  lowp::reference::quantize<T>(in, lowp::packed_span<T>(expect.data() + out_offset, in.size()), c.r, c.o, c.seed,
                               c.first_index);
  lowp::quantize<T>(in, lowp::packed_span<T>(got.data() + out_offset, in.size()), c.r, c.o, c.seed,
                    c.first_index, which);
  if (expect == got) return {};
  std::size_t b = 0;
  while (expect[b] == got[b]) ++b;
  if (b < out_offset || b >= out_offset + bytes)
    return describe(which, c) + ": byte " + std::to_string(b) + " outside the output changed";
  std::size_t element = (b - out_offset) * 8 / W;
  while (lowp::detail::read_bits(expect.data() + out_offset, element * W, W) ==
         lowp::detail::read_bits(got.data() + out_offset, element * W, W))
    ++element;
  const auto expect_code = lowp::detail::read_bits(expect.data() + out_offset, element * W, W);
  const auto got_code = lowp::detail::read_bits(got.data() + out_offset, element * W, W);
  return describe(which, c) + ", n " + std::to_string(in.size()) + ": element " + std::to_string(element) +
         " input " + hex(to_bits(in[element])) + " expected " + hex(expect_code, 4) + " got " +
         hex(got_code, 4);
}

template <class T>
std::string decode_mismatch(lowp::isa which, std::span<const std::uint8_t> bytes, std::size_t n,
                            std::size_t out_offset) {
  std::vector<float> expect(out_offset + n + 4, from_bits(0x7f812345U));
  std::vector<float> got = expect;
  lowp::packed_span<const T> in(bytes.data(), n);
  lowp::reference::dequantize<T>(in, std::span<float>(expect.data() + out_offset, n));
  lowp::dequantize<T>(in, std::span<float>(got.data() + out_offset, n), which);
  for (std::size_t k = 0; k < expect.size(); ++k)
    if (to_bits(expect[k]) != to_bits(got[k])) {
      if (k < out_offset || k >= out_offset + n)
        return "isa " + std::string(lowp::name(which)) + ": float " + std::to_string(k) + " outside the output changed";
      constexpr int W = lowp::bit_width_v<T>;
      const std::size_t e = k - out_offset;
      return "isa " + std::string(lowp::name(which)) + ", n " + std::to_string(n) + ": element " +
             std::to_string(e) + " code " + hex(lowp::detail::read_bits(bytes.data(), e * W, W), 4) +
             " expected " + hex(to_bits(expect[k])) + " got " + hex(to_bits(got[k]));
    }
  return {};
}

template <class T>
std::vector<std::uint8_t> pack(const std::vector<std::uint32_t>& codes, std::size_t byte_offset) {
  constexpr int W = lowp::bit_width_v<T>;
  std::vector<std::uint8_t> bytes(byte_offset + lowp::packed_bytes<T>(codes.size()) + 4, 0x5a);
  for (std::size_t k = 0; k < codes.size(); ++k)
    lowp::detail::write_bits(bytes.data() + byte_offset, k * W, W, codes[k]);
  return bytes;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("quantize on every ISA matches the reference for every rounding and overflow",
                        "[kernels][convert]", lowp::scalar_formats) {
  using T = TestType;
  INFO(T::name);
  warn_untested_isas();
  // One float in: the input pointer is misaligned for every vector width.
  std::vector<float> storage = edge_and_random_inputs<T>(2048, 1);
  storage.insert(storage.begin(), 1.0f);
  const std::span<const float> in(storage.data() + 1, storage.size() - 1);
  for (lowp::rounding r : lowp::all_roundings)
    for (lowp::overflow o : lowp::all_overflows)
      for (lowp::isa which : tested_isas()) {
        const encode_case c{r, o, 0x9e3779b97f4a7c15ULL, 12345};
        CHECK(encode_mismatch<T>(which, in, c, 3) == "");
      }
}

TEMPLATE_LIST_TEST_CASE("quantize handles every tail length and misaligned pointers", "[kernels][convert]",
                        lowp::scalar_formats) {
  using T = TestType;
  INFO(T::name);
  const std::vector<float> inputs = edge_and_random_inputs<T>(512, 2);
  for (lowp::isa which : tested_isas()) {
    const std::size_t G = step_elements(which);
    for (std::size_t n = 0; n <= 2 * G + 3; ++n) {
      const std::size_t in_offset = n % 4;
      const std::size_t out_offset = (n / 4) % 4;
      // a window of the edge inputs that moves with n
      const std::size_t start = (n * 37) % (inputs.size() - n - in_offset) + in_offset;
      const encode_case c{lowp::all_roundings[n % 6], lowp::all_overflows[(n / 6) % 3], n, n * 1000};
      CHECK(encode_mismatch<T>(which, std::span<const float>(inputs).subspan(start, n), c, out_offset) == "");
    }
  }
}

TEMPLATE_LIST_TEST_CASE("stochastic rounding is identical on every ISA across 2^32 index boundaries",
                        "[kernels][convert][stochastic]", lowp::scalar_formats) {
  using T = TestType;
  INFO(T::name);
  const std::vector<float> inputs = edge_and_random_inputs<T>(1024, 3);
  REQUIRE(inputs.size() >= 700);
  const std::span<const float> in(inputs.data(), 700);
  for (std::uint64_t first : {(std::uint64_t{1} << 32) - 333, (std::uint64_t{7} << 32) + 5,
                              ~std::uint64_t{0} - 200, std::uint64_t{0}})
    for (std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{0x0123456789abcdefULL}})
      for (lowp::isa which : tested_isas()) {
        const encode_case c{lowp::rounding::stochastic, lowp::overflow::saturate, seed, first};
        CHECK(encode_mismatch<T>(which, in, c, 0) == "");
      }
}

TEMPLATE_LIST_TEST_CASE("dequantize on every ISA matches the reference for every code", "[kernels][convert]",
                        lowp::scalar_formats) {
  using T = TestType;
  INFO(T::name);
  constexpr int W = lowp::bit_width_v<T>;
  const std::vector<std::uint32_t> codes = all_codes<T>(W <= 8 ? 3 : 1, 4);
  const std::vector<std::uint8_t> bytes = pack<T>(codes, 1);
  for (lowp::isa which : tested_isas()) {
    CHECK(decode_mismatch<T>(which, std::span<const std::uint8_t>(bytes).subspan(1), codes.size(), 1) == "");
    const std::size_t G = step_elements(which);
    for (std::size_t n = 0; n <= 2 * G + 3; ++n) {
      const std::size_t in_offset = n % 4;
      std::vector<std::uint32_t> window(n);
      for (std::size_t k = 0; k < n; ++k) window[k] = codes[(n + k) % codes.size()];
      const std::vector<std::uint8_t> packed = pack<T>(window, in_offset);
      CHECK(decode_mismatch<T>(which, std::span<const std::uint8_t>(packed).subspan(in_offset), n, (n / 4) % 4) ==
            "");
    }
  }
}

TEST_CASE("quantize and dequantize reject mismatched sizes, naming the argument", "[kernels][convert]") {
  std::vector<float> in(10);
  std::vector<std::uint8_t> bytes(16);
  REQUIRE_THROWS_AS(lowp::quantize(std::span<const float>(in), lowp::packed_span<lowp::float8_e4m3fn>(bytes.data(), 9)),
                    lowp::error);
  REQUIRE_THROWS_WITH(lowp::quantize(std::span<const float>(in), lowp::packed_span<lowp::float4_e2m1fn>(bytes.data(), 11)),
                      Catch::Contains("out") && Catch::Contains("11") && Catch::Contains("10"));
  REQUIRE_THROWS_WITH(lowp::dequantize(lowp::packed_span<const lowp::int4>(bytes.data(), 12), std::span<float>(in)),
                      Catch::Contains("out") && Catch::Contains("12"));
}

TEST_CASE("quantize and dequantize of empty spans do nothing", "[kernels][convert]") {
  for (lowp::isa which : tested_isas()) {
    lowp::quantize(std::span<const float>(), lowp::packed_span<lowp::float8_e5m2>(), lowp::rounding::nearest_even,
                   lowp::overflow::saturate, 0, 0, which);
    lowp::dequantize(lowp::packed_span<const lowp::float6_e3m2fn>(), std::span<float>(), which);
  }
  SUCCEED();
}
