#include "tensor_files.hpp"

#include <bit>
#include <fstream>

#include "cli.hpp"
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

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) throw cli_error(path + ": cannot open for reading", exit_bad_input);
  const std::streamoff size = f.tellg();
  if (size < 0) throw cli_error(path + ": cannot determine the file size", exit_bad_input);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  f.seekg(0);
  if (size > 0 && !f.read(reinterpret_cast<char*>(bytes.data()), size))
    throw cli_error(path + ": read error", exit_bad_input);
  return bytes;
}

void write_bytes(const std::string& path, std::span<const std::uint8_t> bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw cli_error(path + ": cannot open for writing", exit_bad_input);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  f.close();
  if (!f) throw cli_error(path + ": write error", exit_bad_input);
}

namespace {

float_tensor from_io(const io::tensor& t, std::string name) {
  return {std::move(name), t.shape, t.to_floats()};
}

}  // namespace

float_tensor read_float_input(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_bytes(path);
  if (has_suffix(path, ".npy")) return from_io(io::parse_npy(bytes, path), path);
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
  const std::vector<std::uint8_t> bytes = read_bytes(path);
  if (has_suffix(path, ".npy")) return {from_io(io::parse_npy(bytes, path), path)};
  std::vector<float_tensor> out;
  for (const io::tensor& t : io::parse_safetensors(bytes, path).tensors) out.push_back(from_io(t, path + ":" + t.name));
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
