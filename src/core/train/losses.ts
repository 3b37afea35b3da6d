/** Losses and batch metrics computed from softmax outputs. */
import * as tf from '@tensorflow/tfjs';

const EPS = 1e-7;

/** Categorical cross-entropy on probabilities, weighted per example. */
export function weightedCrossEntropy(yTrue: tf.Tensor2D, probs: tf.Tensor2D, weights: tf.Tensor1D | null): tf.Scalar {
  return tf.tidy(() => {
    const perExample = tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(probs, EPS, 1))), 1));
    if (!weights) return tf.mean(perExample) as tf.Scalar;
    return tf.div(tf.sum(tf.mul(perExample, weights)), tf.sum(weights)) as tf.Scalar;
  });
}

/** The reference application's loss: binary cross-entropy averaged over all 7 outputs. */
export function binaryCrossEntropy(yTrue: tf.Tensor2D, probs: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(probs, EPS, 1 - EPS);
    const t = tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p))));
    return tf.neg(tf.mean(t)) as tf.Scalar;
  });
}

/** Top-1 accuracy: argmax of the prediction equals argmax of the target. */
export function countCorrect(yTrue: tf.Tensor2D, probs: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(yTrue, 1), tf.argMax(probs, 1)), 'float32')) as tf.Scalar);
}

/**
 * Keras "accuracy" for a binary-cross-entropy model with 7 outputs: the mean of
 * (p > 0.5) == y over every output. A model that never fires scores 6/7 = 85.7 %,
 * which is how the reference application reached its "88 %".
 */
export function binaryAccuracySum(yTrue: tf.Tensor2D, probs: tf.Tensor2D): tf.Scalar {
  return tf.tidy(
    () => tf.mean(tf.cast(tf.equal(tf.greater(probs, 0.5), tf.greater(yTrue, 0.5)), 'float32'), 1).sum() as tf.Scalar,
  );
}

/** Per-class weights n / (k * n_c), square-rooted so the rare class helps without dominating. */
export function balancedClassWeights(labels: Uint8Array, numClasses: number): Float32Array {
  const counts = new Float64Array(numClasses);
  for (const l of labels) counts[l]++;
  const w = new Float32Array(numClasses);
  for (let c = 0; c < numClasses; c++) w[c] = counts[c] ? Math.sqrt(labels.length / (numClasses * counts[c])) : 0;
  return w;
}
