/**
 * The pictures of what the models confuse, what PCA keeps and what the data
 * looks like: request schemas and response shapes (contract.ts lists them).
 * Images travel as PNG data URIs, made by the backend only for what is asked.
 */
import { bool, int, nullable, obj, str } from './validators.ts';

/** A slot of a test report ("cnn", "rnn", "cnn-2"...): checked against the session's reports by the backend. */
const slot = str({ max: 40, pattern: /^[a-z][a-z0-9-]{0,39}$/ });

/** One page of the confusion gallery: a cell (true row, predicted column; null = any), or every mistake. */
export const GALLERY_PAGE = obj({
  slot,
  trueClass: nullable(int(0, 63)),
  predicted: nullable(int(0, 63)),
  wrongOnly: bool,
  offset: int(0, 10_000_000),
  limit: int(1, 100),
});

export const DATASET_SAMPLES = obj({ perClass: int(1, 32) });

export interface GalleryEntry {
  index: number;
  trueClass: string;
  predicted: string;
  /** The clicked model's probability of its answer. */
  confidence: number;
  /** Per slot: the probability of every class (GalleryPageResult.classes order). */
  probabilities: Record<string, number[]>;
  /** PNG data URI of the test image as the models saw it. */
  image: string;
}

export interface GalleryPageResult {
  slot: string;
  classes: string[];
  total: number;
  offset: number;
  items: GalleryEntry[];
}

export interface DatasetSamplesResult {
  /** Per class: its image count and up to `perClass` images (PNG data URIs). */
  classes: { name: string; count: number; images: string[] }[];
  /** The class with the fewest images, flagged when it has under half the mean. */
  rare: string | null;
}

export interface PcaPicturesResult {
  /** Cumulative explained variance after 1..n components (fractions), n = what was computed. */
  cumulative: number[];
  /** The components kept. */
  kept: number;
  /** Features per image before PCA. */
  features: number;
  side: number;
  channels: 1 | 3;
  meanFace: string;
  eigenfaces: string[];
  /** One test image reconstructed from its first `components` coefficients. */
  reconstructions: { components: number; image: string }[];
  original: string;
  /** Why PCA keeps what it keeps, when the data explain it (the paper preset's copied channels). */
  note: string | null;
}

/**
 * Training as an epoch goes: the running mean of the training loss and accuracy over the
 * epoch's batches so far, at x = epoch - 1 + batch / batches (the epoch points sit at x = epoch).
 */
export interface BatchPoint {
  x: number;
  loss: number;
  accuracy: number;
}

export interface ExportedReport {
  fileName: string;
  html: string;
}
