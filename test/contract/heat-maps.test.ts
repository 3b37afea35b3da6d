/** The heat-map requests are checked at the boundary like every other: a bad one never reaches the backend's work. */
import { expect, it } from 'vitest';
import { ContractError, parseRequest } from '../../src/contract/contract.ts';

it('heatMaps takes a photo upload id and the whole-image flag, nothing else', () => {
  expect(parseRequest('heatMaps', { uploadId: 'u0123456789abcdef', wholeImage: false }).args).toEqual({
    uploadId: 'u0123456789abcdef',
    wholeImage: false,
  });
  expect(() => parseRequest('heatMaps', { uploadId: '../../etc/passwd', wholeImage: false })).toThrow(ContractError);
  expect(() => parseRequest('heatMaps', { uploadId: 'u0123456789abcdef' })).toThrow(ContractError);
  expect(() => parseRequest('heatMaps', { uploadId: 'u0123456789abcdef', wholeImage: 'yes' })).toThrow(ContractError);
});

it('liveHeatMaps takes a frame as liveFrame does: base64 and bounded sizes', () => {
  expect(parseRequest('liveHeatMaps', { image: 'AAAA', format: 'jpeg', width: 640, height: 480 }).name).toBe(
    'liveHeatMaps',
  );
  expect(() => parseRequest('liveHeatMaps', { image: 'not base64!', format: 'jpeg', width: 640, height: 480 })).toThrow(
    ContractError,
  );
  expect(() => parseRequest('liveHeatMaps', { image: 'AAAA', format: 'gif', width: 640, height: 480 })).toThrow(
    ContractError,
  );
  expect(() => parseRequest('liveHeatMaps', { image: 'AAAA', format: 'jpeg', width: 100_000, height: 480 })).toThrow(
    ContractError,
  );
});
