/**
 * The default RNN: a bidirectional LSTM that reads the face top-down and
 * bottom-up as a sequence of rows, so a row's meaning can depend on both the
 * eyes above and the mouth below it.
 *
 * Before the LSTM, a small convolutional stem (two 3x3 conv + batch norm +
 * 2x2 pooling stages, 48x48 -> 12x12x64) turns each group of 4 pixel rows into
 * a 768-value feature row. Why: an LSTM over raw 48-pixel rows learned slowly
 * and plateaued near 37 % on PublicTest after 6 full-FER2013 epochs (models/REPORT.md);
 * raw pixel rows carry no local edge or shape features, which the stem
 * supplies for ~11 M multiply-adds. `stem: []` gives the raw-row model.
 */
import * as tf from '@tensorflow/tfjs';

export interface RnnOptions {
  units?: number;
  /** Conv filters per stem stage, each followed by 2x2 max pooling; [] reads raw pixel rows. */
  stem?: number[];
  dropout?: number;
  seed?: number;
  /**
   * LSTM gate activation. Default 'sigmoid' (PyTorch's, and what the shipped RNN was trained
   * with); tfjs's own default, 'hardSigmoid' (Keras 1), has a zero gradient outside +-2.5 and
   * trained slower in a probe (models/REPORT.md). Saved models keep whichever they were built with.
   */
  recurrentActivation?: 'hardSigmoid' | 'sigmoid';
}

export const DEFAULT_RNN_STEM = [32, 64];

export function buildRnn(inputShape: [number, number], numClasses: number, opts: RnnOptions = {}): tf.LayersModel {
  const seed = opts.seed ?? 1;
  const units = opts.units ?? 128;
  const stem = opts.stem ?? DEFAULT_RNN_STEM;
  const [rows, cols] = inputShape;
  const model = tf.sequential({ name: 'fer_rnn' });
  if (stem.length > 0) {
    model.add(tf.layers.reshape({ inputShape, targetShape: [rows, cols, 1] }));
    stem.forEach((filters, i) => {
      model.add(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: seed + 10 + i }) }));
      model.add(tf.layers.batchNormalization());
      model.add(tf.layers.activation({ activation: 'relu' }));
      model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    });
    const f = 2 ** stem.length;
    // Each sequence step is one feature row: its columns x channels, flattened.
    model.add(tf.layers.reshape({ targetShape: [rows / f, (cols / f) * stem[stem.length - 1]] }));
  }
  model.add(tf.layers.bidirectional({
    ...(stem.length === 0 ? { inputShape } : {}),
    mergeMode: 'concat',
    layer: tf.layers.lstm({
      units, recurrentActivation: opts.recurrentActivation ?? 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed }),
      // Seeded so the same --seed gives the same run.
      recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 7 }),
    }) as tf.RNN,
  }));
  model.add(tf.layers.dropout({ rate: opts.dropout ?? 0.3, seed }));
  model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return model;
}
