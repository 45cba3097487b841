// `lowp quantize`, `dequantize`, `error` and `report` on hostile files and
// settings: sizes that overflow, failed writes, an output that is an input,
// directories, huge sparse files, pipes and /proc files, damaged NVFP4 tensor
// scales, a bad LOWP_NUM_THREADS. None may crash, leave a partial output or
// destroy an input.

#include <catch2/catch.hpp>

#ifdef LOWP_TOOL_PATH

#include <sys/wait.h>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "lowp/io/npy.hpp"
#include "tool_runner.hpp"

namespace {

using lowp_test::contains;
using lowp_test::run_lowp;
using lowp_test::run_lowp_script;
using lowp_test::scratch_dir;
using lowp_test::tool_result;
using lowp_test::write_f32;

std::vector<float> ramp(std::size_t n) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = float(int(i % 97) - 48) * 0.37f;
  return x;
}

bool exited(const tool_result& r) { return r.status == 0 || r.status == 1 || r.status == 2; }

}  // namespace

TEST_CASE("lowp dequantize: row lengths whose sizes overflow are errors, not crashes", "[tools][cli][files]") {
  const scratch_dir dir("overflow");
  lowp_test::write_file(dir / "empty.bin", "", 0);
  // 2^61 values of 8 bits: 2^64 bits, which wrapped to a division by zero.
  const tool_result a = run_lowp({"dequantize", "float8_e4m3fn", dir / "empty.bin", dir / "out.bin", "--cols",
                                  "2305843009213693952"});
  REQUIRE(exited(a));
  CHECK(a.status == 0);  // an empty input holds zero rows of any length
  CHECK(lowp_test::slurp_bytes(dir / "out.bin").empty());
  lowp_test::write_file(dir / "one.bin", "\x01", 1);
  const tool_result b = run_lowp({"dequantize", "float8_e4m3fn", dir / "one.bin", dir / "out2.bin", "--cols",
                                  "2305843009213693952"});
  REQUIRE(b.status == 1);
  CHECK(contains(b.err, "one.bin"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out2.bin"));

  // ggml_q8_0: blocks of 32 in 34 bytes; this row length made the row's bytes
  // wrap around to 16, which passed the size check.
  const std::string sixteen(16, '\0');
  lowp_test::write_file(dir / "q.bin", sixteen.data(), sixteen.size());
  const tool_result c = run_lowp({"dequantize", "ggml_q8_0", dir / "q.bin", dir / "out3.bin", "--cols",
                                  "17361641481138401536"});
  REQUIRE(c.status == 1);
  CHECK(contains(c.err, "overflows"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out3.bin"));
}

TEST_CASE("lowp quantize: a failed write leaves no output file", "[tools][cli][files]") {
  const scratch_dir dir("full");
  write_f32(dir / "x.f32", ramp(256 * 1024));  // 1 MiB
  // ulimit -f (1024-byte blocks) with SIGXFSZ ignored: writes past 12 KiB fail with EFBIG.
  const tool_result r = run_lowp_script("trap '' XFSZ; ulimit -f 12; \"$LOWP\" quantize float16 x.f32 out.bin", dir);
  REQUIRE(r.status == 1);
  CHECK(contains(r.err, "out.bin"));
  CHECK(contains(r.err, "File too large"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out.bin"));
  // An existing output is kept as it was.
  lowp_test::write_file(dir / "out.bin", "old", 3);
  REQUIRE(run_lowp_script("trap '' XFSZ; ulimit -f 12; \"$LOWP\" quantize float16 x.f32 out.bin", dir).status == 1);
  CHECK(lowp_test::slurp(dir.path() / "out.bin") == "old");
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    CHECK(e.path().filename().string().find(".lowp-") == std::string::npos);

  // /dev/full takes nothing: the write error is reported.
  const tool_result f = run_lowp({"quantize", "float16", dir / "x.f32", "/dev/full"});
  CHECK(f.status == 1);
  CHECK(contains(f.err, "/dev/full"));
}

TEST_CASE("lowp refuses an output that is one of its inputs", "[tools][cli][files]") {
  const scratch_dir dir("same");
  const std::vector<float> x = ramp(64);
  write_f32(dir / "x.bin", x);
  const std::vector<std::uint8_t> before = lowp_test::slurp_bytes(dir / "x.bin");
  lowp::io::write_npy(dir / "v.npy", lowp::io::tensor::from_floats("", {2, 32}, x));
  const std::vector<std::uint8_t> npy_before = lowp_test::slurp_bytes(dir / "v.npy");
  std::filesystem::create_hard_link(dir / "x.bin", dir / "alias.bin");

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"quantize", "float8_e4m3fn", dir / "x.bin", dir / "x.bin"},
        std::vector<std::string>{"quantize", "mxfp4", dir / "x.bin", dir / "alias.bin"},
        std::vector<std::string>{"dequantize", "uint8", dir / "x.bin", (dir.path() / "." / "x.bin").string()},
        std::vector<std::string>{"error", "float8_e4m3fn", dir / "v.npy", "--svg", dir / "v.npy"}}) {
    INFO(args[0] << " " << args.back());
    const tool_result r = run_lowp(args);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "is the same file as the input"));
  }
  CHECK(lowp_test::slurp_bytes(dir / "x.bin") == before);
  CHECK(lowp_test::slurp_bytes(dir / "v.npy") == npy_before);
}

TEST_CASE("lowp: directories and huge sparse files are errors naming the file", "[tools][cli][files]") {
  const scratch_dir dir("bad_inputs");
  std::filesystem::create_directories(dir.path() / "d.npy");
  std::filesystem::create_directories(dir.path() / "d.bin");
  const tool_result a = run_lowp({"quantize", "float8_e4m3fn", dir / "d.bin", dir / "o.bin"});
  CHECK(a.status == 1);
  CHECK(contains(a.err, "d.bin: is a directory"));
  const tool_result b = run_lowp({"error", "float8_e4m3fn", dir / "d.npy"});
  CHECK(b.status == 1);
  CHECK(contains(b.err, "d.npy: is a directory"));

  lowp_test::write_file(dir / "huge.bin", "", 0);
  std::error_code ec;
  std::filesystem::resize_file(dir.path() / "huge.bin", std::uintmax_t(1) << 40, ec);
  if (ec) {
    WARN("cannot make a 1 TiB sparse file here (" << ec.message() << "); the huge-file checks are not run");
    return;
  }
  const tool_result c = run_lowp({"quantize", "float8_e4m3fn", dir / "huge.bin", dir / "o.bin"});
  CHECK(c.status == 1);
  CHECK(contains(c.err, "huge.bin"));
  CHECK(contains(c.err, "memory"));
  const tool_result d = run_lowp({"dequantize", "mxfp4", dir / "huge.bin", dir / "o.bin"});
  CHECK(d.status == 1);
  CHECK(contains(d.err, "huge.bin"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "o.bin"));
}

TEST_CASE("lowp: pipes, /dev/stdin and /proc files are read; '-' is standard input and output", "[tools][cli][files]") {
  const scratch_dir dir("pipes");
  write_f32(dir / "x.f32", ramp(320));
  REQUIRE(run_lowp({"quantize", "mxfp4", dir / "x.f32", dir / "ref.mxfp4"}).status == 0);
  const std::vector<std::uint8_t> ref = lowp_test::slurp_bytes(dir / "ref.mxfp4");
  REQUIRE_FALSE(ref.empty());

  const tool_result piped = run_lowp_script("cat x.f32 | \"$LOWP\" quantize mxfp4 - - > g.mxfp4", dir);
  REQUIRE(piped.status == 0);
  CHECK(lowp_test::slurp_bytes(dir / "g.mxfp4") == ref);
  REQUIRE(run_lowp_script("\"$LOWP\" quantize mxfp4 /dev/stdin h.mxfp4 < x.f32", dir).status == 0);
  CHECK(lowp_test::slurp_bytes(dir / "h.mxfp4") == ref);
  REQUIRE(run_lowp_script("cat x.f32 | \"$LOWP\" quantize mxfp4 /dev/stdin i.mxfp4", dir).status == 0);
  CHECK(lowp_test::slurp_bytes(dir / "i.mxfp4") == ref);

  // Back through a pipe, and the float32 out on standard output.
  REQUIRE(run_lowp({"dequantize", "mxfp4", dir / "ref.mxfp4", dir / "y.f32"}).status == 0);
  const tool_result back = run_lowp_script("cat ref.mxfp4 | \"$LOWP\" dequantize mxfp4 - - | cat > z.f32", dir);
  REQUIRE(back.status == 0);
  CHECK(lowp_test::slurp_bytes(dir / "z.f32") == lowp_test::slurp_bytes(dir / "y.f32"));

  // A .npy on standard input is known by its magic string.
  lowp::io::write_npy(dir / "x.npy", lowp::io::tensor::from_floats("", {10, 32}, ramp(320)));
  REQUIRE(run_lowp_script("\"$LOWP\" quantize mxfp4 - n.mxfp4 < x.npy", dir).status == 0);
  CHECK(lowp_test::slurp_bytes(dir / "n.mxfp4") == ref);
  const tool_result err = run_lowp_script("cat x.npy | \"$LOWP\" error mxfp4 -", dir);
  REQUIRE(err.status == 0);
  CHECK(contains(err.out, "mxfp4"));

  // A /proc file reports size 0 but has content: uint8 decodes its bytes.
  const tool_result proc = run_lowp({"dequantize", "uint8", "/proc/self/status", dir / "p.f32"});
  REQUIRE(proc.status == 0);
  const std::vector<std::uint8_t> p = lowp_test::slurp_bytes(dir / "p.f32");
  REQUIRE(p.size() >= 4 * 5);
  // "Name:" as float32 values 78, 97, 109, 101, 58.
  const float name[5] = {78, 97, 109, 101, 58};
  for (std::size_t i = 0; i < 5; ++i) {
    std::uint32_t bits = 0;
    for (int k = 0; k < 4; ++k) bits |= std::uint32_t(p[4 * i + std::size_t(k)]) << (8 * k);
    CHECK(std::bit_cast<float>(bits) == name[i]);
  }
}

TEST_CASE("lowp dequantize nvfp4: a stored tensor scale that is NaN, infinite, zero or negative is refused", "[tools][cli][files]") {
  const scratch_dir dir("nvfp4_scale");
  write_f32(dir / "x.f32", ramp(32));
  REQUIRE(run_lowp({"quantize", "nvfp4", dir / "x.f32", dir / "q.bin"}).status == 0);
  std::vector<std::uint8_t> q = lowp_test::slurp_bytes(dir / "q.bin");
  REQUIRE(q.size() == 4 + 2 * 9);
  REQUIRE(run_lowp({"dequantize", "nvfp4", dir / "q.bin", dir / "y.f32"}).status == 0);
  for (const std::uint32_t bad : {0x7fc00000u, 0x7f800000u, 0xff800000u, 0x00000000u, 0x80000000u, 0xbf800000u}) {
    INFO(std::hex << bad);
    for (int k = 0; k < 4; ++k) q[std::size_t(k)] = std::uint8_t(bad >> (8 * k));
    lowp_test::write_file(dir / "bad.bin", q.data(), q.size());
    const tool_result r = run_lowp({"dequantize", "nvfp4", dir / "bad.bin", dir / "bad.f32"});
    CHECK(r.status == 1);
    CHECK(contains(r.err, "tensor scale"));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "bad.f32"));
  }
}

TEST_CASE("lowp report: a bad LOWP_NUM_THREADS fails before anything is printed", "[tools][cli][report]") {
  const scratch_dir dir("threads");
  const tool_result r = run_lowp_script("LOWP_NUM_THREADS=many \"$LOWP\" report", dir);
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  CHECK(contains(r.err, "LOWP_NUM_THREADS"));
}

TEST_CASE("docs/formats.md quotes the --isa errors the tool prints", "[tools][cli][docs]") {
  const std::string doc = lowp_test::slurp(std::string(LOWP_SOURCE_DIR) + "/docs/formats.md");
  const tool_result unknown = run_lowp({"encode", "float8_e4m3fn", "--isa", "foo"}, "1\n");
  CHECK(unknown.status == 2);
  // The message after "lowp encode: ", as the doc quotes it.
  const std::string message = unknown.err.substr(unknown.err.find(": ") + 2, unknown.err.find('\n') - unknown.err.find(": ") - 2);
  INFO(message);
  CHECK(contains(doc, "`" + message + "`"));
  CHECK_FALSE(contains(doc, "only scalar"));
}

#endif
