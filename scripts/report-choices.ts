/**
 * The "what each choice bought" section of models/REPORT.md. These are
 * one-off measurements (training logs and probes on this machine), not
 * recomputed by report.ts, so each line says where its figure comes from.
 */
export const CHOICES: string[] = [
  '## What each choice bought', '',
  'Measured on this machine (2 cores, wasm backend) during development; compute allowed one run per choice, not repeated runs, so small differences are within noise.', '',
  '| choice | measured effect | how it was measured |',
  '|---|---|---|',
  '| Re-estimating batch-norm statistics after every epoch ("precise BN", 2,048 clean training images) | CNN PublicTest 36.9 % -> 51.7 % with the same weights | CNN after 3 full-FER2013 epochs, evaluated with the moving statistics, then with re-estimated ones |',
  '| Mirror test-time augmentation (used by `fer predict` and the app) | see the table above: accuracy with and without it, same weights | `npx tsx scripts/report.ts` |',
  '| Global average pooling instead of flatten + dense head | CNN has 576 k parameters; flattening its 6x6x256 output into a 256-unit dense layer would add 2.4 M | parameter count; accuracy not ablated |',
  '| Convolutional stem before the RNN\'s LSTM (instead of raw 48-pixel rows) | PublicTest after epoch 1: 28.8 % (raw rows, BiLSTM 96) -> 33.3 % (stem, BiLSTM 128); the raw-row model plateaued at 36.6 % after 6 epochs | full-FER2013 training logs; the two runs also differ in learning rate (1e-3 vs 2e-3) |',
  '| LSTM gates with sigmoid instead of tfjs\' default hard sigmoid | 27.1 % / 26.3 % vs 24.7 % / 21.6 % after epochs 1 / 2 | probe: 3,072 training images, 1,000 PublicTest images; not yet used by the shipped RNN, which was already training |',
  '| Transposed matrix products through XNNPACK (dense/LSTM backward passes) | 768x768 by 768x512 product: 475 ms (transposed B) / 790 ms (transposed A) -> ~33 ms; RNN training step (batch 64) 5.3 s -> 2.4 s | `src/core/backend/wasm-matmul.ts`; kernel profile of one step |',
  '| Data-parallel gradient threads (`--workers 2`, the default on wasm) | training images/second on 2 cores: CNN 20.4 -> 35.1 (1.72x), RNN 37.7 -> 52.8 (1.40x) | `npm run bench -- --only train` (4,096 images, batch 64; README table) |',
  '| Square-root-balanced class weights, label smoothing 0.1, flip/shift/brightness augmentation | not ablated (each ablation is a multi-hour run here) | - |',
  '',
];
