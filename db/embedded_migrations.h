// The SQL migration files compiled into the library (generated from sql/ by
// db/embed_migrations.cmake). Internal to db/: use schema.h.
#pragma once

#include <span>
#include <string_view>

namespace shoal::db::internal {

struct EmbeddedFile {
  std::string_view dialect;  // "mysql" or "postgresql" (the sql/ subfolder)
  std::string_view name;     // e.g. "0001_initial.sql"
  std::string_view text;
};

// Every file, grouped by dialect, in file-name order.
std::span<const EmbeddedFile> EmbeddedMigrationFiles();

}  // namespace shoal::db::internal
