/**
 * The live camera: frames from getUserMedia go to the backend one at a time
 * (the next is captured only when the previous answer is drawn, so a slow
 * frame is skipped, never queued), the answers are tracked and smoothed
 * (live-tracker.ts) and drawn over the video with the shared overlay.
 *
 * Why the backend and why a JPEG: the backend runs YuNet on onnxruntime-node
 * (native; several times faster per frame than onnxruntime-web in a page, as
 * measured for ../shared/models/yunet/README.md) and the classifiers on its
 * native runtime and threads, where the page would run both in wasm on its one
 * main thread beside the video; a JPEG is a few percent of the RGBA frame's
 * bytes and cheaper to encode than RGBA is to base64. bench/live.ts measures
 * the whole loop and the two frame formats ("live frame as ..." rows).
 *
 * The camera is released (every track stopped) on Stop, when the view is left,
 * when the window is hidden or closed, and when a job that needs the
 * processor starts; the reason is shown.
 */
import { MODEL_SLOTS, type LiveFrameResult } from '../../../src/contract/contract.ts';
import { el } from '../format.ts';
import { FaceTracker, type Track } from '../live-tracker.ts';
import { RequestError } from '../request-error.ts';
import { Timeline } from '../live-timeline.ts';
import type { Transport } from '../transport.ts';
import { downloadText } from './export.ts';
import { canvasPoint, drawOverlay, faceAt, type DrawnFace } from './face-overlay.ts';
import { cameraError, captureJpeg, jpegBase64, nextVideoFrame } from './live-camera.ts';
import { LiveFaceCards, shortLabel } from './live-face-cards.ts';
import { drawMirrored, saveSnapshot, stamp } from './live-snapshot.ts';
import { LiveStats } from './live-stats.ts';
import { drawHeat, heatControls, type ShownHeat } from './heat-overlay.ts';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export class LiveView {
  private readonly video = byId<HTMLVideoElement>('live-video');
  private readonly overlay = byId<HTMLCanvasElement>('live-overlay');
  private readonly faces = byId('live-faces');
  private readonly stats = new LiveStats(byId('live-stats'));
  private readonly message = byId('live-message');
  private readonly picker = byId<HTMLSelectElement>('live-camera');
  private readonly mirror = byId<HTMLInputElement>('live-mirror');
  private readonly startButton = byId<HTMLButtonElement>('live-start');
  private readonly stopButton = byId<HTMLButtonElement>('live-stop');
  private readonly snapshotButton = byId<HTMLButtonElement>('live-snapshot');
  private readonly heatButton = byId<HTMLButtonElement>('live-heat');
  private readonly recordButton = byId<HTMLButtonElement>('live-record');
  private readonly exportCsv = byId<HTMLButtonElement>('live-export-csv');
  private readonly exportJson = byId<HTMLButtonElement>('live-export-json');
  /** Two capture canvases: one is being analysed while the other holds the last drawn frame (for Snapshot). */
  private readonly frames = [document.createElement('canvas'), document.createElement('canvas')];
  private readonly tracker = new FaceTracker();
  private readonly cards = new LiveFaceCards(this.faces, (id) => this.setHighlight(id, false));
  private stream: MediaStream | null = null;
  /** Bumped on every start and stop: a loop from an older session ends itself. */
  private session = 0;
  private startedAt = 0;
  private drawn: DrawnFace[] = [];
  private highlight: number | null = null;
  private last: { result: LiveFrameResult; tracks: Track[]; frame: HTMLCanvasElement } | null = null;
  private detector = '';
  private backend = '';
  private timeline: Timeline | null = null;
  private recorded: Timeline | null = null;

  constructor(
    private readonly t: Transport,
    private readonly onMessage: (text: string) => void,
  ) {
    this.startButton.onclick = () => void this.start();
    this.stopButton.onclick = () => this.stop('Camera stopped and released.');
    this.picker.onchange = () => {
      if (this.stream) void this.start();
    };
    this.mirror.onchange = () => {
      this.applyMirror();
      this.redraw();
    };
    this.snapshotButton.onclick = () =>
      this.last && saveSnapshot(this.last.result, this.last.tracks, this.last.frame, this.mirror.checked);
    this.heatButton.onclick = () => void this.pauseForHeat();
    this.recordButton.onclick = () => this.toggleRecord();
    this.exportCsv.onclick = () =>
      this.recorded && downloadText(`fer-live-${stamp()}.csv`, this.recorded.csv(), 'text/csv');
    this.exportJson.onclick = () =>
      this.recorded && downloadText(`fer-live-${stamp()}.json`, this.recorded.json(), 'application/json');
    this.overlay.onmousemove = (e) => this.setHighlight(this.faceUnder(e), false);
    this.overlay.onmouseleave = () => this.setHighlight(null, false);
    this.overlay.onclick = (e) => this.setHighlight(this.faceUnder(e), true);
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) this.stop('Camera released: the window was hidden.');
    });
    window.addEventListener('pagehide', () => this.stop('Camera released: the window was closed.'));
    new ResizeObserver(() => this.redraw()).observe(this.video);
    this.applyMirror();
    this.renderStats();
  }

  get running(): boolean {
    return this.stream !== null;
  }

  async start(): Promise<void> {
    document.getElementById('live-paused')?.remove();
    this.release();
    const session = ++this.session;
    this.say('Starting the camera…');
    let stream: MediaStream;
    try {
      if (!navigator.mediaDevices?.getUserMedia)
        throw new DOMException('this page cannot use a camera (it needs a secure context)', 'NotSupportedError');
      const deviceId = this.picker.value;
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: {
          ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
          width: { ideal: 640 },
          height: { ideal: 480 },
        },
      });
    } catch (e) {
      if (session === this.session) this.say(cameraError(e));
      return;
    }
    if (session !== this.session) {
      stream.getTracks().forEach((tr) => tr.stop());
      return;
    }
    this.stream = stream;
    this.video.srcObject = stream;
    this.setButtons();
    await this.video.play().catch(() => undefined);
    await this.listCameras(stream);
    // Stopped meanwhile (hidden, left, a job started): that stop already released this stream and said why.
    if (session !== this.session) return;
    this.tracker.reset();
    this.cards.clear();
    this.last = null;
    this.startedAt = performance.now();
    this.stats.reset();
    this.setButtons();
    this.say('Camera on. Looking for faces…');
    void this.loop(session);
  }

  /** Releases the camera (no-op when it is off) and says why. */
  stop(reason: string): void {
    // Always a new session: a start still waiting for the camera sees it and releases what it gets.
    this.session++;
    if (!this.stream) return;
    this.release();
    this.say(reason);
    this.onMessage(reason);
  }

  private release(): void {
    this.stream?.getTracks().forEach((tr) => tr.stop());
    this.stream = null;
    this.video.srcObject = null;
    if (this.timeline) this.toggleRecord();
    this.overlay.getContext('2d')!.clearRect(0, 0, this.overlay.width, this.overlay.height);
    this.overlay.dataset.faces = '[]';
    this.setButtons();
  }

  private async loop(session: number): Promise<void> {
    let buffer = 0;
    let failures = 0;
    // Frames the video has shown, counted as they come: a frame that arrived while the last
    // one was analysed is captured at once, and only an already-analysed frame waits for the next.
    let shown = 0;
    const count = () => {
      shown++;
      if (session === this.session) this.video.requestVideoFrameCallback(count);
    };
    this.video.requestVideoFrameCallback(count);
    let captured = -1;
    while (session === this.session) {
      if (shown === captured) await nextVideoFrame(this.video);
      if (session !== this.session) return;
      captured = shown;
      if (!this.video.videoWidth) continue;
      const frame = this.frames[buffer];
      const t0 = performance.now();
      const image = captureJpeg(this.video, frame);
      const t1 = performance.now();
      let result: LiveFrameResult;
      try {
        result = await this.t.request('liveFrame', { image, format: 'jpeg', width: frame.width, height: frame.height });
        failures = 0;
      } catch (e) {
        if (session !== this.session) return;
        const err = e instanceof RequestError ? e : new RequestError('internal', (e as Error).message);
        if (err.kind === 'busy' && /camera stopped/.test(err.message)) return this.stop(capitalise(err.message));
        if (err.kind === 'busy') continue; // another frame was being analysed: this one is skipped
        this.overlay.dispatchEvent(new CustomEvent('fer-live-error', { detail: { message: err.message } }));
        if (++failures >= 3 || err.kind === 'usage') return this.stop(`Camera stopped: ${err.message}`);
        this.say(`A frame failed: ${err.message}`);
        continue;
      }
      if (session !== this.session) return;
      this.show(result, frame, [t0, t1, performance.now()]);
      buffer = 1 - buffer;
    }
  }

  /** `at`: when the frame was captured, encoded and answered. */
  private show(result: LiveFrameResult, frame: HTMLCanvasElement, at: [number, number, number]): void {
    const [t0, t1, t2] = at;
    const now = performance.now();
    const tracks = this.tracker.update(
      result.faces.map((f) => ({ box: f.box, probabilities: f.probabilities })),
      now,
    );
    this.last = { result, tracks, frame };
    this.detector = result.detector;
    this.backend = result.backend;
    this.redraw();
    this.cards.update(result, tracks, now, (now - this.startedAt) / 1000);
    this.timeline?.add(now - this.startedAt, tracks, result.classes);
    if (this.timeline) this.recordButton.textContent = `Stop recording (${this.timeline.rows.length} rows)`;
    const done = performance.now();
    this.stats.add(t0, done);
    this.say(tracks.length ? '' : 'No face in view.');
    this.renderStats();
    // For measuring tools (bench/live.ts): free when nobody listens, and nothing accumulates.
    this.overlay.dispatchEvent(
      new CustomEvent('fer-live-frame', {
        detail: {
          latencyMs: done - t0,
          captureMs: t1 - t0,
          requestMs: t2 - t1,
          drawMs: done - t2,
          faces: tracks.length,
          tensors: result.tensors,
          timings: result.timings,
        },
      }),
    );
  }

  /** The overlay, at the video's displayed size, from the last answer. */
  private redraw(): void {
    const c = this.overlay;
    const w = Math.round(this.video.clientWidth * devicePixelRatio);
    const h = Math.round(this.video.clientHeight * devicePixelRatio);
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    const g = c.getContext('2d')!;
    g.clearRect(0, 0, c.width, c.height);
    if (!this.last || !this.stream || !w) return;
    const { result, tracks } = this.last;
    const faces = tracks.map((tr) => ({ id: tr.id, box: tr.box, label: shortLabel(tr, result) }));
    this.drawn = drawOverlay(g, faces, {
      scale: w / result.width,
      sourceWidth: result.width,
      mirror: this.mirror.checked,
      fontPx: 14 * devicePixelRatio,
      highlight: this.highlight,
    });
    // For the end-to-end test and assistive tools: what is drawn, in frame pixels.
    c.dataset.faces = JSON.stringify(
      faces.map((f, i) => ({
        id: f.id,
        box: f.box.map(Math.round),
        label: f.label,
        labelAt: rectList(this.drawn[i].label),
      })),
    );
    c.dataset.frameWidth = String(result.width);
    c.dataset.frameHeight = String(result.height);
  }

  private setHighlight(id: number | null, scroll: boolean): void {
    if (id === this.highlight && !scroll) return;
    this.highlight = id;
    this.cards.highlight(id, scroll);
    this.redraw();
  }

  private faceUnder(e: MouseEvent): number | null {
    const p = canvasPoint(this.overlay, e);
    return faceAt(this.drawn, p.x, p.y);
  }

  private renderStats(): void {
    this.stats.render(this.running, this.detector, this.backend);
  }

  private toggleRecord(): void {
    if (this.timeline) {
      this.recorded = this.timeline;
      this.timeline = null;
      this.recordButton.textContent = 'Record';
      this.recordButton.setAttribute('aria-pressed', 'false');
    } else {
      this.timeline = new Timeline();
      this.recordButton.textContent = 'Stop recording (0 rows)';
      this.recordButton.setAttribute('aria-pressed', 'true');
    }
    this.setButtons();
  }

  /** The analysed frame with its overlay as PNG, and the predictions as JSON. */
  /**
   * Stops on the last analysed frame and offers its heat maps: a backward pass per model is
   * too slow for every frame (heat-job.ts), so they are computed for this one frame, on request.
   */
  private async pauseForHeat(): Promise<void> {
    if (!this.last) return;
    const { result, tracks, frame } = this.last;
    // A copy: the capture canvases are reused by the next start.
    const still = document.createElement('canvas');
    still.width = frame.width;
    still.height = frame.height;
    still.getContext('2d')!.drawImage(frame, 0, 0);
    const image = jpegBase64(still);
    const mirror = this.mirror.checked;
    this.stop('Paused on this frame: tick "Show heat maps" to see where each model looked; Start camera goes on.');
    const box = el('div');
    box.id = 'live-paused';
    const canvas = el('canvas');
    canvas.id = 'live-paused-frame';
    canvas.style.maxWidth = '100%';
    const faces = tracks.map((tr) => ({ id: tr.id, box: tr.box, label: shortLabel(tr, result) }));
    const draw = async (heat: ShownHeat | null) => {
      const flat = document.createElement('canvas');
      flat.width = canvas.width = still.width;
      flat.height = canvas.height = still.height;
      const fg = flat.getContext('2d')!;
      fg.drawImage(still, 0, 0);
      if (heat) await drawHeat(fg, heat, still.width / heat.result.width);
      const g = canvas.getContext('2d')!;
      drawMirrored(g, flat, mirror);
      drawOverlay(g, faces, { scale: canvas.width / result.width, sourceWidth: result.width, mirror, fontPx: 14 });
      canvas.dataset.heat = heat ? heat.slot : '';
    };
    const slots = MODEL_SLOTS.filter((s) => result.classes[s]);
    const load = () =>
      this.t.request('liveHeatMaps', { image, format: 'jpeg', width: still.width, height: still.height });
    box.append(heatControls(slots, load, draw, 'live-'), canvas);
    document.getElementById('live-paused')?.remove();
    this.message.after(box);
    await draw(null);
  }

  private async listCameras(stream: MediaStream): Promise<void> {
    const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    const current = stream.getVideoTracks()[0]?.getSettings().deviceId;
    this.picker.replaceChildren(
      ...devices.map((d, i) => {
        const o = el('option', d.label || `Camera ${i + 1}`);
        o.value = d.deviceId;
        o.selected = d.deviceId === current;
        return o;
      }),
    );
  }

  private applyMirror(): void {
    this.video.classList.toggle('mirrored', this.mirror.checked);
  }

  private setButtons(): void {
    const on = this.running;
    this.startButton.disabled = on;
    this.stopButton.disabled = !on;
    this.snapshotButton.disabled = !on;
    this.heatButton.disabled = !on;
    this.recordButton.disabled = !on && !this.timeline;
    this.exportCsv.disabled = this.exportJson.disabled = !this.recorded?.rows.length;
  }

  private say(text: string): void {
    this.message.textContent = text;
    this.message.hidden = !text;
  }
}

const rectList = (r: { x: number; y: number; w: number; h: number }): number[] => [r.x, r.y, r.w, r.h].map(Math.round);
const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
