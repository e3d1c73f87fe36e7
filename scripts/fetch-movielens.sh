#!/usr/bin/env bash
# Fetches MovieLens 100K (as shipped inside the PyPI wheel recbole==1.2.1) into
# the git-ignored .cache/ml-100k/. Idempotent: does nothing when the two files
# are already there. Never commit the data.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/.cache/ml-100k"
if [ -s "$DEST/ml-100k.inter" ] && [ -s "$DEST/ml-100k.item" ]; then
  echo "ml-100k present in $DEST"; exit 0
fi
WHEELS="$ROOT/.cache/wheels"
mkdir -p "$WHEELS" "$DEST"
WHEEL="$(ls "$WHEELS"/recbole-1.2.1-*.whl 2>/dev/null | head -n1 || true)"
if [ -z "$WHEEL" ]; then
  PIP="$(command -v pip3 || command -v pip || true)"
  if [ -z "$PIP" ]; then PIP="python3 -m pip"; fi
  $PIP download --no-deps --quiet "recbole==1.2.1" -d "$WHEELS"
  WHEEL="$(ls "$WHEELS"/recbole-1.2.1-*.whl | head -n1)"
fi
# A wheel is a zip archive; python3's zipfile is always there where pip is.
python3 - "$WHEEL" "$DEST" <<'PY'
import sys, zipfile, os
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in ("ml-100k.inter", "ml-100k.item"):
        member = "recbole/dataset_example/ml-100k/" + name
        with z.open(member) as src, open(os.path.join(dest, name + ".tmp"), "wb") as out:
            out.write(src.read())
        os.replace(os.path.join(dest, name + ".tmp"), os.path.join(dest, name))
PY
echo "ml-100k extracted to $DEST"
