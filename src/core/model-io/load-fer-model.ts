/** A saved model together with the PCA its input needs, ready for eval and predict. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { PcaModel } from '../preprocess/pca.ts';
import { loadModelDir, type LoadedModel } from './model-files.ts';
import { decodePca } from '../preprocess/pca-file.ts';

export interface FerModel extends LoadedModel {
  pca: PcaModel | null;
}

export async function loadFerModel(dir: string): Promise<FerModel> {
  const loaded = await loadModelDir(dir);
  const pcaFile = path.join(dir, 'pca.bin');
  const pca = loaded.meta.preprocessing.pca ? decodePca(new Uint8Array(await fs.readFile(pcaFile)), pcaFile) : null;
  return { ...loaded, pca };
}
