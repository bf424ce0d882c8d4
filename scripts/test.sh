#!/usr/bin/env bash
# Runs the whole test suite, first installing what the end-to-end tests need:
# PHP with the soap and xml extensions and NuSOAP (apt-get), and zeep (in .venv-tests).
# Idempotent: installs only what is missing. Extra arguments go to `cargo test`. The last line
# is the totals: `N passed, N failed`.
#
#   scripts/test.sh                  # everything
#   scripts/test.sh --quick          # no PHP, no zeep, no nested cargo builds: every crate's own
#                                    # tests and the end-to-end tests that need no peer
#   scripts/test.sh -p uscall-tests  # one package
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

say() { printf '==> %s\n' "$*" >&2; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Runs `cargo test ARGS`, showing its output and keeping it in $log; returns cargo's status.
cargo_test() {
    local status
    set +e
    cargo test "$@" 2>&1 | tee -a "$log"
    status=${PIPESTATUS[0]}
    set -e
    return "$status"
}

# The totals of every `test result:` line so far, as the last line; exits with `$1`.
totals() {
    grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed' "$log" |
        awk '{p += $4; f += $6} END {printf "%d passed, %d failed\n", p, f}'
    exit "$1"
}

if [ "${1:-}" = "--quick" ]; then
    shift
    # The end-to-end tests below talk to local servers of canned answers only.
    quick=(--test corpus --test goldens --test library_api --test raw --test typed_fresh --test wire)
    say "cargo test (quick): every crate but uscall-tests, and uscall-tests ${quick[*]}"
    status=0
    cargo_test --workspace --exclude uscall-tests --features xtask/fetch --no-fail-fast "$@" || status=$?
    cargo_test --package uscall-tests "${quick[@]}" --no-fail-fast "$@" || status=$?
    totals "$status"
fi

nusoap=${USCALL_NUSOAP:-/usr/share/php/nusoap/nusoap.php}

php_ok() {
    command -v php >/dev/null 2>&1 \
        && php -r 'exit(extension_loaded("soap") && extension_loaded("xml") ? 0 : 1);' \
        && [ -f "$nusoap" ]
}

if php_ok; then
    say "PHP $(php -r 'echo PHP_VERSION;') with soap, xml and NuSOAP ($nusoap): present"
else
    command -v php >/dev/null 2>&1 || say "php: missing"
    [ -f "$nusoap" ] || say "NuSOAP ($nusoap): missing"
    if ! command -v apt-get >/dev/null 2>&1; then
        say "no apt-get here: install PHP 8 CLI with the soap and xml extensions and NuSOAP by hand"
        exit 1
    fi
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo="sudo"
        else
            say "not root and no sudo: run as root, or: apt-get install php-cli php-soap php-xml libnusoap-php"
            exit 1
        fi
    fi
    say "installing with apt-get: php-cli php-soap php-xml libnusoap-php"
    $sudo apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        php-cli php-soap php-xml libnusoap-php
    php_ok || { say "PHP, its soap/xml extensions or NuSOAP still missing after apt-get"; exit 1; }
    say "PHP $(php -r 'echo PHP_VERSION;') installed"
fi

venv="$root/.venv-tests"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import zeep' >/dev/null 2>&1; then
    say "zeep $("$venv/bin/python" -c 'import zeep; print(zeep.__version__)') in .venv-tests: present"
else
    if [ ! -x "$venv/bin/python" ]; then
        say "creating .venv-tests"
        if ! python3 -m venv "$venv"; then
            say "python3 -m venv failed; on Debian: apt-get install python3-venv"
            exit 1
        fi
    fi
    say "installing into .venv-tests: zeep"
    "$venv/bin/python" -m pip install --disable-pip-version-check zeep
fi
export USCALL_TEST_PYTHON="$venv/bin/python"

# xtask's TLS tests of `regen --url` need its `fetch` feature (off for the offline regen).
say "cargo test --workspace --features xtask/fetch $*"
status=0
# Every crate runs even when one fails, so the total counts every test.
cargo_test --workspace --features xtask/fetch --no-fail-fast "$@" || status=$?
totals "$status"
