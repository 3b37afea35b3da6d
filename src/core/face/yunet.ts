/**
 * The YuNet face detector on an ONNX Runtime session: pixels in, faces (box, score,
 * 5 landmarks) out, in the input image's coordinates. The runtime and the model bytes
 * are passed in (no file or environment access here), so the same code runs in Node
 * (onnxruntime-node or -web) and in a page (onnxruntime-web).
 */
import type { InferenceSession } from 'onnxruntime-common';
import type { OrtRuntime, OrtRuntimeName } from '../onnx/ort-runtime.ts';
import { decodeYunet, suppressOverlaps, YUNET_STRIDES, type DetectedFace, type YunetHeads } from './yunet-decode.ts';
import { yunetInput } from './yunet-input.ts';

export interface YunetOptions {
  /**
   * Longer side the image is shrunk to before detection (never enlarged). Default 1024,
   * as the Haar cascade's: a webcam frame is detected whole, and in a 12 MP group photo
   * faces 90 px wide are still found (at 640 they shrink below what YuNet sees).
   * Smaller loses small faces first. On webcam frames (scripts/measure-yunet-frame-sizes.ts)
   * shrinking saves nothing on onnxruntime-node, whose inference at full size costs about what
   * the shrinking does, but is worth it on onnxruntime-web: pass 320 there.
   */
  maxSide?: number;
  /** Default 0.75: real faces score 0.90-0.95 on the shared photos, a cat and a coffee cup at most 0.57. */
  scoreThreshold?: number;
  /** Default 0.3, as OpenCV's FaceDetectorYN. */
  nmsThreshold?: number;
  /** Candidates kept before NMS. Default 5000, as OpenCV. */
  topK?: number;
  /** Threads of one inference (onnxruntime-node's intraOpNumThreads). Default 2: the model is small, more threads mostly wait. */
  threads?: number;
}

export interface YunetDetector {
  runtime: OrtRuntimeName;
  /** `pixels`: RGB or RGBA, row-major, `channels` bytes per pixel. Calls are run one at a time. */
  detect(
    pixels: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
    channels: 3 | 4,
  ): Promise<DetectedFace[]>;
  dispose(): Promise<void>;
}

/** The options with their defaults; a RangeError names a bad one. */
export function checkYunetOptions(o: YunetOptions): Required<Omit<YunetOptions, 'threads'>> {
  const maxSide = o.maxSide ?? 1024;
  const scoreThreshold = o.scoreThreshold ?? 0.75;
  const nmsThreshold = o.nmsThreshold ?? 0.3;
  const topK = o.topK ?? 5000;
  if (!Number.isInteger(maxSide) || maxSide < 32)
    throw new RangeError(`YuNet: maxSide must be a whole number >= 32, got ${maxSide}`);
  if (!(scoreThreshold >= 0 && scoreThreshold <= 1))
    throw new RangeError(`YuNet: scoreThreshold must be in [0, 1], got ${scoreThreshold}`);
  if (!(nmsThreshold >= 0 && nmsThreshold <= 1))
    throw new RangeError(`YuNet: nmsThreshold must be in [0, 1], got ${nmsThreshold}`);
  if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`YuNet: topK must be a whole number >= 1, got ${topK}`);
  if (o.threads !== undefined && !(Number.isInteger(o.threads) && o.threads >= 1))
    throw new RangeError(`YuNet: threads must be a whole number >= 1, got ${o.threads}`);
  return { maxSide, scoreThreshold, nmsThreshold, topK };
}

/** Opens `model` (the bytes of yunet_s_dynamic.onnx, or any YuNet export with inputs of any multiple of 32). */
export async function createYunetDetector(
  rt: OrtRuntime,
  model: Uint8Array,
  opts: YunetOptions = {},
): Promise<YunetDetector> {
  const o = checkYunetOptions(opts);
  const sessionOptions: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: opts.threads ?? 2,
    // Idle threads sleep instead of spinning: on a busy machine spinning took the cores from the
    // threads doing the work (as for the classifiers, bench/eval.ts) and made detection slower.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  const session = await rt.ort.InferenceSession.create(model, sessionOptions);
  const inputName = session.inputNames[0];
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function run(
    pixels: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
    channels: 3 | 4,
  ): Promise<DetectedFace[]> {
    if (closed) throw new Error('YuNet: detector disposed');
    const input = yunetInput(pixels, width, height, channels, o.maxSide);
    const tensor = new rt.ort.Tensor('float32', input.data, [1, 3, input.padH, input.padW]);
    const out = await session.run({ [inputName]: tensor });
    const get = (name: string): Float32Array => {
      const t = out[name];
      if (!t || !(t.data instanceof Float32Array)) throw new Error(`YuNet: the model has no float output "${name}"`);
      return t.data;
    };
    const heads: YunetHeads[] = YUNET_STRIDES.map((s) => ({
      cls: get(`cls_${s}`),
      obj: get(`obj_${s}`),
      bbox: get(`bbox_${s}`),
      kps: get(`kps_${s}`),
    }));
    const faces = suppressOverlaps(
      decodeYunet(heads, input.padW, input.padH, o.scoreThreshold),
      o.nmsThreshold,
      o.topK,
    );
    const { scaleX: sx, scaleY: sy } = input;
    if (sx === 1 && sy === 1) return faces;
    return faces.map((f) => ({
      box: [f.box[0] * sx, f.box[1] * sy, f.box[2] * sx, f.box[3] * sy],
      score: f.score,
      landmarks: f.landmarks.map(([x, y]) => [x * sx, y * sy]),
    }));
  }

  return {
    runtime: rt.name,
    detect(pixels, width, height, channels) {
      // One inference at a time: onnxruntime-web refuses concurrent runs on one session.
      const p = queue.then(() => run(pixels, width, height, channels));
      queue = p.catch(() => undefined);
      return p;
    },
    async dispose() {
      if (closed) return;
      closed = true;
      await queue;
      await session.release();
    },
  };
}
