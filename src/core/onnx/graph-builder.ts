/**
 * Collects the nodes and initializers of one ONNX graph with unique names,
 * and writes the finished ModelProto (onnx-proto.ts). Shapes are tracked by
 * the exporter, not here.
 */
import { AttrType, DataType, encodeModelProto } from './onnx-proto.ts';

/** Opset 17: Softmax over one axis (13+), LSTM as in every ORT release since 1.12. */
export const OPSET = 17;
/** IR version 8 is the one ONNX pairs with opset 17. */
const IR_VERSION = 8;

type Attr = Record<string, unknown>;

export const attr = {
  int: (name: string, i: number): Attr => ({ name, type: AttrType.INT, i }),
  ints: (name: string, ints: number[]): Attr => ({ name, type: AttrType.INTS, ints }),
  float: (name: string, f: number): Attr => ({ name, type: AttrType.FLOAT, f }),
  string: (name: string, s: string): Attr => ({ name, type: AttrType.STRING, s: new TextEncoder().encode(s) }),
  strings: (name: string, strings: string[]): Attr => ({
    name,
    type: AttrType.STRINGS,
    strings: strings.map((s) => new TextEncoder().encode(s)),
  }),
};

const valueInfo = (name: string, dims: (number | string)[]) => ({
  name,
  type: {
    tensorType: {
      elemType: DataType.FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  },
});

export class GraphBuilder {
  private readonly nodes: Attr[] = [];
  private readonly initializers: Attr[] = [];
  private count = 0;

  /** A fresh value name, `base` plus a number. */
  name(base: string): string {
    return `${base}_${this.count++}`;
  }

  /** A float32 constant; returns its name. The bytes are copied (little-endian, as ONNX raw_data requires). */
  floats(base: string, data: Float32Array, dims: number[]): string {
    const name = this.name(base);
    const raw = new Uint8Array(data.byteLength);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    this.initializers.push({ name, dataType: DataType.FLOAT, dims, rawData: raw });
    return name;
  }

  /** An int64 constant (shapes for Reshape); returns its name. */
  int64s(base: string, values: number[]): string {
    const name = this.name(base);
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ name, dataType: DataType.INT64, dims: [values.length], rawData: raw });
    return name;
  }

  /** Appends a node; returns the name of its (first) output. */
  node(opType: string, inputs: string[], attributes: Attr[] = [], outputs = 1): string[] {
    const out = Array.from({ length: outputs }, () => this.name(opType.toLowerCase()));
    this.nodes.push({ opType, input: inputs, output: out, name: this.name(`${opType}_node`), attribute: attributes });
    return out;
  }

  op(opType: string, inputs: string[], attributes: Attr[] = []): string {
    return this.node(opType, inputs, attributes)[0];
  }

  /**
   * The serialised model: one float input `inputName` of shape [N, ...inputDims] and one
   * output renamed from `last` to `outputName`, [N, ...outputDims].
   */
  finish(o: {
    graphName: string;
    inputName: string;
    inputDims: number[];
    last: string;
    outputName: string;
    outputDims: number[];
    metadata: Record<string, string>;
  }): Uint8Array {
    this.nodes.push({ opType: 'Identity', input: [o.last], output: [o.outputName], name: this.name('output_node') });
    return encodeModelProto({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'fer-studio',
      producerVersion: '1',
      graph: {
        name: o.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(o.inputName, ['N', ...o.inputDims])],
        output: [valueInfo(o.outputName, ['N', ...o.outputDims])],
      },
      metadataProps: Object.entries(o.metadata).map(([key, value]) => ({ key, value })),
    });
  }
}
