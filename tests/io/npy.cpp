#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <lowp/io/npy.hpp>

#include "io_test_files.hpp"

namespace {
using lowp::io::dtype;
using lowp::io::tensor;
using lowp_io_test::append;
using lowp_io_test::append_le;

// A .npy file with the given version, header text (padded as NumPy does) and data.
std::vector<std::uint8_t> npy_file(int major, std::string header, std::size_t data_bytes) {
  const std::size_t preamble = major == 1 ? 10 : 12;
  const std::size_t total = preamble + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::vector<std::uint8_t> f = {0x93, 'N', 'U', 'M', 'P', 'Y', std::uint8_t(major), 0};
  append_le(f, header.size(), major == 1 ? 2 : 4);
  append(f, header);
  for (std::size_t i = 0; i < data_bytes; ++i) f.push_back(std::uint8_t(i));
  return f;
}

std::string header(const std::string& descr, const std::string& shape, const std::string& order = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }";
}
}  // namespace

TEST_CASE("npy round trips float32, float16 and bfloat16", "[io][npy]") {
  const lowp_io_test::scratch_dir dir("npy");
  const std::vector<float> values = {1.0f, -2.5f, 0.0f, 65504.0f, 1e-3f, -0.0f};
  for (dtype t : {dtype::float32, dtype::float16, dtype::bfloat16}) {
    INFO(lowp::io::name(t));
    const tensor a = tensor::from_floats("", {2, 3}, values, t);
    const auto path = dir.file("a.npy");
    lowp::io::write_npy(path, a);
    const tensor b = lowp::io::read_npy(path);
    REQUIRE(b.type == t);
    REQUIRE(b.shape == std::vector<std::size_t>{2, 3});
    REQUIRE(b.data == a.data);
    const auto f = b.to_floats();
    REQUIRE(f.size() == 6);
    CHECK(f[1] == -2.5f);
    CHECK(std::signbit(f[5]));
    if (t != dtype::bfloat16) CHECK(f[3] == 65504.0f);
    if (t == dtype::float32) CHECK(f == values);
  }
  for (const std::vector<std::size_t>& shape :
       {std::vector<std::size_t>{}, std::vector<std::size_t>{5}, std::vector<std::size_t>{0, 4}}) {
    const std::vector<float> v(shape.empty() ? 1 : (shape.size() == 1 ? 5 : 0), 3.0f);
    const tensor a = tensor::from_floats("", shape, v);
    const auto bytes = lowp::io::serialize_npy(a);
    const tensor b = lowp::io::parse_npy(bytes);
    REQUIRE(b.shape == shape);
    REQUIRE(b.to_floats() == v);
  }
}

TEST_CASE("npy headers as NumPy writes them", "[io][npy]") {
  const tensor a = tensor::from_floats("", {2, 3}, std::vector<float>(6, 1.0f));
  const auto bytes = lowp::io::serialize_npy(a);
  const std::size_t header_len = bytes[8] | (bytes[9] << 8);
  REQUIRE((10 + header_len) % 64 == 0);
  REQUIRE(bytes[9 + header_len] == '\n');
  const std::string text(bytes.begin() + 10, bytes.begin() + 10 + std::ptrdiff_t(header_len));
  REQUIRE(text.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0) == 0);
  const auto one_d = lowp::io::serialize_npy(tensor::from_floats("", {4}, std::vector<float>(4, 0.0f)));
  REQUIRE(std::string(one_d.begin() + 10, one_d.begin() + 74).find("'shape': (4,)") != std::string::npos);

  // Versions 2.0 and 3.0, keys in another order, Python 2 long literals.
  const auto v2 = lowp::io::parse_npy(npy_file(2, "{'shape': (3L,), 'fortran_order': False, 'descr': '<f2'}", 6));
  REQUIRE(v2.type == dtype::float16);
  REQUIRE(v2.shape == std::vector<std::size_t>{3});
  REQUIRE(lowp::io::parse_npy(npy_file(3, header("<f4", "(1, 1)"), 4)).shape == std::vector<std::size_t>{1, 1});
  // bfloat16 by convention: '<V2', '|V2', 'bfloat16'.
  for (const char* descr : {"<V2", "|V2", "bfloat16"})
    REQUIRE(lowp::io::parse_npy(npy_file(1, header(descr, "(2,)"), 4)).type == dtype::bfloat16);
  REQUIRE(lowp::io::serialize_npy(tensor::from_floats("", {1}, std::vector<float>{1.0f}, dtype::bfloat16))[22] == 'V');
}

TEST_CASE("malformed npy files are errors naming the problem", "[io][npy]") {
  const lowp_io_test::scratch_dir dir("npy_bad");
  auto fails_with = [&](const std::vector<std::uint8_t>& bytes, const std::string& message) {
    INFO(message);
    const auto path = dir.write("bad.npy", bytes);
    REQUIRE_THROWS_AS(lowp::io::read_npy(path), lowp::error);
    REQUIRE_THROWS_WITH(lowp::io::read_npy(path), Catch::Contains(message) && Catch::Contains("bad.npy"));
  };
  const auto good = npy_file(1, header("<f4", "(2, 3)"), 24);
  REQUIRE_NOTHROW(lowp::io::parse_npy(good));

  fails_with({}, "truncated");
  fails_with(std::vector<std::uint8_t>(good.begin(), good.begin() + 9), "truncated");
  fails_with(std::vector<std::uint8_t>(good.begin(), good.begin() + 40), "header length 118 goes beyond the file size 40");
  fails_with(std::vector<std::uint8_t>(good.begin(), good.end() - 1), "data holds 23 bytes");
  {
    auto longer = good;
    longer.push_back(0);
    fails_with(longer, "takes 24");
  }
  {
    auto bad_magic = good;
    bad_magic[1] = 'X';
    fails_with(bad_magic, "bad magic");
    auto v4 = good;
    v4[6] = 4;
    fails_with(v4, "version 4.0");
    auto v2_short = npy_file(2, header("<f4", "(1,)"), 4);
    v2_short.resize(11);
    fails_with(v2_short, "truncated");
  }
  {
    auto huge_len = good;
    huge_len[8] = 0xFF;
    huge_len[9] = 0xFF;
    fails_with(huge_len, "header length 65535 goes beyond");
    auto v2 = npy_file(2, header("<f4", "(1,)"), 4);
    v2[11] = 0x80;  // header length 2^31 + ...
    fails_with(v2, "goes beyond the file size");
  }
  fails_with(npy_file(1, header("<f4", "(2, 3)", "True"), 24), "fortran_order True");
  fails_with(npy_file(1, header("<f8", "(3,)"), 24), "descr '<f8' is not supported");
  fails_with(npy_file(1, header(">f4", "(3,)"), 12), "big-endian");
  fails_with(npy_file(1, header("<i4", "(3,)"), 12), "descr '<i4'");
  fails_with(npy_file(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 4), "structured");
  fails_with(npy_file(1, header("<f4", "(1099511627776, 1099511627776)"), 16), "overflows");
  fails_with(npy_file(1, header("<f4", "(99999999999999999999999,)"), 16), "overflows size_t");
  fails_with(npy_file(1, header("<f4", "(1000000000,)"), 16), "data holds 16 bytes");
  fails_with(npy_file(1, "{'descr': '<f4', 'fortran_order': False, }", 4), "no 'shape'");
  fails_with(npy_file(1, "{'descr': '<f4', 'shape': (1,), }", 4), "no 'fortran_order'");
  fails_with(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4), "unexpected key 'x'");
  fails_with(npy_file(1, "hello", 4), "malformed header");
  fails_with(npy_file(1, "{'descr': '<f4", 4), "unterminated string");
  fails_with(npy_file(1, header("<f4", "(1, -2)"), 4), "shape");
  fails_with(npy_file(1, "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", 4), "True or False");

  REQUIRE_THROWS_WITH(lowp::io::read_npy(dir.file("missing.npy")), Catch::Contains("cannot open"));
  tensor wrong = tensor::from_floats("", {2}, std::vector<float>{1, 2});
  wrong.data.pop_back();
  REQUIRE_THROWS_WITH(lowp::io::serialize_npy(wrong), Catch::Contains("data holds 7 bytes"));
  REQUIRE_THROWS_WITH(tensor::from_floats("", {2, 2}, std::vector<float>{1, 2}), Catch::Contains("values: 2 values"));
}
