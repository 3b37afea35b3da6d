/**
 * The Haar cascade as a live-frame detector: the fallback when YuNet cannot
 * run. Frames are searched at a reduced size (maxSide) and for faces at least
 * a tenth of the frame, because Haar's time grows with the pixels searched
 * and a webcam face is rarely smaller (bench/live.ts measures the rate).
 */
import { detectFaces } from '../face/haar.ts';
import type { FrameDetector } from './analyse-frame.ts';

export function haarFrameDetector(opts: { maxSide?: number; minSizeFraction?: number } = {}): FrameDetector {
  return async (frame) => {
    const boxes = await detectFaces(frame.gray, frame.width, frame.height, { maxSide: opts.maxSide ?? 480, minSizeFraction: opts.minSizeFraction ?? 0.1 });
    boxes.sort((a, b) => b.w * b.h - a.w * a.h || a.y - b.y || a.x - b.x);
    return boxes.map((b) => ({ box: [b.x, b.y, b.w, b.h], score: null }));
  };
}
