/** The heatMaps request's answer: where each model looked on each face of the photo being predicted. */
import type { ModelSlot } from './snapshot.ts';

export interface FaceHeatMap {
  /** Model's answer the map explains. */
  label: string;
  method: 'grad-cam' | 'gradient-x-input';
  /** data:image/png;base64 — the face box's heat in the colour map, transparent where cool: draw it over `box`. */
  overlay: string;
}

export interface HeatMapsResult {
  /** The decoded photo's size: boxes are in its pixels. */
  width: number;
  height: number;
  faces: { box: [number, number, number, number]; models: Partial<Record<ModelSlot, FaceHeatMap>> }[];
  /** data:image/png;base64 — the colour scale, coolest on the left. */
  legend: string;
}
