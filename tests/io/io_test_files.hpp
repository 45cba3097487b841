#pragma once

// A scratch directory under the system temp path, removed at scope exit.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace lowp_io_test {

class scratch_dir {
 public:
  explicit scratch_dir(std::string_view tag) {
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = std::filesystem::temp_directory_path() /
            ("lowp_" + std::string(tag) + "_" + std::to_string(stamp) + "_" +
             std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  std::filesystem::path file(std::string_view name) const { return path_ / std::string(name); }

  std::filesystem::path write(std::string_view name, const std::vector<std::uint8_t>& bytes) const {
    const auto p = file(name);
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    return p;
  }

 private:
  std::filesystem::path path_;
};

inline std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

inline std::vector<std::uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

inline void append(std::vector<std::uint8_t>& v, std::string_view s) { v.insert(v.end(), s.begin(), s.end()); }

inline void append_le(std::vector<std::uint8_t>& v, std::uint64_t x, int n) {
  for (int i = 0; i < n; ++i) v.push_back(std::uint8_t(x >> (8 * i)));
}

}  // namespace lowp_io_test
