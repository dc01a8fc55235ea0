#!/usr/bin/env bash
# What adopting SpotifyWebAPI costs: a fresh package that depends on this checkout's
# `SpotifyWebAPI` product alone is resolved and built from nothing, and this prints how many
# packages it fetched, how many modules it compiled and how long each step took.
#
#   bench/consumer.sh [--product NAME] [--at REV] [--traits LIST]
#
# --product is the product depended on (SpotifyWebAPI by default); --at measures the package as
# it was at a commit (exported with git archive) instead of this working tree; --traits gives
# the dependency's traits, comma-separated ("" for none: `traits: []`), instead of its defaults.
#
# The consumer lives in a temporary folder with its own .build, so nothing of this checkout's
# build is reused: the figures are a new adopter's first build. Results go to
# bench/results/DATE-COMMIT-consumer.json.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PRODUCT=SpotifyWebAPI
AT=
TRAITS=default
while [ $# -gt 0 ]; do
    case "$1" in
        --product) PRODUCT=$2; shift ;;
        --at) AT=$2; shift ;;
        --traits) TRAITS=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -n "$AT" ]; then
    mkdir "$WORK/encore" && git archive "$AT" | tar -x -C "$WORK/encore"
else
    ln -s "$REPO" "$WORK/encore"
fi
mkdir -p "$WORK/consumer/Sources/Consumer"
if [ "$TRAITS" = default ]; then
    DEPENDENCY='.package(path: "../encore")'
else
    DEPENDENCY=".package(path: \"../encore\", traits: [$(printf '%s' "$TRAITS" | sed 's/[^,][^,]*/"&"/g')])"
fi
cat >"$WORK/consumer/Package.swift" <<SWIFT
// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Consumer",
    platforms: [.macOS(.v15)],
    dependencies: [$DEPENDENCY],
    targets: [.executableTarget(name: "Consumer", dependencies: [.product(name: "$PRODUCT", package: "encore")])]
)
SWIFT
cat >"$WORK/consumer/Sources/Consumer/main.swift" <<'SWIFT'
import SpotifyWebAPI

print(SpotifyClientConfiguration(clientID: "consumer").apiBaseURL)
SWIFT

cd "$WORK/consumer"
seconds() { python3 -c 'import time; print(f"{time.monotonic():.3f}")'; }
t0=$(seconds)
swift package resolve >/dev/null 2>&1
t1=$(seconds)
fetched=$(find .build/repositories -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sed 's#.*/##; s/-[0-9a-f]*$//' | sort)
swift build >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; exit 1; }
t2=$(seconds)
# A module was compiled when its build folder holds object files.
modules=$(find -L .build/debug -name '*.o' | grep -o '/[^/]*\.build/' | sed 's#^/##; s#\.build/$##' | sort -u)
printf '%s\n' "$fetched" >"$WORK/fetched"
printf '%s\n' "$modules" >"$WORK/modules"
AT="$AT" TRAITS="$TRAITS" python3 - "$t0" "$t1" "$t2" "$WORK" "$REPO" "$PRODUCT" <<'PY'
import json, os, subprocess, sys, time
t0, t1, t2 = map(float, sys.argv[1:4]); work, repo, product = sys.argv[4:7]
fetched = [l for l in open(f"{work}/fetched").read().split() if l]
modules = [l for l in open(f"{work}/modules").read().split() if l and l != "Consumer"]
at = os.environ.get("AT") or "HEAD"
commit = subprocess.run(["git", "-C", repo, "rev-parse", "--short", at], capture_output=True, text=True).stdout.strip()
if not os.environ.get("AT"):
    commit += "+worktree"
result = {"product": product, "commit": commit, "traits": os.environ.get("TRAITS"), "packages_fetched": len(fetched), "packages": fetched,
          "modules_compiled": len(modules), "modules": modules,
          "resolve_seconds": round(t1 - t0, 1), "clean_build_seconds": round(t2 - t1, 1)}
print(f"{product} (traits: {os.environ.get('TRAITS')}): {len(fetched)} packages fetched ({', '.join(fetched)})")
print(f"{len(modules)} modules compiled; resolve {t1 - t0:.1f} s, clean debug build {t2 - t1:.1f} s")
name = time.strftime("%Y%m%d-%H%M%S") + f"-{commit}-consumer.json"
with open(f"{repo}/bench/results/{name}", "w") as f:
    json.dump(result, f, indent=1)
print(f"bench/results/{name}")
PY
