#!/usr/bin/env bash
# A code block in the README preceded by `<!-- file: PATH -->` must equal
# that file of the repository, so the copies shown there cannot drift from
# the files the test suite runs.
#   readme-files.sh README REPO_TOP
set -euo pipefail
readme=$1
top=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v dir="$tmp" '
	/^<!-- file: .* -->$/ { path = $3; next }
	path != "" && /^```/ && !inb { inb = 1; n++; out = dir "/" n; print path > (dir "/" n ".path"); next }
	inb && /^```$/ { inb = 0; path = ""; next }
	inb { print > out }
' "$readme"
count=0 fail=0
for p in "$tmp"/*.path; do
	[ -e "$p" ] || continue
	count=$((count + 1))
	file=$(cat "$p")
	if ! diff -u "$top/$file" "${p%.path}"; then
		echo "README's copy of $file differs from the file"
		fail=1
	fi
done
[ "$count" -gt 0 ] || { echo "no file blocks found in the README"; exit 1; }
[ "$fail" -eq 0 ] && echo "README: $count file copies match"
exit $fail
