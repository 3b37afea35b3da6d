/**
 * YuNet's outputs -> faces, as OpenCV's `FaceDetectorYN::postProcess` (4.8+) does it:
 * per stride (8, 16, 32) a grid of anchors with class, objectness, box and landmark
 * heads; score = sqrt(cls x obj); then non-maximum suppression on integer boxes
 * (OpenCV truncates them to `Rect2i` before `NMSBoxes`, so the same boxes survive).
 * Pure arithmetic: no runtime, no Node or DOM API, so the page can reuse it.
 */

export const YUNET_STRIDES = [8, 16, 32] as const;

export interface DetectedFace {
  /** [x, y, w, h] in the detected image's pixels; may extend past its edges (a face cut by the frame). */
  box: [number, number, number, number];
  /** Detector confidence in [0, 1]. */
  score: number;
  /** Right eye, left eye, nose tip, right and left mouth corner (as the subject sees them), [x, y] each; empty for Haar. */
  landmarks: [number, number][];
}

/** One stride's head outputs, flat row-major over its (padH/stride) x (padW/stride) grid. */
export interface YunetHeads {
  cls: Float32Array;
  obj: Float32Array;
  bbox: Float32Array;
  kps: Float32Array;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** Every anchor scoring at least `scoreThreshold`, before NMS; `heads[i]` belongs to YUNET_STRIDES[i]. */
export function decodeYunet(
  heads: readonly YunetHeads[],
  padW: number,
  padH: number,
  scoreThreshold: number,
): DetectedFace[] {
  const faces: DetectedFace[] = [];
  YUNET_STRIDES.forEach((stride, s) => {
    const { cls, obj, bbox, kps } = heads[s];
    const cols = Math.floor(padW / stride);
    const rows = Math.floor(padH / stride);
    if (
      cls.length !== rows * cols ||
      obj.length !== rows * cols ||
      bbox.length !== rows * cols * 4 ||
      kps.length !== rows * cols * 10
    ) {
      throw new RangeError(`YuNet stride ${stride}: outputs do not match a ${padW}x${padH} input`);
    }
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const score = Math.sqrt(clamp01(cls[i]) * clamp01(obj[i]));
        if (score < scoreThreshold) continue;
        const cx = (c + bbox[i * 4]) * stride;
        const cy = (r + bbox[i * 4 + 1]) * stride;
        const w = Math.exp(bbox[i * 4 + 2]) * stride;
        const h = Math.exp(bbox[i * 4 + 3]) * stride;
        const landmarks: [number, number][] = [];
        for (let n = 0; n < 5; n++)
          landmarks.push([(kps[i * 10 + 2 * n] + c) * stride, (kps[i * 10 + 2 * n + 1] + r) * stride]);
        faces.push({ box: [cx - w / 2, cy - h / 2, w, h], score, landmarks });
      }
    }
  });
  return faces;
}

/** Intersection over union of two integer rectangles, as OpenCV's `rectOverlap`. */
function iou(a: readonly number[], b: readonly number[]): number {
  const areaA = a[2] * a[3];
  const areaB = b[2] * b[3];
  if (areaA + areaB <= 0) return 1;
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  const inter = w > 0 && h > 0 ? w * h : 0;
  return inter / (areaA + areaB - inter);
}

/** Greedy NMS, highest score first (ties in input order), keeping at most `topK` candidates. */
export function suppressOverlaps(faces: readonly DetectedFace[], iouThreshold: number, topK = 5000): DetectedFace[] {
  const order = faces
    .map((_, i) => i)
    .sort((i, j) => faces[j].score - faces[i].score || i - j)
    .slice(0, topK);
  const rects = faces.map((f) => f.box.map(Math.trunc));
  const kept: number[] = [];
  for (const i of order) {
    if (kept.every((k) => iou(rects[i], rects[k]) <= iouThreshold)) kept.push(i);
  }
  return kept.map((i) => faces[i]);
}
