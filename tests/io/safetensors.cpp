#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <lowp/io/safetensors.hpp>

#include "io_test_files.hpp"

namespace {
using lowp::io::dtype;
using lowp::io::tensor;
using lowp_io_test::append;
using lowp_io_test::append_le;

// A .safetensors file with the given JSON header and `data_bytes` bytes of data.
std::vector<std::uint8_t> st_file(const std::string& json, std::size_t data_bytes) {
  std::vector<std::uint8_t> f;
  append_le(f, json.size(), 8);
  append(f, json);
  for (std::size_t i = 0; i < data_bytes; ++i) f.push_back(std::uint8_t(i));
  return f;
}
}  // namespace

TEST_CASE("safetensors round trip of F32, F16 and BF16 tensors with metadata", "[io][safetensors]") {
  const lowp_io_test::scratch_dir dir("st");
  std::vector<tensor> ts;
  ts.push_back(tensor::from_floats("weight", {2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6}));
  ts.push_back(tensor::from_floats("bias \"half\"", {3}, std::vector<float>{0.5f, -1.0f, 2.0f}, dtype::float16));
  ts.push_back(tensor::from_floats("scale", {}, std::vector<float>{3.0f}, dtype::bfloat16));
  ts.push_back(tensor::from_floats("empty", {0, 7}, std::vector<float>{}));
  const auto path = dir.file("m.safetensors");
  lowp::io::write_safetensors(path, ts, {{"format", "pt"}});

  const auto bytes = lowp_io_test::read_file_bytes(path);
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= std::uint64_t(bytes[std::size_t(i)]) << (8 * i);
  REQUIRE(n % 8 == 0);

  const auto f = lowp::io::read_safetensors(path);
  REQUIRE(f.metadata.at("format") == "pt");
  REQUIRE(f.tensors.size() == 4);
  for (std::size_t i = 0; i < ts.size(); ++i) {
    INFO(ts[i].name);
    const tensor& t = f.at(ts[i].name);
    REQUIRE(t.type == ts[i].type);
    REQUIRE(t.shape == ts[i].shape);
    REQUIRE(t.data == ts[i].data);
  }
  REQUIRE(f.at("bias \"half\"").to_floats() == std::vector<float>{0.5f, -1.0f, 2.0f});
  REQUIRE(f.at("scale").to_floats() == std::vector<float>{3.0f});
  REQUIRE_THROWS_WITH(f.at("nope"), Catch::Contains("no tensor named 'nope'"));
}

TEST_CASE("safetensors written by other tools: order by offset, escapes, spaces", "[io][safetensors]") {
  const std::string json =
      R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}, "a\u00e9\ud83d\ude00" : {"shape":[2],)"
      R"("dtype":"BF16","data_offsets":[0,4]},"__metadata__":{"k":"v\n"}}   )";
  const auto f = lowp::io::parse_safetensors(st_file(json, 8));
  REQUIRE(f.tensors.size() == 2);
  REQUIRE(f.tensors[0].name == "a\xc3\xa9\xf0\x9f\x98\x80");
  REQUIRE(f.tensors[1].name == "b");
  REQUIRE(f.metadata.at("k") == "v\n");
}

TEST_CASE("malformed safetensors files are errors naming the problem", "[io][safetensors]") {
  const lowp_io_test::scratch_dir dir("st_bad");
  auto fails_with = [&](const std::vector<std::uint8_t>& bytes, const std::string& message) {
    INFO(message);
    const auto path = dir.write("bad.safetensors", bytes);
    REQUIRE_THROWS_AS(lowp::io::read_safetensors(path), lowp::error);
    REQUIRE_THROWS_WITH(lowp::io::read_safetensors(path), Catch::Contains(message) && Catch::Contains("bad.safetensors"));
  };
  const std::string one = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
  REQUIRE_NOTHROW(lowp::io::parse_safetensors(st_file(one, 16)));

  fails_with({1, 2, 3}, "truncated");
  {
    auto f = st_file(one, 16);
    f.resize(20);
    fails_with(f, "header length 57 goes beyond the file size 20");
    auto absurd = st_file(one, 16);
    absurd[7] = 0x80;  // 2^63 + 57
    fails_with(absurd, "goes beyond the file size");
  }
  fails_with(st_file(one, 15), "data_offsets end 16 goes beyond the data buffer of 15 bytes");
  fails_with(st_file(one, 17), "the data buffer holds 17 bytes, but the tensors cover 16");
  fails_with(st_file(R"({"w":{"dtype":"I8","shape":[2],"data_offsets":[0,2]}})", 2), "dtype 'I8' is not supported");
  fails_with(st_file(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8),
             "cover 8 bytes, but shape (3,) of F32 takes 12");
  fails_with(st_file(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", 8),
             "overflows");
  fails_with(st_file(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4), "not a non-negative integer");
  fails_with(st_file(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999999]}})", 4),
             "overflows 64 bits");
  fails_with(st_file(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})", 8), "end before they begin");
  fails_with(st_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                     R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                     8),
             "overlaps");
  fails_with(st_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8), "a hole in the data buffer");
  fails_with(st_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                     R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                     8),
             "tensor 'a' appears twice");
  fails_with(st_file(R"({"w":{"dtype":"F32","shape":[1]}})", 4), "needs dtype, shape and data_offsets");
  fails_with(st_file(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}})", 4), "unexpected field 'x'");
  fails_with(st_file(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]})", 4), "malformed header");
  fails_with(st_file(R"({"w":)", 0), "malformed header");
  fails_with(st_file(R"({"w" 1})", 0), "expected ':'");
  fails_with(st_file(R"({"w\q":1})", 0), "bad escape");
  fails_with(st_file(R"({"\ud800":1})", 0), "unpaired surrogate");
  fails_with(st_file("[1,2]", 0), "not a JSON object");
  fails_with(st_file(R"({"__metadata__":{"k":1}})", 0), "__metadata__ value of 'k' is not a string");
  fails_with(st_file(std::string(100000, '[') + std::string(100000, ']'), 0), "nesting deeper than 64");
  fails_with(st_file("{} trailing", 0), "unexpected text after");

  REQUIRE_THROWS_WITH(lowp::io::read_safetensors(dir.file("missing.safetensors")), Catch::Contains("cannot open"));
  std::vector<tensor> dup = {tensor::from_floats("x", {1}, std::vector<float>{1}),
                             tensor::from_floats("x", {1}, std::vector<float>{2})};
  REQUIRE_THROWS_WITH(lowp::io::serialize_safetensors(dup), Catch::Contains("name 'x' appears twice"));
}
