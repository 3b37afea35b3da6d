/**
 * The default RNN: reads the face as a sequence of its 48 pixel rows with a
 * bidirectional LSTM (top-down and bottom-up), so a row's meaning can depend on
 * both the eyes above and the mouth below it.
 */
import * as tf from '@tensorflow/tfjs';

export interface RnnOptions {
  units?: number;
  dropout?: number;
  seed?: number;
}

export function buildRnn(inputShape: [number, number], numClasses: number, opts: RnnOptions = {}): tf.LayersModel {
  const seed = opts.seed ?? 1;
  const units = opts.units ?? 96;
  const model = tf.sequential({ name: 'fer_rnn' });
  model.add(tf.layers.bidirectional({
    inputShape,
    mergeMode: 'concat',
    layer: tf.layers.lstm({
      units, kernelInitializer: tf.initializers.glorotUniform({ seed }),
      // Seeded so the same --seed gives the same run.
      recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 7 }),
    }) as tf.RNN,
  }));
  model.add(tf.layers.dropout({ rate: opts.dropout ?? 0.3, seed }));
  model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return model;
}
