import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { buildCnn } from '../../../src/core/models/cnn.ts';
import { modelMacs } from '../../../src/core/models/flops.ts';
import { buildPaperCnn } from '../../../src/core/models/paper.ts';
import { buildRnn } from '../../../src/core/models/rnn.ts';

type Countable = Parameters<typeof modelMacs>[0];

describe('modelMacs', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('counts the paper CNN by hand: two 3x3 convs and two dense layers', () => {
    const m = buildPaperCnn(7);
    const expected = 26 * 26 * 32 * 9 * 3 + 11 * 11 * 32 * 9 * 32 + 5 * 5 * 32 * 256 + 256 * 7;
    expect(modelMacs(m as unknown as Countable)).toBe(expected);
    m.dispose();
  });

  it('counts a bidirectional LSTM as two LSTMs over every row', () => {
    const m = buildRnn([48, 48], 7, { units: 16, stem: [] });
    const lstm = 48 * 4 * 16 * (48 + 16);
    expect(modelMacs(m as unknown as Countable)).toBe(2 * lstm + 32 * 128 + 128 * 7);
    m.dispose();
  });

  it('counts the default RNN: conv stem to 12x12x64, then a BiLSTM over 12 rows of 768 features', () => {
    const m = buildRnn([48, 48], 7);
    const stem = 48 * 48 * 32 * 9 * 1 + 24 * 24 * 64 * 9 * 32;
    const lstm = 12 * 4 * 128 * (768 + 128);
    expect(modelMacs(m as unknown as Countable)).toBe(stem + 2 * lstm + 256 * 128 + 128 * 7);
    m.dispose();
  });

  it('puts the default CNN at tens of millions of multiply-adds per 48x48 image', () => {
    const m = buildCnn([48, 48, 1], 7);
    const macs = modelMacs(m as unknown as Countable);
    expect(macs).toBeGreaterThan(30e6);
    expect(macs).toBeLessThan(150e6);
    m.dispose();
  });
});
