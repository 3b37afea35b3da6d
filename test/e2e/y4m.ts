/**
 * Y4M (YUV4MPEG2, 4:2:0, full-range BT.601 as "C420jpeg") videos written from
 * RGB frames: the file Chromium plays as a fake camera
 * (--use-file-for-fake-video-capture). Written here, not with ffmpeg, so the
 * test needs nothing beyond sharp to build its videos from real photos.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import sharp from 'sharp';

export const W = 640;
export const H = 480;

/** One placed photo: `side` px square, top-left corner at (left, top); may run off the frame. */
export interface Placement {
  photo: string;
  side: number;
  left: number;
  top: number;
  flop?: boolean;
}

const cache = new Map<string, Buffer>();
async function scaled(p: Placement): Promise<Buffer> {
  const key = `${p.photo}:${p.side}:${p.flop ?? false}`;
  if (!cache.has(key)) {
    let img = sharp(p.photo).removeAlpha().resize(p.side, p.side);
    if (p.flop) img = img.flop();
    cache.set(key, await img.raw().toBuffer());
  }
  return cache.get(key)!;
}

/** A 640x480 RGB frame: gray background with the photos pasted in (clipped at the edges). */
export async function composeFrame(placements: Placement[]): Promise<Buffer> {
  const rgb = Buffer.alloc(W * H * 3, 96);
  for (const p of placements) {
    const src = await scaled(p);
    for (let y = 0; y < p.side; y++) {
      const fy = p.top + y;
      if (fy < 0 || fy >= H) continue;
      const x0 = Math.max(0, -p.left);
      const x1 = Math.min(p.side, W - p.left);
      if (x1 <= x0) continue;
      src.copy(rgb, (fy * W + p.left + x0) * 3, (y * p.side + x0) * 3, (y * p.side + x1) * 3);
    }
  }
  return rgb;
}

function toYuv420(rgb: Buffer): Buffer {
  const out = Buffer.alloc((W * H * 3) / 2);
  const cw = W / 2;
  const uOff = W * H;
  const vOff = uOff + (W * H) / 4;
  for (let i = 0, j = 0; i < W * H; i++, j += 3)
    out[i] = Math.round(0.299 * rgb[j] + 0.587 * rgb[j + 1] + 0.114 * rgb[j + 2]);
  for (let y = 0; y < H / 2; y++) {
    for (let x = 0; x < cw; x++) {
      let r = 0,
        g = 0,
        b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const k = ((2 * y + dy) * W + 2 * x + dx) * 3;
        r += rgb[k];
        g += rgb[k + 1];
        b += rgb[k + 2];
      }
      r /= 4;
      g /= 4;
      b /= 4;
      const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
      out[uOff + y * cw + x] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      out[vOff + y * cw + x] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return out;
}

/** Writes `frames` (each a list of placements) as a Y4M video at `fps`. */
export async function writeY4m(file: string, frames: Placement[][], fps: number): Promise<void> {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, `YUV4MPEG2 W${W} H${H} F${fps}:1 Ip A1:1 C420jpeg\n`);
    for (const f of frames) {
      writeSync(fd, 'FRAME\n');
      writeSync(fd, toYuv420(await composeFrame(f)));
    }
  } finally {
    closeSync(fd);
  }
}
