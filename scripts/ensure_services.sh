#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on localhost, starting them when they
# are installed but stopped. Exit non-zero with a clear message otherwise.
# Install Dovecot when missing, without running it: the email intake tests
# start their own (tests/helpers/fixtures_dovecot.py).
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }
redis_up() { (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "Starting PostgreSQL…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 30); do pg_up && break; sleep 1; done
  fi
  pg_up || { echo "PostgreSQL is not running on $PGHOST:$PGPORT and could not be started. Install it (apt-get install postgresql) or set DATABASE_URL." >&2; exit 1; }
fi

if ! redis_up; then
  if command -v redis-server >/dev/null; then
    echo "Starting Redis…"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    for _ in $(seq 30); do redis_up && break; sleep 1; done
  fi
  redis_up || { echo "Redis is not running on 127.0.0.1:$REDIS_PORT and could not be started. Install it (apt-get install redis-server)." >&2; exit 1; }
fi
dovecot_installed() { command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; }
if ! dovecot_installed; then
  echo "Installing Debian's Dovecot (dovecot-imapd) for the email intake tests…"
  SUDO=$( [ "$(id -u)" = 0 ] || echo sudo )
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dovecot-imapd
  # The package may start a system-wide Dovecot; nothing needs it (it was not installed a moment ago).
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
  elif pgrep -x dovecot >/dev/null 2>&1; then
    # Without systemd the package's init script may have started it, listening on every address: stop it.
    $SUDO service dovecot stop >/dev/null 2>&1 || $SUDO doveadm stop >/dev/null 2>&1 || true
  fi
  dovecot_installed || { echo "Dovecot could not be installed (apt-get install dovecot-imapd)." >&2; exit 1; }
fi
echo "PostgreSQL and Redis are up; Dovecot is installed."
