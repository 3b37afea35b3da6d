/**
 * Process entry of the `fer` command (bin/fer.js imports this file).
 * Owns the process-wide concerns: Ctrl-C, exit codes, and a last-resort
 * handler for errors outside the command's promise chain. The tfjs wasm
 * backend installs its own 'uncaughtException' handler that rethrows and
 * prints its whole minified source; ours is registered first and exits, so
 * users never see that dump.
 */
import { runtimeOptionsFromEnv } from '../app/runtime-env.ts';
import { applyRuntimeOptions, type RuntimeOptions } from '../core/runtime-options.ts';
import { EXIT } from './context.ts';
import { runCli } from './run-cli.ts';

const debug = process.argv.includes('--debug');

function crash(e: unknown): never {
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`fer: internal error: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
  if (debug) process.stderr.write(`${err.stack}\n`);
  process.exit(EXIT.failure);
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) {
    process.stderr.write('\nfer: stopped\n');
    process.exit(EXIT.cancelled);
  }
  process.stderr.write(
    '\nfer: stopping at the next safe point, e.g. after the current batch (Ctrl-C again to quit at once)\n',
  );
  controller.abort();
});

// The one place the command reads its environment (FER_BACKEND, FER_TRAIN_WORKERS, FER_MODELS_DIR, FER_DEBUG_OPENCV).
let runtime: RuntimeOptions;
try {
  runtime = runtimeOptionsFromEnv(process.env);
} catch (e) {
  process.stderr.write(`fer: ${(e as Error).message}\n`);
  process.exit(EXIT.usage);
}
applyRuntimeOptions(runtime);

const code = await runCli(process.argv.slice(2), controller.signal, runtime);
// Let pending output reach a pipe before exiting; exit explicitly because
// native/wasm libraries can keep the event loop alive after the work is done.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);
