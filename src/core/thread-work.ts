/**
 * What each thread of a two-thread pass did, in the pass's own unit (images,
 * row chunks or models). Optional and cheap: a caller passes one to learn
 * whether the helper thread took part (a pass whose helper did nothing still
 * gives the right answer, only slower, so the answer alone cannot show it).
 */
export interface ThreadWork {
  /** Units done on the calling thread. */
  here: number;
  /** Units done on the helper thread (or worker) and used in the result. */
  helper: number;
}
