#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 20): `fuzz/run.sh [SECONDS]`.
#
# Needs only a stable toolchain and a C++ compiler: cargo-fuzz is installed if missing, and its
# -Z flags (sanitizer, coverage) are allowed on stable by RUSTC_BOOTSTRAP=1. New inputs go to
# fuzz/corpus/<target> (not committed); a crash stops the run with the input saved under
# fuzz/artifacts/<target> and the command to reproduce it.
set -euo pipefail
seconds="${1:-20}"
cd "$(dirname "$0")/.."

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== cargo install cargo-fuzz"
    cargo install cargo-fuzz --locked --version '~0.13'
fi
export RUSTC_BOOTSTRAP=1

# Seeds, committed: the response corpus, the fixture answers' JSON, NuSOAP's audioDownload
# answer (after a first byte giving the piece size), the WSDLs of the codegen tests, and list
# answers for the row decoder (after a first byte giving the piece size).
declare -A seeds=(
    [response]="tests/corpus"
    [overlay]="fuzz/seeds/overlay"
    [recording]="fuzz/seeds/recording"
    [wsdl]="uscall-codegen/tests/fixtures wsdl"
    [typed]="fuzz/seeds/typed"
    [rows]="fuzz/seeds/rows"
)
declare -A dicts=([response]=xml [overlay]=json [recording]=xml [wsdl]=xml [typed]=xml [rows]=xml)

for target in response overlay recording wsdl typed rows; do
    echo "== cargo fuzz run $target for ${seconds}s"
    mkdir -p "fuzz/corpus/$target"
    # shellcheck disable=SC2086 # the seed list is split on purpose
    cargo fuzz run --fuzz-dir fuzz "$target" "fuzz/corpus/$target" ${seeds[$target]} -- \
        -max_total_time="$seconds" -timeout=10 -dict="fuzz/dict/${dicts[$target]}.dict" \
        -print_final_stats=1
done
