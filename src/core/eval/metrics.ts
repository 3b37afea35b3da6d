/** Classification metrics: accuracy, per-class precision/recall/F1 and the confusion matrix. */
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvalReport {
  accuracy: number;
  n: number;
  classes: string[];
  perClass: Record<string, ClassMetrics>;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
}

export function computeMetrics(pred: ArrayLike<number>, truth: ArrayLike<number>, classes: string[]): EvalReport {
  const k = classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]][pred[i]]++;
    if (truth[i] === pred[i]) correct++;
  }
  const perClass: Record<string, ClassMetrics> = {};
  classes.forEach((name, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    perClass[name] = {
      precision,
      recall,
      f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
      support,
    };
  });
  return { accuracy: truth.length ? correct / truth.length : 0, n: truth.length, classes, perClass, confusion };
}
