# Shared helpers for the service scripts (POSIX sh). Sourced, never executed.
# Paths default to the image's layout; the local runner overrides them through the environment.

: "${APP_DIR:=/app}"
: "${CONFIG_PATH:=/sp/configurations/configuration.json}"
: "${STACK_ENV_FILE:=/run/oracle/stack.env}"
export APP_DIR CONFIG_PATH STACK_ENV_FILE

# Non-secret values derived from configuration.json by the stage-2 hook (TOTAL_NODES, PG_PORT, ...).
load_stack_env() {
  if [ ! -r "$STACK_ENV_FILE" ]; then
    log_line error "stack environment $STACK_ENV_FILE is missing (the stage-2 hook did not run)"
    exit 1
  fi
  . "$STACK_ENV_FILE"
}

# One JSON log line on stderr, in the same shape as the apps' logs (@oracle/logger).
log_line() {
  level=$1
  shift
  msg=$(printf '%s' "$*" | sed 's/\\/\\\\/g; s/"/\\"/g')
  printf '{"level":"%s","time":"%s","service":"%s","msg":"%s"}\n' \
    "$level" "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "${SERVICE_NAME:-s6}" "$msg" >&2
}

# Runs a command as an unprivileged user when we are root and that user exists (the image);
# as the current user otherwise (a developer's machine).
run_as() {
  user=$1
  shift
  if [ "$(id -u)" = 0 ] && id "$user" >/dev/null 2>&1; then
    exec s6-setuidgid "$user" "$@"
  fi
  exec "$@"
}
