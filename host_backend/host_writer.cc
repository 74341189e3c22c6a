#include "host_backend/host_writer.h"

#include "absl/strings/str_join.h"
#include "host_backend/sql_host_rows.h"

namespace shoal::host_backend {
namespace {

using db::Param;
using db::Statement;

const Statement kInsertHost(
    "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, "
    "hostname, dhcp4_client_classes, dhcp4_next_server, dhcp4_server_hostname, "
    "dhcp4_boot_file_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, "
    "hostname, dhcp4_client_classes, dhcp4_next_server, dhcp4_server_hostname, "
    "dhcp4_boot_file_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING host_id");
const Statement kLastInsertId("SELECT LAST_INSERT_ID()");
const Statement kInsertOption(
    "INSERT INTO dhcp4_options (code, value, formatted_value, space, persistent, host_id, "
    "scope_id) VALUES (?, ?, ?, ?, ?, ?, 3)");
const Statement kDeleteByIdentifier(
    "DELETE FROM hosts WHERE dhcp_identifier = ? AND dhcp_identifier_type = ? AND "
    "dhcp4_subnet_id = ?");
const Statement kDeleteByAddress("DELETE FROM hosts WHERE ipv4_address = ? AND dhcp4_subnet_id = ?");

Param AddressParam(const std::optional<dhcp::Ipv4Address>& a) {
  if (!a || a->IsZero()) return Param();
  return Param(static_cast<int64_t>(a->value()));
}

absl::Status InsertLocked(db::Connection& c, const config::Reservation& host,
                          const dhcp::OptionDefinitionSet& defs) {
  std::vector<Param> params{
      Param(db::Bytes(host.identifier)),
      Param(static_cast<int64_t>(IdentifierTypeCode(host.identifier_type))),
      Param(static_cast<int64_t>(host.subnet_id)),
      AddressParam(host.address),
      Param::TextOrNull(host.hostname),
      Param::TextOrNull(absl::StrJoin(host.client_classes, ",")),
      AddressParam(host.next_server),
      Param::TextOrNull(host.server_hostname),
      Param::TextOrNull(host.boot_file_name)};
  int64_t host_id = 0;
  if (c.dialect() == db::Dialect::kPostgreSql) {
    auto rs = c.Query(kInsertHost, params);
    if (!rs.ok()) return rs.status();
    auto id = rs->rows.empty() ? absl::StatusOr<int64_t>(absl::InternalError("no host_id"))
                               : rs->rows[0].Int64(0);
    if (!id.ok()) return id.status();
    host_id = *id;
  } else {
    if (auto r = c.Execute(kInsertHost, params); !r.ok()) return r.status();
    auto rs = c.Query(kLastInsertId);
    if (!rs.ok()) return rs.status();
    auto id = rs->rows.empty() ? absl::StatusOr<int64_t>(absl::InternalError("no host_id"))
                               : rs->rows[0].Int64(0);
    if (!id.ok()) return id.status();
    host_id = *id;
  }
  for (const config::OptionData& option : host.options) {
    const dhcp::OptionDefinition* def = defs.FindByCode(option.space, option.code);
    std::optional<std::string> text;
    if (def != nullptr) text = dhcp::TryFormatOptionDataCsv(*def, option.payload);
    std::vector<Param> row{Param(static_cast<int64_t>(option.code)),
                           text ? Param() : Param(db::Bytes(option.payload)),
                           text ? Param(*text) : Param(),
                           Param(option.space),
                           Param(int64_t{option.always_send ? 1 : 0}),
                           Param(host_id)};
    if (auto r = c.Execute(kInsertOption, row); !r.ok()) return r.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> DeleteLocked(db::Connection& c, const HostKey& key) {
  if (key.type) {
    return c.Execute(kDeleteByIdentifier,
                     {Param(db::Bytes(key.identifier)),
                      Param(static_cast<int64_t>(IdentifierTypeCode(*key.type))),
                      Param(static_cast<int64_t>(key.subnet_id))});
  }
  return c.Execute(kDeleteByAddress, {AddressParam(key.address),
                                      Param(static_cast<int64_t>(key.subnet_id))});
}

// Runs `body` in a transaction and returns the feed's head after it.
template <typename Body>
absl::StatusOr<uint64_t> InTransaction(db::Connection& c, Body body) {
  if (absl::Status s = c.Begin(); !s.ok()) return s;
  if (absl::Status s = body(); !s.ok()) {
    (void)c.Rollback();
    return s;
  }
  if (absl::Status s = c.Commit(); !s.ok()) return s;
  auto head = ReadHostsHead(c);
  if (!head.ok()) return head.status();
  return head->revision;
}

}  // namespace

absl::StatusOr<uint64_t> WriteHost(db::Connection& c, const config::Reservation& host,
                                   const dhcp::OptionDefinitionSet& defs, bool replacing) {
  return InTransaction(c, [&]() -> absl::Status {
    if (replacing) {
      HostKey key{host.subnet_id, host.identifier_type, host.identifier, std::nullopt};
      if (auto r = DeleteLocked(c, key); !r.ok()) return r.status();
    }
    return InsertLocked(c, host, defs);
  });
}

absl::StatusOr<std::pair<uint64_t, uint64_t>> DeleteHost(db::Connection& c, const HostKey& key) {
  uint64_t deleted = 0;
  auto revision = InTransaction(c, [&]() -> absl::Status {
    auto r = DeleteLocked(c, key);
    if (!r.ok()) return r.status();
    deleted = *r;
    return absl::OkStatus();
  });
  if (!revision.ok()) return revision.status();
  return std::pair{deleted, *revision};
}

}  // namespace shoal::host_backend
