# Sourced by .ci/run and bench/run: starts Debian's PostgreSQL (installing it when absent), creates a
# fresh database and role for this run, exports MAILGATE_TEST_PG_URL/_USER/_PASSWORD, and drops
# them again on exit.
export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
pg_version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$pg_version main$"; then
  pg_createcluster "$pg_version" main >/dev/null
fi
pg_ctlcluster "$pg_version" main start 2>/dev/null || true
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 0.5
done
pg_isready -h 127.0.0.1

pg_db="mailgate_run_$$"   # database and role, fresh for this run
pg_password="run-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<SQL
CREATE ROLE $pg_db LOGIN PASSWORD '$pg_password';
CREATE DATABASE $pg_db OWNER $pg_db;
SQL
trap 'su postgres -c "dropdb --if-exists $pg_db; dropuser --if-exists $pg_db" >/dev/null 2>&1 || true' EXIT

export MAILGATE_TEST_PG_URL="jdbc:postgresql://127.0.0.1:5432/$pg_db"
export MAILGATE_TEST_PG_USER="$pg_db"
export MAILGATE_TEST_PG_PASSWORD="$pg_password"
