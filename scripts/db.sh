#!/usr/bin/env bash
# Starts and stops throw-away MariaDB and PostgreSQL servers on loopback for
# shoal's tests and demos. They run from a scratch directory as ordinary
# processes, never as system services, and keep the servers' durability
# defaults (innodb_flush_log_at_trx_commit=1, synchronous_commit=on).
#
# Usage: scripts/db.sh start | stop | status | env
#                      restart-mysql | restart-pgsql | stop-mysql | stop-pgsql
#                      start-mysql | start-pgsql
#
#   start     initialise (first time) and start both servers, create the test
#             user and database, then print the environment (as `env` does)
#   stop      stop both servers (the data stays in the scratch directory;
#             `stop --wipe` also removes it)
#   env       print `export VAR=value` lines for the tests; use it with
#             `source <(scripts/db.sh env)` before running ctest
#   restart-mysql / restart-pgsql   stop and start one server (tests use
#             this to check reconnects)
#
# Settings (environment, with defaults):
#   SHOAL_DB_DIR          scratch directory      <repo>/build/db-scratch
#   SHOAL_MYSQL_PORT      MariaDB TCP port       3307
#   SHOAL_PGSQL_PORT      PostgreSQL TCP port    5433
#   SHOAL_DB_USER         test user              shoal
#   SHOAL_DB_PASSWORD     test user's password   shoal
#   SHOAL_DB_NAME         test database          shoal_test
#   SHOAL_PG_BINDIR       PostgreSQL binaries    /usr/lib/postgresql/15/bin
#   SHOAL_PG_OS_USER      OS user that runs PostgreSQL when this script runs
#                         as root (PostgreSQL refuses to run as root)
#                         postgres if that user exists, else nobody
#
# Both servers listen on 127.0.0.1 only. Exit status: 0 on success, 1 on any
# failure (with a message naming the server and its log file).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DB_DIR=${SHOAL_DB_DIR:-$REPO/build/db-scratch}
MYSQL_PORT=${SHOAL_MYSQL_PORT:-3307}
PGSQL_PORT=${SHOAL_PGSQL_PORT:-5433}
DB_USER=${SHOAL_DB_USER:-shoal}
DB_PASSWORD=${SHOAL_DB_PASSWORD:-shoal}
DB_NAME=${SHOAL_DB_NAME:-shoal_test}
PG_BINDIR=${SHOAL_PG_BINDIR:-/usr/lib/postgresql/15/bin}

MY_DIR=$DB_DIR/mariadb
MY_DATA=$MY_DIR/data
MY_SOCK=$MY_DIR/mysqld.sock
MY_PID=$MY_DIR/mysqld.pid
MY_LOG=$MY_DIR/mysqld.log
PG_DIR=$DB_DIR/postgresql
PG_DATA=$PG_DIR/data
PG_LOG=$PG_DIR/postgres.log

die() { echo "db.sh: $*" >&2; exit 1; }

find_mariadbd() {
  local b
  for b in mariadbd mysqld; do
    if command -v "$b" >/dev/null 2>&1; then command -v "$b"; return; fi
    if [[ -x /usr/sbin/$b ]]; then echo "/usr/sbin/$b"; return; fi
  done
  die "no mariadbd/mysqld found; run scripts/install-deps.sh (package mariadb-server)"
}

mysql_client() {
  local c
  c=$(command -v mariadb || command -v mysql) || die "no mariadb/mysql client found (package mariadb-client)"
  "$c" --no-defaults --protocol=socket --socket="$MY_SOCK" -uroot "$@"
}

pg_os_user() {
  if [[ $(id -u) -ne 0 ]]; then id -un; return; fi
  if [[ -n ${SHOAL_PG_OS_USER:-} ]]; then echo "$SHOAL_PG_OS_USER"; return; fi
  if getent passwd postgres >/dev/null; then echo postgres; else echo nobody; fi
}

# Runs a command as the OS user that owns the PostgreSQL data directory.
as_pg() {
  if [[ $(id -u) -ne 0 ]]; then "$@"; return; fi
  runuser -u "$(pg_os_user)" -- "$@"
}

mysql_running() {
  [[ -f $MY_PID ]] && kill -0 "$(cat "$MY_PID")" 2>/dev/null
}

pgsql_running() {
  [[ -f $PG_DATA/postmaster.pid ]] && as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

start_mysql() {
  mkdir -p "$MY_DIR"
  if mysql_running; then return; fi
  local mariadbd
  mariadbd=$(find_mariadbd)
  local fresh=0
  if [[ ! -d $MY_DATA/mysql ]]; then
    fresh=1
    local install_db
    install_db=$(command -v mariadb-install-db || command -v mysql_install_db) ||
      die "no mariadb-install-db found (package mariadb-server)"
    "$install_db" --no-defaults --datadir="$MY_DATA" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$MY_DIR/install.log" 2>&1 ||
      die "mariadb-install-db failed; see $MY_DIR/install.log"
  fi
  local user_opt=()
  if [[ $(id -u) -eq 0 ]]; then user_opt=(--user=root); fi
  # Durability defaults are left alone on purpose (innodb_flush_log_at_trx_commit=1).
  # The redo log and buffer pool are sized as for a lease database under
  # load: with the defaults (96 MiB, 128 MiB) a few seconds of 10000 leases/s
  # fill the redo log, and InnoDB then stalls writes while it flushes pages.
  "$mariadbd" --no-defaults --datadir="$MY_DATA" --socket="$MY_SOCK" --pid-file="$MY_PID" \
    --port="$MYSQL_PORT" --bind-address=127.0.0.1 --log-error="$MY_LOG" \
    --innodb-log-file-size=512M --innodb-buffer-pool-size=512M \
    --skip-name-resolve --max-connections=500 "${user_opt[@]}" >/dev/null 2>&1 &
  local i
  for ((i = 0; i < 300; i++)); do
    if mysql_client -e 'SELECT 1' >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  mysql_client -e 'SELECT 1' >/dev/null 2>&1 || die "MariaDB did not start on port $MYSQL_PORT; see $MY_LOG"
  # The pid file is written by the server; wait for it so `stop` can find it.
  for ((i = 0; i < 50; i++)); do [[ -f $MY_PID ]] && break; sleep 0.1; done
  if ((fresh)); then
    mysql_client <<SQL || die "could not create the MariaDB test user and database"
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`;
FLUSH PRIVILEGES;
SQL
  fi
}

stop_mysql() {
  if ! mysql_running; then return; fi
  local pid
  pid=$(cat "$MY_PID")
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then die "MariaDB (pid $pid) did not stop; see $MY_LOG"; fi
  rm -f "$MY_PID"
}

start_pgsql() {
  [[ -x $PG_BINDIR/initdb ]] || die "no $PG_BINDIR/initdb (package postgresql); set SHOAL_PG_BINDIR"
  mkdir -p "$PG_DIR"
  if [[ $(id -u) -eq 0 ]]; then chown "$(pg_os_user)" "$PG_DIR"; fi
  if pgsql_running; then return; fi
  local fresh=0
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    fresh=1
    local pwfile=$PG_DIR/.pw
    (umask 077 && printf '%s\n' "$DB_PASSWORD" >"$pwfile")
    if [[ $(id -u) -eq 0 ]]; then chown "$(pg_os_user)" "$pwfile"; fi
    as_pg "$PG_BINDIR/initdb" -D "$PG_DATA" -U postgres --auth=scram-sha-256 \
      --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
      { rm -f "$pwfile"; die "initdb failed; see $PG_DIR/initdb.log"; }
    rm -f "$pwfile"
  fi
  # The socket goes into the scratch directory, so no system directory is needed.
  # Durability defaults are left alone on purpose (synchronous_commit=on, fsync=on).
  as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
    -o "-h 127.0.0.1 -p $PGSQL_PORT -k $PG_DIR -c max_connections=300" start >/dev/null ||
    die "PostgreSQL did not start on port $PGSQL_PORT; see $PG_LOG"
  if ((fresh)); then
    as_pg env PGPASSWORD="$DB_PASSWORD" "$PG_BINDIR/psql" -q -h 127.0.0.1 \
      -p "$PGSQL_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL ||
CREATE ROLE "$DB_USER" LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
CREATE DATABASE "$DB_NAME" OWNER "$DB_USER";
SQL
      die "could not create the PostgreSQL test user and database; see $PG_LOG"
  fi
}

stop_pgsql() {
  if ! pgsql_running; then return; fi
  as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null ||
    die "PostgreSQL did not stop; see $PG_LOG"
}

print_env() {
  cat <<ENV
export SHOAL_MYSQL_HOST=127.0.0.1
export SHOAL_MYSQL_PORT=$MYSQL_PORT
export SHOAL_MYSQL_USER=$DB_USER
export SHOAL_MYSQL_PASSWORD=$DB_PASSWORD
export SHOAL_MYSQL_NAME=$DB_NAME
export SHOAL_PGSQL_HOST=127.0.0.1
export SHOAL_PGSQL_PORT=$PGSQL_PORT
export SHOAL_PGSQL_USER=$DB_USER
export SHOAL_PGSQL_PASSWORD=$DB_PASSWORD
export SHOAL_PGSQL_NAME=$DB_NAME
export SHOAL_DB_SCRIPT=$REPO/scripts/db.sh
export SHOAL_DB_DIR=$DB_DIR
ENV
}

status() {
  if mysql_running; then echo "mariadb: running on 127.0.0.1:$MYSQL_PORT (pid $(cat "$MY_PID"))"; else echo "mariadb: stopped"; fi
  if pgsql_running; then echo "postgresql: running on 127.0.0.1:$PGSQL_PORT"; else echo "postgresql: stopped"; fi
}

cmd=${1:-}
case $cmd in
  start) start_mysql; start_pgsql; print_env ;;
  stop)
    stop_mysql
    stop_pgsql
    if [[ ${2:-} == --wipe ]]; then rm -rf "$DB_DIR"; fi
    ;;
  env) print_env ;;
  status) status ;;
  start-mysql) start_mysql ;;
  start-pgsql) start_pgsql ;;
  stop-mysql) stop_mysql ;;
  stop-pgsql) stop_pgsql ;;
  restart-mysql) stop_mysql; start_mysql ;;
  restart-pgsql) stop_pgsql; start_pgsql ;;
  *)
    echo "usage: $0 start|stop [--wipe]|status|env|start-mysql|start-pgsql|stop-mysql|stop-pgsql|restart-mysql|restart-pgsql" >&2
    exit 1
    ;;
esac
