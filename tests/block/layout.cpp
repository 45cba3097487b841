#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include <lowp/block/bfp.hpp>
#include <lowp/block/block_tensor.hpp>
#include <lowp/block/formats.hpp>
#include <lowp/reference/block.hpp>

#include "block_test_data.hpp"

namespace {
namespace ref = lowp::reference;
using lowp::padding;

template <class BF>
void check_traits(const char* name, std::size_t block, std::size_t bytes, double bits) {
  INFO(name);
  CHECK(std::string(BF::name) == name);
  CHECK(BF::block_size == block);
  CHECK(BF::bytes_per_block == bytes);
  CHECK(BF::bits_per_element == bits);
}
}  // namespace

TEST_CASE("block format traits", "[block][layout]") {
  check_traits<lowp::mxfp8_e4m3>("mxfp8_e4m3", 32, 33, 8.25);
  check_traits<lowp::mxfp8_e5m2>("mxfp8_e5m2", 32, 33, 8.25);
  check_traits<lowp::mxfp6_e3m2>("mxfp6_e3m2", 32, 25, 6.25);
  check_traits<lowp::mxfp6_e2m3>("mxfp6_e2m3", 32, 25, 6.25);
  check_traits<lowp::mxfp4>("mxfp4", 32, 17, 4.25);
  check_traits<lowp::mxint8>("mxint8", 32, 33, 8.25);
  check_traits<lowp::mxfp8_e4m3_noclip>("mxfp8_e4m3_noclip", 32, 33, 8.25);
  check_traits<lowp::nvfp4>("nvfp4", 16, 9, 4.5);
  check_traits<lowp::ggml_q4_0>("ggml_q4_0", 32, 18, 4.5);
  check_traits<lowp::ggml_q4_1>("ggml_q4_1", 32, 20, 5.0);
  check_traits<lowp::ggml_q8_0>("ggml_q8_0", 32, 34, 8.5);
  check_traits<lowp::ggml_mxfp4>("ggml_mxfp4", 32, 17, 4.25);
  check_traits<lowp::bfp<4, 16>>("bfp4_16", 16, 9, 4.5);
  check_traits<lowp::bfp<2, 256>>("bfp2_256", 256, 65, 65 * 8.0 / 256);
  check_traits<lowp::bfp<6, 8>>("bfp6_8", 8, 7, 7.0);
  STATIC_REQUIRE(std::is_same_v<lowp::bfp<8, 32>, lowp::mxint8>);
  STATIC_REQUIRE(lowp::block_element<lowp::float8_e4m3fn>::emax == 8);
  STATIC_REQUIRE(lowp::block_element<lowp::float8_e5m2>::emax == 15);
  STATIC_REQUIRE(lowp::block_element<lowp::float6_e3m2fn>::emax == 4);
  STATIC_REQUIRE(lowp::block_element<lowp::float6_e2m3fn>::emax == 2);
  STATIC_REQUIRE(lowp::block_element<lowp::float4_e2m1fn>::emax == 2);
  STATIC_REQUIRE(lowp::block_element<lowp::int8>::emax == 0);
  STATIC_REQUIRE(lowp::block_element<lowp::int8>::max_value == 127.0 / 64.0);
  STATIC_REQUIRE(lowp::ggml_q4_0::storage_index(0) == 0);
  STATIC_REQUIRE(lowp::ggml_q4_0::storage_index(16) == 1);
  STATIC_REQUIRE(lowp::ggml_q4_0::storage_index(17) == 3);
  STATIC_REQUIRE(lowp::mxfp4::storage_index(17) == 17);

  bool found = lowp::visit_format<lowp::block_formats>("ggml_q8_0", [](auto tag) {
    CHECK(decltype(tag)::type::bytes_per_block == 34);
  });
  CHECK(found);
}

TEMPLATE_LIST_TEST_CASE("rows whose length is not a multiple of the block size", "[block][layout]",
                        lowp::block_formats) {
  using BF = TestType;
  INFO(BF::name);
  const std::size_t rows = 3, cols = 2 * BF::block_size + 5;
  const auto x = lowp_block_test::varied_tensor(rows, cols, 9);

  REQUIRE_THROWS_AS(ref::quantize<BF>(x, rows, cols), lowp::error);
  REQUIRE_THROWS_WITH(ref::quantize<BF>(x, rows, cols),
                      Catch::Contains("K = " + std::to_string(cols)) &&
                          Catch::Contains(std::to_string(BF::block_size)) && Catch::Contains(BF::name));
  REQUIRE_THROWS_WITH(ref::raw_bytes<BF>(rows, cols), Catch::Contains("padding::zero"));

  lowp::quantize_options opt;
  opt.pad = padding::zero;
  const auto raw = ref::quantize<BF>(x, rows, cols, opt);
  REQUIRE(raw.size() == BF::tensor_header_bytes + rows * 3 * BF::bytes_per_block);

  // The same bytes as quantizing rows explicitly padded with zeros.
  const std::size_t padded_cols = 3 * BF::block_size;
  std::vector<float> padded(rows * padded_cols, 0.0f);
  for (std::size_t r = 0; r < rows; ++r) std::copy_n(x.begin() + r * cols, cols, padded.begin() + r * padded_cols);
  lowp::quantize_options same_scale;
  if constexpr (BF::scale_rule::tensor_scale) same_scale.tensor_scale = ref::tensor_scale<BF>(x);
  const auto expected = ref::quantize<BF>(padded, rows, padded_cols, same_scale);
  REQUIRE(raw == expected);

  REQUIRE_THROWS_WITH(ref::dequantize<BF>(raw, rows, cols), Catch::Contains("K = " + std::to_string(cols)));
  const auto y = ref::dequantize<BF>(raw, rows, cols, padding::zero);
  const auto y_full = ref::dequantize<BF>(expected, rows, padded_cols);
  REQUIRE(y.size() == rows * cols);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c)
      REQUIRE(lowp_block_test::bits(y[r * cols + c]) == lowp_block_test::bits(y_full[r * padded_cols + c]));
}

TEST_CASE("buffer size and option errors name the argument", "[block][layout]") {
  std::vector<float> x(64, 1.0f);
  std::vector<std::uint8_t> small(10);
  std::vector<float> out(63);
  REQUIRE_THROWS_WITH(ref::quantize<lowp::mxfp4>(x, 1, 32), Catch::Contains("x: 64 values"));
  REQUIRE_THROWS_WITH(ref::quantize<lowp::mxfp4>(x, 2, 32, small), Catch::Contains("out: 10 bytes"));
  REQUIRE_THROWS_WITH(ref::dequantize<lowp::mxfp4>(small, 2, 32), Catch::Contains("raw: 10 bytes"));
  const auto raw = ref::quantize<lowp::mxfp4>(x, 2, 32);
  REQUIRE_THROWS_WITH(ref::dequantize<lowp::mxfp4>(raw, 2, 32, out), Catch::Contains("out: 63 values"));
  REQUIRE_THROWS_WITH(ref::quantize_row<lowp::mxfp4>(std::span<const float>(x).first(32), small),
                      Catch::Contains("out: 10 bytes"));
  REQUIRE_THROWS_WITH(ref::raw_bytes<lowp::mxfp4>(std::size_t(1) << 62, 1024), Catch::Contains("overflow"));

  lowp::quantize_options opt;
  opt.round = lowp::rounding::stochastic;
  REQUIRE_THROWS_WITH(ref::quantize<lowp::ggml_q4_0>(x, 2, 32, opt), Catch::Contains("round"));
  lowp::quantize_options ts;
  ts.tensor_scale = 2.0f;
  REQUIRE_THROWS_WITH(ref::quantize<lowp::mxfp4>(x, 2, 32, ts), Catch::Contains("tensor_scale"));
}

TEST_CASE("block_tensor: quantize, views, dequantize", "[block][layout]") {
  const std::size_t rows = 3, cols = 64;
  const auto x = lowp_block_test::varied_tensor(rows, cols, 21);

  SECTION("mxfp4") {
    const lowp::block_tensor<lowp::mxfp4> t(x, rows, cols);
    REQUIRE(t.rows() == rows);
    REQUIRE(t.cols() == cols);
    REQUIRE(t.blocks_per_row() == 2);
    REQUIRE(t.row_bytes() == 34);
    REQUIRE(t.size_bytes() == 102);
    REQUIRE(std::vector<std::uint8_t>(t.raw().begin(), t.raw().end()) == ref::quantize<lowp::mxfp4>(x, rows, cols));
    const auto blk = t.row(1).block(1);
    REQUIRE(blk.scale_bytes()[0] == t.raw()[34 + 17]);
    REQUIRE(static_cast<float>(blk.scale()) == std::ldexp(1.0f, int(blk.scale_bytes()[0]) - 127));
    REQUIRE(blk.element(3).bits() == (t.raw()[34 + 17 + 1 + 1] >> 4));
    REQUIRE(blk.codes().size() == 32);
    const auto y = t.dequantize();
    REQUIRE(y == ref::dequantize<lowp::mxfp4>(t.raw(), rows, cols));
    REQUIRE(blk.value(3) == y[cols + 32 + 3]);
    std::vector<float> row(cols);
    t.row(2).dequantize(row);
    REQUIRE(std::equal(row.begin(), row.end(), y.begin() + 2 * cols));
    REQUIRE_THROWS_WITH(t.row(3), Catch::Contains("row: index 3"));
    REQUIRE_THROWS_WITH(t.row(0).block(2), Catch::Contains("block: index 2"));
    REQUIRE_THROWS_WITH(blk.element(32), Catch::Contains("element: index 32"));
  }
  SECTION("ggml_q4_1: two scale fields, split nibbles") {
    const lowp::block_tensor<lowp::ggml_q4_1> t(x, rows, cols);
    const auto blk = t.row(0).block(0);
    REQUIRE(blk.scale(0).bits() == ref::detail::load_le16(t.raw().data()));
    REQUIRE(blk.scale(1).bits() == ref::detail::load_le16(t.raw().data() + 2));
    REQUIRE_THROWS_WITH(blk.scale(2), Catch::Contains("scale: index 2"));
    REQUIRE(blk.element(20).bits() == (t.raw()[4 + 4] >> 4));
    REQUIRE(blk.element(4).bits() == (t.raw()[4 + 4] & 0x0F));
    const float d = static_cast<float>(blk.scale(0)), m = static_cast<float>(blk.scale(1));
    REQUIRE(blk.value(20) == float(blk.element(20).value()) * d + m);
  }
  SECTION("nvfp4 keeps its tensor scale; zeros and raw bytes") {
    const lowp::block_tensor<lowp::nvfp4> t(x, rows, cols);
    REQUIRE(t.tensor_scale() == ref::tensor_scale<lowp::nvfp4>(x));
    REQUIRE(t.row(0).block(0).value(0) == t.dequantize()[0]);
    const lowp::block_tensor<lowp::nvfp4> z(2, 16);
    REQUIRE(z.tensor_scale() == 1.0f);
    const auto zy = z.dequantize();
    REQUIRE(std::all_of(zy.begin(), zy.end(), [](float v) { return v == 0; }));
    auto copy = lowp::block_tensor<lowp::nvfp4>::from_raw(
        std::vector<std::uint8_t>(t.raw().begin(), t.raw().end()), rows, cols);
    REQUIRE(copy.dequantize() == t.dequantize());
    REQUIRE_THROWS_WITH(lowp::block_tensor<lowp::nvfp4>::from_raw(std::vector<std::uint8_t>(10), rows, cols),
                        Catch::Contains("raw: 10 bytes"));
  }
  SECTION("padding") {
    lowp::quantize_options opt;
    opt.pad = padding::zero;
    const lowp::block_tensor<lowp::mxfp8_e4m3> t(std::span<const float>(x).first(3 * 40), 3, 40, opt);
    REQUIRE(t.blocks_per_row() == 2);
    REQUIRE(t.dequantize().size() == 120);
    REQUIRE_THROWS_WITH(lowp::block_tensor<lowp::mxfp8_e4m3>(std::span<const float>(x).first(120), 3, 40),
                        Catch::Contains("K = 40"));
  }
}
