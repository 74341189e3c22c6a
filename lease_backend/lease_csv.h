// Kea's memfile lease file format for DHCPv4 (the CSV kea-dhcp4 and kea-lfc
// read and write), encoded and decoded.
//
// Format (Kea 2.2, csv_lease_file4): a header line naming the columns, then
// one row per lease change:
//   address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,
//   hostname,state,user_context
// - hwaddr and client_id are lowercase colon-separated hex, possibly empty.
// - expire is cltt + valid_lifetime in epoch seconds. Kea applies this rule to
//   infinite (0xffffffff) leases too: their expire column is cltt + 0xffffffff
//   and a reader computes cltt = expire - valid_lifetime (checked against
//   kea-dhcp4 2.2: lease4-get reports exactly that cltt). Note that
//   Lease4::expire() (the SQL meaning) differs for infinite leases.
// - hostname and user_context escape ',' and '&' as "&#x2c" / "&#x26"; any
//   "&#xNN" is decoded on reading. shoal also escapes control characters
//   (newlines in a client-supplied hostname would otherwise forge rows);
//   Kea decodes those escapes the same way.
// - A row with valid_lifetime 0 records a deletion. The last row for an
//   address wins.
// Reading is header-driven: columns are found by name, `state` and
// `user_context` may be missing (defaults 0 and empty), unknown columns are
// ignored, a header without every column up to `hostname` is an error, and
// every row must have as many fields as the header. Rows Kea would reject
// (bad values, neither hwaddr nor client_id on a non-declined lease, a
// user_context that is not a JSON map) are row errors.
//
// Everything here is a pure function or an immutable value: thread-safe.
// Input is untrusted: bad text yields an error Status, never a crash; lines
// longer than kMaxLineLength are row errors.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lease_backend/lease.h"

namespace shoal::lease_backend {

struct CsvReadOptions {
  // Stop with an error when more than this many rows were discarded; 0 =
  // never stop (Kea's max-row-errors).
  uint32_t max_row_errors = 0;
  // The file name used in error messages ("" = "lease file").
  std::string source_name{};
  // Called for each discarded row (with the message naming file, line and
  // problem); may be empty.
  std::function<void(const absl::Status&)> on_row_error{};
};

struct CsvReadStats {
  uint64_t lines = 0;      // data lines seen (header excluded)
  uint64_t leases = 0;     // rows with valid_lifetime > 0
  uint64_t deletions = 0;  // rows with valid_lifetime 0
  uint64_t errors = 0;     // rows discarded
};

inline constexpr size_t kMaxLineLength = 1 << 20;

// The header line, without newline.
std::string Lease4CsvHeader();
// One row for `lease`, without newline.
std::string FormatLease4CsvRow(const Lease4& lease);
// Appends the row for `lease` and a newline to `out` (hot path; no temporaries).
void AppendLease4CsvRow(const Lease4& lease, std::string& out);
// Appends the deletion record for `lease` (its row with valid_lifetime 0 and
// expire = cltt, as Kea writes it) and a newline.
void AppendLease4CsvDeletionRow(const Lease4& lease, std::string& out);

// Kea's field escaping, plus control characters (see above).
std::string EscapeLease4CsvField(std::string_view text);
// Decodes every "&#xNN" (two hex digits); anything else is kept as is.
std::string UnescapeLease4CsvField(std::string_view text);

// Parses rows of one file once its header is known. Immutable after Create.
class Lease4CsvRowParser {
 public:
  // `header` is the first line of the file (without newline).
  static absl::StatusOr<Lease4CsvRowParser> Create(std::string_view header);

  // Parses one data line (without newline). A result with valid_lifetime 0
  // is a deletion record. The error message says what is wrong (no file/line;
  // the caller adds them).
  absl::StatusOr<Lease4> Parse(std::string_view line) const;

  size_t column_count() const { return column_count_; }

 private:
  Lease4CsvRowParser() = default;

  size_t column_count_ = 0;
  int address_ = -1, hwaddr_ = -1, client_id_ = -1, valid_lifetime_ = -1, expire_ = -1,
      subnet_id_ = -1, fqdn_fwd_ = -1, fqdn_rev_ = -1, hostname_ = -1, state_ = -1,
      user_context_ = -1;
};

// Reads a whole file in order and calls `sink` for every parsed row,
// deletion records included (last entry wins is the caller's business).
// Empty input (no header) is an empty file. Errors: InvalidArgument for a bad
// header, for more than max_row_errors bad rows, or a read error; messages
// name the file and line.
absl::StatusOr<CsvReadStats> ForEachLease4CsvRow(std::istream& in, const CsvReadOptions& options,
                                                 absl::FunctionRef<void(Lease4&&)> sink);

// Reads a file and collapses it: the last entry per address wins, deleted
// leases are dropped; ordered by address.
absl::StatusOr<std::vector<Lease4>> ReadLease4Csv(std::istream& in, const CsvReadOptions& options);

// Writes the header and one row per lease. Internal error if the stream fails.
absl::Status WriteLease4Csv(std::ostream& out, const std::vector<Lease4>& leases);

}  // namespace shoal::lease_backend
