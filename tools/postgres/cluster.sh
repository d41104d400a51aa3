#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (and benchmarks) on 127.0.0.1.
#
#   cluster.sh start <dir>   create a cluster in <dir>, start it on a free port and print its
#                            Npgsql connection string (the only line on stdout)
#   cluster.sh url <dir>     print the connection string of the running cluster in <dir> again
#   cluster.sh stop <dir>    stop the cluster in <dir> and remove <dir>
#
# Trust authentication on the folder's own socket and on 127.0.0.1 only; superuser `postgres`.
# Durability stays on (fsync, synchronous_commit) so that timings measured against it are honest.
# As root the server runs as the `postgres` OS user (it refuses to run as root): <dir> is then
# handed to that user, so its parent folders must be reachable by it (mktemp -d is).
# The server binaries are taken from $PG_BINDIR, else `pg_config --bindir`, else the newest
# /usr/lib/postgresql/*/bin.
set -euo pipefail

usage() {
    echo "usage: $0 start|url|stop <dir>" >&2
    exit 2
}

log() { echo "cluster.sh: $*" >&2; }
die() {
    log "$*"
    exit 1
}

[[ $# -eq 2 ]] || usage
command=$1
dir=$(realpath -m -- "$2")
data="$dir/data"
marker="$dir/.paygate-postgres"

# Runs a command as the cluster's owner: `postgres` as root, the current user otherwise.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        (cd "$dir" && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

find_bindir() {
    if [[ -n ${PG_BINDIR:-} ]]; then
        [[ -x $PG_BINDIR/initdb ]] || die "PG_BINDIR=$PG_BINDIR has no initdb"
        echo "$PG_BINDIR"
        return
    fi
    local candidate
    if command -v pg_config > /dev/null; then
        candidate=$(pg_config --bindir 2> /dev/null || true)
        if [[ -n $candidate && -x $candidate/initdb ]]; then
            echo "$candidate"
            return
        fi
    fi
    candidate=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2> /dev/null | sort -V | tail -n 1)
    [[ -n $candidate ]] || die "no PostgreSQL server found (initdb): install postgresql-15 or set PG_BINDIR"
    dirname "$candidate"
}

port_in_use() {
    local port=$1
    if command -v ss > /dev/null; then
        [[ -n $(ss -Htln "sport = :$port") ]]
    else
        (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null
    fi
}

# A port below the kernel's ephemeral range (32768 and up by default), so that outgoing
# connections of other programs don't take it.
free_port() {
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 12000))
        if ! port_in_use "$port"; then
            echo "$port"
            return
        fi
    done
    die "no free TCP port found on 127.0.0.1"
}

connection_string() {
    echo "Host=127.0.0.1;Port=$1;Username=postgres;Database=postgres"
}

start() {
    local bindir port started=false
    bindir=$(find_bindir)
    [[ ! -e $data ]] || die "$dir already holds a cluster (stop it first)"
    if [[ $EUID -eq 0 ]]; then
        id postgres > /dev/null 2>&1 || die "running as root needs the postgres OS user (from the postgresql packages)"
    fi
    mkdir -p "$dir"
    touch "$marker"
    if [[ $EUID -eq 0 ]]; then
        chown postgres: "$dir"
        chmod 700 "$dir"
        runuser -u postgres -- test -w "$dir" || die "$dir is not reachable by the postgres user (create it with mktemp -d)"
    fi
    as_owner mkdir -m 700 "$dir/socket"

    log "initdb ($bindir) in $data"
    as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C --no-instructions >&2
    # Trust on the cluster's own socket and on 127.0.0.1 only (not ::1, nor any other address).
    as_owner tee "$data/pg_hba.conf" > /dev/null << 'EOF'
# TYPE  DATABASE     USER  ADDRESS        METHOD
local   all          all                  trust
host    all          all   127.0.0.1/32   trust
local   replication  all                  trust
host    replication  all   127.0.0.1/32   trust
EOF
    as_owner tee -a "$data/postgresql.conf" > /dev/null << EOF

# tools/postgres/cluster.sh: a throwaway cluster for tests and benchmarks
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/socket'
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
full_page_writes = on
timezone = 'UTC'
include_if_exists = 'port.conf'
EOF

    # A port picked free can still be taken before the server binds it: then pick another.
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        echo "port = $port" | as_owner tee "$data/port.conf" > /dev/null
        log "starting PostgreSQL on 127.0.0.1:$port (attempt $attempt)"
        if as_owner "$bindir/pg_ctl" start -D "$data" -l "$dir/server.log" -w -t 60 >&2; then
            started=true
            break
        fi
        grep -q -i 'could not bind\|address already in use' "$dir/server.log" 2> /dev/null || break
    done
    if [[ $started != true ]]; then
        log "the server did not start; its log:"
        tail -n 30 "$dir/server.log" >&2 2> /dev/null || true
        exit 1
    fi
    echo "$port" > "$dir/port"

    for _ in $(seq 1 60); do
        if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
            log "ready: $(connection_string "$port")"
            connection_string "$port"
            return
        fi
        sleep 0.5
    done
    log "the server does not answer pg_isready; its log:"
    tail -n 30 "$dir/server.log" >&2 2> /dev/null || true
    exit 1
}

url() {
    [[ -f $dir/port ]] || die "no cluster started in $dir"
    local bindir port
    bindir=$(find_bindir)
    port=$(< "$dir/port")
    "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres || die "the cluster in $dir does not answer on port $port"
    connection_string "$port"
}

stop() {
    [[ -e $dir ]] || return 0
    # Remove only a folder this script made (or an empty one), whatever path it is given.
    if [[ ! -e $marker && -n $(ls -A "$dir") ]]; then
        die "$dir is not a cluster folder of this script: not removed"
    fi
    if [[ -f $data/postmaster.pid ]]; then
        local bindir
        bindir=$(find_bindir)
        log "stopping the cluster in $dir"
        as_owner "$bindir/pg_ctl" stop -D "$data" -m fast -w -t 60 >&2 ||
            as_owner "$bindir/pg_ctl" stop -D "$data" -m immediate -w -t 30 >&2 ||
            die "the cluster in $dir did not stop: $dir kept"
    fi
    rm -rf -- "$dir"
}

case $command in
    start) start ;;
    url) url ;;
    stop) stop ;;
    *) usage ;;
esac
