#pragma once
// Applies versioned migrations, each once, in version order. Every migration runs in its own
// transaction that first takes a transaction-level advisory lock, so nodes starting together
// queue up instead of racing; whoever comes second sees the version recorded and skips it.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "runtime/postgres/client.hpp"
#include "runtime/result.hpp"
#include "runtime/postgres/store/migration.hpp"
#include "runtime/postgres/store/store_connection.hpp"

namespace cs::runtime {

// Key of the advisory lock that serialises schema changes of candlestream ("candlest" in ASCII).
inline constexpr std::int64_t schema_lock_key = 0x63616e646c657374;

struct migration_report {
  std::vector<int> applied;        // versions this call applied (empty when up to date)
  std::vector<std::string> notes;  // e.g. the database has versions this build does not know
};

// Fails with pg_errc::other when the database records a known version under another name (the
// migration files were renumbered: a bug to fix, not to retry).
result<migration_report, pg_error> apply_migrations(store_connection& conn,
                                                    std::span<const migration> migrations);

} // namespace cs::runtime
