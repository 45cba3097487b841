// The `lowp` tool end to end: runs the binary built in the same tree.
// tools/lowp/CMakeLists.txt defines LOWP_TOOL_PATH for lowp_tests when it
// builds the tool; builds without the tool (cross builds) compile these out.

#include <catch2/catch.hpp>

#include "lowp/isa.hpp"

#ifdef LOWP_TOOL_PATH

#include <bit>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "../../tools/lowp/format_info.hpp"
#include "../../tools/lowp/tensors.hpp"
#include "lowp/block/formats.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/quant/metrics.hpp"
#include "tool_runner.hpp"

namespace {

using lowp_test::contains;
using lowp_test::run_lowp;
using lowp_test::tool_result;

std::string hex(std::uint32_t v, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", digits, unsigned(v));
  return buf;
}

}  // namespace

TEST_CASE("lowp tool binary exists", "[tools][cli]") {
  INFO(LOWP_TOOL_PATH);
  REQUIRE(std::filesystem::exists(LOWP_TOOL_PATH));
}

TEST_CASE("lowp formats prints the derived limits", "[tools][cli]") {
  const auto infos = lowp::tool::all_format_infos();
  const tool_result json = run_lowp({"formats", "--json"});
  CHECK(json.status == 0);
  CHECK(json.err.empty());
  CHECK(json.out == lowp::tool::formats_json(infos));

  const tool_result markdown = run_lowp({"formats", "--markdown"});
  CHECK(markdown.status == 0);
  CHECK(markdown.out == lowp::tool::formats_markdown(infos));

  const tool_result text = run_lowp({"formats"});
  CHECK(text.status == 0);
  for (const auto& f : infos) {
    INFO(f.name);
    CHECK(contains(text.out, "\n" + f.name + " "));
  }
  CHECK(contains(text.out, "2^-9"));

  const tool_result both = run_lowp({"formats", "--json", "--markdown"});
  CHECK(both.status == 2);
  CHECK(both.out.empty());
}

TEST_CASE("lowp encode: hand-checked codes", "[tools][cli]") {
  struct example {
    std::vector<std::string> args;
    std::string in, out;
  };
  const example examples[] = {
      {{"encode", "float8_e4m3fn"}, "1.0\n448\n0x3f800000\n", "0x38\n0x7e\n0x38\n"},
      {{"encode", "float8_e4m3fn"}, "0X3F800000\n-1\n1e-3\n464\n465\n1e9\n-0\n", "0x38\n0xb8\n0x01\n0x7e\n0x7e\n0x7e\n0x80\n"},
      {{"encode", "float8_e4m3fn", "--overflow", "non_saturating"}, "465\ninf\n-inf\n", "0x7f\n0x7f\n0xff\n"},
      {{"encode", "float8_e4m3fn", "--overflow=saturate_all"}, "inf\n-inf\nnan\n", "0x7e\n0xfe\n0x7f\n"},
      {{"encode", "float8_e4m3fn", "--round", "toward_zero"}, "1.1\n-1.1\n", "0x38\n0xb8\n"},
      {{"encode", "float8_e4m3fn"}, "1.1\n-1.1\n", "0x39\n0xb9\n"},
      {{"encode", "float8_e4m3fn", "--round", "up"}, "1.01\n-1.01\n", "0x39\n0xb8\n"},
      {{"encode", "float8_e5m2"}, "1\n-inf\nnan\n-nan\nINF\n57344\n", "0x3c\n0xfc\n0x7e\n0xfe\n0x7c\n0x7b\n"},
      {{"encode", "float8_e4m3fnuz"}, "1\n-0\nnan\n", "0x40\n0x00\n0x80\n"},
      {{"encode", "float8_e8m0fnu"}, "1\n1.5\n3\n6\n0.75\n0\n", "0x7f\n0x80\n0x80\n0x82\n0x7e\n0x00\n"},
      {{"encode", "float8_ue4m3"}, "448\n-1\n", "0x7e\n0x00\n"},
      {{"encode", "float4_e2m1fn"}, "6\n-0.5\nnan\n", "0x07\n0x09\n0x07\n"},
      {{"encode", "float6_e2m3fn"}, "7.5\n-1\n", "0x1f\n0x28\n"},
      {{"encode", "bfloat16"}, "1\n-2\n", "0x3f80\n0xc000\n"},
      {{"encode", "float16"}, "1\n65504\n 0.5 \r\n", "0x3c00\n0x7bff\n0x3800\n"},
      {{"encode", "int4"}, "-1\n2.5\n3.5\n100\nnan\n-inf", "0x0f\n0x02\n0x04\n0x07\n0x00\n0x08\n"},
      {{"encode", "uint4", "--isa", "scalar"}, "-3\n15.4\n", "0x00\n0x0f\n"},
      {{"encode", "int8"}, "-128\n", "0x80\n"},
      {{"encode", "float8_e4m3fn"}, "", ""},
  };
  for (const example& e : examples) {
    INFO("args: " << e.args[1] << (e.args.size() > 2 ? " " + e.args[2] : std::string()) << "; input: " << e.in);
    const tool_result r = run_lowp(e.args, e.in);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out == e.out);
  }
}

TEST_CASE("lowp encode: stochastic rounding uses the line index", "[tools][cli]") {
  std::string in;
  for (int i = 0; i < 64; ++i) in += "1.0625\n";  // halfway between the codes 0x38 and 0x39
  for (std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{12345}, std::uint64_t{0x123456789abcdef0}}) {
    INFO("seed " << seed);
    std::string expected;
    for (std::uint64_t i = 0; i < 64; ++i)
      expected += hex(lowp::encode<lowp::float8_e4m3fn>(1.0625, lowp::rounding::stochastic,
                                                          lowp::overflow::saturate, seed, i),
                      2) + "\n";
    CHECK(contains(expected, "0x38"));
    CHECK(contains(expected, "0x39"));
    const tool_result r = run_lowp({"encode", "float8_e4m3fn", "--round", "stochastic", "--seed",
                                    seed == 0x123456789abcdef0 ? "0x123456789abcdef0" : std::to_string(seed)},
                                   in);
    CHECK(r.status == 0);
    CHECK(r.out == expected);
  }
}

TEST_CASE("lowp decode: every code of every format", "[tools][cli]") {
  const tool_result r = run_lowp({"decode", "float8_e4m3fn"}, "0x38\n0xFF\n0X7e\n");
  CHECK(r.status == 0);
  CHECK(r.out == "0x3f800000\n0xffc00000\n0x43e00000\n");

  lowp::for_each_format<lowp::scalar_formats>([]<class T>(lowp::type_tag<T>) {
    INFO(T::name);
    constexpr int width = lowp::bit_width_v<T>;
    const int digits = width > 8 ? 4 : 2;
    const std::uint32_t count = width > 8 ? 4096 : (std::uint32_t{1} << width);  // 16-bit: a sample
    std::string in, expected;
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::uint32_t code = width > 8 ? i * 16 + i % 16 : i;
      in += hex(code, digits) + "\n";
      expected += hex(std::bit_cast<std::uint32_t>(lowp::decode<T>(typename T::storage_type(code))), 8) + "\n";
    }
    const tool_result d = run_lowp({"decode", T::name}, in);
    CHECK(d.status == 0);
    CHECK(d.out == expected);
  });
}

TEST_CASE("lowp encode/decode: errors name the bad argument or line", "[tools][cli]") {
  struct bad {
    std::vector<std::string> args;
    std::string in;
    int status;
    std::string message;
  };
  const bad cases[] = {
      {{"encode", "float9"}, "1\n", 2, "lowp encode: unknown format 'float9'"},
      {{"decode", "float9"}, "0x00\n", 2, "lowp decode: unknown format 'float9'"},
      {{"encode", "float8_e4m3fn"}, "1\n2\nabc\n", 1, "lowp encode: line 3: cannot parse 'abc' as a number"},
      {{"encode", "float8_e4m3fn"}, "1\n\n2\n", 1, "lowp encode: line 2: empty line"},
      {{"encode", "float8_e4m3fn"}, "0x3f80\n", 1, "lowp encode: line 1: cannot parse '0x3f80' as float32 bits"},
      {{"encode", "float8_e4m3fn"}, "0x1p3\n", 1, "line 1: cannot parse '0x1p3' as float32 bits"},
      {{"encode", "float8_e4m3fn"}, "1\n-0x1p3\n", 1, "line 2: cannot parse '-0x1p3' as a number"},
      {{"encode", "float8_e4m3fn"}, "1 2\n", 1, "line 1: cannot parse '1 2' as a number"},
      {{"encode", "float8_e4m3fn"}, "nan(1)\n", 1, "line 1: cannot parse 'nan(1)' as a number"},
      {{"encode", "float8_e4m3fn"}, "1e400\n", 1, "line 1: '1e400' is beyond the range of double"},
      {{"decode", "float8_e4m3fn"}, "0x38\nzz\n", 1, "lowp decode: line 2: cannot parse 'zz' as a float8_e4m3fn code"},
      {{"decode", "float8_e4m3fn"}, "38\n", 1, "line 1: cannot parse '38'"},
      {{"decode", "float8_e4m3fn"}, "0x038\n", 1, "line 1: cannot parse '0x038'"},
      {{"decode", "bfloat16"}, "0x3f\n", 1, "line 1: cannot parse '0x3f' as a bfloat16 code (expected 0x + exactly 4 hex digits)"},
      {{"decode", "float4_e2m1fn"}, "0x0f\n0x10\n", 1, "line 2: code '0x10' does not fit float4_e2m1fn (4 bits)"},
      {{"decode", "float8_e4m3fn"}, "\n", 1, "line 1: empty line"},
      {{"encode", "float8_e4m3fn", "--isa", "neon64"}, "1\n", 2, "lowp encode: --isa neon64: not available here"},
      {{"encode", "float8_e4m3fn", "--isa", "foo"}, "1\n", 2, "lowp encode: unknown --isa value 'foo'"},
      {{"decode", "float8_e4m3fn", "--isa=neon64"}, "0x00\n", 2, "--isa neon64: not available here"},
      {{"report", "--isa", "neon64"}, "", 2, "lowp report: --isa neon64: not available here"},
      {{"encode", "float8_e4m3fn", "--round", "sideways"}, "1\n", 2, "unknown --round value 'sideways'"},
      {{"encode", "float8_e4m3fn", "--overflow", "wrap"}, "1\n", 2, "unknown --overflow value 'wrap'"},
      {{"encode", "float8_e4m3fn", "--seed", "-1"}, "1\n", 2, "--seed '-1' is not an unsigned 64-bit integer"},
      {{"encode", "float8_e4m3fn", "--bogus"}, "1\n", 2, "lowp encode: unknown option '--bogus'"},
      {{"encode", "float8_e4m3fn", "--round"}, "1\n", 2, "option --round needs a value R"},
      {{"encode"}, "1\n", 2, "lowp encode: missing argument: FORMAT"},
      {{"encode", "float8_e4m3fn", "int4"}, "1\n", 2, "lowp encode: unexpected argument 'int4'"},
      {{"frobnicate"}, "", 2, "lowp: unknown command 'frobnicate'"},
      {{}, "", 2, "usage: lowp COMMAND"},
  };
  for (const bad& b : cases) {
    std::string args;
    for (const auto& a : b.args) args += a + " ";
    INFO("lowp " << args << "< '" << b.in << "'");
    const tool_result r = run_lowp(b.args, b.in);
    CHECK(r.status == b.status);
    CHECK(r.out.empty());
    CHECK(contains(r.err, b.message));
  }
  // Unknown options and commands print the usage.
  CHECK(contains(run_lowp({"encode", "int4", "--bogus"}).err, "usage: lowp encode"));
  CHECK(contains(run_lowp({"frobnicate"}).err, "usage: lowp COMMAND"));
}

TEST_CASE("lowp encode/decode give the same codes on every ISA the CPU runs", "[tools][cli]") {
  // Values around the e4m3fn boundaries, NaN, Inf, and float32 bit patterns.
  const std::string in = "0\n-0\n1\n448\n464\n465\n-1e9\ninf\nnan\n0.001\n0x00000001\n0x7f800001\n3.14159\n";
  std::string codes;
  for (const char* isa : {"scalar", "sse2", "sse4_1", "avx2", "avx512bw"}) {
    if (!lowp::isa_available(*lowp::parse_isa(isa))) {
      WARN("--isa " << isa << " is not available on this CPU: not run");
      continue;
    }
    INFO("--isa " << isa);
    for (const char* round : {"nearest_even", "toward_zero", "stochastic"}) {
      const tool_result e = run_lowp({"encode", "float8_e4m3fn", "--round", round, "--seed", "7", "--isa", isa}, in);
      REQUIRE(e.status == 0);
      const tool_result ref = run_lowp({"encode", "float8_e4m3fn", "--round", round, "--seed", "7", "--isa", "scalar"}, in);
      CHECK(e.out == ref.out);
    }
    const tool_result d = run_lowp({"decode", "float6_e3m2fn", "--isa", isa}, "0x00\n0x1f\n0x20\n0x3f\n0x01\n");
    CHECK(d.status == 0);
    CHECK(d.out == "0x00000000\n0x41e00000\n0x80000000\n0xc1e00000\n0x3d800000\n");
  }
}

TEST_CASE("lowp --help", "[tools][cli]") {
  const tool_result top = run_lowp({"--help"});
  CHECK(top.status == 0);
  for (const char* c : {"formats", "encode", "decode", "quantize", "dequantize", "error", "report"})
    CHECK(contains(top.out, std::string("\n  ") + c + " "));
  const tool_result encode = run_lowp({"encode", "--help"});
  CHECK(encode.status == 0);
  CHECK(contains(encode.out, "usage: lowp encode"));
  CHECK(contains(encode.out, "--round R"));
  CHECK(contains(encode.out, "--isa I"));
  // Maintainers' options are accepted but not advertised.
  const tool_result report = run_lowp({"report", "--help"});
  CHECK(report.status == 0);
  CHECK(contains(report.out, "--isa I"));
  CHECK_FALSE(contains(report.out, "--write-tensors"));
  CHECK_FALSE(contains(report.out, "--blocks-markdown"));
}

TEST_CASE("lowp report: sections and figures", "[tools][cli][report]") {
  const tool_result r = run_lowp({"report"});
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  for (const char* heading : {"== Scalar formats ==", "== Round-trip error: Gaussian tensor ==",
                              "== Round-trip error: heavy-tailed tensor ==", "== Round-trip error: block formats =="})
    CHECK(contains(r.out, heading));
  const std::string blocks = r.out.substr(r.out.find("== Round-trip error: block formats =="));
  lowp::for_each_format<lowp::block_formats>([&]<class BF>(lowp::type_tag<BF>) {
    INFO(BF::name);
    CHECK(contains(blocks, "\n" + std::string(BF::name) + " "));
  });
  const std::size_t throughput_at = r.out.find("== Conversion kernel throughput per ISA ==");
  REQUIRE(throughput_at != std::string::npos);
  const std::string accuracy = r.out.substr(0, throughput_at), throughput = r.out.substr(throughput_at);
  for (const auto& f : lowp::tool::all_format_infos()) {
    INFO(f.name);
    std::size_t rows = 0;
    for (std::size_t p = accuracy.find("\n" + f.name + " "); p != std::string::npos;
         p = accuracy.find("\n" + f.name + " ", p + 1))
      ++rows;
    CHECK(rows == 3);  // formats table and one row per tensor
  }
  // One throughput row per ISA this CPU runs.
  for (lowp::isa i : lowp::all_isas) {
    INFO(lowp::name(i));
    const bool listed = contains(throughput, "\nfloat8_e4m3fn  " + std::string(lowp::name(i)) + " ");
    CHECK(listed == lowp::isa_available(i));
  }
  // The raw SQNR of float8_e4m3fn on the Gaussian tensor, recomputed here.
  const std::vector<float> x = lowp::tool::gaussian_tensor(65536, 1);
  std::vector<float> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = lowp::decode<lowp::float8_e4m3fn>(lowp::encode<lowp::float8_e4m3fn>(x[i]));
  char sqnr[32];
  std::snprintf(sqnr, sizeof sqnr, " %.2f ", lowp::quant::compare(x, y).sqnr_db);
  const std::size_t row = r.out.find("\nfloat8_e4m3fn ", r.out.find("== Round-trip error: Gaussian tensor =="));
  REQUIRE(row != std::string::npos);
  CHECK(contains(r.out.substr(row, r.out.find('\n', row + 1) - row), sqnr));
}

#else

TEST_CASE("lowp tool end-to-end tests", "[tools][cli]") {
  WARN("the lowp tool is not built in this tree (LOWP_BUILD_TOOLS=OFF or a cross build): "
       "its end-to-end tests are compiled out; tests/tools/formats_doc.cpp still checks docs and JSON");
}

#endif
