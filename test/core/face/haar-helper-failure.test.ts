/** A helper thread that fails mid-detection costs time, never the answer: detectFaces redoes its levels. */
import { afterAll, describe, expect, it, vi } from 'vitest';

const calls: number[][] = [];
vi.mock('../../../src/core/face/haar-helper.ts', () => ({
  helperDetections: (job: { sides: number[] }) => {
    calls.push(job.sides);
    return Promise.reject(new Error('helper thread crashed'));
  },
  haarHelperReady: () => true,
  haarHelperRunning: () => false,
  startHaarHelper: async () => undefined,
  stopHaarHelper: async () => undefined,
}));

const { detectFaces, disposeFaceDetectors } = await import('../../../src/core/face/haar.ts');
const { decodeImage } = await import('../../../src/core/image/decode-image.ts');
const { PHOTOS } = await import('./image-fixtures.ts');
afterAll(disposeFaceDetectors);

describe('detectFaces with a failing helper thread', () => {
  it("still finds the astronaut's face, having sent the helper the odd levels", async () => {
    const img = await decodeImage(`${PHOTOS}astronaut.png`);
    const boxes = await detectFaces(img.gray, img.width, img.height);
    expect(boxes).toHaveLength(1);
    expect(calls).toHaveLength(1);
    expect(calls[0].slice(0, 3)).toEqual([29, 35, 43]); // levels 1, 3, 5 of 26, 29, 32, 35, 39, 43, ...
  });
});
