#include "tensor_files.hpp"

#include <bit>

#include "cli.hpp"
#include "lowp/io/file.hpp"
#include "lowp/io/npy.hpp"
#include "lowp/io/safetensors.hpp"

namespace lowp::tool {

bool has_suffix(std::string_view path, std::string_view suffix) {
  if (path.size() < suffix.size()) return false;
  const std::string_view tail = path.substr(path.size() - suffix.size());
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    const char a = tail[i] >= 'A' && tail[i] <= 'Z' ? char(tail[i] | 0x20) : tail[i];
    if (a != suffix[i]) return false;
  }
  return true;
}

std::vector<std::uint8_t> read_bytes(const std::string& path) { return io::read_file(path); }

void write_bytes(const std::string& path, std::span<const std::uint8_t> bytes) { io::write_file(path, bytes); }

bool is_stdio(std::string_view path) { return path == io::standard_stream; }

void refuse_same_file(const std::string& in, const std::string& out, std::string_view out_what) {
  if (io::same_file(in, out))
    throw usage_error(std::string(out_what) + " '" + out + "' is the same file as the input '" + in +
                      "' (which it would overwrite); give another file name");
}

namespace {

float_tensor from_io(const io::tensor& t, std::string name) {
  return {std::move(name), t.shape, t.to_floats()};
}

}  // namespace

float_tensor read_float_input(const std::string& path) {
  if (has_suffix(path, ".npy")) return from_io(io::read_npy(path), path);
  const std::vector<std::uint8_t> bytes = read_bytes(path);
  if (is_stdio(path) && io::has_npy_magic(bytes)) return from_io(io::parse_npy(bytes, "standard input"), path);
  if (bytes.size() % 4 != 0)
    throw cli_error(path + ": " + std::to_string(bytes.size()) +
                        " bytes is not a whole number of float32 values (expected a multiple of 4 bytes)",
                    exit_bad_input);
  float_tensor t{path, {bytes.size() / 4}, std::vector<float>(bytes.size() / 4)};
  for (std::size_t i = 0; i < t.values.size(); ++i) {
    const std::uint8_t* p = bytes.data() + 4 * i;
    t.values[i] = std::bit_cast<float>(std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) |
                                       (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24));
  }
  return t;
}

std::vector<float_tensor> read_tensor_file(const std::string& path) {
  if (has_suffix(path, ".npy")) return {from_io(io::read_npy(path), path)};
  io::safetensors_file file;
  if (is_stdio(path)) {
    // Standard input has no name to tell the format by: .npy files begin with their magic string.
    const std::vector<std::uint8_t> bytes = read_bytes(path);
    if (io::has_npy_magic(bytes)) return {from_io(io::parse_npy(bytes, "standard input"), path)};
    file = io::parse_safetensors(bytes, "standard input");
  } else {
    file = io::read_safetensors(path);
  }
  std::vector<float_tensor> out;
  for (const io::tensor& t : file.tensors) out.push_back(from_io(t, path + ":" + t.name));
  return out;
}

void write_float_output(const std::string& path, std::span<const float> values, const std::vector<std::size_t>& shape) {
  if (has_suffix(path, ".npy")) {
    write_bytes(path, io::serialize_npy(io::tensor::from_floats("", shape, values)));
    return;
  }
  std::vector<std::uint8_t> bytes(4 * values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(values[i]);
    for (int k = 0; k < 4; ++k) bytes[4 * i + std::size_t(k)] = std::uint8_t(bits >> (8 * k));
  }
  write_bytes(path, bytes);
}

}  // namespace lowp::tool
