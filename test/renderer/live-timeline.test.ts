/** The live recording's export: one row per face per frame, both models' probabilities under their class names. */
import { describe, expect, it } from 'vitest';
import { Timeline } from '../../renderer/src/live-timeline.ts';
import { faceAt } from '../../renderer/src/label-layout.ts';

describe('Timeline', () => {
  const classes = { cnn: ['happy', 'sad'], rnn: ['happy', 'sad'] };

  it('writes CSV with a header naming each model and class, rows in time order', () => {
    const t = new Timeline();
    t.add(
      12.4,
      [
        { id: 1, box: [10.2, 20, 30, 40], raw: { cnn: [0.9, 0.1], rnn: [0.8, 0.2] } },
        { id: 2, box: [100, 20, 30, 40], raw: { cnn: [0.3, 0.7], rnn: [0.4, 0.6] } },
      ],
      classes,
    );
    t.add(80, [{ id: 2, box: [101, 20, 30, 40], raw: { cnn: [0.25, 0.75], rnn: [0.5, 0.5] } }], classes);
    expect(t.csv().split('\n')).toEqual([
      'time_ms,face_id,x,y,w,h,cnn_happy,cnn_sad,rnn_happy,rnn_sad',
      '12,1,10,20,30,40,0.90000,0.10000,0.80000,0.20000',
      '12,2,100,20,30,40,0.30000,0.70000,0.40000,0.60000',
      '80,2,101,20,30,40,0.25000,0.75000,0.50000,0.50000',
      '',
    ]);
    const json = JSON.parse(t.json()) as { classes: unknown; rows: { faceId: number }[] };
    expect(json.classes).toEqual(classes);
    expect(json.rows.map((r) => r.faceId)).toEqual([1, 2, 2]);
  });

  it('leaves a model out of the CSV when it gave no answer (one model loaded)', () => {
    const t = new Timeline();
    t.add(0, [{ id: 1, box: [0, 0, 1, 1], raw: { cnn: [1, 0] } }], { cnn: ['happy', 'sad'] });
    expect(t.csv().split('\n')[0]).toBe('time_ms,face_id,x,y,w,h,cnn_happy,cnn_sad');
  });
});

describe('faceAt (hover and click on the overlay)', () => {
  const drawn = [
    { id: 1, box: { x: 0, y: 50, w: 200, h: 200 }, label: { x: 0, y: 28, w: 60, h: 20 } },
    { id: 2, box: { x: 50, y: 100, w: 50, h: 50 }, label: { x: 50, y: 152, w: 60, h: 20 } },
  ];
  it('picks the label under the point, else the smallest box around it, else none', () => {
    expect(faceAt(drawn, 10, 30)).toBe(1);
    expect(faceAt(drawn, 60, 160)).toBe(2);
    expect(faceAt(drawn, 70, 120)).toBe(2);
    expect(faceAt(drawn, 10, 200)).toBe(1);
    expect(faceAt(drawn, 300, 300)).toBeNull();
  });
});
