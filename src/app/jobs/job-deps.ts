/** What every job may touch: the session, the log, the event stream and its own work folder. */
import type { AppEvent } from '../../contract/contract.ts';
import type { Session } from '../session.ts';

export interface JobDeps {
  session: Session;
  /** Folder for this session's trained models (never the shipped models/). */
  workDir: string;
  log(lines: string | string[], level?: 'info' | 'warn' | 'error'): void;
  emit(e: AppEvent): void;
}
