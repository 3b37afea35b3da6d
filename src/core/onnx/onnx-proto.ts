/**
 * The part of the ONNX protobuf schema the exporter writes, as a protobufjs
 * descriptor: ModelProto and what it contains (graph, nodes, attributes,
 * tensors, value infos, opset imports, metadata).
 *
 * Message and field names and numbers are those of the official schema,
 * https://github.com/onnx/onnx/blob/main/onnx/onnx.proto (Copyright (c) ONNX
 * Project Contributors, MIT licence); fields the exporter never sets are left
 * out, which the protobuf wire format allows. Why a descriptor in code rather
 * than the .proto file parsed at run time or generated static code: it needs
 * no file beside the compiled module (packaged apps, workers), no code
 * generator in the build, and protobufjs still does all of the encoding.
 */
import protobuf from 'protobufjs';

const field = (id: number, type: string, rule?: 'repeated') => ({ id, type, ...(rule ? { rule } : {}) });

const schema = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: field(1, 'string'),
            type: field(20, 'int32'),
            f: field(2, 'float'),
            i: field(3, 'int64'),
            s: field(4, 'bytes'),
            t: field(5, 'TensorProto'),
            floats: field(7, 'float', 'repeated'),
            ints: field(8, 'int64', 'repeated'),
            strings: field(9, 'bytes', 'repeated'),
          },
        },
        ValueInfoProto: { fields: { name: field(1, 'string'), type: field(2, 'TypeProto') } },
        NodeProto: {
          fields: {
            input: field(1, 'string', 'repeated'),
            output: field(2, 'string', 'repeated'),
            name: field(3, 'string'),
            opType: field(4, 'string'),
            domain: field(7, 'string'),
            attribute: field(5, 'AttributeProto', 'repeated'),
          },
        },
        ModelProto: {
          fields: {
            irVersion: field(1, 'int64'),
            opsetImport: field(8, 'OperatorSetIdProto', 'repeated'),
            producerName: field(2, 'string'),
            producerVersion: field(3, 'string'),
            docString: field(6, 'string'),
            graph: field(7, 'GraphProto'),
            metadataProps: field(14, 'StringStringEntryProto', 'repeated'),
          },
        },
        StringStringEntryProto: { fields: { key: field(1, 'string'), value: field(2, 'string') } },
        GraphProto: {
          fields: {
            node: field(1, 'NodeProto', 'repeated'),
            name: field(2, 'string'),
            initializer: field(5, 'TensorProto', 'repeated'),
            input: field(11, 'ValueInfoProto', 'repeated'),
            output: field(12, 'ValueInfoProto', 'repeated'),
          },
        },
        TensorProto: {
          fields: {
            dims: field(1, 'int64', 'repeated'),
            dataType: field(2, 'int32'),
            name: field(8, 'string'),
            rawData: field(9, 'bytes'),
          },
        },
        TensorShapeProto: {
          fields: { dim: field(1, 'Dimension', 'repeated') },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: { dimValue: field(1, 'int64'), dimParam: field(2, 'string') },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: field(1, 'Tensor') },
          nested: { Tensor: { fields: { elemType: field(1, 'int32'), shape: field(2, 'TensorShapeProto') } } },
        },
        OperatorSetIdProto: { fields: { domain: field(1, 'string'), version: field(2, 'int64') } },
      },
    },
  },
};

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType values used here. */
export const AttrType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

let modelType: protobuf.Type | null = null;

/** Serialises a ModelProto given as a plain object (camelCase field names, as above). */
export function encodeModelProto(model: Record<string, unknown>): Uint8Array {
  modelType ??= protobuf.Root.fromJSON(schema).lookupType('onnx.ModelProto');
  const err = modelType.verify(model);
  if (err) throw new Error(`ONNX model does not fit the schema: ${err}`);
  return modelType.encode(modelType.fromObject(model)).finish();
}

/** Parses bytes written by encodeModelProto back into a plain object (tests). */
export function decodeModelProto(bytes: Uint8Array): Record<string, unknown> {
  modelType ??= protobuf.Root.fromJSON(schema).lookupType('onnx.ModelProto');
  return modelType.toObject(modelType.decode(bytes), { longs: Number, bytes: Array }) as Record<string, unknown>;
}
