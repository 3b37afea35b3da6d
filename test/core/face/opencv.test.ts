import { describe, expect, it, vi } from 'vitest';
import { loadOpenCv, openCvOutput, toOpenCvError } from '../../../src/core/face/opencv.ts';

describe('loadOpenCv', () => {
  it('loads once, quietly, without leaving process handlers behind or a self-returning then', async () => {
    const before = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
    const [a, b] = await Promise.all([loadOpenCv(), loadOpenCv()]);
    expect(a).toBe(b);
    expect(await loadOpenCv()).toBe(a);
    // opencv.js would otherwise rethrow every uncaught exception and abort on any unhandled rejection.
    expect([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')]).toEqual(before);
    expect('then' in a).toBe(false); // awaiting or returning it from an async function would loop forever
    expect(typeof a.CascadeClassifier).toBe('function');
  });

  it('keeps OpenCV log lines off the terminal', async () => {
    const cv = await loadOpenCv();
    const writes = vi.spyOn(process.stderr, 'write');
    const warn = vi.spyOn(console, 'warn');
    const clf = new cv.CascadeClassifier();
    try {
      expect(clf.load('/no-such-cascade.xml')).toBe(false); // OpenCV logs "[ERROR] ... Can't open file"
    } finally {
      clf.delete();
    }
    expect(writes).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(openCvOutput().some((l) => l.includes('no-such-cascade.xml'))).toBe(true);
    writes.mockRestore();
    warn.mockRestore();
  });

  it("turns C++ exceptions (bare numbers) into Errors carrying OpenCV's message", async () => {
    const cv = await loadOpenCv();
    const empty = new cv.CascadeClassifier();
    const img = new cv.Mat(32, 32, cv.CV_8UC1);
    const rects = new cv.RectVector();
    let thrown: unknown;
    try {
      empty.detectMultiScale(img, rects, 1.1, 3, 0, new cv.Size(0, 0), new cv.Size(0, 0));
    } catch (e) {
      thrown = e;
    } finally {
      [empty, img, rects].forEach((m) => m.delete());
    }
    expect(typeof thrown).toBe('number');
    const err = toOpenCvError(cv, thrown);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/^OpenCV: .*Assertion failed.*!empty\(\)/);
    const plain = new Error('x');
    expect(toOpenCvError(cv, plain)).toBe(plain);
  });
});
