/** Detect + crop: the faces of a decoded photo, ready for a 48x48 (or `size`) classifier. */
import { cropFace, wholeImage } from './crop.ts';
import type { DetectedFace, FaceDetector } from './detector.ts';
import { detectFaces, type Box, type DetectOptions } from './haar.ts';
import { levelledCrop, type LandmarkedFace } from './levelled-crop.ts';

export interface GrayImage {
  gray: Uint8Array;
  width: number;
  height: number;
}
/** A decoded photo; `rgb` (width*height*3) is what YuNet needs. */
export interface PhotoImage extends GrayImage {
  rgb?: Uint8Array;
}

export interface FindFacesOptions extends DetectOptions {
  /** Extra framing around each detected box (see `expandBox`). Default 0.2. */
  margin?: number;
  /** Side of each square crop. Default 48 (FER2013). */
  size?: number;
  /**
   * When no face is found, return the whole image as one "face" (box = the
   * image, `wholeImage: true`) instead of an empty list. Default false.
   */
  wholeImageIfNone?: boolean;
  /**
   * The detector to use (detector.ts: YuNet or Haar); it needs `image.rgb`. Without
   * one, the Haar cascade runs on the gray image with the DetectOptions above.
   */
  detector?: FaceDetector;
  /**
   * With a detector that gives eye landmarks (YuNet): turn each crop so the eyes are
   * level (levelled-crop.ts says what that buys). Default true.
   */
  levelEyes?: boolean;
}

export interface FoundFace {
  /** [x, y, w, h] in the decoded (EXIF-upright) image's pixels. */
  box: [number, number, number, number];
  /** `size` x `size` grayscale crop, row-major. */
  crop: Uint8Array;
  /** True only for the whole-image fallback. */
  wholeImage?: boolean;
  /** The detector's confidence (YuNet); absent for Haar and the whole image. */
  score?: number;
}

/** Faces in `image`, largest first; an empty list means "no face found". */
export async function findFaces(image: PhotoImage, opts: FindFacesOptions = {}): Promise<FoundFace[]> {
  const { gray, width, height } = image;
  const size = opts.size ?? 48;
  const boxes: ScoredBox[] = opts.detector
    ? await detectWith(opts.detector, image)
    : await detectFaces(gray, width, height, opts);
  // Largest first (the main subject); ties broken top-to-bottom, left-to-right so order is stable.
  boxes.sort((a, b) => b.w * b.h - a.w * a.h || a.y - b.y || a.x - b.x);
  const faces: FoundFace[] = boxes.map((b) => ({
    box: [b.x, b.y, b.w, b.h],
    crop: cropDetectedFace(image, b, opts.levelEyes === false ? undefined : b.face, opts.margin ?? 0.2, size),
    ...(b.score !== undefined ? { score: b.score } : {}),
  }));
  if (faces.length === 0 && opts.wholeImageIfNone) {
    faces.push({ box: [0, 0, width, height], crop: wholeImage(gray, width, height, size), wholeImage: true });
  }
  return faces;
}

/**
 * The crop of one detected face, as photo Predict and the live view take it: turned so
 * the eyes are level where the detector gave eye landmarks (YuNet; `face` is its
 * unrounded box and landmarks), else the upright whole-pixel `box`.
 */
export function cropDetectedFace(
  image: GrayImage,
  box: Box,
  face: LandmarkedFace | undefined,
  margin = 0.2,
  size = 48,
): Uint8Array {
  const { gray, width, height } = image;
  return face?.landmarks.length
    ? levelledCrop(gray, width, height, face, margin, size)
    : cropFace(gray, width, height, box, margin, size);
}

/** The detector's own face (unrounded, with landmarks) rides along for the levelled crop. */
type ScoredBox = Box & { score?: number; face?: DetectedFace };

/** Whole-pixel boxes inside the image (YuNet's may reach past a photo's edge); a box left empty is dropped. */
async function detectWith(detector: FaceDetector, image: PhotoImage): Promise<ScoredBox[]> {
  const { rgb, width, height } = image;
  if (!rgb) throw new RangeError('findFaces: this detector needs the RGB image (decodeImage returns it)');
  const out: ScoredBox[] = [];
  for (const f of await detector.detect(rgb, width, height, 3)) {
    const [x, y, w, h] = f.box;
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(width, Math.round(x + w));
    const y1 = Math.min(height, Math.round(y + h));
    if (x1 > x0 && y1 > y0)
      out.push({
        x: x0,
        y: y0,
        w: x1 - x0,
        h: y1 - y0,
        face: f,
        ...(detector.name === 'yunet' ? { score: f.score } : {}),
      });
  }
  return out;
}
