/** Worker-thread entry of the face-detection helper (haar-helper.ts): scans the pyramid levels it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { serveRequests } from '../worker-channel.ts';
import { classifierAt } from './haar-classifier.ts';
import { rawDetections } from './haar-levels.ts';
import { loadOpenCv, setOpenCvEcho } from './opencv.ts';
import type { HaarHelperData, ToHaarHelper } from './haar-helper.ts';

setOpenCvEcho((workerData as HaarHelperData | null)?.debug ?? false);

serveRequests<ToHaarHelper, Int32Array>(
  parentPort!,
  async (m) => {
    const cv = await loadOpenCv();
    const clf = await classifierAt(cv, m.cascadeFile);
    if (m.sides.length === 0) return new Int32Array(0); // warm-up
    const image = new cv.Mat(m.height, m.width, cv.CV_8UC1);
    try {
      image.data.set(m.gray);
      return rawDetections(cv, clf, image, m.sides, m.scaleFactor);
    } finally {
      image.delete();
    }
  },
  (raw) => [raw.buffer as ArrayBuffer],
);
