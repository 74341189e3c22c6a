#include "config/config_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace shoal::config {
namespace {

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The canonical path of an existing directory, or "" if there is none.
std::string RealDirectory(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) return "";
  struct stat st;
  if (stat(resolved, &st) != 0 || !S_ISDIR(st.st_mode)) return "";
  return resolved;
}

}  // namespace

absl::StatusOr<std::string> ConfigWritePath(const std::string& config_file,
                                            const std::string& requested) {
  if (config_file.empty()) {
    return absl::InvalidArgumentError("Unable to determine filename. Please specify a filename.");
  }
  std::string allowed = RealDirectory(DirectoryOf(config_file));
  if (allowed.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the directory of the configuration file ", config_file, " is gone"));
  }
  auto refuse = [&](absl::string_view why) {
    return absl::PermissionDeniedError(absl::StrCat(
        "not writing '", requested, "': ", why, "; config-write writes only in ", allowed,
        " (the directory of the configuration file)"));
  };
  std::string name = requested.empty() ? config_file : requested;
  for (absl::string_view part : absl::StrSplit(name, '/')) {
    if (part == "..") return refuse("'..' is not allowed");
  }
  if (name.find('\0') != std::string::npos) return refuse("the name holds a NUL byte");
  std::string path = name[0] == '/' ? name : absl::StrCat(allowed, "/", name);
  std::string base = BaseName(path);
  if (base.empty() || base == ".") return refuse("that is not a file name");
  if (RealDirectory(DirectoryOf(path)) != allowed) return refuse("that is another directory");
  path = absl::StrCat(allowed, "/", base);
  struct stat st;
  if (lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return refuse("it exists and is not a regular file");
  }
  return path;
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& text) {
  std::string temporary = absl::StrCat(path, ".", getpid(), ".tmp");
  // O_NOFOLLOW: a link planted at the temporary name is not followed; a
  // file left there by an earlier process with this pid is replaced.
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0 && fchmod(fd, 0600) != 0) {
    close(fd);
    fd = -1;
  }
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("Unable to open file ", path, " for writing: ", strerror(errno)));
  }
  size_t done = 0;
  bool ok = true;
  while (ok && done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && fsync(fd) == 0;
  int saved = errno;
  ok = close(fd) == 0 && ok;
  if (ok && rename(temporary.c_str(), path.c_str()) == 0) return absl::OkStatus();
  if (ok) saved = errno;
  unlink(temporary.c_str());
  return absl::UnavailableError(
      absl::StrCat("Unable to write file ", path, ": ", strerror(saved)));
}

}  // namespace shoal::config
