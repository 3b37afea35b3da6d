import { describe, expect, it } from 'vitest';
import { HelperThread } from '../../src/core/helper-thread.ts';

type Job = { op: 'double' | 'fail' | 'exit'; values: Float32Array };

describe('HelperThread', () => {
  it('pairs concurrent replies with their requests, passes errors back, and rejects everything once the worker is gone', async () => {
    const h = new HelperThread<Job, Float32Array>(import.meta.url, 'echo-helper-worker', 'echo helper');
    const replies = await Promise.all(
      [1, 2, 3].map((v) => h.request({ op: 'double', values: Float32Array.of(v, -v) })),
    );
    expect(replies.map((r) => Array.from(r))).toEqual([
      [2, -2],
      [4, -4],
      [6, -6],
    ]);
    await expect(h.request({ op: 'fail', values: new Float32Array(0) })).rejects.toThrow('asked to fail');
    expect(h.running).toBe(true); // a failed request does not stop the helper
    await expect(h.request({ op: 'exit', values: new Float32Array(0) })).rejects.toThrow('echo helper stopped');
    expect(h.running).toBe(false);
    await expect(h.request({ op: 'double', values: Float32Array.of(1) })).rejects.toThrow('echo helper stopped');
  });

  it('stop() ends the worker and rejects what was pending', async () => {
    const h = new HelperThread<Job, Float32Array>(import.meta.url, 'echo-helper-worker', 'echo helper');
    h.ready = true;
    const pending = h.request({ op: 'double', values: new Float32Array(1e6) });
    await h.stop();
    expect(h.ready).toBe(false);
    expect(h.running).toBe(false);
    // Either it was answered before the worker ended, or it is rejected: never left waiting.
    await pending.then(
      (r) => expect(r.length).toBe(1e6),
      (e: Error) => expect(e.message).toMatch(/stopped/),
    );
  });
});
