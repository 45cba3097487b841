#pragma once

// Runs the `lowp` binary built in the same tree (LOWP_TOOL_PATH, defined by
// tools/lowp/CMakeLists.txt) for the end-to-end tests of tests/tools/.

#ifdef LOWP_TOOL_PATH

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace lowp_test {

struct tool_result {
  int status = -1;
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::uint8_t> slurp_bytes(const std::filesystem::path& p) {
  const std::string s = slurp(p);
  return {s.begin(), s.end()};
}

inline void write_file(const std::filesystem::path& p, const void* data, std::size_t size) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), std::streamsize(size));
}

// Writes x as raw little-endian float32.
inline void write_f32(const std::string& path, const std::vector<float>& x) {
  std::vector<std::uint8_t> bytes(4 * x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::uint32_t b;
    std::memcpy(&b, &x[i], 4);
    for (int k = 0; k < 4; ++k) bytes[4 * i + std::size_t(k)] = std::uint8_t(b >> (8 * k));
  }
  write_file(path, bytes.data(), bytes.size());
}

// A fresh directory under the system's temporary directory, removed with its
// contents at the end of the scope.
class scratch_dir {
 public:
  explicit scratch_dir(const std::string& tag) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("lowp_test_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Runs a shell command whose stdout and stderr the command itself sends to
// out and err; the exit status, or -1 when a signal ended it.
inline tool_result run_command(const std::string& command, const std::filesystem::path& out,
                               const std::filesystem::path& err) {
  const int raw = std::system(command.c_str());
  tool_result r;
  r.status = raw != -1 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// Runs `lowp <args>` in `cwd` (default: the current directory) with `input`
// on stdin. Arguments are single-quoted.
inline tool_result run_lowp(const std::vector<std::string>& args, const std::string& input = "",
                            const std::string& cwd = "") {
  const scratch_dir dir("cli");
  std::ofstream(dir.path() / "in", std::ios::binary) << input;
  std::string command = cwd.empty() ? "" : "cd '" + cwd + "' && ";
  command += "'" LOWP_TOOL_PATH "'";
  for (const std::string& a : args) command += " '" + a + "'";
  command += " < '" + (dir / "in") + "' > '" + (dir / "out") + "' 2> '" + (dir / "err") + "'";
  return run_command(command, dir.path() / "out", dir.path() / "err");
}

// Runs a shell script in `dir`, where "$LOWP" is the tool: for pipes,
// redirections and limits (ulimit) around it.
inline tool_result run_lowp_script(const std::string& script, const scratch_dir& dir) {
  const std::string command = "cd '" + dir.path().string() + "' && LOWP='" LOWP_TOOL_PATH "' && (" + script +
                              ") > '" + (dir / "sh.out") + "' 2> '" + (dir / "sh.err") + "'";
  return run_command(command, dir.path() / "sh.out", dir.path() / "sh.err");
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace lowp_test

#endif
