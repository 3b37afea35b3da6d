import { describe, expect, it } from 'vitest';
import { alignClasses, allFerClasses, canonicalClassName } from '../../../src/core/dataset/class-names.ts';
import { FerError } from '../../../src/core/errors.ts';
import { FER_CLASSES } from '../../../src/core/dataset/types.ts';

describe('canonicalClassName', () => {
  it('maps synonyms by meaning to the FER2013 spelling, ignoring case and spaces', () => {
    const cases: [string, string][] = [
      ['disgusted', 'disgust'],
      ['Fearful', 'fear'],
      [' SURPRISED ', 'surprise'],
      ['anger', 'angry'],
      ['Happiness', 'happy'],
      ['sadness', 'sad'],
      ['Neutral', 'neutral'],
      ['angry', 'angry'],
    ];
    for (const [input, expected] of cases) expect(canonicalClassName(input)).toBe(expected);
  });

  it('keeps unknown names, lower-cased and trimmed', () => {
    expect(canonicalClassName(' Contempt ')).toBe('contempt');
  });

  it('leaves every FER class unchanged', () => {
    expect(FER_CLASSES.map(canonicalClassName)).toEqual([...FER_CLASSES]);
    expect(allFerClasses(['Disgusted', 'happy'])).toBe(true);
    expect(allFerClasses(['happy', 'contempt'])).toBe(false);
  });
});

describe('alignClasses', () => {
  it("maps the reference application's alphabetical classes onto FER2013 order", () => {
    const paper = ['angry', 'disgusted', 'fearful', 'happy', 'neutral', 'sad', 'surprised'];
    expect(alignClasses(paper, FER_CLASSES)).toEqual([0, 1, 2, 3, 6, 4, 5]);
    expect(alignClasses(FER_CLASSES, paper)).toEqual([0, 1, 2, 3, 5, 6, 4]);
  });

  it('maps a subset into a larger list', () => {
    expect(alignClasses(['Happiness', 'sadness'], FER_CLASSES)).toEqual([3, 4]);
  });

  it('throws a FerError naming a class the target lacks', () => {
    expect(() => alignClasses(['happy', 'contempt'], FER_CLASSES)).toThrow(FerError);
    expect(() => alignClasses(['happy', 'contempt'], FER_CLASSES)).toThrow(/"contempt"/);
  });
});
