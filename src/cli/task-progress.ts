/** Core `Progress` reports (load, pca, ...) shown as one live status line. */
import type { Progress } from '../core/task.ts';
import type { CliContext } from './context.ts';
import { bar, throttle } from './progress-bar.ts';

export function progressReporter(ctx: CliContext, label: string): (p: Progress) => void {
  const due = throttle(100);
  return (p) => {
    if (!due(p.fraction >= 1)) return;
    ctx.status(
      `${label}: ${p.stage} ${bar(p.fraction)} ${(p.fraction * 100).toFixed(0).padStart(3)} %${p.message ? `  ${p.message}` : ''}`,
    );
  };
}
