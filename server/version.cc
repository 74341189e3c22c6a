#include "server/version.h"

#include <boost/version.hpp>

#include "spdlog/version.h"

namespace shoal::server {

#define SHOAL_STR2(x) #x
#define SHOAL_STR(x) SHOAL_STR2(x)

const char* ExtendedVersion() {
  return "shoal 0.1.0 (Kea 2.2 compatible DHCPv4 server)\n"
         "compiler: " __VERSION__ "\n"
         "boost: " BOOST_LIB_VERSION "\n"
         "spdlog: " SHOAL_STR(SPDLOG_VER_MAJOR) "." SHOAL_STR(SPDLOG_VER_MINOR) "." SHOAL_STR(
             SPDLOG_VER_PATCH) "\n"
         "backends: memfile, mysql, postgresql";
}

}  // namespace shoal::server
