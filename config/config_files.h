// Files a node writes that hold its configuration: config-write's target
// (Kea 2.6.3 / 3.0's rule: only in the directory of the file given with -c)
// and the atomic, owner-only way both it and the configuration database's
// on-disk copy are written.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace shoal::config {

// The path config-write writes for `requested` ("" = the -c file itself;
// a relative name is taken inside the -c file's directory). Refused with
// PermissionDenied, naming the directory: a path outside that directory
// (after resolving symbolic links of the directories), a name with "..",
// an existing target that is not a regular file. InvalidArgument when the
// node has no -c file.
absl::StatusOr<std::string> ConfigWritePath(const std::string& config_file,
                                            const std::string& requested);

// Writes `text` to `path` atomically: a new file of mode 0600 in the same
// directory (configurations hold database passwords; the temporary name is
// unique to this process, so nodes sharing a directory do not collide),
// synced, then renamed over `path`. Unavailable naming the path and errno.
absl::Status WriteFileAtomically(const std::string& path, const std::string& text);

}  // namespace shoal::config
