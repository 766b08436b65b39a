#include "runtime/postgres/connection_params.hpp"

#include <string_view>

namespace cs::runtime {

namespace {

// libpq quoting: a value in single quotes, with ' and \ escaped by a backslash.
void append_param(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty())
    out += ' ';
  out.append(key).append("='");
  for (const char c : value) {
    if (c == '\'' || c == '\\')
      out += '\\';
    out += c;
  }
  out += '\'';
}

} // namespace

std::string pg_connection_string(const pg_connection_params& params) {
  std::string out;
  append_param(out, "host", params.host);
  append_param(out, "port", std::to_string(params.port));
  append_param(out, "user", params.user);
  append_param(out, "dbname", params.database);
  if (!params.password.empty())
    append_param(out, "password", params.password);
  append_param(out, "connect_timeout", std::to_string(params.connect_timeout.count()));
  append_param(out, "application_name", params.application_name);
  return out;
}

pg_connection_params pg_params_from_config(const config& cfg) {
  pg_connection_params p;
  p.host = cfg.get(keys::postgres_host);
  p.port = cfg.get(keys::postgres_port);
  p.user = cfg.get(keys::postgres_user);
  p.database = cfg.get(keys::postgres_database);
  return p;
}

} // namespace cs::runtime
