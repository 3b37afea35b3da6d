/** The one worker request/reply channel: pairing, events, failures by itself and by close(), unsendable requests. */
import { describe, expect, it } from 'vitest';
import { spawnSiblingWorker } from '../../src/core/spawn-sibling-worker.ts';
import { UnsendableRequest, WorkerChannel } from '../../src/core/worker-channel.ts';

type Job = { op: 'double' | 'events' | 'fail' | 'exit'; values: Float32Array };

function open() {
  const events: number[] = [];
  const failures: Error[] = [];
  const channel = new WorkerChannel<Job, Float32Array, number>(
    spawnSiblingWorker(import.meta.url, 'echo-helper-worker', null),
    {
      exited: (code) => new Error(`echo exited with code ${code}`),
      onEvent: (e) => events.push(e),
      onFailure: (e) => failures.push(e),
    },
  );
  return { channel, events, failures };
}

describe('WorkerChannel', () => {
  it('delivers pushed events before the reply that follows them, and pairs concurrent replies', async () => {
    const { channel, events } = open();
    const [a, b] = await Promise.all([
      channel.request({ op: 'events', values: Float32Array.of(1, 2, 3) }),
      channel.request({ op: 'double', values: Float32Array.of(5) }),
    ]);
    expect(Array.from(a)).toEqual([2, 4, 6]);
    expect(Array.from(b)).toEqual([10]);
    expect(events).toEqual([1, 2, 3]);
    await channel.close(new Error('closed'));
  });

  it('rejects one failed request only; a worker that exits by itself fails everything, once', async () => {
    const { channel, failures } = open();
    await expect(channel.request({ op: 'fail', values: Float32Array.of() })).rejects.toThrow('asked to fail');
    expect(channel.alive).toBe(true);
    await expect(channel.request({ op: 'exit', values: Float32Array.of() })).rejects.toThrow('echo exited with code 3');
    expect(channel.alive).toBe(false);
    await expect(channel.request({ op: 'double', values: Float32Array.of(1) })).rejects.toThrow(
      'echo exited with code 3',
    );
    expect(failures.map((e) => e.message)).toEqual(['echo exited with code 3']);
  });

  it('close() rejects what is pending with its reason and is not reported as a failure', async () => {
    const { channel, failures } = open();
    const pending = channel.request({ op: 'double', values: new Float32Array(1e6) });
    await channel.close(new Error('closed on purpose'));
    await pending.then(
      (r) => expect(r.length).toBe(1e6),
      (e: Error) => expect(e.message).toBe('closed on purpose'),
    );
    await expect(channel.request({ op: 'double', values: Float32Array.of(1) })).rejects.toThrow('closed on purpose');
    expect(failures).toEqual([]);
  });

  it('refuses a request that cannot be sent, and goes on working', async () => {
    const { channel } = open();
    const bad = { op: 'double', values: Float32Array.of(1), f: () => 1 } as unknown as Job;
    await expect(channel.request(bad)).rejects.toBeInstanceOf(UnsendableRequest);
    expect(Array.from(await channel.request({ op: 'double', values: Float32Array.of(2) }))).toEqual([4]);
    await channel.close(new Error('closed'));
  });
});
