/** The model registry keeps each kind's recipe as the pipeline used to spell it out, and refuses what it does not know. */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/core/backend/init-backend.ts';
import { modelKinds } from '../../../src/contract/model-kinds.ts';
import { modelRecipe, paperKinds, recipeFor, registerModelKind } from '../../../src/core/models/registry.ts';
import { augmentFor, defaultConfig } from '../../../src/core/pipeline/train-pipeline.ts';

describe('model registry', () => {
  beforeAll(() => initBackend());

  it('has the paper\'s two kinds, in its order, with their labels', () => {
    expect(modelKinds().map((k) => [k.kind, k.label])).toEqual([['cnn', 'CNN'], ['rnn', 'RNN']]);
    expect(paperKinds()).toEqual(['cnn', 'rnn']);
  });

  it('keeps the training defaults and augmentation of each kind and of its paper variant', () => {
    expect(defaultConfig('cnn')).toMatchObject({ epochs: 30, batchSize: 64, learningRate: 2e-3, schedule: 'cosine', labelSmoothing: 0.1, classWeights: true, loss: 'categorical' });
    expect(defaultConfig('rnn')).toMatchObject({ epochs: 20, batchSize: 64, learningRate: 2e-3 });
    expect(defaultConfig('paper-cnn')).toMatchObject({ epochs: 10, batchSize: 16, learningRate: 1e-3, schedule: 'constant', labelSmoothing: 0, classWeights: false, loss: 'categorical' });
    expect(defaultConfig('paper-rnn').loss).toBe('binary');
    expect(augmentFor('cnn')).toEqual({ flip: true, shift: 4, jitter: 0.2 });
    expect(augmentFor('rnn')).toEqual({ flip: true, shift: 2, jitter: 0.1 });
    expect(recipeFor('cnn', 'paper').kind).toBe('paper-cnn');
    expect(recipeFor('rnn', 'paper').kind).toBe('paper-rnn');
  });

  it('builds each kind for the input shape it names', () => {
    for (const [kind, size, shape] of [['cnn', 48, [48, 48, 1]], ['rnn', 24, [24, 24]], ['paper-cnn', 32, [28, 28, 3]], ['paper-rnn', 32, [28, 84]]] as const) {
      const r = modelRecipe(kind)!;
      expect(r.inputShape(size)).toEqual(shape);
      const m = r.build(r.inputShape(size), 7, { seed: 1 });
      expect(m.inputs[0].shape.slice(1)).toEqual(shape);
      expect(m.outputs[0].shape).toEqual([null, 7]);
      m.dispose();
    }
  });

  it('refuses an unknown kind, a paper variant a kind lacks, and a second registration', () => {
    expect(() => recipeFor('svm')).toThrow(/unknown model kind "svm"/);
    // The paper networks are internal: not trainable as kinds of their own.
    expect(() => recipeFor('paper-cnn')).toThrow(/unknown model kind/);
    expect(() => defaultConfig('svm')).toThrow(/unknown model kind/);
    const cnn = modelRecipe('cnn')!;
    expect(() => registerModelKind(cnn)).toThrow(/already registered/);
    registerModelKind({ ...cnn, kind: 'wide', paper: undefined }, { label: 'Wide CNN', description: 'test' });
    expect(() => recipeFor('wide', 'paper')).toThrow(/Wide CNN has no --preset paper variant/);
    expect(() => registerModelKind({ ...cnn, kind: 'Bad Kind' }, { label: 'x', description: 'x' })).toThrow(/must match/);
  });
});
