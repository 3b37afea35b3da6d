/**
 * The backend of the desktop app and web mode: session state plus jobs, in
 * plain Node with no knowledge of the shell around it. Shells pass every
 * renderer request to `request()` (which validates it against the contract)
 * and forward every event from `onEvent()` to the renderer.
 */
import {
  parseRequest,
  type AnyRequest,
  type AppEvent,
  type JobStarted,
  type RequestArgs,
  type RequestName,
  type Responses,
  type WireResult,
} from '../contract/contract.ts';
import { anyModelPhrase, MODEL_LABELS, type DetectorKind } from '../contract/contract.ts';
import { initBackend } from '../core/backend/init-backend.ts';
import { applyRuntimeOptions, DEFAULT_RUNTIME, type RuntimeOptions } from '../core/runtime-options.ts';
import { FerError } from '../core/errors.ts';
import { describeDetector, disposeSharedFaceDetectors, sharedFaceDetector } from '../core/face/detector.ts';
import { startHaarHelper, stopHaarHelper } from '../core/face/haar-helper.ts';
import { cascadePath } from '../core/face/models-dir.ts';
import { classifierRuntime } from '../core/onnx/inference-config.ts';
import { startClassifyHelper, stopClassifyHelper } from '../core/eval/classify-helper.ts';
import { datasetEntry } from './dataset-entry.ts';
import { JobRunner } from './job-runner.ts';
import { LiveFrames } from './live-frames.ts';
import { evaluateOnTest } from './jobs/evaluate-job.ts';
import type { JobDeps } from './jobs/job-deps.ts';
import { loadJob } from './jobs/load-job.ts';
import { predictJob } from './jobs/predict-job.ts';
import { heatMapsJob } from './jobs/heat-job.ts';
import { promises as fs } from 'node:fs';
import { preprocessJob } from './jobs/preprocess-job.ts';
import { trainJob } from './jobs/train-job.ts';
import { datasetLoaded, predictionLine, preprocessed, testLine } from './narrate.ts';
import { loadPretrained } from './pretrained.ts';
import { listSamples, samplePath } from './samples.ts';
import { Session } from './session.ts';
import { datasetSamplesFor, exportReportFor, galleryPageFor, pcaPicturesFor } from './insight-requests.ts';
import { UploadStore } from './upload-store.ts';
import { toWireError } from './wire-error.ts';
import { trainFinished } from './train-finish.ts';

export interface AppServiceOptions {
  /** The shipped sample datasets (the app's data/ folder). */
  dataDir: string;
  /** Per-user folder for the models trained in the app. */
  workDir: string;
  /** Per-session temporary folder for uploaded files (removed on close). */
  uploadsDir: string;
  /** Folder holding the shipped models, one folder per slot (cnn/, rnn/); null to start without them. */
  pretrainedDir: string | null;
  /**
   * What this process runs with, built by the shell from its flags and environment
   * (runtime-env.ts); default DEFAULT_RUNTIME. `predictThreads` 2 starts two helper
   * threads in the background: one takes half the Haar cascade's levels
   * (haar-helper.ts; only while Haar is the detector), the other runs the RNN while this thread runs the CNN and
   * half of an evaluation's images (classify-helper.ts); the shells pass 2 where
   * there are 2 cores.
   */
  runtime?: RuntimeOptions;
}

export type EventListener = (e: AppEvent) => void;

export class AppService {
  readonly uploads: UploadStore;
  private readonly session = new Session();
  private readonly jobs: JobRunner;
  private readonly listeners = new Set<EventListener>();
  private readonly deps: JobDeps;
  private ready: Promise<void> | null = null;
  private lastPhoto: string | null = null;
  private readonly live = new LiveFrames(this.session);
  private readonly runtime: RuntimeOptions;

  constructor(private readonly opts: AppServiceOptions) {
    this.uploads = new UploadStore(opts.uploadsDir);
    this.runtime = opts.runtime ?? DEFAULT_RUNTIME;
    applyRuntimeOptions(this.runtime);
    this.jobs = new JobRunner((e) => {
      this.emit(e);
      if (e.type === 'job-finished' && e.outcome !== 'done')
        this.log(e.message, e.outcome === 'failed' ? 'error' : 'warn');
      if (e.type === 'job-started' || e.type === 'job-finished') this.emitState();
    });
    this.deps = {
      session: this.session,
      workDir: opts.workDir,
      runtime: this.runtime,
      log: (l, level) => this.log(l, level),
      emit: (e) => this.emit(e),
    };
  }

  /** Picks the tfjs backend and loads the shipped models; safe to call more than once. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      this.session.backend = await initBackend(this.runtime.backend);
      this.log(`FER Studio backend ready: TensorFlow.js on ${this.session.backend}`);
      this.session.classifiers = (await classifierRuntime())?.name ?? null;
      this.log(`The classifiers run on ${this.session.classifiers ?? `TensorFlow.js (${this.session.backend})`}`);
      for (const p of this.opts.pretrainedDir ? await loadPretrained(this.opts.pretrainedDir) : []) {
        if (p.model) {
          this.session.setModel(p.slot, p.model);
          this.log(`Using the ${p.model.summary.description} until you train one`);
        } else this.log(`The shipped ${MODEL_LABELS[p.slot]} could not be loaded: ${p.error}`, 'warn');
      }
      if (!this.session.loadedSlots().length)
        this.log(`No pretrained models found: train ${anyModelPhrase()} to predict`);
      this.warmClassifyHelper();
      await this.useDetector(this.session.detector.kind);
      this.emitState();
    })();
    return this.ready;
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Untrusted entry point: validates, runs, and returns errors as values. */
  async request(name: unknown, args: unknown): Promise<WireResult> {
    try {
      const req = parseRequest(name, args);
      return { ok: true, value: await this.handle(req) };
    } catch (e) {
      return { ok: false, error: toWireError(e) };
    }
  }

  /** Typed entry point for trusted callers (tests, the worker host). */
  async call<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<Responses[N]> {
    return (await this.handle({ name, args } as AnyRequest)) as Responses[N];
  }

  /** Trusted: a dataset path the Electron main process got from its own open dialog. */
  async loadPath(datasetPath: string): Promise<JobStarted> {
    await this.init();
    return this.startLoad({ path: datasetPath, name: datasetPath });
  }

  /** Waits for the running job, if any (tests, shutdown). */
  idle(): Promise<void> {
    return this.jobs.idle();
  }

  async close(): Promise<void> {
    const job = this.jobs.current();
    if (job) this.jobs.cancel(job.id);
    await this.jobs.idle();
    this.session.dispose();
    await disposeSharedFaceDetectors();
    await this.uploads.clear();
    await stopHaarHelper();
    await stopClassifyHelper();
  }

  /**
   * Warm-up only, in the background: loads the session's models into the
   * classification helper so a prediction never waits for that (a model it has
   * not loaded is loaded on first use; until the helper is ready this thread
   * classifies alone).
   */
  private warmClassifyHelper(): void {
    // On ONNX Runtime its own threads use the cores, faster than a helper's split (bench/eval.ts).
    if (this.runtime.predictThreads < 2 || this.session.classifiers) return;
    startClassifyHelper(this.session.loadedModels(), this.runtime.backend).catch(() => undefined);
  }

  private async handle(req: AnyRequest): Promise<unknown> {
    await this.init();
    const s = this.session;
    switch (req.name) {
      case 'getState':
        return this.snapshot();
      case 'useSample': {
        const sample = samplePath(this.opts.dataDir, req.args.sample);
        if (!sample)
          throw new FerError(`no sample called "${req.args.sample}" in the app's data folder`, { kind: 'not-found' });
        return this.startLoad(sample);
      }
      case 'beginUpload':
        return { uploadId: await this.uploads.begin(req.args.purpose, req.args.files) };
      case 'loadUpload': {
        this.refuseIfBusy();
        const upload = await this.uploads.complete(req.args.uploadId, 'dataset');
        return this.startLoad({ ...datasetEntry(upload), root: upload.dir }, upload.id);
      }
      case 'preprocess': {
        const data = s.dataset;
        if (!data) throw new FerError('upload a dataset first', { kind: 'usage' });
        return {
          jobId: this.jobs.start(
            'preprocess',
            'Preprocessing',
            (ctx) => preprocessJob(ctx, data, req.args),
            (p) => {
              s.setPreprocessed(p);
              this.log(preprocessed(p.summary));
            },
          ),
        };
      }
      case 'train': {
        if (!s.pre) throw new FerError('preprocess the dataset first', { kind: 'usage' });
        const label = MODEL_LABELS[req.args.model];
        return {
          jobId: this.jobs.start(
            'train',
            `Training ${label}`,
            (ctx) => {
              this.log(
                `Training the ${label}: ${req.args.epochs} epochs, batch ${req.args.batchSize}, on ${s.pre!.summary.counts.train} images (validation ${s.pre!.summary.counts.validation})`,
              );
              return trainJob(this.deps, ctx, req.args);
            },
            (out) => {
              trainFinished(this.deps, out);
              this.warmClassifyHelper();
            },
            req.args.model,
          ),
        };
      }
      case 'cancel':
        return { cancelled: this.jobs.cancel(req.args.jobId) };
      case 'compare': {
        const models = Object.fromEntries(s.loadedSlots().map((slot) => [slot, s.models[slot]!.fer]));
        if (!Object.keys(models).length)
          throw new FerError(`no model to compare yet: train ${anyModelPhrase()} first`, { kind: 'usage' });
        if (!s.pre)
          throw new FerError('preprocess a dataset first: the comparison is measured on its test split', {
            kind: 'usage',
          });
        return {
          jobId: this.jobs.start(
            'compare',
            'Measuring test accuracy',
            (ctx) => evaluateOnTest(s.pre, models, ctx, this.runtime.predictThreads),
            ({ reports, evaluations }) => {
              s.reports = { ...s.reports, ...reports };
              s.evaluations = { ...s.evaluations, ...evaluations };
              this.log(Object.values(reports).flatMap((r) => (r ? [testLine(r)] : [])));
            },
          ),
        };
      }
      case 'predict': {
        this.refuseIfBusy();
        const photo = await this.uploads.complete(req.args.uploadId, 'photo');
        if (this.lastPhoto && this.lastPhoto !== photo.id) await this.uploads.remove(this.lastPhoto);
        this.lastPhoto = photo.id;
        const result = await this.jobs.run('predict', 'Predicting', (ctx) =>
          predictJob(s, ctx, photo, req.args.wholeImage),
        );
        this.log(predictionLine(result));
        return result;
      }
      case 'heatMaps': {
        this.refuseIfBusy();
        // The photo Predict showed: its upload stays until the next photo replaces it.
        const photo = await this.uploads.complete(req.args.uploadId, 'photo');
        const file = photo.files[0];
        const bytes = new Uint8Array(await fs.readFile(file.path));
        return this.jobs.run('predict', 'Computing heat maps', (ctx) =>
          heatMapsJob(s, ctx, file.name, bytes, req.args.wholeImage),
        );
      }
      case 'liveHeatMaps': {
        // The frame the user paused the camera on (a JPEG, as liveFrame sends it).
        this.refuseIfBusy();
        if (req.args.format !== 'jpeg')
          throw new FerError('heat maps of a live frame need it as a JPEG', { kind: 'usage' });
        const bytes = new Uint8Array(Buffer.from(req.args.image, 'base64'));
        return this.jobs.run('predict', 'Computing heat maps', (ctx) =>
          heatMapsJob(s, ctx, 'the paused frame', bytes, false),
        );
      }
      case 'liveFrame': {
        // A training or any other job needs the cores: the page stops the camera and says so.
        const job = this.jobs.current();
        if (job)
          throw new FerError(
            `camera stopped: ${job.label.toLowerCase()} needs the processor; start it again when it is done`,
            { kind: 'busy' },
          );
        return this.live.analyse(req.args);
      }
      case 'setDetector':
        await this.useDetector(req.args.detector);
        this.emitState();
        return this.session.detector;
      case 'galleryPage':
        return galleryPageFor(s, req.args);
      case 'datasetSamples':
        return datasetSamplesFor(s, req.args.perClass);
      case 'pcaPictures':
        return pcaPicturesFor(s);
      case 'exportReport':
        return exportReportFor(s);
      case 'pickDataset':
        throw new FerError('choosing a dataset by dialog needs the desktop app; upload the files instead', {
          kind: 'usage',
        });
    }
  }

  private startLoad(source: { path: string; name: string; root?: string }, uploadId?: string): JobStarted {
    return {
      jobId: this.jobs.start(
        'load-dataset',
        'Loading the dataset',
        (ctx) => loadJob(ctx, source),
        (d) => {
          this.session.setDataset(d);
          this.log(datasetLoaded(d.summary, d.seconds));
          // The images are in memory now; the uploaded copy is no longer needed.
          if (uploadId) void this.uploads.remove(uploadId);
        },
      ),
    };
  }

  /**
   * Opens the chosen detector now (predict-job gets the same shared one), so the header
   * can say what runs before the first photo; where YuNet cannot run, the log says why.
   */
  private async useDetector(kind: DetectorKind): Promise<void> {
    const d = await sharedFaceDetector({ kind });
    // Haar's helper thread loads its own opencv.js, so only once Haar is what runs. Warm-up
    // only: until it is ready (or if it cannot start) detection runs on this thread.
    if (d.name === 'haar' && this.runtime.predictThreads > 1)
      startHaarHelper(cascadePath('default'), { debug: this.runtime.debug }).catch(() => undefined);
    this.session.detector = { kind, inUse: describeDetector(d), fallback: d.fallback ?? null };
    if (d.fallback)
      this.log(`Face detector: ${describeDetector(d)}, because YuNet cannot run here (${d.fallback})`, 'warn');
    else this.log(`Face detector: ${describeDetector(d)}`);
  }

  private refuseIfBusy(): void {
    const job = this.jobs.current();
    if (job)
      throw new FerError(`busy: ${job.label.toLowerCase()} is still running; wait for it or cancel it`, {
        kind: 'busy',
      });
  }

  private snapshot() {
    return this.session.snapshot(this.jobs.current(), listSamples(this.opts.dataDir));
  }

  private emitState(): void {
    this.emit({ type: 'state', state: this.snapshot() });
  }

  private log(lines: string | string[], level: 'info' | 'warn' | 'error' = 'info'): void {
    for (const text of Array.isArray(lines) ? lines : [lines])
      this.emit({ type: 'log', level, text, time: Date.now() });
  }

  private emit(e: AppEvent): void {
    for (const l of this.listeners) l(e);
  }
}
