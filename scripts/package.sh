#!/usr/bin/env bash
# Packages every published crate and tests it from its packaged sources, so that what crates.io
# would receive builds and passes its own tests on its own: `scripts/package.sh`.
#
# `cargo package` of the four crates at once (Cargo's workspace packaging: siblings resolve
# through a local registry overlay, since none is on crates.io), then each `.crate` is unpacked
# afresh into `target/package/<crate>-<version>/` and runs `cargo test` there, its siblings
# patched to their unpacked copies. That builds everything cargo's own verification builds and
# more, and as path dependencies the siblings are rebuilt when they change: cargo's verification
# takes them from the overlay as registry crates, whose builds it never considers stale, so a
# second run would test against the first run's siblings. Uncommitted changes are packaged as
# they are (--allow-dirty): this checks the contents, `cargo publish` checks the tree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# In dependency order, so the list reads the way the overlay is built.
crates=(uscall-tls uscall-codegen uscall-client uscall-mock uscall-cli)

# Tests that read files outside their package, run by scripts/test.sh in the workspace instead.
declare -A skips=(
    # reads the workspace's tests/corpus
    [uscall-client]="corpus_answers_match_the_whole_path"
    # reads the workspace's wsdl/wsuscall.wsdl
    [uscall-cli]="the_version_names_the_wsdl_hash_and_the_operation_count"
)

target_dir=$(cargo metadata --format-version 1 --no-deps |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
version_of() { sed -n 's/^version = "\(.*\)"$/\1/p' "$1/Cargo.toml" | head -n 1; }

echo "== cargo package ${crates[*]}"
cargo package --allow-dirty --no-verify --quiet "${crates[@]/#/--package=}"
for crate in "${crates[@]}"; do
    name="$crate-$(version_of "$crate")"
    rm -rf "$target_dir/package/$name"
    # -m: files dated now, so the builds below never take them for unchanged.
    tar -xzmf "$target_dir/package/$name.crate" -C "$target_dir/package"
done

for crate in "${crates[@]}"; do
    dir="$target_dir/package/$crate-$(version_of "$crate")"
    patches=()
    # Every sibling, not only the direct ones: a sibling's own dependencies on the others
    # (uscall-cli -> uscall-client -> uscall-codegen) must resolve to their unpacked copies too.
    for sibling in "${crates[@]}"; do
        if [ "$sibling" != "$crate" ]; then
            sibling_dir="$target_dir/package/$sibling-$(version_of "$sibling")"
            patches+=(--config "patch.crates-io.$sibling.path=\"$sibling_dir\"")
        fi
    done
    skip=()
    for test in ${skips[$crate]:-}; do
        skip+=(--skip "$test")
    done
    echo "== cargo test, packaged $crate (${dir#"$PWD/"})"
    cargo test --quiet --manifest-path "$dir/Cargo.toml" --target-dir "$target_dir" \
        "${patches[@]}" -- "${skip[@]}"
done
