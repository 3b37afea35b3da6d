/**
 * The default CNN for 48x48 gray faces: VGG-style 3x3 conv blocks with batch
 * norm, max pooling, global average pooling and a small softmax head.
 * Chosen for accuracy per FLOP on 2 CPU cores: width doubles as resolution
 * halves (about 75 MMAC per image), and global pooling keeps the head tiny
 * instead of a 1-2 M-parameter dense layer.
 */
import * as tf from '@tensorflow/tfjs';

export interface CnnOptions {
  /** Filters per stage; each stage ends with 2x2 max pooling except the last. */
  stages?: number[][];
  dropout?: number;
  seed?: number;
}

export const DEFAULT_CNN_STAGES = [[32], [64, 64], [128, 128], [256]];

export function buildCnn(inputShape: [number, number, number], numClasses: number, opts: CnnOptions = {}): tf.LayersModel {
  const stages = opts.stages ?? DEFAULT_CNN_STAGES;
  const seed = opts.seed ?? 1;
  const init = (i: number) => tf.initializers.heNormal({ seed: seed + i });
  const model = tf.sequential({ name: 'fer_cnn' });
  let n = 0;
  stages.forEach((filters, s) => {
    for (const f of filters) {
      model.add(tf.layers.conv2d({
        filters: f, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(n++),
        ...(model.layers.length === 0 ? { inputShape } : {}),
      }));
      model.add(tf.layers.batchNormalization());
      model.add(tf.layers.activation({ activation: 'relu' }));
    }
    if (s < stages.length - 1) model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  });
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dropout({ rate: opts.dropout ?? 0.4, seed }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  return model;
}
