/**
 * The bad-input corpus (test/fixtures/bad/, made by scripts/make-bad-fixtures.ts) as a table:
 * what to load, which file the error must name, and what it must say. Shared by the core,
 * CLI and app-service passes so all three hold the same cases to the same messages.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export const BAD = path.join(process.cwd(), 'test/fixtures/bad');
export const BAD_DATASETS = path.join(BAD, 'datasets');
export const BAD_IMAGES = path.join(BAD, 'images');

export interface DatasetCase {
  /** Top-level entry under datasets/ (a file, or a folder). */
  name: string;
  /** Path given to loadDataset, relative to datasets/; defaults to `<name>/X.npy` for npy-* folders, else `name`. */
  input?: string;
  /** File the message must start with, relative to datasets/; defaults to the input. */
  names?: string;
  problem: RegExp;
  kind?: 'bad-input' | 'not-found' | 'usage';
}

const NOT_SQUARE = /neither a square nor 3x a square/;
const NOT_ONE_HOT = /row \d+ is not one-hot/;

export const DATASET_CASES: DatasetCase[] = [
  { name: 'npy-truncated-data', problem: /truncated data: shape \(4, 8, 8\) of u1 needs 256 bytes, the file has 156/ },
  { name: 'npy-truncated-header', problem: /truncated \.npy header \(needs 128 bytes, file has 40\)/ },
  { name: 'npy-magic-only', problem: /truncated \.npy header/ },
  { name: 'npy-header-length-too-big', problem: /truncated \.npy header \(needs 65545 bytes/ },
  { name: 'npy-wrong-magic', problem: /not a \.npy file .*NumPy magic/ },
  { name: 'npy-text-file', problem: /not a \.npy file/ },
  { name: 'npy-bad-version', problem: /unsupported \.npy format version 9\.0/ },
  { name: 'npy-object-dtype', problem: /Python objects \(dtype '\|O'\)/ },
  { name: 'npy-float64-big-endian', problem: /big-endian dtype '>f8' is not supported/ },
  { name: 'npy-complex', problem: /unsupported dtype '<c8' \(complex numbers\)/ },
  { name: 'npy-unicode', problem: /unsupported dtype '<U4' \(unicode strings\)/ },
  { name: 'npy-structured', problem: /structured \(record\) arrays are not supported/ },
  {
    name: 'npy-infinite-dimension',
    problem: /corrupt \.npy header: shape \(9+, 0\) has an impossibly large dimension/,
  },
  { name: 'npy-no-shape', problem: /corrupt \.npy header: missing "fortran_order" or "shape"/ },
  { name: 'npy-fortran-order', problem: /Fortran \(column-major\) order/ },
  { name: 'npy-nan-pixels', problem: /pixel value NaN at image 1 .*NaN or infinity/ },
  { name: 'npy-inf-pixels', problem: /pixel value Infinity at image 3 .*NaN or infinity/ },
  { name: 'npy-pixels-out-of-range', problem: /float pixels range from 0 to 300; expected 0\.\.1 or 0\.\.255/ },
  { name: 'npy-trailing-bytes', problem: /corrupt file: 5 unexpected bytes after the data/ },
  { name: 'npy-not-square', problem: NOT_SQUARE },
  { name: 'npy-five-channels', problem: /images have shape \(4, 4, 4, 5\)/ },
  { name: 'npy-zero-images', problem: /the file holds no images/ },
  {
    name: 'npy-length-mismatch',
    names: 'npy-length-mismatch/Y.npy',
    problem: /3 labels for 4 images: X and Y must have the same length/,
  },
  {
    name: 'npy-label-out-of-range',
    names: 'npy-label-out-of-range/Y.npy',
    problem: /label 9 at row 2 is not a class index 0\.\.6/,
  },
  { name: 'npy-label-negative', names: 'npy-label-negative/Y.npy', problem: /label -1 at row 1 is not a class index/ },
  {
    name: 'npy-label-fraction',
    names: 'npy-label-fraction/Y.npy',
    problem: /label 1\.5 at row 1 is not a class index/,
  },
  { name: 'npy-one-hot-two-ones', names: 'npy-one-hot-two-ones/Y.npy', problem: NOT_ONE_HOT },
  {
    name: 'npy-one-hot-zero-row',
    names: 'npy-one-hot-zero-row/Y.npy',
    problem: /row 3 is not one-hot \(no column is 1\)/,
  },
  { name: 'npy-one-hot-soft', names: 'npy-one-hot-soft/Y.npy', problem: NOT_ONE_HOT },
  {
    name: 'npy-one-hot-wrong-width',
    names: 'npy-one-hot-wrong-width/Y.npy',
    problem: /one-hot labels have 5 columns but there are 7 class names/,
  },
  { name: 'npy-empty-x', problem: /empty file \(0 bytes\)/ },
  { name: 'npy-empty-y', names: 'npy-empty-y/Y.npy', problem: /empty file \(0 bytes\)/ },
  { name: 'npy-missing-y', names: 'npy-missing-y/Y.npy', problem: /labels file .*not found/, kind: 'not-found' },
  { name: 'npy-y-is-folder', names: 'npy-y-is-folder/Y.npy', problem: /found a folder/ },
  { name: 'npy-bad-labels-json', names: 'npy-bad-labels-json/labels.json', problem: /not valid JSON/ },
  { name: 'npy-labels-json-too-few', names: 'npy-labels-json-too-few/labels.json', problem: /at least 2 class names/ },
  { name: 'npy-no-x-token', input: 'npy-no-x-token/images.npy', problem: /no X token to replace by Y/ },
  { name: 'csv-empty.csv', problem: /empty file: expected a header "emotion,pixels,Usage"/ },
  { name: 'csv-header-only.csv', problem: /no data rows after the header/ },
  { name: 'csv-missing-pixels-column.csv', problem: /line 1: the header must name the columns "emotion" and "pixels"/ },
  { name: 'csv-wrong-header.csv', problem: /line 1: the header must name .*found "label,image,split"/ },
  { name: 'csv-binary.csv', problem: /line 1: the header must name the columns/ },
  { name: 'csv-short-row.csv', problem: /line 3: 12 pixel values, expected 16 like the first row/ },
  { name: 'csv-long-row.csv', problem: /line 3: 18 pixel values, expected 16/ },
  { name: 'csv-non-numeric-pixels.csv', problem: /line 3: pixels must be numbers 0\.\.255 .*found "x32/ },
  { name: 'csv-negative-pixel.csv', problem: /line 2: pixels must be numbers 0\.\.255/ },
  { name: 'csv-pixel-over-255.csv', problem: /line 3: pixel value 256 is outside 0\.\.255/ },
  { name: 'csv-unknown-usage.csv', problem: /line 3: Usage "Validation" is not Training, PublicTest or PrivateTest/ },
  { name: 'csv-emotion-out-of-range.csv', problem: /line 3: emotion "7" is not a FER2013 class index 0\.\.6/ },
  { name: 'csv-emotion-not-a-number.csv', problem: /line 3: emotion "happy" is not a FER2013 class index/ },
  { name: 'csv-missing-field.csv', problem: /line 3: expected 3 columns, found 2/ },
  { name: 'csv-not-square.csv', problem: /line 2: 10 pixel values do not form a square image/ },
  { name: 'csv-no-pixels.csv', problem: /line 2: 0 pixel values do not form a square image/ },
  { name: 'csv-unterminated-quote.csv', problem: /line 3: unterminated quoted field/ },
  { name: 'not-a-dataset.txt', problem: /unsupported dataset type "\.txt"/, kind: 'usage' },
  { name: 'folder-no-class-folders', problem: /no class folders found/ },
  { name: 'folder-no-images', names: 'folder-no-images/angry', problem: /class folder has no images/ },
  { name: 'folder-fake-jpg', names: 'folder-fake-jpg/happy/b.jpg', problem: /not an image or unsupported format/ },
  {
    name: 'folder-truncated-image',
    names: 'folder-truncated-image/sad/b.png',
    problem: /not an image or unsupported format/,
  },
  { name: 'folder-one-class', problem: /a dataset needs at least 2 classes, found 1 \(happy\)/ },
  { name: 'folder-mixed-splits', problem: /mixes split folders \(train\) with other folders \(angry\)/ },
  { name: 'folder-duplicate-class', problem: /folders "disgust" and "disgusted" name the same class/ },
  {
    name: 'folder-split-without-classes',
    names: 'folder-split-without-classes/train',
    problem: /no class folders found/,
  },
];

export function datasetInput(c: DatasetCase): string {
  return path.join(BAD_DATASETS, c.input ?? (c.name.startsWith('npy-') ? `${c.name}/X.npy` : c.name));
}

export function datasetNamed(c: DatasetCase): string {
  return c.names ? path.join(BAD_DATASETS, c.names) : datasetInput(c);
}

/** Images that must be refused, each with the problem its message states. */
export const BAD_IMAGE_CASES: [file: string, problem: RegExp][] = [
  ['zero-bytes.png', /not an image or unsupported format \(empty file\)/],
  ['text-named.png', /not an image or unsupported format$/],
  ['text-named.jpg', /not an image or unsupported format$/],
  ['svg-named.png', /not an image or unsupported format \(svg\)/],
  ['truncated.png', /not an image or unsupported format/],
  ['truncated-header.jpg', /not an image or unsupported format/],
  ['bad-bmp.bmp', /BMP: truncated header/],
  ['bomb-20000x20000.png', /image is 20000x20000 \(400\.0 megapixels\), above the pixel limit of 40\.0 megapixels/],
  ['bomb-20000x20000.jpg', /image is 20000x20000 \(400\.0 megapixels\), above the pixel limit/],
];

/** Valid but unusual images: decoded correctly (checked one by one in the test). */
export const ODD_IMAGES = [
  'one-pixel.png',
  'cmyk.jpg',
  'rgb16.png',
  'gray-alpha.png',
  'animated.gif',
  'exif-rotated.jpg',
  'exif-rotated-face.jpg',
  'no-face.jpg',
  'five-faces.jpg',
];

/** Top-level names in a corpus folder, for checking the table covers every fixture. */
export const entries = (dir: string): string[] => readdirSync(dir).sort();
