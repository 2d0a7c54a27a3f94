#!/usr/bin/env node
// Converts a TensorFlow.js *layers* model as nsfwjs ships it (a JS module exporting
// {modelTopology, weightsManifest} and a shard module exporting the weight bytes as base64) into an
// ONNX file that ModelLoop's built-in backend can use as a backbone.
//
//   node convert.js <model.min.js> <shard.min.js>... --out mobilenet_v2.onnx
//
// The ONNX graph takes NCHW float input "input" [N,3,H,W] (pixels scaled as the model was trained:
// nsfwjs feeds value/255, so 0..1) and has two outputs, first "features" (the global-average-pooled
// vector before the classifier: what a backbone gives) and then "probabilities" (the original
// classifier head, kept so the conversion can be checked against TensorFlow.js).
// Weights stay uint8 as shipped (value = min + scale x byte, dequantised by Cast/Mul/Add in the
// graph; ONNX Runtime folds those once at load), so the file stays about as small as the shard.
//
// No protobuf library is needed: the few ONNX messages used are written by hand (onnx.proto field
// numbers are noted at each writer).
'use strict';
const fs = require('fs');
const path = require('path');

// ---------- protobuf wire format ----------
function varint(n) {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n; // int64 two's complement
  const out = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}
const key = (field, wire) => varint((field << 3) | wire);
const fInt = (field, n) => Buffer.concat([key(field, 0), varint(n)]);
const fBytes = (field, buf) => Buffer.concat([key(field, 2), varint(buf.length), buf]);
const fStr = (field, s) => fBytes(field, Buffer.from(s, 'utf8'));
const fMsg = fBytes;
const fFloat = (field, x) => { const b = Buffer.alloc(4); b.writeFloatLE(x); return Buffer.concat([key(field, 5), b]); };
const packedInts = (field, arr) => fBytes(field, Buffer.concat(arr.map(varint)));

// ---------- ONNX messages ----------
const FLOAT = 1, UINT8 = 2, INT64 = 7;
// TensorProto: dims=1, data_type=2, name=8, raw_data=9
function tensor(name, dims, dataType, raw) {
  return Buffer.concat([packedInts(1, dims), fInt(2, dataType), fStr(8, name), fBytes(9, raw)]);
}
// AttributeProto: name=1, f=2, i=3, ints=8, type=20 (FLOAT=1, INT=2, INTS=7)
const attrInt = (name, i) => Buffer.concat([fStr(1, name), fInt(3, i), fInt(20, 2)]);
const attrFloat = (name, f) => Buffer.concat([fStr(1, name), fFloat(2, f), fInt(20, 1)]);
const attrInts = (name, ints) => Buffer.concat([fStr(1, name), packedInts(8, ints), fInt(20, 7)]);
// NodeProto: input=1, output=2, name=3, op_type=4, attribute=5
function node(op, inputs, outputs, name, attrs = []) {
  return Buffer.concat([...inputs.map(i => fStr(1, i)), ...outputs.map(o => fStr(2, o)), fStr(3, name), fStr(4, op),
    ...attrs.map(a => fMsg(5, a))]);
}
// ValueInfoProto: name=1, type=2; TypeProto.tensor_type=1; Tensor: elem_type=1, shape=2;
// TensorShapeProto.dim=1; Dimension: dim_value=1, dim_param=2
function valueInfo(name, dims) {
  const shape = Buffer.concat(dims.map(d => fMsg(1, typeof d === 'string' ? fStr(2, d) : fInt(1, d))));
  return Buffer.concat([fStr(1, name), fMsg(2, fMsg(1, Buffer.concat([fInt(1, FLOAT), fMsg(2, shape)])))]);
}

// ---------- the TF.js model ----------
function loadModule(file) {
  return require(path.resolve(file));
}

function convert(modelFile, shardFiles, options) {
  const model = loadModule(modelFile);
  const bytes = Buffer.concat(shardFiles.map(f => Buffer.from(loadModule(f), 'base64')));
  const specs = model.weightsManifest.flatMap(g => g.weights);
  const weights = {};
  let offset = 0;
  for (const w of specs) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (!w.quantization || w.quantization.dtype !== 'uint8') {
      throw new Error(`weight ${w.name}: only uint8-quantised weights are handled`);
    }
    weights[w.name] = { shape: w.shape, q: w.quantization, data: bytes.subarray(offset, offset + n) };
    offset += n;
  }
  if (offset !== bytes.length) throw new Error(`weights manifest covers ${offset} bytes, shard has ${bytes.length}`);

  const nodes = [];
  const inits = [];
  let counter = 0;
  const uid = base => `${base}_${counter++}`;

  function scalar(name, value) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    inits.push(tensor(name, [], FLOAT, b));
    return name;
  }
  // a weight, reordered by perm (a permutation of its Keras axes), dequantised in the graph
  function weight(name, perm, dims) {
    const w = weights[name];
    if (!w) throw new Error(`weight ${name} missing from the manifest`);
    const data = perm ? transpose(w.data, w.shape, perm) : w.data;
    const shape = dims || (perm ? perm.map(p => w.shape[p]) : w.shape);
    const q = name.replace(/[^A-Za-z0-9_]/g, '_');
    inits.push(tensor(q + '_q', shape, UINT8, Buffer.from(data)));
    nodes.push(node('Cast', [q + '_q'], [q + '_f'], uid('cast'), [attrInt('to', FLOAT)]));
    nodes.push(node('Mul', [q + '_f', scalar(q + '_scale', w.q.scale)], [q + '_s'], uid('mul')));
    nodes.push(node('Add', [q + '_s', scalar(q + '_min', w.q.min)], [q], uid('add')));
    return q;
  }

  const layers = model.modelTopology.model_config.config.layers;
  const out = {}; // Keras layer name -> ONNX tensor name
  let features = null;
  for (const l of layers) {
    const c = l.config;
    const inputs = (l.inbound_nodes[0] || []).map(n => out[n[0]]);
    const x = inputs[0];
    const y = l.name;
    switch (l.class_name) {
      case 'InputLayer': {
        const s = c.batch_input_shape; // [null, H, W, C]
        options.inputShape = s;
        out[y] = 'input';
        continue;
      }
      case 'ZeroPadding2D': {
        const [[t, b], [lft, r]] = c.padding;
        const pads = Buffer.concat([0, 0, t, lft, 0, 0, b, r].map(v => { const z = Buffer.alloc(8); z.writeBigInt64LE(BigInt(v)); return z; }));
        inits.push(tensor(y + '_pads', [8], INT64, pads));
        nodes.push(node('Pad', [x, y + '_pads'], [y], y));
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const depthwise = l.class_name === 'DepthwiseConv2D';
        const [kh, kw] = c.kernel_size;
        let w;
        let group = 1;
        if (depthwise) {
          if (c.depth_multiplier !== 1) throw new Error(`${y}: depth_multiplier ${c.depth_multiplier}`);
          const s = weights[`${y}/depthwise_kernel`].shape; // [kh, kw, C, 1]
          group = s[2];
          w = weight(`${y}/depthwise_kernel`, [2, 3, 0, 1]); // -> [C, 1, kh, kw]
        } else {
          w = weight(`${y}/kernel`, [3, 2, 0, 1]); // HWIO -> OIHW
        }
        const ins = [x, w];
        if (c.use_bias) ins.push(weight(`${y}/bias`));
        const attrs = [attrInts('kernel_shape', [kh, kw]), attrInts('strides', c.strides),
          attrInts('dilations', c.dilation_rate), attrInt('group', group)];
        if (c.padding === 'same') {
          // TensorFlow's SAME puts the odd pixel at the bottom/right, as SAME_UPPER does
          const pads = c.strides[0] === 1 ? [(kh - 1) >> 1, (kw - 1) >> 1, kh >> 1, kw >> 1] : null;
          if (!pads) throw new Error(`${y}: padding same with stride ${c.strides}`);
          attrs.push(attrInts('pads', pads));
        }
        const conv = c.activation === 'linear' ? y : y + '_conv';
        nodes.push(node('Conv', ins, [conv], y, attrs));
        activation(c.activation, conv, y);
        break;
      }
      case 'BatchNormalization':
        nodes.push(node('BatchNormalization', [x, weight(`${y}/gamma`), weight(`${y}/beta`),
          weight(`${y}/moving_mean`), weight(`${y}/moving_variance`)], [y], y, [attrFloat('epsilon', c.epsilon)]));
        break;
      case 'ReLU':
        if (c.negative_slope || c.threshold) throw new Error(`${y}: leaky/thresholded ReLU`);
        if (c.max_value != null) {
          nodes.push(node('Clip', [x, scalar(y + '_lo', 0), scalar(y + '_hi', c.max_value)], [y], y));
        } else {
          nodes.push(node('Relu', [x], [y], y));
        }
        break;
      case 'Add':
        nodes.push(node('Add', inputs, [y], y));
        break;
      case 'AveragePooling2D':
      case 'GlobalAveragePooling2D': {
        // on MobileNetV2's 7x7 map at 224 px a 7x7 average pool is the global average
        nodes.push(node('GlobalAveragePool', [x], [y + '_gap'], y));
        nodes.push(node('Flatten', [y + '_gap'], [y], y + '_flatten', [attrInt('axis', 1)]));
        features = y;
        break;
      }
      case 'Flatten':
        // after a global pool the map is 1x1, so NHWC and NCHW flatten alike
        nodes.push(node('Flatten', [x], [y], y, [attrInt('axis', 1)]));
        if (features === x) features = y;
        break;
      case 'Dropout':
        nodes.push(node('Identity', [x], [y], y));
        break;
      case 'Dense': {
        const pre = c.activation === 'linear' ? y : y + '_gemm';
        const ins = [x, weight(`${y}/kernel`)];
        if (c.use_bias) ins.push(weight(`${y}/bias`));
        nodes.push(node('Gemm', ins, [pre], y));
        activation(c.activation, pre, y);
        break;
      }
      default:
        throw new Error(`layer ${y}: ${l.class_name} is not handled`);
    }
    out[y] = y;
  }

  function activation(kind, x, y) {
    if (kind === 'linear') return;
    if (kind === 'relu') nodes.push(node('Relu', [x], [y], y + '_relu'));
    else if (kind === 'softmax') nodes.push(node('Softmax', [x], [y], y + '_softmax', [attrInt('axis', 1)]));
    else throw new Error(`activation ${kind} is not handled`);
  }

  const [, h, w, ch] = options.inputShape;
  const outputLayer = model.modelTopology.model_config.config.output_layers[0][0];
  nodes.push(node('Identity', [features], ['features'], 'features'));
  nodes.push(node('Identity', [out[outputLayer]], ['probabilities'], 'probabilities'));
  const featureSize = weights[`${layers.find(l => l.class_name === 'Dense').name}/kernel`].shape[0];
  const classes = layers.filter(l => l.class_name === 'Dense').slice(-1)[0].config.units;
  // GraphProto: node=1, name=2, initializer=5, doc_string=10, input=11, output=12
  const graph = Buffer.concat([...nodes.map(n => fMsg(1, n)), fStr(2, options.name),
    ...inits.map(t => fMsg(5, t)), fStr(10, options.doc),
    fMsg(11, valueInfo('input', ['N', ch, h, w])),
    fMsg(12, valueInfo('features', ['N', featureSize])),
    fMsg(12, valueInfo('probabilities', ['N', classes]))]);
  // StringStringEntryProto: key=1, value=2
  const meta = Object.entries(options.metadata).map(([k, v]) => fMsg(14, Buffer.concat([fStr(1, k), fStr(2, v)])));
  // ModelProto: ir_version=1, producer_name=2, producer_version=3, doc_string=6, graph=7,
  // opset_import=8 (OperatorSetIdProto: domain=1, version=2), metadata_props=14
  return Buffer.concat([fInt(1, 7), fStr(2, 'modelloop tfjs-to-onnx'), fStr(3, '1'), fStr(6, options.doc),
    fMsg(7, graph), fMsg(8, Buffer.concat([fStr(1, ''), fInt(2, 13)])), ...meta]);
}

function transpose(data, shape, perm) {
  const outShape = perm.map(p => shape[p]);
  const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = Buffer.alloc(data.length);
  const idx = new Array(outShape.length).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += idx[k] * inStrides[perm[k]];
    out[o] = data[src];
    for (let k = outShape.length - 1; k >= 0; k--) {
      if (++idx[k] < outShape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const o = args.indexOf('--out');
  if (o < 0 || args.length < 4) {
    console.error('usage: convert.js <model.min.js> <shard.min.js>... --out <file.onnx>');
    process.exit(2);
  }
  const outFile = args[o + 1];
  const files = args.filter((_, i) => i !== o && i !== o + 1);
  const onnx = convert(files[0], files.slice(1), {
    name: path.basename(outFile, '.onnx'),
    doc: 'Converted from nsfwjs 4.4.0 (MIT, Infinite Red) by ModelLoop bench/tools/tfjs-to-onnx/convert.js. '
      + 'Input: N x 3 x 224 x 224 RGB, pixel values / 255. Outputs: features (global-average-pooled), '
      + 'probabilities (nsfwjs classes Drawing, Hentai, Neutral, Porn, Sexy).',
    // read by ModelLoop's OnnxFeatureExtractor: how pixels must be scaled for this model
    metadata: { 'modelloop.normalisation': 'zero-to-one', source: 'nsfwjs@4.4.0 dist/models/mobilenet_v2' },
  });
  fs.writeFileSync(outFile, onnx);
  console.log(`${outFile}: ${onnx.length} bytes`);
}

module.exports = { convert };
