// lowp/io/file.hpp and the readers and writers built on it: every failure is
// a lowp::error naming the file, a failed write leaves nothing behind, and
// files that cannot seek are read to their end.

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <lowp/io/file.hpp>
#include <lowp/io/npy.hpp>
#include <lowp/io/safetensors.hpp>

#include "io_test_files.hpp"

namespace {

using lowp::io::tensor;

// Lowers the process's file size limit (RLIMIT_FSIZE) for a scope, with
// SIGXFSZ ignored so that a write past it fails with EFBIG instead of ending
// the process: a full disk without needing one.
class file_size_limit {
 public:
  explicit file_size_limit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit lower = old_;
    lower.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &lower);
  }
  ~file_size_limit() {
    ::setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }
  file_size_limit(const file_size_limit&) = delete;
  file_size_limit& operator=(const file_size_limit&) = delete;

 private:
  rlimit old_{};
  void (*old_handler_)(int) = SIG_DFL;
};

std::vector<std::uint8_t> count_bytes(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = std::uint8_t(i * 7);
  return v;
}

std::vector<std::filesystem::path> entries(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename());
  return out;
}

}  // namespace

TEST_CASE("io::write_file reports a device that takes no bytes", "[io][file]") {
  REQUIRE(std::filesystem::exists("/dev/full"));
  const tensor t = tensor::from_floats("", {4}, std::vector<float>{1, 2, 3, 4});
  REQUIRE_THROWS_AS(lowp::io::write_npy("/dev/full", t), lowp::error);
  REQUIRE_THROWS_WITH(lowp::io::write_npy("/dev/full", t), Catch::Contains("/dev/full") && Catch::Contains("write error"));
  REQUIRE_THROWS_WITH(lowp::io::write_safetensors("/dev/full", std::vector<tensor>{tensor::from_floats("w", {4}, std::vector<float>{1, 2, 3, 4})}),
                      Catch::Contains("/dev/full") && Catch::Contains("No space left"));
}

TEST_CASE("io::write_file leaves no partial file and keeps the old one when a write fails", "[io][file]") {
  const lowp_io_test::scratch_dir dir("write_fail");
  const auto big = count_bytes(64 * 1024);
  const auto target = dir.file("out.bin");
  {
    const file_size_limit limit(12 * 1024);
    REQUIRE_THROWS_WITH(lowp::io::write_file(target, big),
                        Catch::Contains("out.bin") && Catch::Contains("File too large"));
  }
  CHECK_FALSE(std::filesystem::exists(target));
  CHECK(entries(dir.file("")).empty());  // no temporary file left behind

  const auto old = count_bytes(100);
  lowp::io::write_file(target, old);
  ::chmod(target.c_str(), 0640);
  {
    const file_size_limit limit(12 * 1024);
    REQUIRE_THROWS_AS(lowp::io::write_file(target, big), lowp::error);
  }
  CHECK(lowp_io_test::read_file_bytes(target) == old);
  CHECK(entries(dir.file("")).size() == 1);

  lowp::io::write_file(target, big);
  CHECK(lowp_io_test::read_file_bytes(target) == big);
  struct stat st {};
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);  // a replaced file keeps its permissions

  // Through a symbolic link the linked file is replaced, the link kept.
  std::filesystem::create_symlink(target, dir.file("link.bin"));
  lowp::io::write_file(dir.file("link.bin"), old);
  CHECK(std::filesystem::is_symlink(dir.file("link.bin")));
  CHECK(lowp_io_test::read_file_bytes(target) == old);
  std::filesystem::remove(dir.file("link.bin"));

  REQUIRE_THROWS_WITH(lowp::io::write_file(dir.file("no/such/dir/x.bin"), old),
                      Catch::Contains("x.bin") && Catch::Contains("No such file or directory"));
  REQUIRE_THROWS_WITH(lowp::io::write_file(dir.file(""), old), Catch::Contains("is a directory"));
}

TEST_CASE("io readers refuse directories and oversized files by name, before allocating", "[io][file]") {
  const lowp_io_test::scratch_dir dir("read_bad");
  std::filesystem::create_directories(dir.file("d.npy"));
  REQUIRE_THROWS_WITH(lowp::io::read_npy(dir.file("d.npy")), Catch::Contains("d.npy") && Catch::Contains("is a directory"));
  REQUIRE_THROWS_WITH(lowp::io::read_safetensors(dir.file("d.npy")), Catch::Contains("is a directory"));
  REQUIRE_THROWS_WITH(lowp::io::read_file(dir.file("d.npy")), Catch::Contains("is a directory"));
  REQUIRE_THROWS_WITH(lowp::io::read_file(dir.file("missing")), Catch::Contains("missing") && Catch::Contains("cannot open"));

  // A sparse file far larger than memory: no std::bad_alloc, no attempt to read it.
  const auto huge = dir.file("huge.npy");
  { std::ofstream(huge, std::ios::binary).put('\0'); }
  std::error_code ec;
  std::filesystem::resize_file(huge, std::uintmax_t(1) << 40, ec);
  if (ec) {
    WARN("cannot make a 1 TiB sparse file here (" << ec.message() << "); the oversized-file checks are not run");
    return;
  }
  REQUIRE_THROWS_WITH(lowp::io::read_npy(huge), Catch::Contains("huge.npy") && Catch::Contains("bad magic"));
  REQUIRE_THROWS_WITH(lowp::io::read_safetensors(huge), Catch::Contains("huge.npy") && Catch::Contains("malformed header"));
  REQUIRE_THROWS_WITH(lowp::io::read_file(huge), Catch::Contains("huge.npy") && Catch::Contains("more than this machine's memory"));

  // A valid .npy header whose shape matches the huge file: refused, not allocated.
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (274877906912,), }";
  header.append(128 - 10 - header.size() - 1, ' ');
  header += '\n';
  std::vector<std::uint8_t> head = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, std::uint8_t(header.size()), 0};
  lowp_io_test::append(head, header);
  REQUIRE(head.size() == 128);
  {
    std::fstream f(huge, std::ios::binary | std::ios::in | std::ios::out);
    f.write(reinterpret_cast<const char*>(head.data()), std::streamsize(head.size()));
  }
  REQUIRE_THROWS_WITH(lowp::io::read_npy(huge), Catch::Contains("more than this machine's memory"));
}

TEST_CASE("io readers read what cannot seek: pipes, /proc files, standard input", "[io][file]") {
  // /proc files report a size of 0 but have content.
  const auto version = lowp::io::read_file("/proc/self/status");
  REQUIRE(version.size() > 0);
  CHECK(std::string(version.begin(), version.begin() + 5) == "Name:");

  const lowp_io_test::scratch_dir dir("fifo");
  const auto fifo = dir.file("pipe.npy");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const tensor t = tensor::from_floats("", {2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
  const std::vector<std::uint8_t> bytes = lowp::io::serialize_npy(t);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The writer end: opening blocks until the reader opens.
    std::FILE* w = std::fopen(fifo.c_str(), "wb");
    const bool ok = w != nullptr && std::fwrite(bytes.data(), 1, bytes.size(), w) == bytes.size();
    if (w != nullptr) std::fclose(w);
    ::_exit(ok ? 0 : 1);
  }
  const tensor back = lowp::io::read_npy(fifo);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(back.shape == t.shape);
  CHECK(back.data == t.data);
}

TEST_CASE("io::same_file sees one file under two names", "[io][file]") {
  const lowp_io_test::scratch_dir dir("same");
  const auto a = dir.write("a.bin", {1, 2, 3});
  const auto b = dir.write("b.bin", {1, 2, 3});
  std::filesystem::create_hard_link(a, dir.file("link.bin"));
  CHECK(lowp::io::same_file(a, a));
  CHECK(lowp::io::same_file(a, dir.file("link.bin")));
  CHECK(lowp::io::same_file(a, dir.file("") / "." / "a.bin"));
  CHECK_FALSE(lowp::io::same_file(a, b));
  CHECK_FALSE(lowp::io::same_file(a, dir.file("missing.bin")));
  CHECK_FALSE(lowp::io::same_file("-", "-"));
}

TEST_CASE("safetensors: reader and writer agree on tensor names", "[io][safetensors]") {
  const lowp_io_test::scratch_dir dir("st_names");
  // An empty name: the writer refuses it, so the reader does too.
  REQUIRE_THROWS_WITH(lowp::io::serialize_safetensors(std::vector<tensor>{tensor::from_floats("", {1}, std::vector<float>{1})}),
                      Catch::Contains("cannot be stored"));
  std::vector<std::uint8_t> f;
  const std::string header = R"({"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  lowp_io_test::append_le(f, header.size(), 8);
  lowp_io_test::append(f, header);
  f.insert(f.end(), 4, 0);
  REQUIRE_THROWS_WITH(lowp::io::parse_safetensors(f), Catch::Contains("empty name"));
  REQUIRE_THROWS_WITH(lowp::io::read_safetensors(dir.write("e.safetensors", f)), Catch::Contains("e.safetensors") && Catch::Contains("empty name"));
}
