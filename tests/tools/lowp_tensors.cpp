// `lowp quantize`, `lowp dequantize` and `lowp error` end to end: the binary's
// files against lowp::reference and lowp::quant::compare called in-process.

#include <catch2/catch.hpp>

#ifdef LOWP_TOOL_PATH

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "../../tools/lowp/accuracy_text.hpp"
#include "../../tools/lowp/tensors.hpp"
#include "lowp/block/formats.hpp"
#include "lowp/container/packed_span.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/io/npy.hpp"
#include "lowp/io/safetensors.hpp"
#include "lowp/quant/metrics.hpp"
#include "lowp/reference/block.hpp"
#include "tool_runner.hpp"
#include "xml_check.hpp"

namespace {

using lowp_test::contains;
using lowp_test::run_lowp;
using lowp_test::scratch_dir;
using lowp_test::tool_result;
using lowp_test::write_f32;

std::vector<std::uint32_t> read_f32_bits(const std::string& path) {
  const std::vector<std::uint8_t> bytes = lowp_test::slurp_bytes(path);
  REQUIRE(bytes.size() % 4 == 0);
  std::vector<std::uint32_t> bits(bytes.size() / 4);
  for (std::size_t i = 0; i < bits.size(); ++i)
    bits[i] = std::uint32_t(bytes[4 * i]) | (std::uint32_t(bytes[4 * i + 1]) << 8) |
              (std::uint32_t(bytes[4 * i + 2]) << 16) | (std::uint32_t(bytes[4 * i + 3]) << 24);
  return bits;
}

std::vector<std::uint32_t> bits_of(const std::vector<float>& x) {
  std::vector<std::uint32_t> b(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) b[i] = std::bit_cast<std::uint32_t>(x[i]);
  return b;
}

// n values of N(0, 4) with specials, a tie and values beyond fp8's range.
std::vector<float> sample(std::size_t n, std::uint64_t seed) {
  std::vector<float> x = lowp::tool::gaussian_tensor(n, seed);
  for (float& v : x) v *= 2;
  const float specials[] = {0.0f, -0.0f, 1.0625f, 1e9f, -3e-8f, 0.75f};
  for (std::size_t i = 0; i < std::size(specials) && 7 * i < n; ++i) x[7 * i] = specials[i];
  return x;
}

// In-process codes of a scalar format as one packed stream.
template <class T>
std::vector<std::uint8_t> scalar_stream(const std::vector<float>& x, lowp::rounding r = lowp::rounding::nearest_even,
                                        lowp::overflow o = lowp::overflow::saturate, std::uint64_t seed = 0) {
  std::vector<std::uint8_t> bytes(lowp::packed_bytes<T>(x.size()));
  lowp::packed_span<T> codes(bytes.data(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) codes[i] = T::from_bits(lowp::encode<T>(x[i], r, o, seed, i));
  return bytes;
}

// The cells of the row of `lowp error` output for `tensor` and `format`.
std::vector<std::string> error_row(const std::string& out, const std::string& tensor, const std::string& format) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> cells;
    for (std::string w; words >> w;) cells.push_back(w);
    if (cells.size() == 8 && cells[0] == tensor && cells[1] == format) return cells;
  }
  FAIL("no row for " << tensor << " " << format << " in:\n" << out);
  return {};
}

}  // namespace

TEST_CASE("lowp quantize/dequantize: scalar formats match the reference", "[tools][cli][quantize]") {
  const scratch_dir dir("scalar");
  const std::vector<float> x = sample(37, 3);  // odd: the last 4-bit byte is half used
  write_f32(dir / "x.f32", x);

  lowp::for_each_format<std::tuple<lowp::float4_e2m1fn, lowp::float6_e2m3fn, lowp::int4, lowp::float8_e4m3fn,
                                   lowp::bfloat16>>([&]<class T>(lowp::type_tag<T>) {
    INFO(T::name);
    const tool_result q = run_lowp({"quantize", T::name, dir / "x.f32", dir / "q.bin"});
    REQUIRE(q.status == 0);
    CHECK(q.out.empty());
    CHECK(q.err.empty());
    const std::vector<std::uint8_t> codes = lowp_test::slurp_bytes(dir / "q.bin");
    CHECK(codes == scalar_stream<T>(x));

    // --cols 37 gives back exactly the 37 values; each decodes exactly.
    const tool_result d = run_lowp({"dequantize", T::name, dir / "q.bin", dir / "y.f32", "--cols", "37", "--isa", "scalar"});
    REQUIRE(d.status == 0);
    std::vector<float> expected(x.size());
    lowp::packed_span<const T> span(codes.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) expected[i] = static_cast<float>(span[i].value());
    CHECK(read_f32_bits(dir / "y.f32") == bits_of(expected));

    // Without --cols: as many values as the bytes hold.
    REQUIRE(run_lowp({"dequantize", T::name, dir / "q.bin", dir / "all.f32"}).status == 0);
    CHECK(read_f32_bits(dir / "all.f32").size() == codes.size() * 8 / std::size_t(lowp::bit_width_v<T>));
  });

  // Policies and stochastic rounding: the element index is the position.
  const tool_result s = run_lowp({"quantize", "float8_e4m3fn", dir / "x.f32", dir / "s.bin", "--round", "stochastic",
                                  "--seed", "0x2a", "--overflow", "non_saturating"});
  REQUIRE(s.status == 0);
  CHECK(lowp_test::slurp_bytes(dir / "s.bin") ==
        scalar_stream<lowp::float8_e4m3fn>(x, lowp::rounding::stochastic, lowp::overflow::non_saturating, 42));
}

TEST_CASE("lowp quantize/dequantize: every block format matches the reference", "[tools][cli][quantize][blocks]") {
  const scratch_dir dir("blocks");
  constexpr std::size_t rows = 3, cols = 64;
  const std::vector<float> x = sample(rows * cols, 4);
  write_f32(dir / "x.f32", x);

  lowp::for_each_format<lowp::block_formats>([&]<class BF>(lowp::type_tag<BF>) {
    INFO(BF::name);
    // Blocks longer than a row (int4_g128's 128) zero-pad it.
    lowp::quantize_options opt;
    opt.pad = cols % BF::block_size == 0 ? lowp::padding::none : lowp::padding::zero;
    std::vector<std::string> q_args{"quantize", BF::name, dir / "x.f32", dir / "q.bin", "--cols", "64"};
    std::vector<std::string> d_args{"dequantize", BF::name, dir / "q.bin", dir / "y.f32", "--cols", "64"};
    if (opt.pad == lowp::padding::zero) q_args.push_back("--pad"), d_args.push_back("--pad");
    const tool_result q = run_lowp(q_args);
    REQUIRE(q.status == 0);
    CHECK(q.err.empty());
    const std::vector<std::uint8_t> raw = lowp_test::slurp_bytes(dir / "q.bin");
    CHECK(raw == lowp::reference::quantize<BF>(x, rows, cols, opt));
    const tool_result d = run_lowp(d_args);
    REQUIRE(d.status == 0);
    CHECK(read_f32_bits(dir / "y.f32") == bits_of(lowp::reference::dequantize<BF>(raw, rows, cols, opt.pad)));
  });

  // Default: the whole input is one row (192 values: 6 blocks of 32, 12 of 16).
  REQUIRE(run_lowp({"quantize", "nvfp4", dir / "x.f32", dir / "one.bin"}).status == 0);
  CHECK(lowp_test::slurp_bytes(dir / "one.bin") == lowp::reference::quantize<lowp::nvfp4>(x, 1, rows * cols));
  REQUIRE(run_lowp({"dequantize", "nvfp4", dir / "one.bin", dir / "one.f32"}).status == 0);
  CHECK(read_f32_bits(dir / "one.f32").size() == rows * cols);

  // Element policies and stochastic rounding (index = row * K + col).
  lowp::quantize_options opt;
  opt.round = lowp::rounding::stochastic;
  opt.on_overflow = lowp::overflow::non_saturating;
  opt.seed = 99;
  REQUIRE(run_lowp({"quantize", "mxfp6_e2m3", dir / "x.f32", dir / "s.bin", "--cols=64", "--round=stochastic",
                    "--overflow=non_saturating", "--seed=99"})
              .status == 0);
  CHECK(lowp_test::slurp_bytes(dir / "s.bin") == lowp::reference::quantize<lowp::mxfp6_e2m3>(x, rows, cols, opt));

  // --pad: rows of 48 values, not a multiple of 32.
  lowp::quantize_options pad;
  pad.pad = lowp::padding::zero;
  REQUIRE(run_lowp({"quantize", "mxfp4", dir / "x.f32", dir / "p.bin", "--cols", "48", "--pad"}).status == 0);
  const std::vector<std::uint8_t> padded = lowp_test::slurp_bytes(dir / "p.bin");
  CHECK(padded == lowp::reference::quantize<lowp::mxfp4>(x, 4, 48, pad));
  REQUIRE(run_lowp({"dequantize", "mxfp4", dir / "p.bin", dir / "p.f32", "--cols", "48", "--pad"}).status == 0);
  CHECK(read_f32_bits(dir / "p.f32") == bits_of(lowp::reference::dequantize<lowp::mxfp4>(padded, 4, 48, lowp::padding::zero)));
}

TEST_CASE("lowp quantize/dequantize: .npy in and out", "[tools][cli][quantize][npy]") {
  const scratch_dir dir("npy");
  const std::vector<float> x = sample(4 * 32, 5);
  for (lowp::io::dtype t : {lowp::io::dtype::float32, lowp::io::dtype::float16, lowp::io::dtype::bfloat16}) {
    INFO(lowp::io::name(t));
    const lowp::io::tensor in = lowp::io::tensor::from_floats("", {4, 32}, x, t);
    lowp::io::write_npy(dir / "x.npy", in);
    const std::vector<float> values = in.to_floats();  // as the tool reads them
    // The shape gives K = 32 and 4 rows.
    const tool_result q = run_lowp({"quantize", "mxfp8_e4m3", dir / "x.npy", dir / "q.bin"});
    REQUIRE(q.status == 0);
    const std::vector<std::uint8_t> raw = lowp_test::slurp_bytes(dir / "q.bin");
    CHECK(raw == lowp::reference::quantize<lowp::mxfp8_e4m3>(values, 4, 32));
    const tool_result d = run_lowp({"dequantize", "mxfp8_e4m3", dir / "q.bin", dir / "y.npy", "--cols", "32"});
    REQUIRE(d.status == 0);
    const lowp::io::tensor y = lowp::io::read_npy(dir / "y.npy");
    CHECK(y.type == lowp::io::dtype::float32);
    CHECK(y.shape == std::vector<std::size_t>{4, 32});
    CHECK(bits_of(y.to_floats()) == bits_of(lowp::reference::dequantize<lowp::mxfp8_e4m3>(raw, 4, 32)));
  }
  // A 1-d array with --cols; without --cols the output is 1-d.
  lowp::io::write_npy(dir / "v.npy", lowp::io::tensor::from_floats("", {128}, x));
  REQUIRE(run_lowp({"quantize", "ggml_q8_0", dir / "v.npy", dir / "v.bin", "--cols", "64"}).status == 0);
  CHECK(lowp_test::slurp_bytes(dir / "v.bin") == lowp::reference::quantize<lowp::ggml_q8_0>(x, 2, 64));
  REQUIRE(run_lowp({"dequantize", "ggml_q8_0", dir / "v.bin", dir / "v.npy"}).status == 0);
  CHECK(lowp::io::read_npy(dir / "v.npy").shape == std::vector<std::size_t>{128});
  // A scalar format from .npy to .npy.
  REQUIRE(run_lowp({"quantize", "float4_e2m1fn", dir / "x.npy", dir / "f4.bin"}).status == 0);
  CHECK(lowp_test::slurp_bytes(dir / "f4.bin") ==
        scalar_stream<lowp::float4_e2m1fn>(lowp::io::read_npy(dir / "x.npy").to_floats()));
}

TEST_CASE("lowp quantize/dequantize: errors name the argument or file", "[tools][cli][quantize]") {
  const scratch_dir dir("qerr");
  write_f32(dir / "x.f32", sample(100, 6));
  lowp_test::write_file(dir / "odd.f32", "abcdefg", 7);
  lowp_test::write_file(dir / "q7.bin", "abcdefg", 7);
  lowp_test::write_file(dir / "bad.npy", "\x93NUMPY\x01\x00\x10\x00{'descr': '<f4'", 26);
  lowp::io::write_npy(dir / "m.npy", lowp::io::tensor::from_floats("", {2, 50}, sample(100, 6)));
  struct bad {
    std::vector<std::string> args;
    int status;
    std::vector<std::string> message;
  };
  const bad cases[] = {
      {{"quantize", "mxfp4", dir / "x.f32", dir / "o"}, 2,
       {"lowp quantize: --cols: the row length 100", "whole input", "block size 32", "--pad"}},
      {{"quantize", "mxfp4", dir / "x.f32", dir / "o", "--cols", "50"}, 2,
       {"--cols: the row length 50 is not a multiple of mxfp4's block size 32"}},
      {{"quantize", "nvfp4", dir / "m.npy", dir / "o"}, 2, {"row length 50 (the last dimension of", "m.npy"}},
      {{"quantize", "nvfp4", dir / "m.npy", dir / "o", "--cols", "25"}, 2,
       {"--cols 25 does not match the last dimension 50 of"}},
      {{"quantize", "mxfp4", dir / "x.f32", dir / "o", "--cols", "64", "--pad"}, 1,
       {"x.f32: 100 values are not a whole number of rows of --cols 64"}},
      {{"quantize", "mxfp4", dir / "x.f32", dir / "o", "--cols", "0"}, 2, {"--cols '0' is not a positive integer"}},
      {{"quantize", "mxfp4", dir / "odd.f32", dir / "o"}, 1,
       {"odd.f32: 7 bytes is not a whole number of float32 values (expected a multiple of 4 bytes)"}},
      {{"quantize", "mxfp4", dir / "missing.f32", dir / "o"}, 1, {"missing.f32: cannot open for reading"}},
      {{"quantize", "mxfp4", dir / "bad.npy", dir / "o"}, 1, {"lowp quantize: ", "bad.npy: "}},
      {{"quantize", "mxfp4", dir / "x.f32", dir / "o.npy"}, 2, {"o.npy", "raw layout of mxfp4"}},
      {{"quantize", "ggml_q4_0", dir / "x.f32", dir / "o", "--pad", "--round", "up"}, 2,
       {"ggml_q4_0 quantizes exactly as ggml's reference does"}},
      {{"quantize", "mxfp9", dir / "x.f32", dir / "o"}, 2, {"unknown format 'mxfp9'", "nvfp4"}},
      {{"quantize", "mxfp4", dir / "x.f32"}, 2, {"missing argument: FORMAT IN OUT"}},
      {{"quantize", "mxfp4", dir / "x.f32", dir / "o", "--isa", "neon64"}, 2, {"--isa neon64: not available"}},
      {{"dequantize", "mxfp4", dir / "q7.bin", dir / "o"}, 1,
       {"q7.bin: 7 bytes do not fit the raw layout of mxfp4 in 17-byte blocks", "0 or 17 bytes"}},
      {{"dequantize", "nvfp4", dir / "q7.bin", dir / "o", "--cols", "16"}, 1,
       {"q7.bin: 7 bytes", "4 bytes of tensor scale + a multiple of 9 bytes", "4 or 13 bytes"}},
      {{"dequantize", "mxfp4", dir / "q7.bin", dir / "o", "--cols", "40"}, 2, {"--cols: the row length 40"}},
      {{"dequantize", "bfloat16", dir / "q7.bin", dir / "o"}, 1, {"q7.bin: 7 bytes", "bfloat16", "6 or 8 bytes"}},
      {{"dequantize", "float4_e2m1fn", dir / "q7.bin", dir / "o", "--cols", "5"}, 1, {"rows of 5", "5 or 8 bytes"}},
      {{"dequantize", "mxfp4", dir / "m.npy", dir / "o"}, 2, {"m.npy", "not .npy"}},
  };
  for (const bad& b : cases) {
    std::string args;
    for (const auto& a : b.args) args += a + " ";
    INFO("lowp " << args);
    const tool_result r = run_lowp(b.args);
    INFO(r.err);
    CHECK(r.status == b.status);
    CHECK(r.out.empty());
    for (const std::string& m : b.message) CHECK(contains(r.err, m));
    CHECK_FALSE(contains(r.err, "lowp: "));  // the library's prefix is replaced by the command's
    CHECK_FALSE(std::filesystem::exists(dir / "o"));
  }
}

TEST_CASE("lowp error: SQNR of block and scalar formats as computed in-process", "[tools][cli][error]") {
  const scratch_dir dir("error");
  const std::vector<float> a = sample(4 * 64, 7);
  const std::vector<float> b = sample(3 * 40, 8);  // 40: not a multiple of 32 or 16
  lowp::io::write_npy(dir / "a.npy", lowp::io::tensor::from_floats("", {4, 64}, a));
  const lowp::io::tensor st[] = {lowp::io::tensor::from_floats("w", {3, 40}, b),
                                 lowp::io::tensor::from_floats("h", {2, 2, 64}, a, lowp::io::dtype::bfloat16)};
  lowp::io::write_safetensors(dir / "m.safetensors", st);

  const tool_result r = run_lowp({"error", "mxfp4", "a.npy", "nvfp4", "float8_e4m3fn", "m.safetensors", "uint4"}, "",
                                 dir.path().string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());

  auto block_check = [&]<class BF>(lowp::type_tag<BF>, const std::string& tensor, const std::vector<float>& x,
                                    std::size_t rows, std::size_t cols) {
    INFO(tensor << " " << BF::name);
    lowp::quantize_options opt;
    opt.pad = cols % BF::block_size != 0 ? lowp::padding::zero : lowp::padding::none;
    const std::vector<std::uint8_t> raw = lowp::reference::quantize<BF>(x, rows, cols, opt);
    const lowp::quant::error_metrics m = lowp::quant::compare(x, lowp::reference::dequantize<BF>(raw, rows, cols, opt.pad));
    const std::vector<std::string> row = error_row(r.out, tensor, BF::name);
    CHECK(row[2] == "x");
    CHECK(row[3] == lowp::tool::bits_cell(lowp::tool::effective_bits(raw.size(), x.size())));
    CHECK(row[4] == lowp::tool::sqnr_cell(m));
    CHECK(row[5] == lowp::tool::error_cell(m.rmse));
    CHECK(row[6] == lowp::tool::error_cell(m.max_abs));
    CHECK(row[7] == lowp::tool::error_cell(m.max_rel));
  };
  const std::vector<float> h = st[1].to_floats();
  block_check(lowp::type_tag<lowp::mxfp4>{}, "a.npy", a, 4, 64);
  block_check(lowp::type_tag<lowp::nvfp4>{}, "a.npy", a, 4, 64);
  block_check(lowp::type_tag<lowp::mxfp4>{}, "m.safetensors:w", b, 3, 40);
  block_check(lowp::type_tag<lowp::nvfp4>{}, "m.safetensors:w", b, 3, 40);
  block_check(lowp::type_tag<lowp::mxfp4>{}, "m.safetensors:h", h, 4, 64);
  CHECK(error_row(r.out, "m.safetensors:w", "mxfp4")[3] == "6.8");  // 3 rows of 2 blocks of 17 bytes for 120 values

  // Scalar formats: per-tensor absmax scale, x/s rounded to float32; unsigned formats on |x|.
  auto scalar_check = [&]<class T>(lowp::type_tag<T>, const std::string& tensor, std::vector<float> x) {
    INFO(tensor << " " << T::name);
    const bool magnitudes = !std::numeric_limits<T>::is_signed;
    if (magnitudes)
      for (float& v : x) v = std::fabs(v);
    double amax = 0;
    for (float v : x) amax = std::max(amax, std::fabs(double(v)));
    const double s = amax / double(std::numeric_limits<T>::max());
    std::vector<float> y(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
      y[i] = float(double(lowp::decode<T>(lowp::encode<T>(float(double(x[i]) / s)))) * s);
    const lowp::quant::error_metrics m = lowp::quant::compare(x, y);
    const std::vector<std::string> row = error_row(r.out, tensor, T::name);
    CHECK(row[2] == (magnitudes ? "|x|" : "x"));
    CHECK(row[3] == lowp::tool::bits_cell(8.0 * double(lowp::packed_bytes<T>(x.size()) + 4) / double(x.size())));
    CHECK(row[4] == lowp::tool::sqnr_cell(m));
    CHECK(row[5] == lowp::tool::error_cell(m.rmse));
  };
  scalar_check(lowp::type_tag<lowp::float8_e4m3fn>{}, "a.npy", a);
  scalar_check(lowp::type_tag<lowp::uint4>{}, "m.safetensors:w", b);
  scalar_check(lowp::type_tag<lowp::float8_e4m3fn>{}, "m.safetensors:h", h);

  // Tensors in file order, formats in argument order.
  std::vector<std::string> order;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> cells;
    for (std::string w; words >> w;) cells.push_back(w);
    if (cells.size() == 8 && (cells[2] == "x" || cells[2] == "|x|")) order.push_back(cells[0] + " " + cells[1]);
  }
  std::vector<std::string> expected;
  for (const char* t : {"a.npy", "m.safetensors:w", "m.safetensors:h"})
    for (const char* f : {"mxfp4", "nvfp4", "float8_e4m3fn", "uint4"}) expected.push_back(std::string(t) + " " + f);
  CHECK(order == expected);
}

TEST_CASE("lowp error: --svg writes a well-formed chart with every format", "[tools][cli][error][svg]") {
  const scratch_dir dir("svg");
  // No value beyond float16's range, where ggml's scales overflow (SQNR -inf, not drawn).
  lowp::io::write_npy(dir / "g.npy", lowp::io::tensor::from_floats("", {2, 96}, lowp::tool::gaussian_tensor(192, 9)));
  const std::vector<std::string> formats{"mxfp8_e4m3", "mxfp4", "nvfp4", "ggml_q4_0", "int8", "bfloat16"};
  std::vector<std::string> args{"error"};
  args.insert(args.end(), formats.begin(), formats.end());
  args.insert(args.end(), {dir / "g.npy", "--svg", dir / "c.svg"});
  const tool_result r = run_lowp(args);
  REQUIRE(r.status == 0);
  const std::string svg = lowp_test::slurp(dir.path() / "c.svg");
  CHECK(svg.rfind("<svg ", 0) == 0);
  const lowp_test::xml_summary xml = lowp_test::check_xml(svg);
  INFO(xml.problem);
  REQUIRE(xml.problem.empty());
  CHECK(xml.root == "svg");
  for (const std::string& f : formats) {
    INFO(f);
    CHECK(std::count(xml.texts.begin(), xml.texts.end(), f) == 1);
  }
  CHECK(std::count(xml.texts.begin(), xml.texts.end(), dir / "g.npy") == 1);  // legend
}

TEST_CASE("lowp error: bad arguments and malformed files", "[tools][cli][error]") {
  const scratch_dir dir("errbad");
  lowp::io::write_npy(dir / "ok.npy", lowp::io::tensor::from_floats("", {32}, sample(32, 10)));
  lowp_test::write_file(dir / "trunc.npy", "\x93NUMPY\x01\x00", 8);
  lowp_test::write_file(dir / "bad.safetensors", "\x10\x00\x00\x00\x00\x00\x00\x00{\"a\": 1}", 17);
  lowp_test::write_file(dir / "notes.txt", "hello", 5);
  struct bad {
    std::vector<std::string> args;
    int status;
    std::vector<std::string> message;
  };
  const bad cases[] = {
      {{"error", "mxfp4", dir / "trunc.npy"}, 1, {"lowp error: ", "trunc.npy: truncated"}},
      {{"error", "mxfp4", dir / "ok.npy", dir / "bad.safetensors"}, 1, {"lowp error: ", "bad.safetensors: "}},
      {{"error", "mxfp4", dir / "missing.npy"}, 1, {"missing.npy: cannot open for reading"}},
      {{"error", "mxfp4", dir / "notes.txt"}, 2, {"notes.txt' is neither a format nor a .npy or .safetensors file"}},
      {{"error", "mxfp5", dir / "ok.npy"}, 2, {"'mxfp5' is neither a format"}},
      {{"error", "mxfp4", "int4"}, 2, {"no FILE given"}},
      {{"error", dir / "ok.npy", dir / "ok.npy"}, 2, {"no FORMAT given"}},
      {{"error", "mxfp4"}, 2, {"missing argument: FORMAT... FILE..."}},
  };
  for (const bad& b : cases) {
    std::string args;
    for (const auto& a : b.args) args += a + " ";
    INFO("lowp " << args);
    const tool_result r = run_lowp(b.args);
    INFO(r.err);
    CHECK(r.status == b.status);
    CHECK(r.out.empty());  // every file is checked before anything is printed
    for (const std::string& m : b.message) CHECK(contains(r.err, m));
  }
}

TEST_CASE("lowp report --write-tensors: the built-in tensors as .npy", "[tools][cli][report]") {
  const scratch_dir dir("tensors");
  const tool_result r = run_lowp({"report", "--write-tensors", dir / "t"});
  REQUIRE(r.status == 0);
  const std::pair<const char*, std::vector<float>> expected[] = {
      {"gaussian.npy", lowp::tool::report_gaussian_tensor()},
      {"heavy_tailed.npy", lowp::tool::report_heavy_tailed_tensor()}};
  for (const auto& [file, values] : expected) {
    INFO(file);
    CHECK(contains(r.out, file));
    const lowp::io::tensor t = lowp::io::read_npy(dir.path() / "t" / file);
    CHECK(t.type == lowp::io::dtype::float32);
    CHECK(t.shape == std::vector<std::size_t>{lowp::tool::report_rows, lowp::tool::report_cols});
    CHECK(bits_of(t.to_floats()) == bits_of(values));
  }
}

#endif
