/** `npm run web -- [--port N] [--host H] [--work-dir DIR] [--no-pretrained]`; PORT and FER_WORK_DIR from the environment. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HTTP } from '../contract/contract.ts';

export interface ServerCliOptions {
  host: string;
  port: number;
  workDir: string;
  pretrained: boolean;
}

export function parseServerArgs(argv: string[], env: NodeJS.ProcessEnv, appRoot: string): ServerCliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'work-dir': { type: 'string' },
      'no-pretrained': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const portText = values.port ?? env.PORT ?? String(HTTP.defaultPort);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new Error(`--port must be a number from 0 to 65535, not "${portText}"`);
  return {
    host: values.host!,
    port,
    workDir: path.resolve(values['work-dir'] ?? env.FER_WORK_DIR ?? path.join(appRoot, 'runs', 'app')),
    pretrained: !values['no-pretrained'],
  };
}
