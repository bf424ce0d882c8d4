#!/usr/bin/env bash
# The performance harness, on demand (never in CI or `cargo test`): uscall side by side with the
# floors (raw POST loop, serde_json, base64 -d), PHP SoapClient and zeep, and the `uscall` command
# line exporting rows (P7, so it builds uscall-cli too); writes bench/results.md.
# Installs what is missing first, as scripts/test.sh does: PHP with soap and xml (apt-get), zeep
# (in .venv-tests), coreutils' base64 and GNU time. Extra arguments go to the harness (bench/README.md).
#
#   scripts/bench.sh                # 5 runs per runner (3 for P7's export of a million rows)
#   scripts/bench.sh --no-million   # without that export (about 45 s less)
#   scripts/bench.sh --quick        # 3 runs, fewer P1 and P5 calls, no export
#   scripts/bench.sh --only P1,P4 --runs 1
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

say() { printf '==> %s\n' "$*" >&2; }

apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        say "no apt-get here: install $* by hand"
        exit 1
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || { say "not root and no sudo: apt-get install $*"; exit 1; }
        sudo="sudo"
    fi
    say "installing with apt-get: $*"
    $sudo apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# The same checks and packages as scripts/test.sh (NuSOAP is not needed: the responder replays
# NuSOAP's bytes itself).
if command -v php >/dev/null 2>&1 \
    && php -r 'exit(extension_loaded("soap") && extension_loaded("xml") ? 0 : 1);'; then
    say "PHP $(php -r 'echo PHP_VERSION;') with soap and xml: present"
else
    apt_install php-cli php-soap php-xml
fi
command -v base64 >/dev/null 2>&1 || apt_install coreutils
# GNU time reports each runner's peak RSS (%M).
[ -x /usr/bin/time ] || apt_install time

venv="$root/.venv-tests"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import zeep' >/dev/null 2>&1; then
    say "zeep $("$venv/bin/python" -c 'import zeep; print(zeep.__version__)') in .venv-tests: present"
else
    if [ ! -x "$venv/bin/python" ]; then
        say "creating .venv-tests"
        python3 -m venv "$venv" || { say "python3 -m venv failed; on Debian: apt-get install python3-venv"; exit 1; }
    fi
    say "installing into .venv-tests: zeep"
    "$venv/bin/python" -m pip install --disable-pip-version-check zeep
fi
export USCALL_TEST_PYTHON="$venv/bin/python"

say "cargo build --release -p uscall-bench -p uscall-cli"
cargo build --release --quiet -p uscall-bench -p uscall-cli
target=${CARGO_TARGET_DIR:-$root/target}
exec "$target/release/bench" "$@"
