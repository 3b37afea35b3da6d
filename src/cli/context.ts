/**
 * What a command gets from main: where to write, whether to write JSON lines,
 * the cancel signal that Ctrl-C fires, and the runtime options main built.
 */
import type { RuntimeOptions } from '../core/runtime-options.ts';

export interface CliContext {
  /** One JSON object per line on stdout instead of human text. */
  json: boolean;
  /** Fired by the first Ctrl-C (SIGINT); long work stops cooperatively. */
  signal: AbortSignal;
  /** Backend, training threads, Haar folder, debug: from the environment (main.ts). */
  runtime: RuntimeOptions;
  /** Human text (terminal mode only). */
  print(line: string): void;
  /** One JSON object as one line (JSON mode). */
  emit(obj: object): void;
  /** Transient progress on stderr; a no-op unless stderr is a terminal and not --json. */
  status(line: string): void;
  /** One "fer: <message>" line on stderr (newlines folded: scripts read stderr line by line). */
  error(message: string): void;
  /** Ends a transient status line so the next output starts on a clean line. */
  clearStatus(): void;
}

export interface Command {
  name: string;
  summary: string;
  /** One line: `fer <name> ...`; printed with every usage error. */
  usage: string;
  /** Full --help text. */
  help: string;
  /** Returns the exit code. */
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** Exit codes of the `fer` command (a contract scripts rely on). */
export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;

export function createContext(json: boolean, signal: AbortSignal, runtime: RuntimeOptions): CliContext {
  const live = !json && process.stderr.isTTY === true;
  let shown = false;
  return {
    json,
    signal,
    runtime,
    print(line) {
      if (shown) {
        process.stderr.write('\r\x1b[2K');
        shown = false;
      }
      process.stdout.write(`${line}\n`);
    },
    emit(obj) {
      process.stdout.write(`${JSON.stringify(obj)}\n`);
    },
    status(line) {
      if (!live) return;
      const width = process.stderr.columns || 100;
      process.stderr.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
      shown = true;
    },
    error(message) {
      if (shown) {
        process.stderr.write('\r\x1b[2K');
        shown = false;
      }
      process.stderr.write(`fer: ${message.replace(/\s*\n\s*/g, ' ').trim()}\n`);
    },
    clearStatus() {
      if (shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}
