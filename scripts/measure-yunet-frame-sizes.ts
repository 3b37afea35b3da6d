/**
 * What YuNet's detection size (maxSide) costs and buys on webcam-sized frames: 640x480
 * frames with the astronaut's face scaled to 30..200 px wide, detected at several sizes on
 * each ONNX runtime; prints the median ms per frame (shrinking included) and her score at
 * each face size ('-' = not found at a 0.3 threshold).
 *
 *   npx tsx scripts/measure-yunet-frame-sizes.ts [--runs 20]
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createFaceDetector } from '../src/core/face/detector.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
const FACE_AT_512 = { width: 90, cx: 223, cy: 120 }; // her face box in the 512x512 photo

const frames: { face: number; rgb: Uint8Array }[] = [];
for (const face of [30, 40, 50, 60, 80, 120, 200]) {
  const side = Math.round((512 * face) / FACE_AT_512.width);
  const img = await sharp('../shared/photos/astronaut.png').removeAlpha().resize(side, side).raw().toBuffer();
  const left = Math.round(320 - (FACE_AT_512.cx / 512) * side);
  const top = Math.round(240 - (FACE_AT_512.cy / 512) * side);
  const rgb = new Uint8Array(640 * 480 * 3).fill(96);
  for (let y = 0; y < 480; y++) {
    for (let x = 0; x < 640; x++) {
      const sx = x - left;
      const sy = y - top;
      if (sx >= 0 && sy >= 0 && sx < side && sy < side)
        rgb.set(img.subarray((sy * side + sx) * 3, (sy * side + sx) * 3 + 3), (y * 640 + x) * 3);
    }
  }
  frames.push({ face, rgb });
}

console.log(`| runtime | maxSide | ms per 640x480 frame | ${frames.map((f) => `face ${f.face} px`).join(' | ')} |`);
console.log(`|---|---|---|${frames.map(() => '---|').join('')}`);
for (const runtime of ['onnxruntime-node', 'onnxruntime-web'] as const) {
  for (const maxSide of [320, 480, 640]) {
    const d = await createFaceDetector({ allow: [runtime], maxSide, scoreThreshold: 0.3 });
    const ms: number[] = [];
    const scores: string[] = [];
    for (const { rgb } of frames) {
      await d.detect(rgb, 640, 480, 3);
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await d.detect(rgb, 640, 480, 3);
        ms.push(performance.now() - t);
      }
      const [f] = await d.detect(rgb, 640, 480, 3);
      scores.push(f ? f.score.toFixed(2) : '-');
    }
    ms.sort((a, b) => a - b);
    console.log(`| ${d.runtime} | ${maxSide} | ${ms[Math.floor(ms.length / 2)].toFixed(1)} | ${scores.join(' | ')} |`);
    await d.dispose();
  }
}
