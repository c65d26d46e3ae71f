// store/migrations: the one schema, as numbered migrations applied in order when a database opens.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/sqlite.hpp"

namespace paperfeed::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // portable SQL where a portable form exists (PostgreSQL comes later)
};

// Every migration, ascending by version. Append only: never edit one that has shipped.
const std::vector<Migration>& AllMigrations();

// Applies the migrations the database has not seen yet, each in its own transaction.
core::Result<void> ApplyMigrations(Database& db);

}  // namespace paperfeed::store
