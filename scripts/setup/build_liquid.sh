#!/usr/bin/env bash
# `make liquid`: builds Liquid Haskell 0.9.0.2.1 (GHC-plugin mode) for GHC 9.0.2 into a per-user
# prefix, outside the checkout, so that every clone and every CI run on the machine reuses it.
#
#   scripts/setup/build_liquid.sh            # Hackage, as of the index-state in liquid/cabal.project
#   HSX_LIQUID_REPO=DIR scripts/setup/build_liquid.sh
#                                      # a local file+noindex repository of sdists instead (CI:
#                                      # ../shared/liquid/repo); DIR may be read-only, it is copied
#   scripts/setup/build_liquid.sh --dry-run
#                                      # write the config and resolve the pinned plan only
#                                      # (`cabal build --dry-run`; seconds); no stamp, no build.
#                                      # On Hackage, offline, it stops after writing the config.
#
# What it reads: its own arguments, HSX_LIQUID_REPO, XDG_CACHE_HOME (or HOME), and ghc, cabal and
# z3 from PATH.  Nothing else: cabal is pointed at the config this script writes (CABAL_DIR and
# CABAL_CONFIG are set here, whatever the caller exported; `make` exports a repository-less
# CABAL_CONFIG for the helper), and the project is built from a copy of liquid/ in the prefix, so
# neither ~/.cabal nor the checkout is read or written by cabal.
#
# Versions: liquid/cabal.project (index-state), liquid/cabal.project.freeze (every package),
# liquid/hsx-liquid.cabal (the four Liquid Haskell packages).  Everything else GHC 9.0.2 needs
# comes from Debian's libghc-*-dev packages (`make apt`) or, inside `nix develop`, from Hackage.
#
# Prefix: ${XDG_CACHE_HOME:-~/.cache}/hsx/liquid-0.9.0.2.1-ghc-9.0.2 (hsx/proof/prover.py looks there):
#   bin/liquid-ghc   ghc -fno-code -fplugin=LiquidHaskell ... with the store's package db
#   cabal/           CABAL_DIR: config, package cache, the store (~/.cabal is never touched)
#   project/         the copy of liquid/ that cabal builds (its dist-newstyle/ lives there too)
#   build.log        cabal's full output of the last build
#   stamp            a hash of every input: this script, liquid/*, the GHC and cabal; when it
#                    matches, nothing is done (so a change to any of them rebuilds, and CI tests it)
# The store records absolute paths, so the prefix cannot be moved.  A failed build can be rerun;
# cabal resumes from its store.
#
# Exit 0: built (or already built).  Exit 1: not built; the last line on stderr names the cause
# and the fix.  The Makefile decides whether that is fatal (CI) or not (everything except SEQ
# works without the prover).
#
# Time (Debian 12, 2 cores, sources from the local repository): 12 min 24 s of CPU time from
# nothing (55 min wall while other jobs shared the cores; about 8 min on an idle machine);
# 0.25 s when the stamp matches.  The prefix holds 164 MB.
set -euo pipefail

dry_run=
case "${1:-}" in
  "") ;;
  --dry-run) dry_run=1 ;;
  *) echo "usage: $0 [--dry-run]" >&2; exit 2 ;;
esac

LH_VERSION=0.9.0.2.1
GHC_VERSION=9.0.2
# Part of the stamp: raise it when a change to this script changes what it builds or writes.
RECIPE=2
root=$(cd "$(dirname "$0")/../.." && pwd)
project=$root/liquid
prefix=${XDG_CACHE_HOME:-$HOME/.cache}/hsx/liquid-$LH_VERSION-ghc-$GHC_VERSION

say() { printf 'liquid: %s\n' "$*"; }
# The one line `make setup` shows when the prover cannot be built here.
fail() { printf 'liquid: NOT BUILT: %s\n' "$*" >&2; exit 1; }

# --- the compiler ------------------------------------------------------------------------------
ghc_bin=$(command -v ghc) || fail "ghc is not on PATH. Fix: \`make apt\` (Debian/Ubuntu) or enter \`nix develop\`."
ghc_version=$("$ghc_bin" --numeric-version)
[ "$ghc_version" = "$GHC_VERSION" ] ||
  fail "Liquid Haskell $LH_VERSION needs GHC $GHC_VERSION, but $ghc_bin is GHC $ghc_version. Fix: put GHC $GHC_VERSION first on PATH (Debian 12's \`ghc\` package, or \`nix develop\`)."
ghc_bin=$(readlink -f "$ghc_bin")
command -v cabal >/dev/null || fail "cabal is not on PATH. Fix: \`make apt\` (Debian/Ubuntu) or enter \`nix develop\`."
command -v z3 >/dev/null || fail "z3 (the SMT solver Liquid Haskell calls) is not on PATH. Fix: \`make apt\` or enter \`nix develop\`."

case "$prefix" in *[[:space:]]*) fail "the prefix $prefix contains a space, which cabal's repository URLs cannot hold. Fix: set XDG_CACHE_HOME to a path without spaces.";; esac
mkdir -p "$prefix"
exec 9>"$prefix/.lock"
flock 9  # two clones running `make liquid` at once: the second waits, then finds the stamp

# --- already built? ----------------------------------------------------------------------------
# The key covers every input that decides the build: this script (so any change to the recipe
# rebuilds, and CI exercises it), liquid/'s pins, the GHC and cabal.  Not the package source
# (Hackage or a local repository of the same pinned versions), so a prover built by CI from the
# local repository serves a later run without HSX_LIQUID_REPO.  The caller's environment is not
# an input: everything cabal reads is set below.
cabal_version=$(cabal --numeric-version)
key=$( { echo "recipe $RECIPE"; cat "$0" "$project/cabal.project" "$project/cabal.project.freeze" "$project/hsx-liquid.cabal"
         echo "$ghc_bin $ghc_version cabal $cabal_version"; } | sha256sum | cut -d' ' -f1)
if [ -z "$dry_run" ] && [ -x "$prefix/bin/liquid-ghc" ] && [ "$(head -n1 "$prefix/stamp" 2>/dev/null)" = "$key" ]; then
  say "Liquid Haskell $LH_VERSION already built in $prefix"
  exit 0
fi

# --- the package source ------------------------------------------------------------------------
export CABAL_DIR=$prefix/cabal
# cabal prefers CABAL_CONFIG to $CABAL_DIR/config: point it at the file written below.
export CABAL_CONFIG=$CABAL_DIR/config
unset CABAL_BUILDDIR
mkdir -p "$CABAL_DIR"
# The project cabal builds: a copy of liquid/ (cabal writes dist-newstyle/ and caches beside the
# project file, which must not be the checkout).
rm -rf "$prefix/project"
mkdir -p "$prefix/project"
cp -p "$project/cabal.project" "$project/cabal.project.freeze" "$project/hsx-liquid.cabal" "$prefix/project/"
if [ -n "${HSX_LIQUID_REPO:-}" ]; then
  [ -d "$HSX_LIQUID_REPO" ] ||
    fail "HSX_LIQUID_REPO=$HSX_LIQUID_REPO is not a directory. Fix: point it at a file+noindex repository of sdists, or unset it to use Hackage."
  repo=$(cd "$HSX_LIQUID_REPO" && pwd)
  compgen -G "$repo/liquidhaskell-$LH_VERSION.tar.gz" >/dev/null ||
    fail "HSX_LIQUID_REPO=$repo holds no liquidhaskell-$LH_VERSION.tar.gz. Fix: point it at a repository with the sdists of liquid/cabal.project.freeze, or unset it to use Hackage."
  # cabal 3.4 writes noindex.cache into a file+noindex repository, so it reads a private copy.
  rm -rf "$CABAL_DIR/repo"
  mkdir -p "$CABAL_DIR/repo"
  cp -p "$repo"/*.tar.gz "$CABAL_DIR/repo/"
  source_name="local repository $repo"
  cat >"$CABAL_DIR/config" <<EOF
-- written by scripts/setup/build_liquid.sh: the only package source is a copy of $repo
repository hsx-liquid-local
  url: file+noindex://$CABAL_DIR/repo
jobs: \$ncpus
remote-build-reporting: none
EOF
else
  source_name="Hackage (index-state in liquid/cabal.project)"
  # hackage.haskell.org with no other settings: cabal adds Hackage's root keys itself (secure).
  cat >"$CABAL_DIR/config" <<EOF
-- written by scripts/setup/build_liquid.sh: Hackage, read as of liquid/cabal.project's index-state
repository hackage.haskell.org
  url: http://hackage.haskell.org/
jobs: \$ncpus
remote-build-reporting: none
EOF
  # A dry run never downloads: it resolves against an index that is already here, or stops after
  # writing the config (so the test suite never touches the network).
  if [ -n "$dry_run" ] && ! compgen -G "$CABAL_DIR/packages/hackage.haskell.org/01-index.*" >/dev/null; then
    say "dry run: wrote $CABAL_CONFIG (Hackage, no index downloaded yet, so no plan resolved)"
    exit 0
  fi
  if [ -z "$dry_run" ] && ! cabal update >"$prefix/update.log" 2>&1; then
    fail "could not download the Hackage index (offline? log: $prefix/update.log). Fix: run \`make liquid\` with network access, or set HSX_LIQUID_REPO to a local file+noindex repository of the pinned sdists."
  fi
fi

# --- dry run: resolve the pinned plan, build nothing -------------------------------------------
if [ -n "$dry_run" ]; then
  if ! (cd "$prefix/project" && cabal build -v1 --dry-run --with-compiler="$ghc_bin" all) >"$prefix/dry-run.log" 2>&1; then
    cat "$prefix/dry-run.log" >&2
    fail "dry run: cabal could not resolve the pinned plan from $source_name (log above)."
  fi
  say "dry run: the pinned plan resolves from $source_name ($(grep -c '^ - ' "$prefix/dry-run.log") packages to build; log: $prefix/dry-run.log)"
  exit 0
fi

# --- build -------------------------------------------------------------------------------------
say "building Liquid Haskell $LH_VERSION for GHC $GHC_VERSION from $source_name"
say "into $prefix (about 10 min on 2 cores the first time; full log: $prefix/build.log)"
start=$SECONDS
log=$prefix/build.log
set +e
(cd "$prefix/project" && cabal build -v1 --with-compiler="$ghc_bin" all) 2>&1 |
  tee "$log" |
  while IFS= read -r line; do
    case "$line" in
      Starting*|Completed*|Error*|cabal:*)
        printf 'liquid: [%2dm%02ds] %s\n' $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)) "$line";;
    esac
  done
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  if grep -q 'Could not resolve dependencies' "$log"; then
    fail "cabal could not resolve the pinned versions (a Debian libghc-*-dev package missing, or of another version than Debian 12's? log: $log). Fix: \`make apt\`, then \`make liquid\`."
  fi
  fail "cabal build failed after $((SECONDS - start)) s (log: $log). Fix: read the log; \`make liquid\` resumes where it stopped."
fi

store_db=$CABAL_DIR/store/ghc-$GHC_VERSION/package.db
[ -d "$store_db" ] || fail "cabal finished but left no package db at $store_db (log: $log)."

mkdir -p "$prefix/bin"
cat >"$prefix/bin/liquid-ghc.tmp" <<EOF
#!/bin/sh
# Liquid Haskell $LH_VERSION in GHC-plugin mode, written by hsx's scripts/build_liquid.sh.
# Usage: liquid-ghc File.hs.  Exit 0: SAFE; 1: UNSAFE or any error.  z3 must be on PATH.
# -package-env - ignores GHC environment files; the store's package db adds the Liquid Haskell
# packages to GHC's global one.  -fno-code: with code generation GHC skips an unchanged module
# on a second run and exits 0 without checking it.
exec '$ghc_bin' -package-env - -package-db '$store_db' \\
  -fno-code -fplugin=LiquidHaskell -package liquid-base -package liquid-prelude -hide-package base "\$@"
EOF
chmod +x "$prefix/bin/liquid-ghc.tmp"
mv "$prefix/bin/liquid-ghc.tmp" "$prefix/bin/liquid-ghc"

# --- smoke test: one safe module must be SAFE, one unsafe module UNSAFE --------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' 'module Smoke where' '{-@ inc :: x:Int -> {v:Int | v > x} @-}' 'inc :: Int -> Int' 'inc x = x + 1' >"$tmp/Smoke.hs"
(cd "$tmp" && "$prefix/bin/liquid-ghc" Smoke.hs) >"$tmp/safe.out" 2>&1 && grep -q 'LIQUID: SAFE' "$tmp/safe.out" ||
  { cat "$tmp/safe.out" >&2; fail "the smoke test did not print LIQUID: SAFE (output above)."; }
sed -i 's/x + 1/x - 1/' "$tmp/Smoke.hs"
if (cd "$tmp" && "$prefix/bin/liquid-ghc" Smoke.hs) >"$tmp/unsafe.out" 2>&1 || ! grep -q 'LIQUID: UNSAFE' "$tmp/unsafe.out"; then
  cat "$tmp/unsafe.out" >&2; fail "the smoke test did not reject an unsafe module (output above)."
fi

printf '%s\nliquidhaskell-%s ghc-%s from %s, built %s in %d s\n' "$key" "$LH_VERSION" "$ghc_version" \
  "$source_name" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" $((SECONDS - start)) >"$prefix/stamp"
say "done in $((SECONDS - start)) s: $prefix/bin/liquid-ghc"
