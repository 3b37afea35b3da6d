/** Learning-rate schedules, as a pure function of the epoch so a resumed run continues the same curve. */
export type Schedule = 'constant' | 'cosine';

export function learningRateAt(
  config: { learningRate: number; schedule: Schedule; epochs: number },
  epoch: number,
): number {
  if (config.schedule === 'constant' || config.epochs <= 1) return config.learningRate;
  // One warm-up epoch at half rate, then cosine decay to 2 % of the peak.
  if (epoch === 1) return config.learningRate * 0.5;
  const t = (epoch - 2) / Math.max(1, config.epochs - 2);
  return config.learningRate * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))));
}
