/**
 * The backend side of the live view: one camera frame -> faces and every
 * loaded model's probabilities. One frame at a time: the page sends the next
 * frame only after this one's answer, and a frame that arrives while another
 * is analysed (a second tab) is refused as busy rather than queued, so the
 * answer the page gets is never about an old frame.
 */
import * as tf from '@tensorflow/tfjs';
import { anyModelPhrase, type LiveFrameResult, type ModelSlot, type RequestArgs } from '../contract/contract.ts';
import { FerError } from '../core/errors.ts';
import { decodeImage } from '../core/image/decode-image.ts';
import { describeDetector, sharedFaceDetector, type FaceDetector } from '../core/face/detector.ts';
import { classifierRuntime } from '../core/onnx/inference-config.ts';
import { analyseFrame, rgbaFrame, type FrameDetector, type FrameImage } from '../core/live/analyse-frame.ts';
import type { Session } from './session.ts';

export class LiveFrames {
  private inFlight = false;

  constructor(private readonly session: Session) {}

  async analyse(args: RequestArgs<'liveFrame'>): Promise<LiveFrameResult> {
    const slots = this.session.loadedSlots();
    if (!slots.length)
      throw new FerError(`no model to recognise expressions with yet: train ${anyModelPhrase()} first`, {
        kind: 'usage',
      });
    if (this.inFlight)
      throw new FerError('frame dropped: the previous frame is still being analysed', { kind: 'busy' });
    this.inFlight = true;
    try {
      const t0 = performance.now();
      const frame = await decodeFrame(args);
      const t1 = performance.now();
      // The detector chosen in the app (YuNet by default, or Haar), shared with Predict and closed with the service.
      const d = await sharedFaceDetector({ kind: this.session.detector.kind, haar: HAAR_FOR_FRAMES });
      const models = slots.map((s) => this.session.models[s]!.fer);
      // No mirror TTA: the tracker's average over frames does that smoothing, at half the classification work (bench/live.ts).
      const a = await analyseFrame(models, frame, framesOf(d), { tta: false });
      // The classifiers run on ONNX Runtime where it loads (core/train/infer.ts), else on TensorFlow.js.
      const ort = await classifierRuntime();
      const classes: Partial<Record<ModelSlot, string[]>> = {};
      slots.forEach((s, i) => {
        classes[s] = [...models[i].meta.classes];
      });
      return {
        width: frame.width,
        height: frame.height,
        classes,
        detector: describeDetector(d),
        backend: ort ? `ONNX Runtime (${ort.name})` : `TensorFlow.js ${this.session.backend ?? ''}`.trim(),
        tensors: tf.memory().numTensors,
        faces: a.faces.map((f) => ({
          box: f.box,
          score: f.score,
          probabilities: Object.fromEntries(slots.map((s, i) => [s, Array.from(f.probabilities[i] ?? [])])),
        })),
        timings: {
          decode: t1 - t0,
          detect: a.timings.detect,
          classify: a.timings.classify,
          total: performance.now() - t0,
        },
      };
    } finally {
      this.inFlight = false;
    }
  }
}

/**
 * Haar, when it is chosen or YuNet cannot run, searches a frame shrunk to 480 px
 * for faces at least a tenth of it: its time grows with the pixels searched and
 * a webcam face is rarely smaller; at 320 px it already missed the test frames'
 * face (test/app/live-frames.test.ts).
 */
const HAAR_FOR_FRAMES = { maxSide: 480, minSizeFraction: 0.1 };

function framesOf(d: FaceDetector): FrameDetector {
  return async (frame) =>
    (await d.detect(frame.rgb, frame.width, frame.height, 3)).map((f) => ({
      box: f.box.map(Math.round) as [number, number, number, number],
      score: d.name === 'yunet' ? f.score : null,
      // YuNet's landmarks: the crop is eye-levelled as in photo Predict (Haar gives none).
      ...(f.landmarks.length ? { face: f } : {}),
    }));
}

async function decodeFrame(args: RequestArgs<'liveFrame'>): Promise<FrameImage> {
  const bytes = new Uint8Array(Buffer.from(args.image, 'base64'));
  if (args.format === 'rgba') {
    if (bytes.length !== args.width * args.height * 4)
      throw new FerError(`camera frame: ${bytes.length} bytes for a ${args.width}x${args.height} RGBA frame`);
    return rgbaFrame(bytes, args.width, args.height);
  }
  const img = await decodeImage(bytes, { file: 'camera frame', maxPixels: args.width * args.height });
  if (img.width !== args.width || img.height !== args.height)
    throw new FerError(`camera frame: ${img.width}x${img.height}, announced as ${args.width}x${args.height}`);
  return img;
}
