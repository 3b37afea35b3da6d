/**
 * Dispatches `fer <command> ...` and turns every failure into an exit code and
 * a short message: FerError (a user-caused problem) -> one line, exit 1;
 * usage mistakes -> exit 2 with the usage line; cancel -> exit 130; anything
 * else is a bug -> its message (stack with --debug), exit 1.
 */
import { isFerError } from '../core/errors.ts';
import { DEFAULT_RUNTIME, type RuntimeOptions } from '../core/runtime-options.ts';
import { UsageError } from './args.ts';
import { COMMANDS, findCommand } from './commands/index.ts';
import { createContext, EXIT, type Command } from './context.ts';

const GENERAL_USAGE =
  'usage: fer <command> [options]   (commands: info, preprocess, train, eval, predict; fer <command> --help)';

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'fer: train, evaluate and use facial-expression models (CNN and RNN) from the command line.',
    '',
    GENERAL_USAGE,
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options every command takes: --json (one JSON object per line), --debug (stack traces), --help.',
    'Exit codes: 0 ok, 1 bad input or failure, 2 usage error, 130 cancelled (Ctrl-C).',
  ].join('\n');
}

/** One line, whatever the message contains: scripts read stderr line by line. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function writeErr(line: string): void {
  process.stderr.write(`${line}\n`);
}

function reportUsage(message: string, usage: string, command?: Command): number {
  writeErr(`fer: ${oneLine(message)}`);
  writeErr(usage.startsWith('usage:') ? usage : `usage: ${usage}`);
  if (command) writeErr(`run "fer ${command.name} --help" for details`);
  return EXIT.usage;
}

export async function runCli(
  argv: string[],
  signal: AbortSignal,
  runtime: RuntimeOptions = DEFAULT_RUNTIME,
): Promise<number> {
  const debug = argv.includes('--debug');
  const json = argv.includes('--json');
  const [name, ...rest] = argv;
  if (name === undefined) return reportUsage('no command given', GENERAL_USAGE);
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] ? findCommand(rest[0]) : undefined;
    process.stdout.write(`${topic ? (await topic.load()).help : generalHelp()}\n`);
    return EXIT.ok;
  }
  const entry = findCommand(name);
  if (!entry) return reportUsage(`unknown command "${name}"`, GENERAL_USAGE);
  const ctx = createContext(json, signal, runtime);
  let command: Command | undefined;
  try {
    command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${command.help}\n`);
      return EXIT.ok;
    }
    return await command.run(rest, ctx);
  } catch (e) {
    ctx.clearStatus();
    if (e instanceof UsageError) return reportUsage(e.message, e.usage, command);
    if (isFerError(e)) {
      if (e.kind === 'cancelled') {
        writeErr('fer: cancelled');
        return EXIT.cancelled;
      }
      writeErr(`fer: ${oneLine(e.message)}`);
      if (debug)
        writeErr(String(e.stack) + (e.cause ? `\ncaused by: ${(e.cause as Error).stack ?? String(e.cause)}` : ''));
      if (e.kind === 'usage') {
        writeErr(command ? `usage: ${command.usage}` : GENERAL_USAGE);
        return EXIT.usage;
      }
      return EXIT.failure;
    }
    // Not a FerError: a bug in fer (or in a library). Still no dump unless asked.
    const err = e instanceof Error ? e : new Error(String(e));
    writeErr(`fer: internal error: ${oneLine(err.message)}${debug ? '' : ' (run with --debug for the stack trace)'}`);
    if (debug) writeErr(String(err.stack));
    return EXIT.failure;
  }
}
