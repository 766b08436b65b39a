#include "runtime/postgres/store/migration_runner.hpp"

#include <map>

namespace cs::runtime {

namespace {

constexpr const char* create_migrations_table =
  "CREATE TABLE IF NOT EXISTS schema_migrations ("
  " version integer PRIMARY KEY,"
  " name text NOT NULL,"
  " applied_at timestamptz NOT NULL DEFAULT now())";

// version -> name of what the database has applied.
std::map<int, std::string> applied_versions(pqxx::work& tx) {
  std::map<int, std::string> out;
  if (tx.exec1("SELECT to_regclass('schema_migrations') IS NULL")[0].as<bool>())
    return out;
  for (const auto& row : tx.exec("SELECT version, name FROM schema_migrations"))
    out.emplace(row[0].as<int>(), row[1].as<std::string>());
  return out;
}

void take_schema_lock(pqxx::work& tx) {
  // Migrations may wait for another node's migration and rewrite big tables: no time limit.
  tx.exec0("SET LOCAL statement_timeout = 0");
  tx.exec_params("SELECT pg_advisory_xact_lock($1)", schema_lock_key);
}

} // namespace

result<migration_report, pg_error> apply_migrations(store_connection& conn,
                                                    std::span<const migration> migrations) {
  // Lock-free look first: a node restarting against an up-to-date schema takes no lock at all.
  auto seen = conn.transact([](pqxx::work& tx) { return applied_versions(tx); });
  if (!seen)
    return seen.error();

  migration_report report;
  for (const auto& m : migrations) {
    if (const auto it = seen->find(m.version); it != seen->end()) {
      if (it->second != m.name)
        return pg_error{pg_errc::other, {},
                        "schema_migrations: version " + std::to_string(m.version) + " is recorded as '"
                          + it->second + "' but this build calls it '" + std::string{m.name} + "'"};
      continue;
    }
    auto applied = conn.transact([&](pqxx::work& tx) {
      take_schema_lock(tx);
      tx.exec0(create_migrations_table);
      // Re-check under the lock: another node may have applied it while we waited.
      const auto done = tx.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", m.version);
      if (!done.empty())
        return false;
      tx.exec(std::string{m.sql});
      tx.exec_params0("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())",
                      m.version, std::string{m.name});
      return true;
    });
    if (!applied)
      return pg_error{applied.error().code, applied.error().sqlstate,
                      "migration " + std::to_string(m.version) + " (" + std::string{m.name}
                        + "): " + applied.error().reason};
    if (*applied)
      report.applied.push_back(m.version);
  }

  for (const auto& [version, name] : *seen) {
    bool known = false;
    for (const auto& m : migrations)
      known = known || m.version == version;
    if (!known)
      report.notes.push_back("note: the database has schema migration " + std::to_string(version) + " ("
                             + name + ") that this build does not know: it was written by a newer build");
  }
  return report;
}

} // namespace cs::runtime
