/**
 * Renderer entry: the action buttons, the views and the log, driven only by the
 * contract through whichever transport the shell provides.
 */
import {
  DETECTOR_KINDS,
  MODEL_LABELS,
  MODEL_SLOTS,
  type AppEvent,
  type SessionSnapshot,
} from '../../src/contract/contract.ts';
import { fromDrop, fromInput, sendFiles, withoutJunk, type PickedFile } from './files.ts';
import { byId, el } from './format.ts';
import { ACTIONS, gates, trainedKind, type ActionId } from './gating.ts';
import { RequestError } from './request-error.ts';
import { sayReasonsOnce } from './reasons.ts';
import { pickTransport } from './pick-transport.ts';
import { initialState, reduce, type UiState } from './ui-state.ts';
import { ChartView } from './views/chart-view.ts';
import { renderComparison } from './views/compare-view.ts';
import { download, downloadText, numbersCsv, numbersJson } from './views/export.ts';
import { LiveView } from './views/live-view.ts';
import { LogView } from './views/log-view.ts';
import { renderPrediction } from './views/predict-view.ts';
import { StatusView } from './views/status-view.ts';
import { renderDataset } from './views/dataset-view.ts';
import { DatasetSamplesView } from './views/dataset-samples-view.ts';
import { GalleryView } from './views/gallery-view.ts';
import { PcaView } from './views/pca-view.ts';

type View = 'data' | 'chart' | 'predict' | 'live';

const t = pickTransport();
let state: UiState = initialState;
const log = new LogView(byId('log'));
const status = new StatusView((jobId) => void act(() => t.request('cancel', { jobId })));
const chart = new ChartView(byId<HTMLCanvasElement>('chart'));
const buttons = new Map<ActionId, { button: HTMLButtonElement; why: HTMLElement }>();
const gallery = new GalleryView(byId('gallery'), (q) => t.request('galleryPage', q));
const samplesView = new DatasetSamplesView(byId('dataset-insight'), (perClass) =>
  t.request('datasetSamples', { perClass }),
);
const pcaView = new PcaView(byId('pca-insight'), () => t.request('pcaPictures', {}));
let galleryReports = '';
const live = new LiveView(t, (text) => {
  status.say(text);
  log.append(text, 'warn');
});

for (const a of ACTIONS) {
  const box = el('div', undefined, 'action');
  const button = el('button', a.label);
  button.type = 'button';
  button.id = `action-${a.id}`;
  const why = el('small');
  box.append(button, why);
  byId('actions').append(box);
  buttons.set(a.id, { button, why });
}

function show(view: View): void {
  if (view !== 'live') live.stop('Camera released: you left the live view.');
  for (const v of ['data', 'chart', 'predict', 'live'] as const) byId(`view-${v}`).hidden = v !== view;
  for (const tab of document.querySelectorAll<HTMLButtonElement>('#tabs button'))
    tab.setAttribute('aria-selected', String(tab.dataset.view === view));
}

function render(): void {
  const g = gates(state);
  const reasons = sayReasonsOnce(g);
  byId('actions-why').textContent = reasons.shared;
  for (const [id, { button, why }] of buttons) {
    button.disabled = !g[id].enabled;
    button.title = g[id].reason;
    why.textContent = reasons.under[id];
  }
  status.render(state);
  chart.update(state.series, state.plannedEpochs, state.batches);
  renderComparison(byId('comparison'), state.snapshot, (q, classes) => void act(() => gallery.open(q, classes)));
  // A gallery shows one measurement: new reports close it.
  const reports = JSON.stringify(
    Object.keys(state.snapshot?.reports ?? {}).map((k) => [
      k,
      state.snapshot!.reports[k]!.on,
      state.snapshot!.reports[k]!.accuracy,
    ]),
  );
  if (reports !== galleryReports) {
    galleryReports = reports;
    gallery.clear();
  }
  samplesView.update(state.snapshot);
  pcaView.update(state.snapshot);
  renderDataset(
    byId('dataset-summary'),
    byId('sample-list'),
    state.snapshot,
    (id) => void act(() => t.request('useSample', { sample: id })),
  );
  byId('models-in-use').textContent = modelsInUse(state.snapshot);
  const detector = byId<HTMLSelectElement>('detector');
  if (state.snapshot) detector.value = state.snapshot.detector.kind;
}

function modelsInUse(s: SessionSnapshot | null): string {
  if (!s) return '';
  const parts = MODEL_SLOTS.map((slot) => `${MODEL_LABELS[slot]}: ${s.models[slot]?.description ?? 'none yet'}`);
  const d = s.detector;
  const detector = d.inUse
    ? ` · Face detector: ${d.inUse}${d.fallback ? ' (YuNet cannot run here; see the log)' : ''}`
    : '';
  const classifiers = s.classifiers ? ` · Classifiers on ${s.classifiers}` : '';
  return `Models in use — ${parts.join(' · ')}${classifiers}${s.backend ? ` · TensorFlow.js backend: ${s.backend}` : ''}${detector}`;
}

/** Runs a user action; a refusal (busy, bad input...) goes to the status line and the log. */
async function act(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const message = e instanceof RequestError ? e.message : `unexpected error: ${(e as Error).message}`;
    status.say(message);
    log.append(message, e instanceof RequestError && e.kind === 'busy' ? 'warn' : 'error');
  }
}

function onEvent(e: AppEvent): void {
  state = reduce(state, e);
  if (e.type === 'log') log.append(e.text, e.level, e.time);
  if (e.type === 'job-finished') status.say(e.message);
  // A job needs the processor: the camera is released (and the backend refuses frames meanwhile).
  if (e.type === 'job-started')
    live.stop(`Camera stopped: ${e.job.label.toLowerCase()} needs the processor; start it again when it is done.`);
  if (e.type === 'job-started' && e.job.kind === 'train') show('chart');
  render();
}

t.subscribe(onEvent, (connected) => {
  state = { ...state, connected };
  render();
  if (connected) void act(async () => onEvent({ type: 'state', state: await t.request('getState', {}) }));
});

// --- Upload ---------------------------------------------------------------
const fileInput = byId<HTMLInputElement>('file-input');
const folderInput = byId<HTMLInputElement>('folder-input');
const dropZone = byId('drop-zone');

async function uploadDataset(files: PickedFile[]): Promise<void> {
  const clean = withoutJunk(files);
  if (!clean.length) throw new RequestError('usage', 'no files to upload');
  log.append(
    `Uploading ${clean.length} file(s): ${clean
      .slice(0, 4)
      .map((f) => f.name)
      .join(', ')}${clean.length > 4 ? ', …' : ''}`,
  );
  const uploadId = await sendFiles(t, 'dataset', clean, (done, total) =>
    status.say(`Sending files to the backend: ${done}/${total}`),
  );
  await t.request('loadUpload', { uploadId });
}

async function pickDataset(mode: 'file' | 'folder'): Promise<void> {
  show('data');
  // The desktop app uses its own dialog (it opens in the app's data/ folder); a browser uses file inputs.
  if (t.shell === 'electron') await t.request('pickDataset', { mode });
  else (mode === 'file' ? fileInput : folderInput).click();
}

fileInput.onchange = () =>
  void act(() => uploadDataset(fromInput(fileInput))).finally(() => {
    fileInput.value = '';
  });
folderInput.onchange = () =>
  void act(() => uploadDataset(fromInput(folderInput))).finally(() => {
    folderInput.value = '';
  });
byId('choose-files').onclick = () => void act(() => pickDataset('file'));
byId('choose-folder').onclick = () => void act(() => pickDataset('folder'));
for (const target of [dropZone, buttons.get('upload')!.button.parentElement!]) {
  target.addEventListener('dragover', (e) => {
    e.preventDefault();
    dropZone.classList.add('over');
  });
  target.addEventListener('dragleave', () => dropZone.classList.remove('over'));
  target.addEventListener('drop', (e) => {
    e.preventDefault();
    dropZone.classList.remove('over');
    if (!gates(state).upload.enabled) return status.say(gates(state).upload.reason);
    show('data');
    void act(async () => uploadDataset(await fromDrop(e.dataTransfer!)));
  });
}

// --- The six buttons --------------------------------------------------------
function numberInput(id: string, min: number, max: number): number {
  const input = byId<HTMLInputElement>(id);
  const v = Number(input.value);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new RequestError(
      'usage',
      `${input.labels?.[0]?.textContent?.trim() ?? id} must be a whole number from ${min} to ${max}`,
    );
  return v;
}

function train(model: string): Promise<unknown> {
  show('chart');
  return t.request('train', {
    model,
    epochs: numberInput('epochs', 1, 500),
    batchSize: numberInput('batch', 1, 1024),
    learningRate: null,
  });
}

const handlers: Partial<Record<ActionId, () => Promise<unknown>>> = {
  upload: () => pickDataset('file'),
  preprocess: () => {
    show('data');
    const pca = byId<HTMLSelectElement>('pca').value;
    return t.request('preprocess', {
      size: Number(byId<HTMLSelectElement>('size').value),
      pca: pca ? Number(pca) : null,
      seed: 42,
    });
  },
  compare: async () => {
    show('chart');
    if (state.snapshot?.preprocessed?.counts.test) await t.request('compare', {});
  },
  predict: async () => {
    show('predict');
    byId<HTMLInputElement>('photo-input').click();
  },
  live: async () => {
    show('live');
    await live.start();
  },
};
// One train button per registered kind (gating.ts); the rest have their own handler.
const handlerOf = (id: ActionId): (() => Promise<unknown>) => {
  const kind = trainedKind(id);
  return kind ? () => train(kind) : handlers[id]!;
};
for (const [id, { button }] of buttons) button.onclick = () => void act(handlerOf(id));

// --- Predict ------------------------------------------------------------------
const photoInput = byId<HTMLInputElement>('photo-input');
async function predict(photo: File, uploadId: string, wholeImage: boolean): Promise<void> {
  const result = await t.request('predict', { uploadId, wholeImage });
  await renderPrediction(
    byId('prediction'),
    photo,
    result,
    () => void act(() => predict(photo, uploadId, true)),
    () => t.request('heatMaps', { uploadId, wholeImage }),
  );
}
photoInput.onchange = () =>
  void act(async () => {
    const photo = photoInput.files?.[0];
    if (!photo) return;
    const uploadId = await sendFiles(t, 'photo', [{ name: photo.name, file: photo }], () => undefined);
    await predict(photo, uploadId, false);
  }).finally(() => {
    photoInput.value = '';
  });

const detectorSelect = byId<HTMLSelectElement>('detector');
detectorSelect.onchange = () =>
  void act(async () => {
    const kind = DETECTOR_KINDS.find((k) => k === detectorSelect.value);
    if (kind) await t.request('setDetector', { detector: kind });
  });

// --- Tabs and exports ------------------------------------------------------------
for (const tab of document.querySelectorAll<HTMLButtonElement>('#tabs button'))
  tab.onclick = () => show(tab.dataset.view as View);
byId('export-png').onclick = () => download('fer-accuracy.png', chart.png());
byId('export-csv').onclick = () =>
  downloadText('fer-accuracy.csv', numbersCsv(state.series, state.snapshot), 'text/csv');
byId('export-json').onclick = () =>
  downloadText('fer-accuracy.json', numbersJson(state.series, state.snapshot), 'application/json');
const logBox = byId('log-box');
byId('log-toggle').onclick = () => {
  const collapsed = logBox.classList.toggle('collapsed');
  byId('log-toggle').textContent = collapsed ? 'Show log' : 'Hide log';
  byId('log-toggle').setAttribute('aria-expanded', String(!collapsed));
};
byId('export-report').onclick = () =>
  void act(async () => {
    const r = await t.request('exportReport', {});
    downloadText(r.fileName, r.html, 'text/html');
  });
show('data');
render();
