// config-write's file handling: where a node may write its configuration
// and how (Kea 2.6.3 / 3.0's rule: only in the directory of the file given
// with -c).
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace shoal::server {

// The path config-write writes for `requested` ("" = the -c file itself;
// a relative name is taken inside the -c file's directory). Refused with
// PermissionDenied, naming the directory: a path outside that directory
// (after resolving symbolic links of the directories), a name with "..",
// an existing target that is not a regular file. InvalidArgument when the
// node has no -c file.
absl::StatusOr<std::string> ConfigWritePath(const std::string& config_file,
                                            const std::string& requested);

// Writes `text` to `path` (from ConfigWritePath) atomically: a new file of
// mode 0600 in the same directory (the configuration holds database
// passwords), synced, then renamed over `path`.
absl::Status WriteConfigFile(const std::string& path, const std::string& text);

}  // namespace shoal::server
