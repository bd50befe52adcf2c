#!/usr/bin/env bash
# Runs the cache benchmarks of issue 7 and writes benchmarks/RESULTS.md and benchmarks/results.svg.
#
#   benchmarks/run.sh          short run (defaults: 1 fork, short iterations, 3 repetitions; ~8 min on 2 cores)
#   benchmarks/run.sh --full   longer, steadier run (2 forks, more iterations, 10 repetitions; ~45 min)
#
# Builds what it needs first (the benchmarks uber-jar and the sample app jar). Raw results go to
# benchmarks/target/results/. Needs a JDK 17+ (java on PATH or JAVA_HOME) and python3 (standard library only).
set -euo pipefail

mode=short
case "${1:-}" in
	"" | --short) ;;
	--full) mode=full ;;
	-h | --help)
		sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
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
jar="$here/target/benchmarks.jar"
sample_jar="$root/sample-app/target/chicory-cache-sample-app-0.1.0-SNAPSHOT.jar"

if [[ "$mode" == full ]]; then
	jmh_options=(-f 2 -wi 3 -w 1s -i 8 -r 1s)
	paired=(20 2000 30)
	repetitions=10
else
	jmh_options=(-f 1 -wi 2 -w 500ms -i 5 -r 500ms)
	paired=(5 400 6)
	repetitions=3
fi

start_seconds=$SECONDS
echo "== Building the benchmarks and the sample app"
./mvnw -B -q -pl benchmarks,sample-app -am package -DskipTests

rm -rf "$results"
mkdir -p "$results" "$bench_dir"
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"

echo "== JMH: cases 1-4 and the breakdown (${jmh_options[*]})"
"$java_bin" -jar "$jar" 'io.github.chicorycache.benchmarks.(Miss|Hit|Maintenance|Breakdown)Benchmark' \
	"${jmh_options[@]}" -jvmArgsAppend "-Dchicory.bench.dir=$bench_dir" \
	-rf json -rff "$results/jmh.json" | tee "$results/jmh.log"

harness=("$java_bin" -Xms2g -Xmx2g "-Dchicory.bench.dir=$bench_dir" -cp "$jar")

echo "== Paired ratios of cases 1-3"
"${harness[@]}" io.github.chicorycache.benchmarks.PairedHarness "$results/paired.json" "${paired[@]}" \
	| tee "$results/paired.log"

echo "== Case 5: 8 threads, one cold module"
"${harness[@]}" io.github.chicorycache.benchmarks.SingleFlightHarness "$results/singleflight.json" "$repetitions" \
	| tee "$results/singleflight.log"

echo "== First compile in a fresh JVM"
"${harness[@]}" io.github.chicorycache.benchmarks.ColdProcessHarness "$results/cold.json" "$repetitions" \
	| tee "$results/cold.log"

echo "== Case 6: sample app start, empty vs warm cache"
"${harness[@]}" io.github.chicorycache.benchmarks.StartupHarness "$results/startup.json" "$repetitions" "$sample_jar" \
	| tee "$results/startup.log"

load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
elapsed=$((SECONDS - start_seconds))
python3 - "$results/env.json" <<EOF
import json, os, platform, subprocess, sys
def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "n/a"
def memory():
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "n/a"
jdk = subprocess.run(["$java_bin", "-version"], capture_output=True, text=True).stderr.strip().splitlines()
env = {
    "mode": "$mode",
    "jmh_options": "JMH ${jmh_options[*]}; paired ${paired[*]}; repetitions $repetitions",
    "date": subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M UTC"], capture_output=True, text=True).stdout.strip(),
    "cpus": os.cpu_count(),
    "cpu_model": cpu_model(),
    "memory": memory(),
    "jdk": " / ".join(jdk),
    "os": platform.platform(),
    "load_before": "$load_before",
    "load_after": "$load_after",
    "duration": f"{$elapsed // 60} min {$elapsed % 60} s",
}
json.dump(env, open(sys.argv[1], "w"), indent=2)
EOF

python3 "$here/report.py" "$results" "$here/RESULTS.md" "$here/results.svg"
echo "== Done in $((elapsed / 60)) min $((elapsed % 60)) s: $here/RESULTS.md, $here/results.svg"
