/**
 * The model registry is the only place that knows the kinds: a third kind,
 * registered here and nowhere else (a one-dense-layer "mlp"), is trained,
 * evaluated and used to predict through the real `fer` command code and
 * through the app service, and runs on ONNX Runtime where it loads (the
 * exporter handles Flatten and Dense), else on TensorFlow.js.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inProcessBackend } from '../../src/app/backend.ts';
import { runtimeOptionsFromEnv } from '../../src/app/runtime-env.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { ACTIONS } from '../../renderer/src/gating.ts';
import { MODEL_SLOTS, parseRequest, type PredictionResult, type SessionSnapshot } from '../../src/contract/contract.ts';
import { initBackend } from '../../src/core/backend/init-backend.ts';
import { loadFerModel } from '../../src/core/model-io/load-fer-model.ts';
import { registerModelKind } from '../../src/core/models/registry.ts';
import { classifierRuntime } from '../../src/core/onnx/inference-config.ts';
import { inferenceRuntimeName } from '../../src/core/onnx/onnx-classifier.ts';

registerModelKind(
  {
    kind: 'mlp',
    input: 'gray',
    inputShape: (s) => [s, s, 1],
    build: (shape, k, { seed }) => {
      const m = tf.sequential({ name: 'tiny_mlp' });
      m.add(tf.layers.flatten({ inputShape: shape }));
      m.add(
        tf.layers.dense({
          units: k,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed }),
        }),
      );
      return m;
    },
    defaults: {
      epochs: 2,
      batchSize: 32,
      learningRate: 3e-3,
      schedule: 'constant',
      seed: 42,
      labelSmoothing: 0,
      classWeights: false,
      loss: 'categorical',
    },
    augment: null,
  },
  { label: 'MLP', description: 'one dense layer over the pixels' },
);

const CSV = '../shared/datasets/samples/fer2013-sample.csv';
const PHOTO = '../shared/photos/astronaut.png';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fer-third-kind-'));
const runtime = runtimeOptionsFromEnv(process.env);
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** Runs `fer <args>` in this process (so the kind registered above exists) and returns its exit code and stdout lines. */
async function fer(args: string[]): Promise<{ code: number; lines: string[] }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await runCli(args, new AbortController().signal, runtime);
    return { code, lines: out.split('\n').filter(Boolean) };
  } finally {
    spy.mockRestore();
  }
}
const json = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

/** What must classify the mlp here: ONNX Runtime where one loads (the exporter must handle it), else TensorFlow.js. */
async function expectedRuntime(): Promise<RegExp> {
  const ort = await classifierRuntime();
  return ort ? new RegExp(`^${ort.name}$`) : /^tfjs/;
}

describe('a third model kind, registered only in this file', () => {
  it("is offered by the contract, the CLI and the renderer's derivations, after the paper's two", async () => {
    expect(MODEL_SLOTS).toEqual(['cnn', 'rnn', 'mlp']);
    expect(parseRequest('train', { model: 'mlp', epochs: 1, batchSize: 8, learningRate: null }).args).toMatchObject({
      model: 'mlp',
    });
    expect(() => parseRequest('train', { model: 'svm', epochs: 1, batchSize: 8, learningRate: null })).toThrow(
      /must be one of cnn, rnn, mlp/,
    );
    const help = await fer(['train', '--help']);
    expect(help.lines.join('\n')).toMatch(/--model cnn\|rnn\|mlp/);
    expect(help.lines.join('\n')).toMatch(/mlp {2}MLP: one dense layer over the pixels/);
    // gating.ts was evaluated before this file registered the kind: the paper's buttons stay as they were.
    expect(ACTIONS.filter((a) => a.id.startsWith('train-')).map((a) => a.label)).toEqual([
      'Train CNN Algorithm',
      'Train RNN Algorithm',
    ]);
  });

  it('trains, evaluates and predicts through the fer command code; two models of one kind answer side by side', async () => {
    const dir = path.join(tmp, 'cli-mlp');
    const train = await fer([
      'train',
      '--data',
      CSV,
      '--model',
      'mlp',
      '--epochs',
      '2',
      '--seed',
      '3',
      '--out',
      dir,
      '--json',
    ]);
    expect(train.code).toBe(0);
    const done = json(train.lines).find((l) => l.type === 'done')!;
    expect(done).toMatchObject({ kind: 'mlp', epochs: 2 });
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as {
      kind: string;
      inputShape: number[];
    };
    expect(meta).toMatchObject({ kind: 'mlp', inputShape: [48, 48, 1] });

    const evalRun = await fer(['eval', '--model', dir, '--data', CSV, '--split', 'test', '--json']);
    expect(evalRun.code).toBe(0);
    const report = json(evalRun.lines).at(-1)!;
    expect(report.n).toBe(70);
    expect(report.accuracy as number).toBeGreaterThanOrEqual(0);
    expect(report.accuracy as number).toBeLessThanOrEqual(1);

    const predict = await fer(['predict', '--model', dir, '--model', dir, PHOTO, '--json']);
    expect(predict.code).toBe(0);
    const p = json(predict.lines).at(-1)! as {
      runtime: string;
      faces: { models: Record<string, { label: string; probabilities: Record<string, number> }> }[];
    };
    expect(p.faces.length).toBeGreaterThan(0);
    expect(Object.keys(p.faces[0].models)).toEqual(['mlp', 'mlp-2']);
    expect(p.faces[0].models['mlp-2']).toEqual(p.faces[0].models.mlp);
    expect(p.runtime).toMatch(await expectedRuntime());
    console.log(`third kind (fer predict) classified on ${p.runtime}`);
  });

  describe('through the app service', () => {
    const backend = inProcessBackend({
      dataDir: 'data',
      workDir: path.join(tmp, 'work'),
      uploadsDir: path.join(tmp, 'uploads'),
      pretrainedDir: null,
      runtime,
    });
    const ok = async <T>(name: string, args: unknown): Promise<T> => {
      const r = await backend.request(name, args);
      if (!r.ok) throw new Error(`${name} refused: ${r.error.kind}: ${r.error.message}`);
      return r.value as T;
    };
    beforeAll(() => backend.service.init());
    afterAll(() => backend.close());

    it('trains it into its own slot, measures it and predicts with it', async () => {
      expect(Object.keys((await ok<SessionSnapshot>('getState', {})).models)).toEqual(['cnn', 'rnn', 'mlp']);
      await ok('useSample', { sample: 'fer2013-csv' });
      await backend.service.idle();
      await ok('preprocess', { size: 48, pca: null, seed: 7 });
      await backend.service.idle();
      await ok('train', { model: 'mlp', epochs: 2, batchSize: 32, learningRate: null });
      await backend.service.idle();
      let s = await ok<SessionSnapshot>('getState', {});
      expect(s.models.mlp).toMatchObject({
        slot: 'mlp',
        origin: 'trained',
        description: expect.stringMatching(/^MLP trained in this session/) as unknown,
      });
      expect(s.models.mlp!.history.map((h) => h.epoch)).toEqual([1, 2]);
      expect(s.models.cnn).toBeNull();
      expect(s.reports.mlp!.n).toBe(s.preprocessed!.counts.test);

      await ok('compare', {});
      await backend.service.idle();
      s = await ok<SessionSnapshot>('getState', {});
      expect(Object.keys(s.reports)).toEqual(['mlp']);

      const { uploadId } = await ok<{ uploadId: string }>('beginUpload', {
        purpose: 'photo',
        files: [{ name: 'astronaut.png', size: readFileSync(PHOTO).length }],
      });
      await backend.uploads.writeFile(uploadId, 0, readFileSync(PHOTO));
      const p = await ok<PredictionResult>('predict', { uploadId, wholeImage: false });
      expect(p.faces.length).toBeGreaterThan(0);
      expect(Object.keys(p.faces[0].models)).toEqual(['mlp']);
      expect(Object.keys(p.faces[0].models.mlp!.probabilities)).toHaveLength(7);
      expect(p.modelsUsed.mlp).toMatch(/^MLP trained in this session/);

      // Which runtime classified the session's mlp: its folder is the newest under work/models.
      const models = path.join(tmp, 'work', 'models');
      const dir = path.join(
        models,
        readdirSync(models)
          .filter((d) => d.startsWith('mlp-'))
          .sort()
          .at(-1)!,
      );
      const fer = await loadFerModel(dir);
      const ran = await inferenceRuntimeName(fer.model, fer.dir, await initBackend(runtime.backend));
      fer.model.dispose();
      expect(ran).toMatch(await expectedRuntime());
      console.log(`third kind (app service) classified on ${ran}`);
    });
  });
});
