#!/usr/bin/env bash
# Validate plancheck's CI output formats (see validate.py).
#   validate.sh PLANCHECK [SOURCE_DIR]
# Uses the system Python (/usr/bin/python3), where Debian's
# python3-jsonschema lives; exits 77 (skipped) without it or xmllint.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
source_dir=${2:-$(cd "$here/../.." && pwd)}
python=/usr/bin/python3
[ -x "$python" ] || python=python3
exec "$python" "$here/validate.py" "$1" "$source_dir"
