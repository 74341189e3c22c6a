// Version strings of this build, as printed by -v/-V and version-get.
#pragma once

namespace shoal::server {

inline constexpr const char kVersion[] = "0.1.0";
// -V / version-get "extended": what the binary is built on.
const char* ExtendedVersion();

}  // namespace shoal::server
