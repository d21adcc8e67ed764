// Writing a report atomically: a temporary file in the target's folder, flushed to disk, then
// renamed over the target, so that a failed write leaves the previous report whole.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "audit/render.hpp"

namespace nrm::audit {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int error) {
  throw LoadError("cannot write the report",
                  {{path, 0, 0, "", what + " (" + std::strerror(error) + "); the previous file, if any, is unchanged"}});
}

}  // namespace

void write_atomically(const std::string& path, const std::string& bytes) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string pattern = (folder / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) fail(path, "cannot create a temporary file in " + folder.string(), errno);
  const std::string temp(name.data());
  auto undo = [&](const std::string& what, int error) {
    ::close(fd);
    ::unlink(temp.c_str());
    fail(path, what, error);
  };
  struct stat old {};
  const mode_t mode = ::stat(path.c_str(), &old) == 0 ? (old.st_mode & 07777) : 0644;
  if (::fchmod(fd, mode) != 0) undo("cannot set the temporary file's permissions", errno);
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) undo("cannot write the temporary file " + temp, n < 0 ? errno : EIO);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) undo("cannot flush the temporary file " + temp, errno);
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    fail(path, "cannot close the temporary file " + temp, error);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    fail(path, "cannot rename the temporary file into place", error);
  }
}

}  // namespace nrm::audit
