# scripts/lib/services.sh — what Probity's tests and benchmarks need around
# them: Go on PATH, Chromium, and a PostgreSQL server (an existing one, or a
# throwaway cluster removed on exit). Sourced by scripts/test and
# scripts/bench, which set REPO and cd there first, then call setup_chromium
# (and setup_pdftotext) and setup_postgres.

# ---------------------------------------------------------------------------
# Basics
# ---------------------------------------------------------------------------
TOOLS_BIN="$REPO/.tools/bin"
mkdir -p "$TOOLS_BIN"
export PATH="/usr/local/go/bin:$TOOLS_BIN:$PATH"

STATICCHECK_VERSION="v0.8.2"
STATICCHECK_PKG="honnef.co/go/tools/cmd/staticcheck"

CI="${CI:-false}"
is_ci() { [[ "$CI" == "true" || "$CI" == "1" ]]; }
is_root() { [[ "$(id -u)" -eq 0 ]]; }

heading() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# apt-get update at most once per run.
APT_UPDATED=0
apt_install() {
    if [[ "$APT_UPDATED" -eq 0 ]]; then
        info "apt-get update"
        apt-get update -qq || return 1
        APT_UPDATED=1
    fi
    info "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || return 1
}

# ---------------------------------------------------------------------------
# Cleanup: stop a throwaway PostgreSQL cluster and remove its directory on any
# exit (success, failure, Ctrl-C, SIGTERM).
# ---------------------------------------------------------------------------
PG_TMP=""        # temp dir of the throwaway cluster ("" = none started)
PG_CTL=""        # pg_ctl binary of the throwaway cluster
PG_AS=()         # command prefix to run as the cluster owner (runuser ...)
PG_STARTED=0

# shellcheck disable=SC2317 # invoked via trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$PG_TMP" ]]; then
        if [[ "$PG_STARTED" -eq 1 ]]; then
            "${PG_AS[@]}" "$PG_CTL" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$PG_TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# Chromium
# ---------------------------------------------------------------------------
CHROMIUM_DESC="none (browser tests skip)"

find_chromium() {
    local c
    for c in chromium chromium-browser google-chrome-stable google-chrome; do
        if command -v "$c" >/dev/null 2>&1; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

setup_chromium() {
    heading "Chromium"
    local bin=""
    if [[ -n "${PROBITY_TEST_CHROMIUM:-}" ]]; then
        bin="$PROBITY_TEST_CHROMIUM"
        [[ -x "$bin" ]] || die "PROBITY_TEST_CHROMIUM=$bin is not an executable file"
    elif ! bin="$(find_chromium)"; then
        bin=""
        if is_root && command -v apt-get >/dev/null 2>&1; then
            info "chromium not found; installing the Debian package"
            apt_install chromium || warn "apt-get install chromium failed"
            bin="$(find_chromium)" || bin=""
        fi
    fi

    if [[ -z "$bin" ]]; then
        if is_ci; then
            die "Chromium not found and could not be installed (CI=true). Install the 'chromium' package or set PROBITY_TEST_CHROMIUM."
        fi
        warn "Chromium not found: browser tests will be skipped. Install 'chromium' or set PROBITY_TEST_CHROMIUM."
        unset PROBITY_TEST_CHROMIUM
        return 0
    fi

    export PROBITY_TEST_CHROMIUM="$bin"
    local ver
    ver="$("$bin" --version 2>/dev/null | head -n1 || true)"
    CHROMIUM_DESC="$bin${ver:+ ($ver)}"
    info "using $CHROMIUM_DESC"
}

# ---------------------------------------------------------------------------
# pdftotext (Debian poppler-utils): reads generated PDFs back in tests
# ---------------------------------------------------------------------------
PDFTOTEXT_DESC="none (PDF read-back tests skip)"

setup_pdftotext() {
    heading "pdftotext"
    local bin=""
    if [[ -n "${PROBITY_TEST_PDFTOTEXT:-}" ]]; then
        bin="$PROBITY_TEST_PDFTOTEXT"
        [[ -x "$bin" ]] || die "PROBITY_TEST_PDFTOTEXT=$bin is not an executable file"
    elif ! bin="$(command -v pdftotext)"; then
        bin=""
        if is_root && command -v apt-get >/dev/null 2>&1; then
            info "pdftotext not found; installing the Debian package poppler-utils"
            apt_install poppler-utils || warn "apt-get install poppler-utils failed"
            bin="$(command -v pdftotext)" || bin=""
        fi
    fi

    if [[ -z "$bin" ]]; then
        if is_ci; then
            die "pdftotext not found and could not be installed (CI=true). Install the 'poppler-utils' package or set PROBITY_TEST_PDFTOTEXT."
        fi
        warn "pdftotext not found: PDF read-back tests will be skipped. Install 'poppler-utils' or set PROBITY_TEST_PDFTOTEXT."
        unset PROBITY_TEST_PDFTOTEXT
        return 0
    fi

    export PROBITY_TEST_PDFTOTEXT="$bin"
    local ver
    ver="$("$bin" -v 2>&1 | head -n1 || true)"
    PDFTOTEXT_DESC="$bin${ver:+ ($ver)}"
    info "using $PDFTOTEXT_DESC"
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------
DEFAULT_PG_DSN="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
PG_DESC="none (PostgreSQL tests skip)"

# Highest-versioned /usr/lib/postgresql/<ver>/bin that has initdb and pg_ctl.
pg_bindir() {
    local d best=""
    while IFS= read -r d; do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && best="$d"
    done < <(for d in /usr/lib/postgresql/*/bin; do [[ -d "$d" ]] && printf '%s\n' "$d"; done | sort -V)
    [[ -n "$best" ]] && printf '%s\n' "$best"
}

# A psql binary (PATH first, then the server bin dir).
find_psql() {
    if command -v psql >/dev/null 2>&1; then
        command -v psql
        return 0
    fi
    local d
    d="$(pg_bindir)" || return 1
    [[ -x "$d/psql" ]] && printf '%s\n' "$d/psql"
}

# pg_accepts DSN: true if a server accepts a login with this DSN and runs a query.
pg_accepts() {
    local psql dsn="$1"
    psql="$(find_psql)" || return 1
    PGCONNECT_TIMEOUT=3 "$psql" "$dsn" -XAtqc 'select 1' 2>/dev/null | grep -qx 1
}

# port_in_use PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_throwaway_pg() {
    local bindir
    if ! bindir="$(pg_bindir)"; then
        if is_root && command -v apt-get >/dev/null 2>&1; then
            # Note: the Debian package may create and start its own "main"
            # cluster on port 5432. We still use our own throwaway cluster.
            info "PostgreSQL server binaries not found; installing the Debian package"
            apt_install postgresql || { warn "apt-get install postgresql failed"; return 1; }
        fi
        bindir="$(pg_bindir)" || { warn "no initdb/pg_ctl under /usr/lib/postgresql/*/bin"; return 1; }
    fi
    PG_CTL="$bindir/pg_ctl"

    # initdb refuses to run as root: run the cluster as the postgres user.
    PG_AS=()
    if is_root; then
        if ! id -u postgres >/dev/null 2>&1; then
            info "creating system user postgres"
            useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres ||
                { warn "useradd postgres failed"; return 1; }
        fi
        PG_AS=(runuser -u postgres --)
    fi

    PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/probity-pg.XXXXXX")"
    if is_root; then
        chown postgres: "$PG_TMP"
    fi

    info "initdb ($bindir) in $PG_TMP/data"
    if ! "${PG_AS[@]}" "$bindir/initdb" -D "$PG_TMP/data" -A trust -U postgres --no-sync \
        -E UTF8 --locale=C >"$PG_TMP/initdb.log" 2>&1; then
        cat "$PG_TMP/initdb.log" >&2
        warn "initdb failed"
        return 1
    fi

    # Pick a free port; retry on start failure (another process may grab the
    # port between the check and the start).
    local port started=0 failures=0
    for port in $(seq 55432 55532); do
        port_in_use "$port" && continue
        if "${PG_AS[@]}" "$PG_CTL" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null 2>&1; then
            started=1
            break
        fi
        # If postgres did start but pg_ctl gave up, make sure it is stopped.
        "${PG_AS[@]}" "$PG_CTL" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
        failures=$((failures + 1))
        if [[ "$failures" -ge 3 ]]; then
            break # something more fundamental than a port race is wrong
        fi
        info "could not start on port $port, trying the next one"
    done
    if [[ "$started" -ne 1 ]]; then
        cat "$PG_TMP/server.log" >&2 2>/dev/null || true
        warn "could not start a throwaway PostgreSQL cluster"
        return 1
    fi
    PG_STARTED=1

    local dsn="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    if ! pg_accepts "$dsn"; then
        warn "throwaway PostgreSQL started but does not accept connections at $dsn"
        return 1
    fi
    export PROBITY_TEST_POSTGRES="$dsn"
    PG_DESC="throwaway cluster $PROBITY_TEST_POSTGRES (data dir $PG_TMP, removed on exit)"
}

setup_postgres() {
    heading "PostgreSQL"
    if [[ -n "${PROBITY_TEST_POSTGRES:-}" ]]; then
        PG_DESC="from environment: $PROBITY_TEST_POSTGRES"
        if ! pg_accepts "$PROBITY_TEST_POSTGRES"; then
            warn "PROBITY_TEST_POSTGRES is set but the server does not answer (or psql is missing); using it anyway"
        fi
    elif [[ "${PROBITY_TEST_THROWAWAY_PG:-}" != "1" ]] && pg_accepts "$DEFAULT_PG_DSN"; then
        export PROBITY_TEST_POSTGRES="$DEFAULT_PG_DSN"
        PG_DESC="existing server $PROBITY_TEST_POSTGRES"
    else
        if [[ "${PROBITY_TEST_THROWAWAY_PG:-}" == "1" ]]; then
            info "PROBITY_TEST_THROWAWAY_PG=1: starting a throwaway cluster"
        else
            info "no usable server at 127.0.0.1:5432: starting a throwaway cluster"
        fi
        if ! start_throwaway_pg; then
            unset PROBITY_TEST_POSTGRES
            if is_ci; then
                die "no PostgreSQL available (CI=true). Set PROBITY_TEST_POSTGRES or install the 'postgresql' package."
            fi
            warn "no PostgreSQL available: PostgreSQL tests will be skipped."
            PG_DESC="none (PostgreSQL tests skip)"
            return 0
        fi
    fi
    info "using $PG_DESC"
}


# ---------------------------------------------------------------------------
# axe-core (the accessibility checks of the browser tests): a pinned version
# installed with npm into .tools/node_modules. Exports PROBITY_TEST_AXE, the
# path of axe.min.js.
# ---------------------------------------------------------------------------
AXE_VERSION="4.11.0"
AXE_DESC="none (the accessibility checks skip)"

setup_axe() {
    heading "axe-core ($AXE_VERSION)"
    local js="${PROBITY_TEST_AXE:-}"
    if [[ -n "$js" ]]; then
        [[ -f "$js" ]] || die "PROBITY_TEST_AXE=$js is not a file"
    else
        local prefix="$REPO/.tools"
        local pkg="$prefix/node_modules/axe-core"
        js="$pkg/axe.min.js"
        local have=""
        [[ -f "$pkg/package.json" ]] && have="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$pkg/package.json" | head -n1)"
        if [[ ! -f "$js" || "$have" != "$AXE_VERSION" ]]; then
            if command -v npm >/dev/null 2>&1; then
                info "installing axe-core@$AXE_VERSION into $prefix/node_modules"
                npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error \
                    "axe-core@$AXE_VERSION" >/dev/null || warn "npm install axe-core@$AXE_VERSION failed"
            else
                warn "npm not found: cannot install axe-core"
            fi
        fi
        if [[ ! -f "$js" ]]; then
            is_ci && die "axe-core not available (CI=true). Install npm (Debian package 'npm') or set PROBITY_TEST_AXE."
            warn "axe-core not available: the accessibility checks will be skipped. Install npm or set PROBITY_TEST_AXE."
            unset PROBITY_TEST_AXE
            return 0
        fi
    fi
    export PROBITY_TEST_AXE="$js"
    AXE_DESC="$js"
    info "using $AXE_DESC"
}
