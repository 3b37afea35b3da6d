/** What every long-running core function accepts: progress reports and a cancel signal. */
export interface Progress {
  /** Short machine-readable stage name, e.g. "load", "pca", "epoch". */
  stage: string;
  /** 0..1 within the stage. */
  fraction: number;
  /** Human-readable detail for a status line. */
  message?: string;
}

export interface TaskOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}
