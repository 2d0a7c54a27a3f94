#!/usr/bin/env bash
# Regenerates src/test/resources/backbones/mobilenet_v2_nsfwjs.{onnx,reference.json,LICENSE} from
# the npm package nsfwjs 4.4.0 (MIT). Needs node and npm (registry access); no Python.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../../src/test/resources/backbones"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack nsfwjs@4.4.0 >/dev/null
tar xzf nsfwjs-4.4.0.tgz
m=package/dist/models/mobilenet_v2
mkdir -p "$out"
node "$here/convert.js" "$m/model.min.js" "$m/group1-shard1of1.min.js" --out "$out/mobilenet_v2_nsfwjs.onnx"
cp package/LICENSE "$out/mobilenet_v2_nsfwjs.LICENSE"
# the reference outputs come from TensorFlow.js itself (pure-JS CPU backend)
npm install --silent --no-save @tensorflow/tfjs@4.22.0 >/dev/null
NODE_PATH="$work/node_modules" node "$here/reference.js" "$m/model.min.js" "$m/group1-shard1of1.min.js" \
  > "$out/mobilenet_v2_nsfwjs.reference.json"
ls -l "$out"
