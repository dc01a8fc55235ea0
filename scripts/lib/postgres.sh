# Shared by scripts/test and scripts/bench: a throwaway PostgreSQL cluster on a free loopback
# port, owned by an unprivileged user (initdb and pg_ctl refuse root).
#
#   pg_bin                      prints the folder of initdb/pg_ctl, or fails
#   pg_start_throwaway DBNAME   starts a cluster; sets PG_URL, PG_DATA, PG_PORT, PG_BIN
#   pg_stop_throwaway           stops it and removes its folder

pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    return 1
}

pg_as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start_throwaway() {
    local name=$1
    PG_BIN=$(pg_bin)
    PG_DATA=$(mktemp -d /tmp/encore-pg.XXXXXX)
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PG_DATA"; fi
    PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    pg_as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 >/dev/null
    pg_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
        -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    pg_as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$name"
    PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/$name?sslmode=disable"
}

pg_stop_throwaway() {
    if [ -n "${PG_DATA:-}" ]; then
        pg_as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PG_DATA"
        PG_DATA=""
    fi
}
