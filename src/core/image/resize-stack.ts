/**
 * A stack of same-sized images (a dataset's uint8 store) resized and converted to
 * what a model takes, with the same resampler and gray formula as photos and camera
 * frames, so a picture reaches a model as the same pixels whichever way it came.
 */
import { rgbToGray } from './gray.ts';
import { resizeGrayRect } from './resample.ts';

/** `count` images of height x width x channels (1 gray or 3 RGB), row-major, back to back. */
export interface ImageStack {
  count: number;
  height: number;
  width: number;
  channels: number;
  images: Uint8Array;
}

/** Gray, size x size. Returns `stack` itself when it already is. */
export function toGrayResized<T extends ImageStack>(stack: T, size: number): T {
  checkSize(size);
  if (stack.channels === 1 && stack.height === size && stack.width === size) return stack;
  return { ...stack, images: resizeStack(stack, size, 1), height: size, width: size, channels: 1 } as T;
}

/** RGB, size x size (gray sources are replicated into three channels, as the paper preset expects). */
export function toRgbResized<T extends ImageStack>(stack: T, size: number): T {
  checkSize(size);
  if (stack.channels === 3 && stack.height === size && stack.width === size) return stack;
  return { ...stack, images: resizeStack(stack, size, 3), height: size, width: size, channels: 3 } as T;
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > 4096)
    throw new RangeError(`image size must be a whole number from 1 to 4096 (got ${size})`);
}

function resizeStack(stack: ImageStack, size: number, outChannels: 1 | 3): Uint8Array {
  const { count, height: h, width: w, channels: c } = stack;
  if (c !== 1 && c !== 3) throw new RangeError(`images must have 1 or 3 channels (got ${c})`);
  const whole = { x: 0, y: 0, w, h };
  const px = size * size;
  const out = new Uint8Array(count * px * outChannels);
  const plane = new Uint8Array(h * w);
  for (let i = 0; i < count; i++) {
    const img = stack.images.subarray(i * h * w * c, (i + 1) * h * w * c);
    const dst = i * px * outChannels;
    if (c === 3 && outChannels === 3) {
      // Colour kept: each channel resampled on its own.
      for (let p = 0; p < 3; p++) {
        for (let q = 0; q < h * w; q++) plane[q] = img[q * 3 + p];
        const small = resizeGrayRect(plane, w, whole, size, size);
        for (let q = 0; q < px; q++) out[dst + q * 3 + p] = small[q];
      }
      continue;
    }
    // Gray first (the one formula), then resampled once; replicated when RGB is asked for.
    const small = resizeGrayRect(c === 1 ? img : rgbToGray(img), w, whole, size, size);
    if (outChannels === 1) out.set(small, dst);
    else for (let q = 0; q < px; q++) out[dst + q * 3] = out[dst + q * 3 + 1] = out[dst + q * 3 + 2] = small[q];
  }
  return out;
}
