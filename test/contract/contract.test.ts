import { describe, expect, it } from 'vitest';
import { ContractError, parseRequest, REQUESTS, UPLOAD_FILE } from '../../src/contract/contract.ts';

describe('parseRequest', () => {
  it('accepts every request in its documented shape', () => {
    expect(parseRequest('getState', {})).toEqual({ name: 'getState', args: {} });
    expect(parseRequest('getState', undefined).args).toEqual({});
    expect(parseRequest('train', { model: 'cnn', epochs: 2, batchSize: 32, learningRate: null }).args).toEqual({
      model: 'cnn',
      epochs: 2,
      batchSize: 32,
      learningRate: null,
    });
    const pre = parseRequest('preprocess', { size: 48, pca: 0.95, seed: 1 });
    expect(pre.name === 'preprocess' && pre.args.pca).toBe(0.95);
    expect(
      parseRequest('beginUpload', { purpose: 'dataset', files: [{ name: 'folders/train/happy/1.jpg', size: 10 }] })
        .name,
    ).toBe('beginUpload');
    expect(parseRequest('cancel', { jobId: 'j12' }).args).toEqual({ jobId: 'j12' });
  });

  it('rejects unknown requests, including inherited property names', () => {
    expect(() => parseRequest('deleteEverything', {})).toThrow(ContractError);
    expect(() => parseRequest('constructor', {})).toThrow(/unknown request/);
    expect(() => parseRequest('__proto__', {})).toThrow(/unknown request/);
    expect(() => parseRequest(42, {})).toThrow(/unknown request/);
  });

  it('rejects wrong types, out-of-range values and unknown fields', () => {
    expect(() => parseRequest('train', { model: 'svm', epochs: 2, batchSize: 32, learningRate: null })).toThrow(
      /train.model: must be one of cnn, rnn/,
    );
    expect(() => parseRequest('train', { model: 'cnn', epochs: 0, batchSize: 32, learningRate: null })).toThrow(
      /epochs: must be between 1/,
    );
    expect(() => parseRequest('train', { model: 'cnn', epochs: 2.5, batchSize: 32, learningRate: null })).toThrow(
      /integer/,
    );
    expect(() => parseRequest('train', { model: 'cnn', epochs: '2', batchSize: 32, learningRate: null })).toThrow(
      /integer/,
    );
    expect(() =>
      parseRequest('train', { model: 'cnn', epochs: 2, batchSize: 32, learningRate: null, outDir: '/etc' }),
    ).toThrow(/unknown field "outDir"/);
    expect(() => parseRequest('preprocess', { size: 48, pca: Number.NaN, seed: 1 })).toThrow(/number/);
    expect(() => parseRequest('useSample', { sample: '../../etc' })).toThrow(/unexpected form/);
    expect(() => parseRequest('getState', { x: 1 })).toThrow(/unknown field/);
    expect(() => parseRequest('getState', [])).toThrow(/object/);
    expect(() => parseRequest('cancel', Object.create({ jobId: 'j1' }))).toThrow(/plain object/);
  });

  it('refuses file names that could leave the upload folder', () => {
    for (const name of ['/etc/passwd', '../x.npy', 'a/../../b', 'a\\b', 'C:/Windows/x', '', 'a/..', 'x\u0000y']) {
      expect(() => parseRequest('beginUpload', { purpose: 'dataset', files: [{ name, size: 1 }] }), name).toThrow(
        ContractError,
      );
    }
    expect(() => parseRequest('beginUpload', { purpose: 'dataset', files: [{ name: 'x', size: -1 }] })).toThrow(
      /between/,
    );
  });

  it('has a schema for every request', () => {
    expect(Object.keys(REQUESTS).sort()).toEqual([
      'beginUpload',
      'cancel',
      'compare',
      'datasetSamples',
      'exportReport',
      'galleryPage',
      'getState',
      'heatMaps',
      'liveFrame',
      'liveHeatMaps',
      'loadUpload',
      'pcaPictures',
      'pickDataset',
      'predict',
      'preprocess',
      'setDetector',
      'train',
      'useSample',
    ]);
  });
});

describe('UPLOAD_FILE', () => {
  it('takes bytes only', () => {
    const ok = UPLOAD_FILE({ uploadId: 'u0123456789abcdef0123', index: 0, bytes: new Uint8Array(3) }, 'up');
    expect(ok.bytes.length).toBe(3);
    expect(() => UPLOAD_FILE({ uploadId: 'u0123456789abcdef0123', index: 0, bytes: 'abc' }, 'up')).toThrow(/bytes/);
    expect(() => UPLOAD_FILE({ uploadId: '../x', index: 0, bytes: new Uint8Array(1) }, 'up')).toThrow(
      /unexpected form/,
    );
  });
});
