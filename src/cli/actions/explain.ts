/** `fer predict --explain <dir>`: one PNG per face and model showing where the model looked. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { heatPanelPng } from '../../core/explain/heat-panel.ts';
import type { FerModel } from '../../core/model-io/load-fer-model.ts';
import { explainImage, type ExplainImageOptions } from '../../core/predict/explain-image.ts';
import { slotLabel } from '../../contract/model-kinds.ts';

const METHOD = { 'grad-cam': 'Grad-CAM', 'gradient-x-input': 'gradient x input' } as const;

/** Writes `<dir>/<image name>-face<N>-<model>.png` for every face and model; returns the paths. */
export async function writeHeatPanels(
  models: FerModel[],
  file: string,
  dir: string,
  opts: ExplainImageOptions,
): Promise<string[]> {
  const heat = await explainImage(models, file, opts);
  await fs.mkdir(dir, { recursive: true });
  const stem = path.basename(file).replace(/\.[^.]+$/, '');
  const written: string[] = [];
  for (const [i, face] of heat.faces.entries()) {
    for (const [key, h] of Object.entries(face.models)) {
      const png = await heatPanelPng({
        rgb: heat.image.rgb,
        width: heat.image.width,
        height: heat.image.height,
        box: face.box,
        boxMap: h.boxMap,
        boxWidth: h.boxWidth,
        boxHeight: h.boxHeight,
        title: `${slotLabel(key)}: where it looked for "${h.label}" (${METHOD[h.method]})`,
      });
      const out = path.join(dir, `${stem}-face${i + 1}-${key}.png`);
      await fs.writeFile(out, png);
      written.push(out);
    }
  }
  return written;
}
