#!/usr/bin/env node
// Runs the original TF.js model (nsfwjs's MobileNetV2, pure-JS CPU backend) on three synthetic
// images and writes its features and class probabilities, which OnnxFeatureExtractorTest compares
// with the converted ONNX file.
//   npm install @tensorflow/tfjs@4.22.0   (in any folder on NODE_PATH)
//   node reference.js <model.min.js> <shard.min.js> > reference.json
'use strict';
const path = require('path');
const tf = require('@tensorflow/tfjs');

const SIZE = 224;
// the same formulas as OnnxFeatureExtractorTest.syntheticImage: byte values 0..255
function pixel(kind, x, y, c) {
  if (kind === 0) return [x, y, (x + y) >> 1][c];
  if (kind === 1) return ((x >> 4) + (y >> 4)) % 2 === 0 ? [230, 40, 40][c] : [20, 20, 20][c];
  const dx = x - 112, dy = y - 100;
  return dx * dx + dy * dy < 70 * 70 ? [224, 172, 140][c] : [30, 60, 200][c];
}

async function main() {
  await tf.setBackend('cpu');
  const model = require(path.resolve(process.argv[2]));
  const data = Buffer.from(require(path.resolve(process.argv[3])), 'base64');
  const specs = model.weightsManifest.flatMap(g => g.weights);
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.length);
  const net = await tf.loadLayersModel(tf.io.fromMemory(model.modelTopology, specs, buffer));
  const featureLayer = net.getLayer('flatten_1');
  const both = tf.model({ inputs: net.inputs, outputs: [featureLayer.output, net.outputs[0]] });
  const out = [];
  for (let kind = 0; kind < 3; kind++) {
    const px = new Float32Array(SIZE * SIZE * 3);
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) for (let c = 0; c < 3; c++) {
      px[(y * SIZE + x) * 3 + c] = pixel(kind, x, y, c) / 255;
    }
    const [f, p] = both.predict(tf.tensor4d(px, [1, SIZE, SIZE, 3]));
    out.push({ image: kind, features: Array.from(await f.data()).map(v => +v.toFixed(6)),
      probabilities: Array.from(await p.data()).map(v => +v.toFixed(6)) });
  }
  process.stdout.write(JSON.stringify({ source: 'nsfwjs@4.4.0 mobilenet_v2, @tensorflow/tfjs 4.22.0 cpu backend',
    classes: ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'], images: out }) + '\n');
}
main().catch(e => { console.error(e); process.exit(1); });
