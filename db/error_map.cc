#include "db/error_map.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace shoal::db {
namespace {

std::string Text(std::string_view context, std::string_view message) {
  absl::string_view m(message.data(), message.size());
  m = absl::StripAsciiWhitespace(m);
  return absl::StrCat(std::string(context), ": ", std::string(m.data(), m.size()));
}

}  // namespace

absl::Status MapMySqlError(int error_number, std::string_view sqlstate, std::string_view message,
                           std::string_view context) {
  std::string text = Text(context, message);
  switch (error_number) {
    case 1062:  // ER_DUP_ENTRY
    case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
      return absl::AlreadyExistsError(text);
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1213:  // ER_LOCK_DEADLOCK
      return absl::AbortedError(text);
    case 1044:  // ER_DBACCESS_DENIED_ERROR
    case 1045:  // ER_ACCESS_DENIED_ERROR
    case 1142:  // ER_TABLEACCESS_DENIED_ERROR
    case 1227:  // ER_SPECIFIC_ACCESS_DENIED_ERROR
    case 1698:  // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
    case 1792:  // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
      return absl::PermissionDeniedError(text);
    case 1049:  // ER_BAD_DB_ERROR
    case 1146:  // ER_NO_SUCH_TABLE
      return absl::NotFoundError(text);
    case 1053:  // ER_SERVER_SHUTDOWN
    case 1077:  // ER_NORMAL_SHUTDOWN
    case 1927:  // ER_CONNECTION_KILLED (MariaDB)
    case 2002:  // CR_CONNECTION_ERROR
    case 2003:  // CR_CONN_HOST_ERROR
    case 2005:  // CR_UNKNOWN_HOST
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
      return absl::UnavailableError(text);
    default:
      break;
  }
  // Connector/C++ reports some client-side connection failures without a
  // server error number.
  if (absl::StartsWith(absl::string_view(sqlstate.data(), sqlstate.size()), "08")) {
    return absl::UnavailableError(text);
  }
  return absl::InternalError(text);
}

absl::Status MapPgSqlError(std::string_view sqlstate, std::string_view message, bool connection_bad,
                           std::string_view context) {
  std::string text = Text(context, message);
  absl::string_view s(sqlstate.data(), sqlstate.size());
  if (s == "23505") return absl::AlreadyExistsError(text);  // unique_violation
  if (s == "40001" || s == "40P01" || s == "55P03") {
    return absl::AbortedError(text);  // serialization failure, deadlock, lock not available
  }
  if (s == "28000" || s == "28P01" || s == "42501" || s == "25006") {
    return absl::PermissionDeniedError(text);  // auth failed, insufficient privilege, read-only
  }
  if (s == "3D000" || s == "42P01") return absl::NotFoundError(text);  // no database / table
  if (connection_bad || absl::StartsWith(s, "08") || s == "57P01" || s == "57P02" || s == "57P03") {
    return absl::UnavailableError(text);  // connection exception, admin/crash shutdown
  }
  return absl::InternalError(text);
}

}  // namespace shoal::db
