#include "admin/admin.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "admin/admin_options.h"
#include "admin/lease_sql.h"
#include "config/config_files.h"
#include "config/json_reader.h"
#include "config_backend/config_import.h"
#include "db/connection.h"
#include "db/schema.h"
#include "lease_backend/lease_csv.h"

namespace shoal::admin {
namespace {

constexpr char kVersion[] = "shoal-admin 0.1.0";

int DatabaseExit(const absl::Status& s) {
  return absl::IsFailedPrecondition(s) ? kExitSchema : kExitDatabase;
}

std::string PasswordFor(const AdminOptions& o, const AdminEnvironment& env, absl::Status& status) {
  if (o.password) return *o.password;
  if (o.prompt_password) {
    if (!env.prompt_password) {
      status = absl::FailedPreconditionError("cannot ask for a password here");
      return "";
    }
    auto p = env.prompt_password();
    if (!p.ok()) {
      status = p.status();
      return "";
    }
    return *p;
  }
  if (env.getenv) {
    for (const char* var : {"SHOAL_ADMIN_DB_PASSWORD", "KEA_ADMIN_DB_PASSWORD"}) {
      if (auto v = env.getenv(var)) return *v;
    }
  }
  return "";
}

int LeaseDump(const AdminOptions& o, db::Connection& c, std::ostream& out, std::ostream& err) {
  bool to_stdout = o.output == "-";
  std::error_code ec;
  if (!to_stdout && std::filesystem::exists(o.output, ec) && !o.yes) {
    err << "shoal-admin: output file " << o.output
        << " exists; give -y to overwrite it or choose another name\n";
    return kExitFile;
  }
  auto leases = DumpLeases(c);
  if (!leases.ok()) {
    err << "shoal-admin: lease-dump: " << leases.status().message() << "\n";
    return absl::IsInvalidArgument(leases.status()) ? kExitDatabase : DatabaseExit(leases.status());
  }
  if (to_stdout) {
    if (absl::Status s = lease_backend::WriteLease4Csv(out, *leases); !s.ok()) {
      err << "shoal-admin: writing leases: " << s.message() << "\n";
      return kExitFile;
    }
    return kExitOk;
  }
  std::string tmp = o.output + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      err << "shoal-admin: cannot write " << tmp << ": " << std::strerror(errno) << "\n";
      return kExitFile;
    }
    absl::Status s = lease_backend::WriteLease4Csv(f, *leases);
    f.close();
    if (!s.ok() || !f) {
      err << "shoal-admin: writing " << tmp << " failed"
          << (s.ok() ? "" : absl::StrCat(": ", s.message())) << "\n";
      std::filesystem::remove(tmp, ec);
      return kExitFile;
    }
  }
  std::filesystem::rename(tmp, o.output, ec);
  if (ec) {
    err << "shoal-admin: cannot rename " << tmp << " to " << o.output << ": " << ec.message()
        << "\n";
    return kExitFile;
  }
  err << "lease-dump: wrote " << leases->size() << " lease(s) to " << o.output << "\n";
  return kExitOk;
}

int LeaseUpload(const AdminOptions& o, db::Connection& c, std::ostream& err) {
  std::ifstream f(o.input, std::ios::binary);
  if (!f) {
    err << "shoal-admin: cannot read lease file " << o.input << ": " << std::strerror(errno)
        << "\n";
    return kExitFile;
  }
  lease_backend::CsvReadOptions options;
  options.source_name = o.input;
  uint64_t skipped = 0;
  options.on_row_error = [&](const absl::Status& s) {
    ++skipped;
    err << "shoal-admin: skipping row: " << s.message() << "\n";
  };
  auto leases = lease_backend::ReadLease4Csv(f, options);
  if (!leases.ok()) {
    err << "shoal-admin: " << leases.status().message() << "\n";
    return kExitFile;
  }
  if (leases->empty()) {
    err << "shoal-admin: lease file " << o.input << " has no leases; nothing to upload\n";
    return kExitFile;
  }
  if (absl::Status s = UploadLeases(c, *leases); !s.ok()) {
    err << "shoal-admin: lease-upload: " << s.message() << "\n";
    return kExitDatabase;
  }
  err << "lease-upload: uploaded " << leases->size() << " lease(s) from " << o.input;
  if (skipped > 0) err << " (skipped " << skipped << " bad row(s))";
  err << "\n";
  return kExitOk;
}

int ConfigImport(const AdminOptions& o, db::Connection& c, std::ostream& out,
                 std::ostream& err) {
  std::ifstream in(o.input);
  if (!in) {
    err << "shoal-admin: config-import: cannot read " << o.input << "\n";
    return kExitFile;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto document = config::ReadLocatedJson(text, o.input);
  if (!document.ok()) {
    err << "shoal-admin: config-import: " << document.status().message() << "\n";
    return kExitFile;
  }
  const nlohmann::json& whole = document->value;
  const nlohmann::json& dhcp4 =
      whole.is_object() && whole.contains("Dhcp4") ? whole["Dhcp4"] : whole;
  auto plan = config_backend::PlanImport(dhcp4);
  if (!plan.ok()) {
    err << "shoal-admin: config-import: " << o.input << ": " << plan.status().message() << "\n";
    return kExitFile;
  }
  config_backend::TagSet tags(o.server_tags.begin(), o.server_tags.end());
  auto result = config_backend::ImportConfiguration(c, *plan, tags, "shoal-admin config-import");
  if (!result.ok()) {
    err << "shoal-admin: config-import: " << result.status().message() << "\n";
    return absl::IsFailedPrecondition(result.status()) ? kExitFile : kExitDatabase;
  }
  out << "Imported " << result->subnets << " subnet(s), " << result->shared_networks
      << " shared network(s), " << result->client_classes << " client class(es), "
      << result->option_defs << " option definition(s), " << result->options
      << " global option(s) and " << result->globals << " global parameter(s) as revision "
      << result->revision << "\n";
  if (!plan->not_imported.empty()) {
    out << "Not imported (the configuration database does not hold these):\n";
    for (const std::string& line : plan->not_imported) out << "  " << line << "\n";
  }
  return kExitOk;
}

int ConfigExport(const AdminOptions& o, db::Connection& c, std::ostream& out,
                 std::ostream& err) {
  std::error_code ec;
  bool to_stdout = o.output == "-";
  if (!to_stdout && std::filesystem::exists(o.output, ec) && !o.yes) {
    err << "shoal-admin: output file " << o.output
        << " exists; give -y to overwrite it or choose another name\n";
    return kExitFile;
  }
  auto exported = config_backend::ExportConfiguration(c, o.server_tags.front());
  if (!exported.ok()) {
    err << "shoal-admin: config-export: " << exported.status().message() << "\n";
    return kExitDatabase;
  }
  std::string text = exported->dump(2) + "\n";
  if (to_stdout) {
    out << text;
    return kExitOk;
  }
  if (absl::Status s = config::WriteFileAtomically(o.output, text); !s.ok()) {
    err << "shoal-admin: config-export: " << s.message() << "\n";
    return kExitFile;
  }
  return kExitOk;
}

}  // namespace

AdminEnvironment ProcessEnvironment() {
  AdminEnvironment env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  env.prompt_password = []() -> absl::StatusOr<std::string> {
    std::string password;
    if (isatty(STDIN_FILENO)) {
      std::cerr << "Password: " << std::flush;
      termios old_attrs;
      bool restore = tcgetattr(STDIN_FILENO, &old_attrs) == 0;
      if (restore) {
        termios quiet = old_attrs;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
      }
      std::getline(std::cin, password);
      if (restore) tcsetattr(STDIN_FILENO, TCSANOW, &old_attrs);
      std::cerr << "\n";
    } else if (!std::getline(std::cin, password)) {
      return absl::InvalidArgumentError(
          "-p without a value: no password on standard input (give -p PASSWORD or set "
          "SHOAL_ADMIN_DB_PASSWORD)");
    }
    return password;
  };
  return env;
}

int RunAdmin(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             const AdminEnvironment& env) {
  auto parsed = ParseAdminOptions(args);
  if (!parsed.ok()) {
    err << "shoal-admin: " << parsed.status().message() << "\n\n" << AdminUsage();
    return kExitUsage;
  }
  const AdminOptions& o = *parsed;
  if (o.verb == Verb::kHelp) {
    out << AdminUsage();
    return kExitOk;
  }
  if (o.verb == Verb::kVersion) {
    out << kVersion << "\n";
    return kExitOk;
  }

  db::DatabaseParams params;
  params.dialect = o.dialect;
  params.host = o.host;
  params.port = o.port;
  params.user = o.user;
  params.name = o.name;
  params.connect_timeout_s = o.connect_timeout_s;
  absl::Status password_status;
  params.password = PasswordFor(o, env, password_status);
  if (!password_status.ok()) {
    err << "shoal-admin: " << password_status.message() << "\n";
    return kExitUsage;
  }

  auto connection = db::Connect(params);
  if (!connection.ok()) {
    err << "shoal-admin: cannot connect: " << connection.status().message() << "\n";
    return kExitDatabase;
  }
  db::Connection& c = **connection;

  switch (o.verb) {
    case Verb::kDbInit: {
      auto v = db::InitSchema(c);
      if (!v.ok()) {
        err << "shoal-admin: db-init: " << v.status().message() << "\n";
        return absl::IsFailedPrecondition(v.status()) ? kExitNotEmpty : kExitDatabase;
      }
      out << "Database version reported after initialization: " << v->ToString() << "\n";
      return kExitOk;
    }
    case Verb::kDbUpgrade: {
      auto before = db::ReadSchemaVersion(c);
      if (before.ok() && *before) {
        out << "Database version reported before upgrade: " << (*before)->ToString() << "\n";
      }
      auto r = db::UpgradeSchema(c);
      if (!r.ok()) {
        err << "shoal-admin: db-upgrade: " << r.status().message() << "\n";
        return DatabaseExit(r.status());
      }
      for (const std::string& applied : r->applied) out << "Applied " << applied << "\n";
      if (r->applied.empty()) out << "Schema is current; nothing to do\n";
      out << "Database version reported after upgrade: " << r->to.ToString() << "\n";
      return kExitOk;
    }
    case Verb::kDbVersion: {
      auto v = db::ReadSchemaVersion(c);
      if (!v.ok()) {
        err << "shoal-admin: db-version: " << v.status().message() << "\n";
        return DatabaseExit(v.status());
      }
      if (!*v) {
        err << "shoal-admin: db-version: " << params.Describe()
            << " has no shoal schema (no schema_version table): run `"
            << db::AdminCommand(params, "db-init") << "`\n";
        return kExitSchema;
      }
      out << (*v)->ToString() << "\n";
      return kExitOk;
    }
    case Verb::kLeaseDump:
    case Verb::kLeaseUpload: {
      if (absl::Status s = db::CheckSchemaVersion(c, "shoal-admin"); !s.ok()) {
        err << "shoal-admin: " << s.message() << "\n";
        return DatabaseExit(s);
      }
      return o.verb == Verb::kLeaseDump ? LeaseDump(o, c, out, err) : LeaseUpload(o, c, err);
    }
    case Verb::kConfigImport:
    case Verb::kConfigExport: {
      if (absl::Status s = db::CheckSchemaVersion(c, "shoal-admin"); !s.ok()) {
        err << "shoal-admin: " << s.message() << "\n";
        return DatabaseExit(s);
      }
      return o.verb == Verb::kConfigImport ? ConfigImport(o, c, out, err)
                                           : ConfigExport(o, c, out, err);
    }
    default:
      return kExitUsage;
  }
}

}  // namespace shoal::admin
