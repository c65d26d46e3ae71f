// store/migrations: the one schema, as numbered migrations applied in order when a database opens.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/database.hpp"

namespace paperfeed::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every migration, ascending by version. Append only: never edit one that has shipped. Each has
// its twin, with the same number and name, in PostgresMigrations (a test checks the two lists agree).
const std::vector<Migration>& AllMigrations();
const std::vector<Migration>& PostgresMigrations();
const std::vector<Migration>& MigrationsFor(Backend backend);

// Applies the migrations the database has not seen yet, each in its own transaction.
// Under the write lock, so several nodes starting at once apply each migration once.
core::Result<void> ApplyMigrations(Database& db);

// The highest migration applied (0 for a new database).
core::Result<int> SchemaVersion(Database& db);

}  // namespace paperfeed::store
