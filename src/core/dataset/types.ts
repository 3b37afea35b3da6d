/** In-memory dataset shared by every loader, preprocessing step and model. */

/** FER2013's own label order; the default when a dataset names no classes. */
export const FER_CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type FerClass = (typeof FER_CLASSES)[number];

export type DatasetFormat = 'npy' | 'csv' | 'folder';

/** Split codes stored per image; `null` split array means "not given by the source". */
export const SPLIT = { train: 0, validation: 1, test: 2 } as const;
export type SplitName = keyof typeof SPLIT;

export interface Dataset {
  format: DatasetFormat;
  /** Path the user gave (X .npy, .csv or folder). */
  source: string;
  /** Canonical class names (FER_CLASSES spelling where the name is recognised). */
  classes: string[];
  count: number;
  height: number;
  width: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: 1 | 3;
  /** Pixels 0..255, row-major [count, height, width, channels]. Kept uint8 to save memory. */
  images: Uint8Array;
  /** Class index per image, into `classes`. */
  labels: Uint8Array;
  /** SPLIT code per image when the source defines splits (CSV Usage, train/test folders), else null. */
  split: Uint8Array | null;
}
