import { FerError } from '../errors.ts';
import { FER_CLASSES } from './types.ts';

/**
 * Datasets spell the same emotions differently (FER2013 "disgust", the reference
 * application's alphabetical "disgusted", other corpora "happiness"...). Matching by
 * meaning lets a model trained on one format evaluate on another.
 */
const SYNONYMS: Readonly<Record<string, string>> = {
  anger: 'angry',
  angry: 'angry',
  disgust: 'disgust',
  disgusted: 'disgust',
  fear: 'fear',
  fearful: 'fear',
  afraid: 'fear',
  happy: 'happy',
  happiness: 'happy',
  sad: 'sad',
  sadness: 'sad',
  surprise: 'surprise',
  surprised: 'surprise',
  neutral: 'neutral',
};

/** FER_CLASSES spelling for a known emotion name; any other name trimmed and lower-cased. */
export function canonicalClassName(name: string): string {
  const key = name.trim().toLowerCase();
  return SYNONYMS[key] ?? key;
}

/** True when every name is one of FER2013's seven classes (after canonicalisation). */
export function allFerClasses(names: readonly string[]): boolean {
  const fer: readonly string[] = FER_CLASSES;
  return names.every((n) => fer.includes(canonicalClassName(n)));
}

/**
 * Index map from one class list to another, matched by meaning:
 * `to[map[i]]` names the same class as `from[i]`.
 * Throws when a class of `from` has no counterpart in `to` (e.g. a model that never saw "contempt").
 */
export function alignClasses(from: readonly string[], to: readonly string[]): number[] {
  const target = to.map(canonicalClassName);
  return from.map((name) => {
    const j = target.indexOf(canonicalClassName(name));
    if (j < 0) {
      throw new FerError(`class "${name}" is not one of the known classes (${to.join(', ')})`);
    }
    return j;
  });
}
