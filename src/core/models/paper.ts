/**
 * The reference application's two networks, layer for layer (see
 * ../shared/NOTES.md): they consume PCA coefficients reshaped to 28x28x3
 * "images" (CNN) or 28 steps of 84 values (LSTM). Kept only as the "paper
 * preset", to reproduce its numbers and show what they really mean.
 */
import * as tf from '@tensorflow/tfjs';

export const PAPER_INPUT: [number, number, number] = [28, 28, 3];

export function buildPaperCnn(numClasses: number, seed = 1): tf.LayersModel {
  const init = (i: number) => tf.initializers.glorotUniform({ seed: seed + i });
  const model = tf.sequential({ name: 'paper_cnn' });
  model.add(tf.layers.conv2d({ inputShape: PAPER_INPUT, filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(0) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: init(3) }));
  return model;
}

export function buildPaperRnn(numClasses: number, seed = 1): tf.LayersModel {
  const model = tf.sequential({ name: 'paper_rnn' });
  model.add(tf.layers.lstm({
    inputShape: [28, 84], units: 100, activation: 'relu',
    kernelInitializer: tf.initializers.glorotUniform({ seed }), recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 7 }),
  }));
  model.add(tf.layers.dropout({ rate: 0.5, seed }));
  model.add(tf.layers.dense({ units: 100, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }));
  return model;
}
