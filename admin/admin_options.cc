#include "admin/admin_options.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace shoal::admin {
namespace {

std::optional<Verb> ParseVerb(const std::string& s) {
  if (s == "db-init") return Verb::kDbInit;
  if (s == "db-upgrade") return Verb::kDbUpgrade;
  if (s == "db-version") return Verb::kDbVersion;
  if (s == "lease-dump") return Verb::kLeaseDump;
  if (s == "lease-upload") return Verb::kLeaseUpload;
  if (s == "config-import") return Verb::kConfigImport;
  if (s == "config-export") return Verb::kConfigExport;
  return std::nullopt;
}

}  // namespace

std::string AdminUsage() {
  return R"(Usage: shoal-admin COMMAND BACKEND [options]
       shoal-admin -v|--version
       shoal-admin --help

COMMAND:
  db-init       create the shoal schema in an empty database
  db-upgrade    apply every pending schema migration (no-op when current)
  db-version    print the database's schema version (major.minor)
  lease-dump    write every DHCPv4 lease as a Kea memfile CSV (needs -4 -o)
  lease-upload  load a Kea memfile CSV into the database (needs -4 -i)
  config-import load a Kea Dhcp4 file's subnets, shared networks, options,
                option definitions, client classes and global parameters
                into the configuration database under the -t tags, as one
                revision (needs -i); lists what the database cannot hold
  config-export write what one server tag receives from the configuration
                database as a Kea Dhcp4 file (needs -o; -t one tag)

BACKEND: mysql | pgsql

Options:
  -h, --host HOST          database host (default localhost)
  -P, --port PORT          database port (default 3306 / 5432)
  -u, --user USER          database user (default shoal)
  -p, --password [PW]      password; without a value, ask for it
                           (default: $SHOAL_ADMIN_DB_PASSWORD, then
                           $KEA_ADMIN_DB_PASSWORD, else empty)
  -n, --name NAME          database name (default shoal)
  -4                       DHCPv4 leases (lease-dump, lease-upload)
  -o, --output FILE        lease-dump / config-export output file
                           ("-" = standard output)
  -i, --input FILE         lease-upload / config-import input file
  -y, --yes                overwrite an existing output file
  -t, --server-tags TAGS   config-import / config-export: comma-separated
                           server tags (default all)
      --connect-timeout S  seconds to wait for the database (default 5)

Exit codes: 0 success, 1 usage error, 2 db-init refused a non-empty
database, 3 database error, 4 schema version problem, 5 file error.
)";
}

absl::StatusOr<AdminOptions> ParseAdminOptions(const std::vector<std::string>& args) {
  AdminOptions o;
  if (args.empty()) return absl::InvalidArgumentError("no command given");
  if (args[0] == "-v" || args[0] == "--version" || args[0] == "version") {
    o.verb = Verb::kVersion;
    return o;
  }
  if (args[0] == "--help" || args[0] == "help") {
    o.verb = Verb::kHelp;
    return o;
  }
  auto verb = ParseVerb(args[0]);
  if (!verb) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command '", args[0],
                     "'; expected db-init, db-upgrade, db-version, lease-dump, lease-upload, "
                     "config-import or config-export"));
  }
  o.verb = *verb;
  if (args.size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("command ", args[0], " needs a backend: mysql or pgsql"));
  }
  if (args[1] == "mysql") {
    o.dialect = db::Dialect::kMySql;
  } else if (args[1] == "pgsql") {
    o.dialect = db::Dialect::kPostgreSql;
  } else if (args[1] == "memfile") {
    return absl::InvalidArgumentError(
        "backend 'memfile' is not supported: shoal reads Kea's lease files directly; "
        "use mysql or pgsql");
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown backend '", args[1], "'; expected mysql or pgsql"));
  }

  bool family6 = false;
  for (size_t i = 2; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (absl::StartsWith(arg, "--")) {
      size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    }
    auto value = [&](std::string_view option) -> absl::StatusOr<std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("option ", std::string(option), " needs a value"));
      }
      return args[++i];
    };
    if (arg == "-h" || arg == "--host") {
      auto v = value(arg);
      if (!v.ok()) return v.status();
      o.host = *v;
    } else if (arg == "-P" || arg == "--port") {
      auto v = value(arg);
      if (!v.ok()) return v.status();
      uint32_t port;
      if (!absl::SimpleAtoi(*v, &port) || port == 0 || port > 65535) {
        return absl::InvalidArgumentError(
            absl::StrCat("option ", arg, " is '", *v, "'; expected a port number 1-65535"));
      }
      o.port = static_cast<uint16_t>(port);
    } else if (arg == "-u" || arg == "--user") {
      auto v = value(arg);
      if (!v.ok()) return v.status();
      o.user = *v;
    } else if (arg == "-n" || arg == "--name") {
      auto v = value(arg);
      if (!v.ok()) return v.status();
      o.name = *v;
    } else if (arg == "-p" || arg == "--password") {
      // As kea-admin: a following argument that looks like an option is not
      // the password; then the password is asked for.
      if (inline_value) {
        o.password = *inline_value;
      } else if (i + 1 < args.size() && !absl::StartsWith(args[i + 1], "-")) {
        o.password = args[++i];
      } else {
        o.prompt_password = true;
      }
    } else if (arg == "-4") {
      o.family4 = true;
    } else if (arg == "-6") {
      family6 = true;
    } else if (arg == "-o" || arg == "--output") {
      auto v = value(arg);
      if (!v.ok()) return v.status();
      o.output = *v;
    } else if (arg == "-i" || arg == "--input") {
      auto v = value(arg);
      if (!v.ok()) return v.status();
      o.input = *v;
    } else if (arg == "-t" || arg == "--server-tags") {
      auto v = value(arg);
      if (!v.ok()) return v.status();
      for (absl::string_view tag : absl::StrSplit(*v, ',')) {
        std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(tag));
        if (t.empty() || t.size() > 64) {
          return absl::InvalidArgumentError(absl::StrCat(
              "option ", arg, " is '", *v, "'; expected server tags of 1 to 64 characters, "
              "separated by commas"));
        }
        o.server_tags.push_back(t);
      }
    } else if (arg == "-y" || arg == "--yes") {
      o.yes = true;
    } else if (arg == "--connect-timeout") {
      auto v = value(arg);
      if (!v.ok()) return v.status();
      if (!absl::SimpleAtoi(*v, &o.connect_timeout_s) || o.connect_timeout_s == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("option --connect-timeout is '", *v, "'; expected seconds >= 1"));
      }
    } else if (arg == "-d" || arg == "--directory" || arg == "-x" || arg == "--extra") {
      return absl::InvalidArgumentError(absl::StrCat(
          "option ", arg,
          " is a kea-admin option shoal-admin does not need: the schema is built in and "
          "shoal-admin talks to the database directly"));
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown option '", arg, "'"));
    }
  }
  if (family6) {
    return absl::InvalidArgumentError("-6: shoal serves DHCPv4 only; use -4");
  }
  if (o.verb == Verb::kLeaseDump || o.verb == Verb::kLeaseUpload) {
    if (!o.family4) {
      return absl::InvalidArgumentError(absl::StrCat(args[0], " needs -4 (DHCPv4 leases)"));
    }
    if (o.verb == Verb::kLeaseDump && o.output.empty()) {
      return absl::InvalidArgumentError("lease-dump needs -o FILE");
    }
    if (o.verb == Verb::kLeaseUpload && o.input.empty()) {
      return absl::InvalidArgumentError("lease-upload needs -i FILE");
    }
  }
  if (o.verb == Verb::kConfigImport || o.verb == Verb::kConfigExport) {
    if (o.server_tags.empty()) o.server_tags.push_back("all");
    if (o.verb == Verb::kConfigImport && o.input.empty()) {
      return absl::InvalidArgumentError("config-import needs -i FILE (a Kea Dhcp4 configuration)");
    }
    if (o.verb == Verb::kConfigExport && o.output.empty()) {
      return absl::InvalidArgumentError("config-export needs -o FILE (\"-\" = standard output)");
    }
    if (o.verb == Verb::kConfigExport && o.server_tags.size() != 1) {
      return absl::InvalidArgumentError("config-export writes one server tag's configuration: "
                                        "give exactly one with -t");
    }
  }
  return o;
}

}  // namespace shoal::admin
