/** What every job may touch: the session, the log, the event stream, its own work folder and the runtime options. */
import type { AppEvent } from '../../contract/contract.ts';
import type { RuntimeOptions } from '../../core/runtime-options.ts';
import type { Session } from '../session.ts';

export interface JobDeps {
  session: Session;
  /** Folder for this session's trained models (never the shipped models/). */
  workDir: string;
  /** What the shell chose for this process (backend, threads...). */
  runtime: RuntimeOptions;
  log(lines: string | string[], level?: 'info' | 'warn' | 'error'): void;
  emit(e: AppEvent): void;
}
