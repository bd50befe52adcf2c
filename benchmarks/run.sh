#!/usr/bin/env bash
# Runs the cache benchmarks and writes benchmarks/RESULTS.md.
#
#   benchmarks/run.sh          short run (6 min on a quiet 2-core machine, about 20 min on a busy one)
#   benchmarks/run.sh --full   longer, steadier run (20 min on a quiet 2-core machine)
#
# Builds what it needs (the benchmarks uber-jar and the sample app jar), fetches the real modules of
# benchmarks/modules.tsv (npm), then runs: the warm start in fresh JVMs, the in-JVM ratios, JMH (maintenance
# operations, the steps of a put and a hit), 8 threads on one cold module, the sample app's start. Raw results go to
# benchmarks/target/results/. BENCH_NOTE="..." adds a note to RESULTS.md (say if the machine was busy).
# Needs a JDK 17+ (java on PATH or JAVA_HOME), npm, and python3 (standard library only).
set -euo pipefail

mode=short
case "${1:-}" in
	"" | --short) ;;
	--full) mode=full ;;
	-h | --help)
		sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "Unknown option: $1 (use --full or nothing)" >&2
		exit 2
		;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
results="$here/target/results"
bench_dir="$here/target/bench-data"
modules_dir="$here/target/modules"
jar="$here/target/benchmarks.jar"
sample_jar="$root/sample-app/target/chicory-cache-sample-app-0.1.0-SNAPSHOT.jar"
real_modules=(wat2wasm brotli resvg tiktoken)

if [[ "$mode" == full ]]; then
	warm_rounds=15
	paired=(10 40 60)
	jmh_options=(-f 2 -wi 3 -w 1s -i 8 -r 1s)
	repetitions=10
else
	warm_rounds=5
	paired=(3 20 10)
	jmh_options=(-f 1 -wi 2 -w 500ms -i 4 -r 500ms)
	repetitions=3
fi

start_seconds=$SECONDS
stage() {
	local t=$((SECONDS - start_seconds))
	printf '== [%d:%02d] %s\n' $((t / 60)) $((t % 60)) "$*"
}
stage "Building the benchmarks and the sample app"
./mvnw -B -q -pl benchmarks,sample-app -am package -DskipTests
stage "Fetching the real modules (benchmarks/modules.tsv)"
"$here/fetch-modules.sh" "$modules_dir"

rm -rf "$results" "$bench_dir"
mkdir -p "$results" "$bench_dir"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
harness=("$java_bin" -Xms2g -Xmx2g "-Dchicory.bench.dir=$bench_dir" "-Dchicory.bench.modules=$modules_dir" -cp "$jar")

stage "Warm start in fresh JVMs: $warm_rounds rounds"
"${harness[@]}" io.github.chicorycache.benchmarks.WarmStartHarness "$results/warmstart.json" "$warm_rounds" \
	"${real_modules[@]}" | tee "$results/warmstart.log"

stage "In-JVM ratios, fresh cache objects per measurement"
"${harness[@]}" io.github.chicorycache.benchmarks.PairedHarness "$results/paired.json" "${paired[@]}" \
	fn10 fn1000 "${real_modules[@]}" 2>"$results/paired.stderr" | tee "$results/paired.log"

stage "JMH: maintenance operations and the steps of a put and a hit (${jmh_options[*]})"
"$java_bin" -jar "$jar" 'io.github.chicorycache.benchmarks.(Maintenance|Breakdown)Benchmark' \
	"${jmh_options[@]}" -jvmArgsAppend "-Dchicory.bench.dir=$bench_dir" \
	-rf json -rff "$results/jmh.json" >"$results/jmh.log"
tail -n 40 "$results/jmh.log"

stage "8 threads, one cold module"
"${harness[@]}" io.github.chicorycache.benchmarks.SingleFlightHarness "$results/singleflight.json" "$repetitions" \
	2>"$results/singleflight.stderr" | tee "$results/singleflight.log"

stage "Sample app start, empty vs warm cache"
"${harness[@]}" io.github.chicorycache.benchmarks.StartupHarness "$results/startup.json" "$repetitions" "$sample_jar" \
	| tee "$results/startup.log"

load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
elapsed=$((SECONDS - start_seconds))
python3 - "$results/env.json" <<PY
import json, os, platform, subprocess, sys
def first(path, prefix):
    try:
        for line in open(path):
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "n/a"
mem = first("/proc/meminfo", "MemTotal")
env = {
    "mode": "$mode",
    "options": "warm-start rounds $warm_rounds; paired ${paired[*]} (min rounds, max rounds, s per module); JMH ${jmh_options[*]}; repetitions $repetitions",
    "date": subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M UTC"], capture_output=True, text=True).stdout.strip(),
    "nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
    "cpu_model": first("/proc/cpuinfo", "model name"),
    "memory": f"{int(mem.split()[0]) / 1024 / 1024:.1f} GiB" if mem != "n/a" else mem,
    "jdk": " / ".join(subprocess.run(["$java_bin", "-version"], capture_output=True, text=True).stderr.strip().splitlines()),
    "os": platform.platform(),
    "load_before": "$load_before",
    "load_after": "$load_after",
    "duration": f"{$elapsed // 60} min {$elapsed % 60} s",
    "note": os.environ.get("BENCH_NOTE", ""),
}
json.dump(env, open(sys.argv[1], "w"), indent=2)
PY

python3 "$here/report.py" "$results" "$here/modules.tsv" "$here/RESULTS.md"
echo "== Done in $((elapsed / 60)) min $((elapsed % 60)) s: $here/RESULTS.md"
