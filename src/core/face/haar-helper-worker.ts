/** Worker-thread entry of the face-detection helper (haar-helper.ts): scans the pyramid levels it is sent. */
import { parentPort } from 'node:worker_threads';
import { classifierAt } from './haar-classifier.ts';
import { rawDetections } from './haar-levels.ts';
import { loadOpenCv } from './opencv.ts';
import type { FromHaarHelper, ToHaarHelper } from './haar-helper.ts';

const port = parentPort!;
const send = (m: FromHaarHelper, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

port.on('message', (m: ToHaarHelper) => {
  void (async () => {
    try {
      const cv = await loadOpenCv();
      const clf = await classifierAt(cv, m.cascadeFile);
      if (m.sides.length === 0) return send({ id: m.id, raw: new Int32Array(0) }); // warm-up
      const image = new cv.Mat(m.height, m.width, cv.CV_8UC1);
      try {
        image.data.set(m.gray);
        const raw = rawDetections(cv, clf, image, m.sides, m.scaleFactor);
        send({ id: m.id, raw }, [raw.buffer as ArrayBuffer]);
      } finally {
        image.delete();
      }
    } catch (e) {
      send({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  })();
});
