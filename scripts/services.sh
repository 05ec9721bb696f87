# Starts the database servers the tests talk to, when they are not running:
# Redis on 127.0.0.1:6379, PostgreSQL on 127.0.0.1:5432 (database `test`,
# user postgres) and MariaDB on 127.0.0.1:3306 (database `test`, user root).
# Installs the Debian packages when missing and running as root.
# Sourced by scripts/test.

apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "scripts/test: please install $* (Debian packages) and run again" >&2
        exit 1
    fi
    echo "scripts/test: installing $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # wait_for <what> <check command...>
    local what=$1
    shift
    for _ in $(seq 1 100); do "$@" && return 0; sleep 0.2; done
    echo "scripts/test: $what did not start" >&2
    exit 1
}

# Tests that stop Redis start private servers of their own.
command -v redis-server >/dev/null 2>&1 || apt_install redis-server redis-tools
redis_up() { command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
if ! redis_up; then
    command -v redis-server >/dev/null 2>&1 || apt_install redis-server redis-tools
    echo "scripts/test: starting redis-server on 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
        --dir "${TMPDIR:-/tmp}" --logfile "${TMPDIR:-/tmp}/ferrodash-test-redis.log"
    wait_for redis-server redis_up
fi

postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! postgres_up; then
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        apt_install postgresql
        # Tests connect over loopback as postgres without a password.
        for hba in /etc/postgresql/*/main/pg_hba.conf; do
            sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
        done
    fi
    echo "scripts/test: starting PostgreSQL on 127.0.0.1:5432"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
    wait_for PostgreSQL postgres_up
fi
if ! psql -h 127.0.0.1 -U postgres -tAc "select 1" test >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -c "create database test" >/dev/null
fi

mariadb_up() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; }
if ! mariadb_up; then
    if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
        apt_install mariadb-server
    fi
    echo "scripts/test: starting MariaDB on 127.0.0.1:3306"
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    # A fresh install lets root in by socket only: allow it over loopback.
    wait_for MariaDB sh -c 'mariadb-admin ping >/dev/null 2>&1'
    if ! mariadb_up; then
        mariadb -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket" || true
    fi
    wait_for MariaDB mariadb_up
fi
mariadb --protocol=tcp -h 127.0.0.1 -P 3306 -u root -e "create database if not exists test"
