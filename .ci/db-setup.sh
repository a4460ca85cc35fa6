#!/usr/bin/env bash
# Installs (if missing) and starts PostgreSQL and MariaDB on 127.0.0.1 without systemd, creates the test
# database and user in both, waits until both accept TCP logins, and writes .ci/db.env with the JDBC URLs the
# tests read (GUARDIAN_TEST_PG_URL, GUARDIAN_TEST_MYSQL_URL and their _USER/_PASSWORD). Idempotent; run as root.
set -euo pipefail

DB_NAME=${DB_NAME:-guardian_test}
DB_USER=${DB_USER:-guardian}
DB_PASS=${DB_PASS:-guardian}
PG_PORT=${PG_PORT:-5432}
MY_PORT=${MY_PORT:-3306}
ENV_FILE=${ENV_FILE:-$(cd "$(dirname "$0")" && pwd)/db.env}
export DEBIAN_FRONTEND=noninteractive
cd /   # runuser -u postgres must be able to enter the working directory

log() { echo "[db-setup] $*"; }

need=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql postgresql-client)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
[ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || need+=(mariadb-client)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then   # no init system: keep maintainer scripts from starting services
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi

# ---------------------------------------------------------------- PostgreSQL
PGVER=$(ls /usr/lib/postgresql | sort -V | tail -1)
install -d -o postgres -g postgres -m 2775 /run/postgresql
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$PGVER main"; then
  log "pg_createcluster $PGVER main"
  pg_createcluster "$PGVER" main --port "$PG_PORT" >/dev/null
fi
if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
  if ! pg_ctlcluster --skip-systemctl-redirect "$PGVER" main status >/dev/null 2>&1; then
    # settings go into conf.d, not pg_ctl -o: pg_ctlcluster waits on the configured port
    if [ ! -f "/etc/postgresql/$PGVER/main/conf.d/90-guardian-ci.conf" ]; then
      cat > "/etc/postgresql/$PGVER/main/conf.d/90-guardian-ci.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
CONF
    fi
    log "starting PostgreSQL $PGVER"
    pg_ctlcluster --skip-systemctl-redirect "$PGVER" main start
  fi
fi

# ---------------------------------------------------------------- MariaDB
install -d -o mysql -g mysql -m 755 /run/mysqld /var/log/mysql
if [ ! -d /var/lib/mysql/mysql ]; then
  log "mariadb-install-db"
  mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db >/dev/null
fi
if ! mariadb-admin --protocol=socket ping >/dev/null 2>&1; then
  log "starting MariaDB"
  start-stop-daemon --start --oknodo --background --make-pidfile --pidfile /run/mysqld/guardian-ci.pid \
    --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1 --port="$MY_PORT" \
    --log-error=/var/log/mysql/error.log
fi

# ---------------------------------------------------------------- wait
for i in $(seq 1 120); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  [ "$i" = 120 ] && { echo "PostgreSQL did not start"; tail -n 50 /var/log/postgresql/*.log || true; exit 1; }
  sleep 0.5
done
for i in $(seq 1 120); do
  mariadb-admin --protocol=socket ping >/dev/null 2>&1 && break
  [ "$i" = 120 ] && { echo "MariaDB did not start"; tail -n 50 /var/log/mysql/error.log || true; exit 1; }
  sleep 0.5
done

# ---------------------------------------------------------------- database + user
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -p "$PG_PORT" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASS';
  END IF;
END \$\$;
SQL
if ! runuser -u postgres -- psql -p "$PG_PORT" -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1; then
  runuser -u postgres -- createdb -p "$PG_PORT" -O "$DB_USER" "$DB_NAME"
fi
mariadb --protocol=socket -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON \`${DB_NAME}%\`.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`${DB_NAME}%\`.* TO '$DB_USER'@'localhost';
FLUSH PRIVILEGES;
SQL

# ---------------------------------------------------------------- verify over TCP
PGPASSWORD="$DB_PASS" psql -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" -tAc "select 'PostgreSQL ok: ' || version()"
mariadb -h 127.0.0.1 -P "$MY_PORT" -u "$DB_USER" -p"$DB_PASS" "$DB_NAME" -N -e "select concat('MariaDB ok: ', version())"

cat > "$ENV_FILE" <<ENV
export GUARDIAN_TEST_PG_URL='jdbc:postgresql://127.0.0.1:$PG_PORT/$DB_NAME'
export GUARDIAN_TEST_PG_USER='$DB_USER'
export GUARDIAN_TEST_PG_PASSWORD='$DB_PASS'
export GUARDIAN_TEST_MYSQL_URL='jdbc:mariadb://127.0.0.1:$MY_PORT/$DB_NAME'
export GUARDIAN_TEST_MYSQL_USER='$DB_USER'
export GUARDIAN_TEST_MYSQL_PASSWORD='$DB_PASS'
ENV
log "wrote $ENV_FILE"
