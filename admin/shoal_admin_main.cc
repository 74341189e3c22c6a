// shoal-admin: creates, upgrades and inspects shoal's SQL schema and moves
// leases between Kea lease files and the database. See docs/shoal-admin.md.
#include <iostream>
#include <string>
#include <vector>

#include "admin/admin.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return shoal::admin::RunAdmin(args, std::cout, std::cerr, shoal::admin::ProcessEnvironment());
}
