#pragma once

// Whole-file reads and writes for lowp's file formats (io/npy.hpp,
// io/safetensors.hpp) and the `lowp` tool, with the guarantees the tool
// promises (DESIGN §7):
// - "-" is standard input or output;
// - a file is read to its end whether or not it can seek (pipes, /dev/stdin,
//   /proc files report no useful size), and a directory is refused by name;
// - an input too large to hold in memory is a lowp::error naming it, never
//   std::bad_alloc;
// - a write goes to a temporary file beside the target, renamed over it only
//   once every byte is written and the file closed, so a failed write (a full
//   disk) leaves no output behind and the old file, if any, untouched.
//   Targets that are not regular files (/dev/stdout, a pipe, /dev/full) are
//   written in place; every failure, flush and close included, is reported;
// - two names of one file are recognised (same device and inode), so a
//   command can refuse to overwrite its input.
// Every error is a lowp::error whose message names the file and, where the
// system gave one, its reason (strerror).

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <new>
#include <span>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lowp/error.hpp"

namespace lowp::io {

// The name that stands for standard input or output.
inline constexpr const char* standard_stream = "-";

namespace detail {

inline std::string display_name(const std::filesystem::path& path) {
  return path == standard_stream ? std::string("standard input") : path.string();
}

[[noreturn]] inline void fail_errno(const std::string& what, int err) {
  lowp::detail::fail(what + ": " + std::strerror(err));
}

// Closes a FILE* on every path out of a reader.
struct file_closer {
  std::FILE* f;
  bool owned;
  ~file_closer() {
    if (f != nullptr && owned) std::fclose(f);
  }
};

// Opens `path` for reading ("-": standard input). Refuses directories by name.
inline file_closer open_for_reading(const std::filesystem::path& path) {
  if (path == standard_stream) return {stdin, false};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fail_errno(path.string() + ": cannot open for reading", errno);
  if (S_ISDIR(st.st_mode)) lowp::detail::fail(path.string() + ": is a directory, not a file");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) fail_errno(path.string() + ": cannot open for reading", errno);
  return {f, true};
}

// The size of an open regular file, or -1 for anything else (pipes, devices,
// and /proc files, whose reported size is not their content's).
inline long long regular_size(std::FILE* f) {
  struct stat st {};
  if (::fstat(::fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return -1;
  return static_cast<long long>(st.st_size);
}

[[noreturn]] inline void fail_too_large(const std::string& name, std::size_t bytes) {
  lowp::detail::fail(name + ": " + std::to_string(bytes) + " bytes do not fit in memory");
}

// The machine's physical memory in bytes (0 when unknown). A file larger than
// that is refused before any allocation: the allocation could not succeed,
// and a sanitizer's allocator aborts on it rather than throwing.
inline std::size_t physical_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  if (std::size_t(pages) > std::numeric_limits<std::size_t>::max() / std::size_t(page))
    return std::numeric_limits<std::size_t>::max();
  return std::size_t(pages) * std::size_t(page);
}

inline void check_fits_memory(const std::string& name, std::size_t bytes) {
  const std::size_t memory = physical_memory();
  if (memory != 0 && bytes > memory)
    lowp::detail::fail(name + ": " + std::to_string(bytes) + " bytes are more than this machine's memory (" +
                       std::to_string(memory) + " bytes)");
}

// Appends up to `limit` more bytes of f to `out` (to end of file when limit is
// npos); returns the number appended.
inline std::size_t read_into(std::FILE* f, std::vector<std::uint8_t>& out, std::size_t limit,
                             const std::string& name) {
  if (limit != std::numeric_limits<std::size_t>::max()) check_fits_memory(name, out.size() + limit);
  std::size_t total = 0;
  while (total < limit) {
    const std::size_t want = std::min<std::size_t>(limit - total, std::size_t(1) << 20);
    const std::size_t at = out.size();
    try {
      out.resize(at + want);
    } catch (const std::bad_alloc&) {
      fail_too_large(name, at + want);
    } catch (const std::length_error&) {
      fail_too_large(name, at + want);
    }
    const std::size_t got = std::fread(out.data() + at, 1, want, f);
    out.resize(at + got);
    total += got;
    if (got < want) {
      if (std::ferror(f)) fail_errno(name + ": read error", errno);
      break;
    }
  }
  return total;
}

}  // namespace detail

// A file opened for reading in pieces: the header of a format first, so that
// its sizes can be checked against the file's before the body is allocated.
class input_file {
 public:
  explicit input_file(const std::filesystem::path& path)
      : name_(detail::display_name(path)), file_(detail::open_for_reading(path)),
        size_(detail::regular_size(file_.f)) {}
  input_file(const input_file&) = delete;
  input_file& operator=(const input_file&) = delete;

  const std::string& name() const { return name_; }
  // The file's size in bytes when it is a regular file; -1 when it cannot be
  // known before reading to the end (pipes, devices, /proc).
  long long size() const { return size_; }
  std::size_t position() const { return pos_; }

  // Appends the next n bytes to out; a lowp::error naming the file (and what
  // they were for) if it ends first.
  void read_exactly(std::vector<std::uint8_t>& out, std::size_t n, const char* what) {
    if (size_ >= 0 && n > std::size_t(size_) - std::min(pos_, std::size_t(size_)))
      lowp::detail::fail(name_ + ": truncated: " + what + " needs " + std::to_string(n) + " bytes at offset " +
                         std::to_string(pos_) + ", but the file has " + std::to_string(size_));
    const std::size_t got = detail::read_into(file_.f, out, n, name_);
    pos_ += got;
    if (got != n)
      lowp::detail::fail(name_ + ": truncated: " + what + " needs " + std::to_string(n) + " bytes at offset " +
                         std::to_string(pos_ - got) + ", but the file ends after " + std::to_string(got));
  }
  // Appends everything up to the end of the file to out.
  void read_rest(std::vector<std::uint8_t>& out) {
    if (size_ >= 0 && std::size_t(size_) > pos_) {
      const std::size_t rest = std::size_t(size_) - pos_;
      detail::check_fits_memory(name_, out.size() + rest);
      try {
        out.reserve(out.size() + rest);
      } catch (const std::bad_alloc&) {
        detail::fail_too_large(name_, std::size_t(size_));
      } catch (const std::length_error&) {
        detail::fail_too_large(name_, std::size_t(size_));
      }
    }
    pos_ += detail::read_into(file_.f, out, std::numeric_limits<std::size_t>::max(), name_);
  }

 private:
  std::string name_;
  detail::file_closer file_;
  long long size_;
  std::size_t pos_ = 0;
};

// The whole file ("-": standard input), read to its end.
inline std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  input_file in(path);
  std::vector<std::uint8_t> bytes;
  in.read_rest(bytes);
  return bytes;
}

// Whether a and b name the same existing file (same device and inode). "-"
// is never the same as a named file here.
inline bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  if (a == standard_stream || b == standard_stream) return false;
  struct stat sa {}, sb {};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

namespace detail {

inline void write_all(int fd, std::span<const std::uint8_t> bytes, const std::string& name) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::size_t chunk = std::min<std::size_t>(bytes.size() - done, std::size_t(1) << 30);
    const ssize_t n = ::write(fd, bytes.data() + done, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno(name + ": write error", errno);
    }
    if (n == 0) lowp::detail::fail(name + ": write error: the device took no bytes");
    done += std::size_t(n);
  }
}

}  // namespace detail

// Writes `bytes` to `path` ("-": standard output). A regular file (or a new
// one) is replaced only when the whole write succeeded; see the top of this
// file.
inline void write_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  if (path == standard_stream) {
    if (std::fflush(stdout) != 0) detail::fail_errno("standard output: write error", errno);
    detail::write_all(STDOUT_FILENO, bytes, "standard output");
    return;
  }
  const std::string name = path.string();
  // Through a symbolic link, the file it names is replaced, not the link.
  std::error_code ec;
  std::filesystem::path target = path;
  if (std::filesystem::symlink_status(path, ec).type() == std::filesystem::file_type::symlink) {
    target = std::filesystem::weakly_canonical(path, ec);
    if (ec) detail::fail_errno(name + ": cannot resolve the link", ec.value());
  }
  struct stat st {};
  const bool exists = ::stat(target.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) lowp::detail::fail(name + ": is a directory, not a file");
  if (exists && !S_ISREG(st.st_mode)) {
    // A device or pipe: it cannot be replaced, only written.
    const int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) detail::fail_errno(name + ": cannot open for writing", errno);
    try {
      detail::write_all(fd, bytes, name);
    } catch (...) {
      ::close(fd);
      throw;
    }
    if (::close(fd) != 0) detail::fail_errno(name + ": write error", errno);
    return;
  }
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string temp;
  int fd = -1;
  for (unsigned attempt = 0; fd < 0; ++attempt) {
    temp = (dir / ("." + target.filename().string() + ".lowp-" + std::to_string(::getpid()) + "-" +
                   std::to_string(attempt)))
               .string();
    // Created with 0666 less the umask, as the target would be.
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt > 1000)) detail::fail_errno(name + ": cannot open for writing", errno);
  }
  try {
    if (exists) ::fchmod(fd, st.st_mode & 07777);  // keep the replaced file's permissions
    detail::write_all(fd, bytes, name);
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) detail::fail_errno(name + ": write error", errno);
    if (::rename(temp.c_str(), target.c_str()) != 0) detail::fail_errno(name + ": cannot replace the file", errno);
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
}

}  // namespace lowp::io
