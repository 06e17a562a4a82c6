#!/usr/bin/env bash
# Regenerates, from proto/: src/generated (ts-proto through buf generate) and
# descriptor/acs.v1.binpb (buf build: the FileDescriptorSet, with imports, that the reflection
# service serves). Usage: libs/proto/generate.sh [OUT_DIR [DESCRIPTOR_FILE]]; the up-to-date test
# generates into a temporary directory and compares with what is committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$here/src/generated}"
desc="${2:-$here/descriptor/acs.v1.binpb}"
buf="$root/node_modules/.bin/buf"
cd "$here"
"$buf" lint
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sed "s|out: src/generated|out: $tmp/ts|" buf.gen.yaml >"$tmp/buf.gen.yaml"
"$buf" generate --template "$tmp/buf.gen.yaml"
"$buf" build -o "$tmp/acs.v1.binpb"
"$root/node_modules/.bin/prettier" --config "$root/.prettierrc.json" --log-level warn --write "$tmp/ts" >/dev/null
rm -rf "$out"
mkdir -p "$(dirname "$out")" "$(dirname "$desc")"
cp -r "$tmp/ts" "$out"
cp "$tmp/acs.v1.binpb" "$desc"
