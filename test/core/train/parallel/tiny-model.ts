import * as tf from '@tensorflow/tfjs';

/** Small, deterministic, no batch norm or dropout: sharded and whole-batch updates must agree exactly. */
export function tinyModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({
      inputShape: [48, 48, 1],
      filters: 4,
      kernelSize: 3,
      strides: 2,
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 4 }));
  model.add(tf.layers.flatten());
  model.add(
    tf.layers.dense({ units: 7, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  );
  return model;
}
