/**
 * THE contract between the renderer and the backend: every request (with its
 * argument schema and response type), every event, the channel names and the
 * upload limits. The renderer, the Electron preload and main process, the web
 * server and the app service all import this one module, so a request cannot
 * exist on one side only. Only the transport differs between shells:
 * Electron IPC (invoke + send) or HTTP POST JSON + raw upload + WebSocket.
 */
import {
  DETECTOR_KINDS,
  type DetectorState,
  type EpochPoint,
  type JobKind,
  type JobSummary,
  type ModelSlot,
  type PredictionResult,
  type SessionSnapshot,
} from './snapshot.ts';
import { LIVE_FRAME, type LiveFrameResult } from './live.ts';
import {
  DATASET_SAMPLES,
  GALLERY_PAGE,
  type BatchPoint,
  type DatasetSamplesResult,
  type ExportedReport,
  type GalleryPageResult,
  type PcaPicturesResult,
} from './insight.ts';
import { modelKind } from './model-kinds.ts';
import type { HeatMapsResult } from './heat.ts';
import {
  arrayOf,
  bool,
  ContractError,
  empty,
  int,
  nullable,
  num,
  obj,
  oneOf,
  str,
  type Infer,
  type Validator,
} from './validators.ts';

export * from './snapshot.ts';
export * from './live.ts';
export * from './insight.ts';
export * from './heat.ts';
export * from './model-kinds.ts';
export { ContractError } from './validators.ts';

/** What a shell will accept; the renderer checks before sending, the backend enforces. */
export const LIMITS = {
  maxDatasetFiles: 60_000,
  maxDatasetFileBytes: 512 * 1024 * 1024,
  maxDatasetBytes: 1024 * 1024 * 1024,
  maxPhotoBytes: 32 * 1024 * 1024,
  maxJsonBytes: 8 * 1024 * 1024,
  maxNameLength: 400,
} as const;

/**
 * A relative file name as a folder upload reports it ("train/happy/1.jpg"):
 * no absolute paths, no "..", no backslashes or control characters.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what the pattern refuses
export const RELATIVE_NAME = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[^/\\:\0-\x1f][^\\:\0-\x1f]*$/;
export const UPLOAD_ID = /^u[0-9a-f]{16,32}$/;
export const JOB_ID = /^j[0-9]{1,9}$/;

const fileEntry = obj({
  name: str({ max: LIMITS.maxNameLength, pattern: RELATIVE_NAME }),
  size: int(0, LIMITS.maxDatasetFileBytes),
});
const uploadId = str({ max: 40, pattern: UPLOAD_ID });

/** Every request the renderer may send, with its argument schema. */
export const REQUESTS = {
  getState: empty,
  /** Load one of the datasets shipped in the app's data/ folder. */
  useSample: obj({ sample: str({ max: 64, pattern: /^[a-z0-9-]+$/ }) }),
  /** Announce files; their bytes follow one by one (HTTP raw body or the upload IPC channel). */
  beginUpload: obj({
    purpose: oneOf(['dataset', 'photo'] as const),
    files: arrayOf(fileEntry, LIMITS.maxDatasetFiles),
  }),
  loadUpload: obj({ uploadId }),
  /** pca: null = off; 0 < x < 1 = keep that variance fraction; x >= 1 = that many components. */
  preprocess: obj({ size: int(16, 96), pca: nullable(num(0.01, 4096)), seed: int(0, 2 ** 31 - 1) }),
  /** `model`: a registered model kind (model-kinds.ts); it trains into the slot of that name. */
  train: obj({ model: modelKind, epochs: int(1, 500), batchSize: int(1, 1024), learningRate: nullable(num(1e-6, 1)) }),
  cancel: obj({ jobId: str({ max: 12, pattern: JOB_ID }) }),
  /** Test accuracy and confusion matrix of every model on the preprocessed test split. */
  compare: empty,
  predict: obj({ uploadId, wholeImage: bool }),
  /** Where each model looked on the faces of a predicted photo (the same upload), computed on demand. */
  heatMaps: obj({ uploadId, wholeImage: bool }),
  /** The same for the live frame the user paused on. */
  liveHeatMaps: LIVE_FRAME,
  /** The face detector of Predict and the live view. */
  setDetector: obj({ detector: oneOf(DETECTOR_KINDS) }),
  /** Electron only: the main process shows its own dialog (opening in data/); no path crosses. */
  pickDataset: obj({ mode: oneOf(['file', 'folder'] as const) }),
  /** One camera frame: its faces and every model's probabilities (the live view sends one at a time). */
  liveFrame: LIVE_FRAME,
  /** One page of the test images in a cell of a model's confusion matrix, most confident first. */
  galleryPage: GALLERY_PAGE,
  /** Sample faces of each class of the loaded dataset, and its class balance. */
  datasetSamples: DATASET_SAMPLES,
  /** The preprocessed dataset's PCA as pictures: variance curve, mean face, eigenfaces, reconstructions. */
  pcaPictures: empty,
  /** The session as one self-contained HTML file. */
  exportReport: empty,
} satisfies Record<string, Validator<unknown>>;

export type RequestName = keyof typeof REQUESTS;
export type RequestArgs<N extends RequestName> = Infer<(typeof REQUESTS)[N]>;

export interface JobStarted {
  jobId: string;
}

export interface Responses {
  getState: SessionSnapshot;
  useSample: JobStarted;
  beginUpload: { uploadId: string };
  loadUpload: JobStarted;
  preprocess: JobStarted;
  train: JobStarted;
  cancel: { cancelled: boolean };
  compare: JobStarted;
  predict: PredictionResult;
  heatMaps: HeatMapsResult;
  liveHeatMaps: HeatMapsResult;
  setDetector: DetectorState;
  /** null when the user closed the dialog. */
  pickDataset: JobStarted | null;
  liveFrame: LiveFrameResult;
  galleryPage: GalleryPageResult;
  datasetSamples: DatasetSamplesResult;
  pcaPictures: PcaPicturesResult;
  exportReport: ExportedReport;
}

export type AnyRequest = { [N in RequestName]: { name: N; args: RequestArgs<N> } }[RequestName];

/** Validates a request from an untrusted side; throws ContractError. */
export function parseRequest(name: unknown, args: unknown): AnyRequest {
  if (typeof name !== 'string' || !Object.hasOwn(REQUESTS, name))
    throw new ContractError(`unknown request ${JSON.stringify(String(name).slice(0, 40))}`);
  const n = name as RequestName;
  return { name: n, args: REQUESTS[n](args, n) } as AnyRequest;
}

/** The bytes of one announced file (Electron channel; HTTP carries the same in its URL + body). */
export const UPLOAD_FILE = obj({
  uploadId,
  index: int(0, LIMITS.maxDatasetFiles - 1),
  bytes: ((v, at) => {
    if (!(v instanceof Uint8Array)) throw new ContractError(`${at}: expected bytes`);
    if (v.byteLength > LIMITS.maxDatasetFileBytes) throw new ContractError(`${at}: file too large`);
    return v;
  }) as Validator<Uint8Array>,
});
export type UploadFileArgs = Infer<typeof UPLOAD_FILE>;

export type ErrorKind =
  'bad-input' | 'usage' | 'cancelled' | 'busy' | 'not-found' | 'invalid-request' | 'unsupported' | 'internal';
export interface WireError {
  kind: ErrorKind;
  message: string;
}
/** Every response on the wire: errors are values, so both transports carry them alike. */
export type WireResult<T = unknown> = { ok: true; value: T } | { ok: false; error: WireError };

/** Progress of the running job, 0..1 with an estimate of the time left. */
export interface ProgressEvent {
  type: 'progress';
  jobId: string;
  kind: JobKind;
  stage: string;
  fraction: number;
  etaSeconds: number | null;
  message: string;
}

/** Everything the backend pushes to the renderer. */
export type AppEvent =
  | { type: 'state'; state: SessionSnapshot }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; text: string; time: number }
  | { type: 'job-started'; job: JobSummary }
  | ProgressEvent
  | { type: 'epoch'; jobId: string; slot: ModelSlot; epochs: number; point: EpochPoint }
  | { type: 'batch'; jobId: string; slot: ModelSlot; epochs: number; point: BatchPoint }
  | { type: 'job-finished'; jobId: string; kind: JobKind; outcome: 'done' | 'cancelled' | 'failed'; message: string };

/** Electron IPC channels. */
export const IPC = { request: 'fer:request', upload: 'fer:upload', event: 'fer:event' } as const;

/** Web mode routes: POST JSON to request/<name>, raw bytes to upload/<uploadId>/<index>, events on a WebSocket. */
export const HTTP = {
  request: '/api/request/',
  upload: '/api/upload/',
  events: '/api/events',
  tokenHeader: 'x-fer-token',
  tokenParam: 'token',
  defaultPort: 5178,
} as const;

/** What the Electron preload exposes to the renderer as `window.ferApi` (the same contract, over IPC). */
export interface FerBridge {
  request(name: RequestName, args: unknown): Promise<WireResult>;
  uploadFile(uploadId: string, index: number, bytes: Uint8Array): Promise<WireResult>;
  /** Returns a function that unsubscribes. */
  onEvent(listener: (e: AppEvent) => void): () => void;
}
