/** The live view crops faces as photo Predict does: eye-levelled from YuNet's landmarks, upright without them. */
import { describe, expect, it } from 'vitest';
import { cropFace } from '../../../src/core/face/crop.ts';
import { levelledCrop } from '../../../src/core/face/levelled-crop.ts';
import { frameCrops, rgbaFrame } from '../../../src/core/live/analyse-frame.ts';

// A 160x120 frame with structure in every direction, so a turned crop differs from an upright one.
const W = 160;
const H = 120;
const rgba = new Uint8Array(W * H * 4);
for (let y = 0; y < H; y++)
  for (let x = 0; x < W; x++) rgba.fill((x * 7 + y * 13 + ((x * y) >> 4)) & 255, (y * W + x) * 4, (y * W + x) * 4 + 3);
const frame = rgbaFrame(rgba, W, H);

describe('frameCrops', () => {
  it('levels the eyes where the detector gave landmarks, exactly as levelledCrop', () => {
    // Eyes on a line turned about 20 degrees.
    const face = {
      box: [50.4, 30.6, 60.2, 70.1],
      landmarks: [
        [65, 55],
        [95, 66],
        [80, 75],
        [68, 88],
        [92, 90],
      ],
    };
    const crops = frameCrops(frame, [{ box: [50, 31, 60, 70], score: 0.9, face }]);
    expect(crops).toMatchObject({ count: 1, width: 48, height: 48, channels: 1 });
    expect(crops.images).toEqual(levelledCrop(frame.gray, W, H, face));
    expect(crops.images).not.toEqual(cropFace(frame.gray, W, H, { x: 50, y: 31, w: 60, h: 70 }));
  });

  it('crops the upright box where there are no landmarks (Haar)', () => {
    const crops = frameCrops(frame, [
      { box: [50, 31, 60, 70], score: null },
      { box: [0, 0, 40, 40], score: null },
    ]);
    expect(crops.images.subarray(0, 2304)).toEqual(cropFace(frame.gray, W, H, { x: 50, y: 31, w: 60, h: 70 }));
    expect(crops.images.subarray(2304)).toEqual(cropFace(frame.gray, W, H, { x: 0, y: 0, w: 40, h: 40 }));
  });
});
