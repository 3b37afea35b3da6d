/** `fer info <data>`: what a dataset holds, without training anything. */
import { describeDataset, loadDataset, type DatasetInfo } from '../../core/dataset/load-dataset.ts';
import { COMMON_OPTIONS, parseCommand, UsageError } from '../args.ts';
import { EXIT, type CliContext, type Command } from '../context.ts';
import { progressReporter } from '../task-progress.ts';

const usage = 'fer info <data> [--json]';

export const infoCommand: Command = {
  name: 'info',
  summary: 'describe a dataset: format, images, classes, per-class counts, image shape, splits',
  usage,
  help: `usage: ${usage}

Describes a dataset without changing it. <data> is an X .npy file (its Y file
beside it, e.g. X.txt.npy + Y.txt.npy), a fer2013-style .csv (emotion,pixels,Usage)
or an image folder (<root>/<class>/* or <root>/{train,test}/<class>/*).

  --json    print {"file","format","count","classes","perClass","imageShape","splits"}`,
  async run(args, ctx) {
    const { positionals } = parseCommand(args, COMMON_OPTIONS, usage, true);
    if (positionals.length !== 1)
      throw new UsageError(positionals.length ? 'give exactly one dataset' : 'missing <data>', usage);
    const file = positionals[0];
    const ds = await loadDataset(file, { signal: ctx.signal, onProgress: progressReporter(ctx, 'loading') });
    ctx.clearStatus();
    const info = describeDataset(ds);
    if (ctx.json) ctx.emit({ file, ...info });
    else printInfo(ctx, file, info);
    return EXIT.ok;
  },
};

export function printInfo(ctx: CliContext, file: string, info: DatasetInfo): void {
  const [h, w, c] = info.imageShape;
  ctx.print(`${file}`);
  ctx.print(`  format   ${info.format}`);
  ctx.print(`  images   ${info.count}  (${h}x${w}, ${c === 1 ? 'grayscale' : 'RGB'})`);
  ctx.print(
    `  splits   ${
      info.splits
        ? Object.entries(info.splits)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')
        : 'none given (preprocess makes a seeded, stratified split)'
    }`,
  );
  ctx.print(`  classes  ${info.classes.length}`);
  const width = Math.max(...info.classes.map((name) => name.length));
  for (const name of info.classes) {
    const n = info.perClass[name] ?? 0;
    ctx.print(
      `    ${name.padEnd(width)}  ${String(n).padStart(6)}  ${info.count ? ((100 * n) / info.count).toFixed(1).padStart(5) : '0.0'} %`,
    );
  }
}
