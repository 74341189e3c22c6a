#include "config/sections_parser.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace shoal::config {

const char* IdentifierTypeName(IdentifierType type) {
  switch (type) {
    case IdentifierType::kHwAddress:
      return "hw-address";
    case IdentifierType::kClientId:
      return "client-id";
    case IdentifierType::kCircuitId:
      return "circuit-id";
    case IdentifierType::kDuid:
      return "duid";
    case IdentifierType::kFlexId:
      return "flex-id";
  }
  return "unknown";
}

namespace internal {

std::optional<IdentifierType> IdentifierTypeFromName(std::string_view name) {
  for (IdentifierType t :
       {IdentifierType::kHwAddress, IdentifierType::kClientId, IdentifierType::kCircuitId,
        IdentifierType::kDuid, IdentifierType::kFlexId}) {
    if (name == IdentifierTypeName(t)) return t;
  }
  return std::nullopt;
}

InterfacesConfig ParseInterfacesConfig(const Node& n) {
  n.CheckKeys({"interfaces", "dhcp-socket-type", "outbound-interface", "re-detect",
               "service-sockets-require-all", "service-sockets-max-retries",
               "service-sockets-retry-wait-time"});
  InterfacesConfig out;
  if (auto list = n.Get("interfaces")) {
    list->ExpectList();
    for (size_t i = 0; i < list->json().size(); ++i) {
      Node item = list->At(i);
      std::string text = item.String();
      InterfaceSpec spec;
      size_t slash = text.find('/');
      spec.name = text.substr(0, slash);
      if (spec.name.empty() || spec.name.size() > 15 ||
          spec.name.find_first_of(" \t/") != std::string::npos) {
        item.Fail(absl::StrCat("'", text,
                               "' is not a valid interface, expected a name such as eth0, "
                               "eth0/192.0.2.1, or *"));
      }
      if (slash != std::string::npos) {
        if (spec.name == "*") item.Fail("'*' cannot be combined with an address");
        spec.address = dhcp::Ipv4Address::Parse(std::string_view(text).substr(slash + 1));
        if (!spec.address) {
          item.Fail(absl::StrCat("'", text, "': '", text.substr(slash + 1),
                                 "' is not a valid IPv4 address"));
        }
      }
      out.interfaces.push_back(std::move(spec));
    }
  }
  if (auto t = n.Get("dhcp-socket-type")) {
    std::string v = t->String();
    if (v == "raw") {
      out.raw_sockets = true;
    } else if (v == "udp") {
      out.raw_sockets = false;
    } else {
      t->Fail(absl::StrCat("'", v, "' is not a socket type, expected 'raw' or 'udp'"));
    }
  }
  if (auto o = n.Get("outbound-interface")) {
    std::string v = o->String();
    if (v == "same-as-inbound") {
      out.outbound_use_routing = false;
    } else if (v == "use-routing") {
      out.outbound_use_routing = true;
    } else {
      o->Fail(absl::StrCat("'", v, "' is not valid, expected 'same-as-inbound' or 'use-routing'"));
    }
  }
  if (auto r = n.Get("re-detect")) out.re_detect = r->Bool();
  if (auto r = n.Get("service-sockets-require-all")) out.service_sockets_require_all = r->Bool();
  if (auto r = n.Get("service-sockets-max-retries")) out.service_sockets_max_retries = r->Uint32();
  if (auto r = n.Get("service-sockets-retry-wait-time")) {
    out.service_sockets_retry_wait_time = r->Uint32();
  }
  return out;
}

DatabaseConfig ParseDatabase(const Node& n, bool hosts) {
  std::vector<std::string_view> keys = {"type",
                                        "persist",
                                        "name",
                                        "lfc-interval",
                                        "max-row-errors",
                                        "host",
                                        "port",
                                        "user",
                                        "password",
                                        "connect-timeout",
                                        "read-timeout",
                                        "write-timeout",
                                        "tcp-user-timeout",
                                        "max-reconnect-tries",
                                        "reconnect-wait-time",
                                        "on-fail",
                                        "retry-on-startup",
                                        "trust-anchor",
                                        "cert-file",
                                        "key-file",
                                        "cipher-list"};
  if (hosts) keys.push_back("readonly");
  n.CheckKeys(keys);
  DatabaseConfig out;
  if (!n.Has("type")) n.Fail("missing parameter 'type' (memfile, mysql or postgresql)");
  Node type = n.Child("type");
  out.type = type.String();
  if (out.type == "memfile") {
    if (hosts)
      type.Fail("'memfile' is not a hosts database type, expected 'mysql' or 'postgresql'");
  } else if (out.type != "mysql" && out.type != "postgresql") {
    type.Fail(
        absl::StrCat("'", out.type, "' is not a supported database type, expected ",
                     hosts ? "'mysql' or 'postgresql'" : "'memfile', 'mysql' or 'postgresql'"));
  }
  bool memfile = out.type == "memfile";
  // Type checks for every key, and memfile-only / SQL-only keys.
  for (const char* k : {"persist", "readonly"}) {
    if (auto v = n.Get(k)) v->Bool();
  }
  for (const char* k : {"name", "host", "user", "password", "trust-anchor", "cert-file", "key-file",
                        "cipher-list"}) {
    if (auto v = n.Get(k)) v->String();
  }
  for (const char* k :
       {"lfc-interval", "max-row-errors", "connect-timeout", "read-timeout", "write-timeout",
        "tcp-user-timeout", "max-reconnect-tries", "reconnect-wait-time"}) {
    if (auto v = n.Get(k)) v->Uint32();
  }
  if (auto v = n.Get("port")) v->Integer(0, 65535);
  if (auto v = n.Get("retry-on-startup")) v->Bool();
  if (auto v = n.Get("on-fail")) {
    std::string s = v->String();
    if (s != "stop-retry-exit" && s != "serve-retry-exit" && s != "serve-retry-continue") {
      v->Fail(absl::StrCat("'", s,
                           "' is not valid, expected 'stop-retry-exit', 'serve-retry-exit' or "
                           "'serve-retry-continue'"));
    }
  }
  if (memfile) {
    for (const char* k :
         {"host", "port", "user", "password", "connect-timeout", "read-timeout", "write-timeout",
          "tcp-user-timeout", "trust-anchor", "cert-file", "key-file", "cipher-list"}) {
      if (auto v = n.Get(k)) {
        n.Child(k).Fail(absl::StrCat("'", k, "' is not a memfile parameter"));
      }
    }
    if (auto v = n.Get("persist")) out.persist = v->Bool();
    if (auto v = n.Get("lfc-interval")) out.lfc_interval = v->Uint32();
    if (auto v = n.Get("max-row-errors")) out.max_row_errors = v->Uint32();
  } else {
    for (const char* k : {"persist", "lfc-interval", "max-row-errors"}) {
      if (n.Has(k)) {
        n.Child(k).Fail(absl::StrCat("'", k, "' is a memfile parameter, not valid for ", out.type));
      }
    }
    if (!n.Has("name"))
      n.Fail(absl::StrCat("missing parameter 'name' (the ", out.type, " database name)"));
  }
  if (auto v = n.Get("name")) out.name = v->String();
  if (memfile && n.Has("name") && out.name.empty())
    n.Child("name").Fail("the lease file name is empty");
  out.raw = n.json();
  return out;
}

ExpiredLeasesProcessing ParseExpiredLeasesProcessing(const Node& n) {
  n.CheckKeys({"reclaim-timer-wait-time", "flush-reclaimed-timer-wait-time", "hold-reclaimed-time",
               "max-reclaim-leases", "max-reclaim-time", "unwarned-reclaim-cycles"});
  ExpiredLeasesProcessing out;
  if (auto v = n.Get("reclaim-timer-wait-time")) out.reclaim_timer_wait_time = v->Uint32();
  if (auto v = n.Get("flush-reclaimed-timer-wait-time")) {
    out.flush_reclaimed_timer_wait_time = v->Uint32();
  }
  if (auto v = n.Get("hold-reclaimed-time")) out.hold_reclaimed_time = v->Uint32();
  if (auto v = n.Get("max-reclaim-leases")) out.max_reclaim_leases = v->Uint32();
  if (auto v = n.Get("max-reclaim-time")) out.max_reclaim_time = v->Uint32();
  if (auto v = n.Get("unwarned-reclaim-cycles")) out.unwarned_reclaim_cycles = v->Uint32();
  return out;
}

std::vector<LoggerConfig> ParseLoggers(const Node& list) {
  list.ExpectList();
  std::vector<LoggerConfig> out;
  for (size_t i = 0; i < list.json().size(); ++i) {
    Node n = list.At(i);
    n.CheckKeys({"name", "severity", "debuglevel", "output_options", "output-options"});
    LoggerConfig logger;
    if (!n.Has("name")) n.Fail("missing parameter 'name'");
    logger.name = n.Child("name").String();
    if (logger.name.empty()) n.Child("name").Fail("the logger name is empty");
    if (auto v = n.Get("severity")) {
      std::string s = absl::AsciiStrToUpper(v->String());
      if (s != "FATAL" && s != "ERROR" && s != "WARN" && s != "INFO" && s != "DEBUG" &&
          s != "NONE") {
        v->Fail(absl::StrCat("'", v->String(),
                             "' is not a severity, expected FATAL, ERROR, WARN, INFO, DEBUG or "
                             "NONE"));
      }
      logger.severity = s;
    }
    if (auto v = n.Get("debuglevel")) logger.debuglevel = static_cast<uint32_t>(v->Integer(0, 99));
    if (n.Has("output_options") && n.Has("output-options")) {
      n.Fail("give either 'output_options' or 'output-options', not both");
    }
    std::optional<Node> outputs = n.Get("output_options");
    if (!outputs) outputs = n.Get("output-options");
    if (outputs) {
      outputs->ExpectList();
      for (size_t j = 0; j < outputs->json().size(); ++j) {
        Node o = outputs->At(j);
        o.CheckKeys({"output", "flush", "maxsize", "maxver", "pattern"});
        LoggerOutput lo;
        if (!o.Has("output")) o.Fail("missing parameter 'output'");
        lo.output = o.Child("output").String();
        if (lo.output.empty()) o.Child("output").Fail("the output is empty");
        if (auto v = o.Get("flush")) lo.flush = v->Bool();
        if (auto v = o.Get("maxsize")) {
          lo.maxsize = static_cast<uint64_t>(v->Integer(0, INT64_MAX));
          if (lo.maxsize != 0 && lo.maxsize < 204800) {
            v->Fail("maxsize must be 0 (no rotation) or at least 204800 bytes, as in Kea");
          }
        }
        if (auto v = o.Get("maxver")) lo.maxver = v->Uint32();
        if (auto v = o.Get("pattern")) lo.pattern = v->String();
        logger.outputs.push_back(std::move(lo));
      }
    }
    out.push_back(std::move(logger));
  }
  return out;
}

ControlSocketConfig ParseKea22ControlSocket(const Node& n) {
  n.CheckKeys({"socket-type", "socket-name"});
  ControlSocketConfig out;
  if (!n.Has("socket-type")) n.Fail("missing parameter 'socket-type' (unix)");
  std::string type = n.Child("socket-type").String();
  if (type != "unix") {
    n.Child("socket-type")
        .Fail(absl::StrCat("'", type,
                           "' is not valid here, expected 'unix' (use "
                           "control-sockets for http and https)"));
  }
  out.type = ControlSocketConfig::Type::kUnix;
  if (!n.Has("socket-name")) n.Fail("missing parameter 'socket-name' (the UNIX socket path)");
  out.socket_name = n.Child("socket-name").String();
  if (out.socket_name.empty()) n.Child("socket-name").Fail("the socket path is empty");
  return out;
}

namespace {

// Credential files hold one short line. Anything else (a device, a FIFO, a
// directory, a huge file) is refused before it is read, and every refusal
// reads the same, so the answer tells nothing of what a path is or whether
// it exists (the configuration may come through the API: config-test).
constexpr off_t kMaxCredentialFileSize = 64 * 1024;

std::string ReadCredentialFile(const Node& at, const std::string& directory,
                               const std::string& file) {
  std::string path = file;
  if (!directory.empty() && !file.empty() && file[0] != '/') path = directory + "/" + file;
  auto refuse = [&]() -> std::string {
    at.Fail(absl::StrCat("cannot use the credential file '", path,
                         "': it must be a readable regular file of at most 64 KiB"));
  };
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return refuse();
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxCredentialFileSize) {
    close(fd);
    return refuse();
  }
  std::string content(static_cast<size_t>(st.st_size), '\0');
  ssize_t n = read(fd, content.data(), content.size());
  close(fd);
  if (n < 0) return refuse();
  content.resize(static_cast<size_t>(n));
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
    content.pop_back();
  }
  return content;
}

}  // namespace

std::vector<ControlSocketConfig> ParseControlSockets(const Node& list) {
  list.ExpectList();
  std::vector<ControlSocketConfig> out;
  for (size_t i = 0; i < list.json().size(); ++i) {
    Node n = list.At(i);
    n.CheckKeys({"socket-type", "socket-name", "socket-address", "socket-port", "authentication",
                 "trust-anchor", "cert-file", "key-file", "cert-required"});
    ControlSocketConfig cs;
    if (!n.Has("socket-type")) n.Fail("missing parameter 'socket-type' (unix, http or https)");
    std::string type = n.Child("socket-type").String();
    if (type == "unix") {
      cs.type = ControlSocketConfig::Type::kUnix;
    } else if (type == "http") {
      cs.type = ControlSocketConfig::Type::kHttp;
    } else if (type == "https") {
      cs.type = ControlSocketConfig::Type::kHttps;
    } else {
      n.Child("socket-type")
          .Fail(absl::StrCat("'", type,
                             "' is not a socket type, expected unix, http "
                             "or https"));
    }
    bool unix_socket = cs.type == ControlSocketConfig::Type::kUnix;
    if (unix_socket) {
      for (const char* k : {"socket-address", "socket-port", "authentication", "trust-anchor",
                            "cert-file", "key-file", "cert-required"}) {
        if (n.Has(k)) n.Child(k).Fail(absl::StrCat("'", k, "' is not valid for a unix socket"));
      }
      if (!n.Has("socket-name")) n.Fail("missing parameter 'socket-name' (the UNIX socket path)");
      cs.socket_name = n.Child("socket-name").String();
      if (cs.socket_name.empty()) n.Child("socket-name").Fail("the socket path is empty");
    } else {
      if (n.Has("socket-name"))
        n.Child("socket-name").Fail("'socket-name' is only for unix sockets");
      if (auto v = n.Get("socket-address")) {
        cs.socket_address = v->String();
        // IPv4 is checked here; an IPv6 address is left to the listener.
        if (!dhcp::Ipv4Address::Parse(cs.socket_address) &&
            cs.socket_address.find(':') == std::string::npos) {
          v->Fail(absl::StrCat("'", cs.socket_address, "' is not an IP address"));
        }
      }
      if (auto v = n.Get("socket-port"))
        cs.socket_port = static_cast<uint16_t>(v->Integer(1, 65535));
      if (auto v = n.Get("trust-anchor")) cs.trust_anchor = v->String();
      if (auto v = n.Get("cert-file")) cs.cert_file = v->String();
      if (auto v = n.Get("key-file")) cs.key_file = v->String();
      if (auto v = n.Get("cert-required")) cs.cert_required = v->Bool();
      bool has_cert = !cs.cert_file.empty(), has_key = !cs.key_file.empty();
      if (has_cert != has_key) n.Fail("'cert-file' and 'key-file' must be given together");
      if (cs.type == ControlSocketConfig::Type::kHttps && !has_cert) {
        n.Fail("an https socket needs 'cert-file' and 'key-file'");
      }
      if (cs.type == ControlSocketConfig::Type::kHttp && (has_cert || !cs.trust_anchor.empty())) {
        n.Fail("TLS parameters need socket-type 'https'");
      }
      if (auto auth = n.Get("authentication")) {
        auth->CheckKeys({"type", "realm", "directory", "clients"});
        if (!auth->Has("type")) auth->Fail("missing parameter 'type' (basic)");
        std::string at = auth->Child("type").String();
        if (at != "basic")
          auth->Child("type").Fail(absl::StrCat("'", at, "' is not supported, expected 'basic'"));
        if (auto r = auth->Get("realm")) cs.auth_realm = r->String();
        std::string directory;
        if (auto d = auth->Get("directory")) directory = d->String();
        if (auto clients = auth->Get("clients")) {
          clients->ExpectList();
          for (size_t j = 0; j < clients->json().size(); ++j) {
            Node c = clients->At(j);
            c.CheckKeys({"user", "password", "user-file", "password-file", "read-only"});
            HttpClientCredential cred;
            if (c.Has("user") && c.Has("user-file")) c.Fail("give 'user' or 'user-file', not both");
            if (c.Has("password") && c.Has("password-file")) {
              c.Fail("give 'password' or 'password-file', not both");
            }
            if (auto v = c.Get("user")) cred.user = v->String();
            if (auto v = c.Get("user-file"))
              cred.user = ReadCredentialFile(*v, directory, v->String());
            if (auto v = c.Get("password")) cred.password = v->String();
            if (auto v = c.Get("password-file")) {
              std::string content = ReadCredentialFile(*v, directory, v->String());
              if (!c.Has("user") && !c.Has("user-file")) {
                // Kea: without a user, the password file holds "user:password".
                size_t colon = content.find(':');
                if (colon == std::string::npos) {
                  v->Fail(
                      "without 'user' or 'user-file' the password file must hold "
                      "user:password");
                }
                cred.user = content.substr(0, colon);
                cred.password = content.substr(colon + 1);
              } else {
                cred.password = content;
              }
            }
            if (auto v = c.Get("read-only")) cred.read_only = v->Bool();
            if (cred.user.empty()) c.Fail("the user name is empty");
            if (cred.user.find(':') != std::string::npos) c.Fail("the user name contains ':'");
            cs.auth_clients.push_back(std::move(cred));
          }
        }
      }
    }
    out.push_back(std::move(cs));
  }
  return out;
}

ConfigControl ParseConfigControl(const Node& n) {
  n.CheckKeys({"config-databases", "config-fetch-wait-time", "history-retention"});
  ConfigControl out;
  if (auto list = n.Get("config-databases")) {
    list->ExpectList();
    if (list->json().size() > 1) {
      list->Fail("only one configuration database is supported (as in Kea 2.2)");
    }
    for (size_t i = 0; i < list->json().size(); ++i) {
      DatabaseConfig db = ParseDatabase(list->At(i), /*hosts=*/false);
      if (db.type == "memfile") {
        list->At(i).Child("type").Fail("a configuration database must be 'mysql' or 'postgresql'");
      }
      // Kea's failure policy is for lease and host databases: a node never
      // stops serving, nor refuses to start, for its configuration database.
      for (const char* key : {"on-fail", "retry-on-startup"}) {
        if (auto v = list->At(i).Get(key)) {
          v->Warn(absl::StrCat("'", key,
                               "' does not apply to the configuration database: a node keeps "
                               "serving its last configuration and retries for ever "
                               "(docs/config-database.md)"));
        }
      }
      out.config_databases.push_back(std::move(db));
    }
  }
  if (auto v = n.Get("config-fetch-wait-time")) out.config_fetch_wait_time = v->Uint32();
  if (auto v = n.Get("history-retention")) out.history_retention = v->Uint32();
  return out;
}

MultiThreadingConfig ParseMultiThreading(const Node& n) {
  n.CheckKeys({"enable-multi-threading", "thread-pool-size", "packet-queue-size"});
  MultiThreadingConfig out;
  if (auto v = n.Get("enable-multi-threading")) out.enable = v->Bool();
  if (auto v = n.Get("thread-pool-size"))
    out.thread_pool_size = static_cast<uint32_t>(v->Integer(0, 65535));
  if (auto v = n.Get("packet-queue-size")) out.packet_queue_size = v->Uint32();
  return out;
}

std::vector<HookLibraryConfig> ParseHooksLibraries(const Node& list) {
  list.ExpectList();
  std::vector<HookLibraryConfig> out;
  for (size_t i = 0; i < list.json().size(); ++i) {
    Node n = list.At(i);
    n.CheckKeys({"library", "parameters"});
    HookLibraryConfig lib;
    if (!n.Has("library")) n.Fail("missing parameter 'library'");
    lib.library = n.Child("library").String();
    if (auto p = n.Get("parameters")) {
      p->ExpectMap();
      lib.parameters = p->json();
    }
    // Kea's configuration backend hooks name what shoal has built in.
    std::string_view file = lib.library;
    if (size_t slash = file.rfind('/'); slash != std::string_view::npos) {
      file.remove_prefix(slash + 1);
    }
    if (file == "libdhcp_mysql_cb.so") {
      lib.config_backend_type = "mysql";
    } else if (file == "libdhcp_pgsql_cb.so") {
      lib.config_backend_type = "postgresql";
    } else if (file == "libdhcp_cb_cmds.so" || file == "libdhcp_lease_cmds.so" ||
               file == "libdhcp_stat_cmds.so") {
      // remote-*, lease4-* and stat-lease4-get are built in.
    } else {
      n.Warn(absl::StrCat("hook library '", lib.library,
                          "' is not loaded: shoal does not load Kea hook libraries"));
    }
    out.push_back(std::move(lib));
  }
  return out;
}

void ParseDhcpDdns(const Node& n) {
  n.CheckKeys({"enable-updates", "server-ip", "server-port", "sender-ip", "sender-port",
               "max-queue-size", "ncr-protocol", "ncr-format", "override-no-update",
               "override-client-update", "replace-client-name", "generated-prefix",
               "qualifying-suffix", "hostname-char-set", "hostname-char-replacement"});
  if (auto v = n.Get("enable-updates"); v && v->Bool()) {
    v->Fail(
        "DNS updates (dhcp-ddns with enable-updates true) are not supported by shoal; set "
        "enable-updates to false or remove dhcp-ddns");
  }
}

std::string ParseSanityChecks(const Node& n) {
  n.CheckKeys({"lease-checks", "extended-info-checks"});
  std::string out = "warn";
  if (auto v = n.Get("lease-checks")) {
    out = v->String();
    if (out != "none" && out != "warn" && out != "fix" && out != "fix-del" && out != "del") {
      v->Fail(absl::StrCat("'", out, "' is not valid, expected none, warn, fix, fix-del or del"));
    }
  }
  if (auto v = n.Get("extended-info-checks")) v->String();
  return out;
}

std::vector<IdentifierType> ParseHostReservationIdentifiers(const Node& n) {
  n.ExpectList();
  std::vector<IdentifierType> out;
  for (size_t i = 0; i < n.json().size(); ++i) {
    Node item = n.At(i);
    std::string name = item.String();
    auto t = IdentifierTypeFromName(name);
    if (!t) {
      item.Fail(absl::StrCat("'", name,
                             "' is not a host identifier, expected hw-address, duid, circuit-id, "
                             "client-id or flex-id"));
    }
    for (IdentifierType seen : out) {
      if (seen == *t) item.Fail(absl::StrCat("'", name, "' is listed twice"));
    }
    out.push_back(*t);
  }
  if (out.empty()) n.Fail("the list is empty, expected at least one identifier type");
  return out;
}

}  // namespace internal
}  // namespace shoal::config
