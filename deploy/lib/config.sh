# Reads a key from config/candlestream.conf, honouring the same env override as the node
# (CANDLE_<KEY>): conf_get KEY
conf_file="${CANDLE_CONFIG:-$repo_root/config/candlestream.conf}"
conf_get() {
  local key="$1" env_name val
  env_name="CANDLE_$(printf '%s' "$key" | tr 'a-z.-' 'A-Z__')"
  if [[ -n "${!env_name:-}" ]]; then printf '%s\n' "${!env_name}"; return; fi
  val=$(awk -v k="$key" '{ line = $0; sub(/#.*/, "", line); eq = index(line, "=");
          if (!eq) next; name = substr(line, 1, eq - 1); v = substr(line, eq + 1);
          gsub(/^[ \t]+|[ \t]+$/, "", name); gsub(/^[ \t]+|[ \t]+$/, "", v);
          if (name == k) { print v; exit } }' "$conf_file")
  [[ -n "$val" ]] || die "config key '$key' missing from $conf_file"
  printf '%s\n' "$val"
}
