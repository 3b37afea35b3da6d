/** Detect + crop: the faces of a decoded photo, ready for a 48x48 (or `size`) classifier. */
import { cropFace, wholeImage } from './crop.ts';
import { detectFaces, type DetectOptions } from './haar.ts';

export interface GrayImage { gray: Uint8Array; width: number; height: number }

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
}

export interface FoundFace {
  /** [x, y, w, h] in the decoded (EXIF-upright) image's pixels. */
  box: [number, number, number, number];
  /** `size` x `size` grayscale crop, row-major. */
  crop: Uint8Array;
  /** True only for the whole-image fallback. */
  wholeImage?: boolean;
}

/** Faces in `image`, largest first; an empty list means "no face found". */
export async function findFaces(image: GrayImage, opts: FindFacesOptions = {}): Promise<FoundFace[]> {
  const { gray, width, height } = image;
  const size = opts.size ?? 48;
  const boxes = await detectFaces(gray, width, height, opts);
  // Largest first (the main subject); ties broken top-to-bottom, left-to-right so order is stable.
  boxes.sort((a, b) => b.w * b.h - a.w * a.h || a.y - b.y || a.x - b.x);
  const faces: FoundFace[] = boxes.map((b) => ({
    box: [b.x, b.y, b.w, b.h],
    crop: cropFace(gray, width, height, b, opts.margin ?? 0.2, size),
  }));
  if (faces.length === 0 && opts.wholeImageIfNone) {
    faces.push({ box: [0, 0, width, height], crop: wholeImage(gray, width, height, size), wholeImage: true });
  }
  return faces;
}
