#pragma once
// One versioned schema change. The SQL lives in runtime/postgres/store/migrations/<version>_<name>.sql and
// is compiled into the binary (embed_migrations.cmake), so a node needs no files at run time.
#include <span>
#include <string_view>

namespace cs::runtime {

struct migration {
  int version = 0;       // from the file name; applied in ascending order, each exactly once
  std::string_view name; // from the file name, recorded in schema_migrations
  std::string_view sql;  // one or more statements, run in one transaction
};

// All migrations of this build, ascending by version.
std::span<const migration> embedded_migrations();

} // namespace cs::runtime
