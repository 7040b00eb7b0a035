#!/usr/bin/env bash
# Whole-process measurements: median wall time (hyperfine) and peak memory (/usr/bin/time) of
#   mrgen validate production
#   mrgen render production --format all   (into a folder that holds its output: nothing written)
#   mrgen render production --format all --check   (the same folder: compared, as a pipeline does)
#   mrgen render production --format all   (after a render of another failure threshold: its files written)
#   mrgen render scale-20 --format all     (20 active-active regions, benches/fixtures; both ways)
# Usage: scripts/measure.sh   (builds the release binary first; needs hyperfine and GNU time,
# both Debian packages: apt-get install hyperfine time)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
bin="$(pwd)/target/release/mrgen"
out="$(mktemp -d)"
trap 'rm -rf "${out}"' EXIT

echo "machine: $(nproc) cores, $(uname -sr)"
hyperfine --shell=none --warmup 10 --runs 200 --export-json "${out}/times.json" \
  "${bin} validate production" \
  "${bin} render production --format all --out ${out}/production" \
  "${bin} render production --format all --check --out ${out}/production" \
  "${bin} validate scale-2 --env-dir benches/fixtures" \
  "${bin} render scale-2 --env-dir benches/fixtures --format all --out ${out}/scale-2" \
  "${bin} render scale-20 --env-dir benches/fixtures --format all --out ${out}/scale-20" >/dev/null
# A render that has to write: before each run, one of another failure threshold puts different files in place.
changed() {
  local env="$1" prefix="$2" dir="$3" runs="$4"
  shift 4
  local render="${bin} render ${env}${*:+ $*} --format all --out ${dir}"
  hyperfine --shell=none --warmup 10 --runs "${runs}" --export-json "${out}/changed-${env}.json" \
    --prepare "${render} -c ${prefix}:multi-region.health-check-failure-threshold=2" "${render}" >/dev/null
}
changed production genai-demo "${out}/production-changed" 200
changed scale-20 scale "${out}/scale-20-changed" 50 --env-dir benches/fixtures
python3 - "${out}" <<'PY'
import json, sys, glob
print("| command | median (ms) | mean ± σ (ms) | user (ms) | system (ms) |")
print("|:---|---:|---:|---:|---:|")
files = [f"{sys.argv[1]}/times.json"] + sorted(glob.glob(f"{sys.argv[1]}/changed-*.json"))
for f in files:
    for r in json.load(open(f))["results"]:
        cmd = r["command"].split("/mrgen ", 1)[-1].split(" --out")[0]
        if " --check" in cmd:
            cmd += " (up to date: compared, nothing written)"
        elif " render " in f" {cmd}":
            cmd += " (changed: written)" if "changed-" in f else " (up to date: nothing written)"
        print(f"| {cmd} | {r['median']*1000:.1f} | {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} | {r['user']*1000:.1f} | {r['system']*1000:.1f} |")
PY
peak() {
  /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1
}
echo
echo "| command | peak RSS (KiB) |"
echo "|:---|---:|"
echo "| validate production | $(peak "${bin}" validate production) |"
echo "| render production --format all | $(peak "${bin}" render production --format all --out "${out}/p2") |"
echo "| render scale-20 --format all | $(peak "${bin}" render scale-20 --env-dir benches/fixtures --format all --out "${out}/s20") |"
