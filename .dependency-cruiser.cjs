/**
 * The allowed imports (README, "How it is built"): `npm run check` fails on any other edge.
 *
 *   renderer ──> contract <── app <── cli, server, electron (the shells; never each other)
 *                   ^          │
 *                   └── core <─┘   core: layers below, each importing only lower ones
 *
 * Inside src/core the folders form a stack, lowest first; a module may import its own folder,
 * any lower folder and the base files at core's root (errors, task, random, threads, atomic-dir, wasm-api).
 */
const CORE_LAYERS = [
  'image', // decode -> gray -> crop/resize: the one image path
  'dataset',
  'backend',
  'preprocess',
  'models',
  'input', // what a model reads: batch sources, augmentation, PCA input
  'model-io',
  'onnx',
  'train',
  'eval',
  'explain', // heat maps: where a model looked (Grad-CAM, gradient x input)
  'face', // detectors (YuNet, Haar)
  'predict',
  'live',
  'pipeline',
];
const CORE_BASE =
  'src/core/(errors|task|random|thread-work|worker-channel|helper-thread|spawn-sibling-worker|atomic-dir|wasm-api)\\.ts$';

const layerRules = CORE_LAYERS.map((layer, i) => ({
  name: `core-${layer}-imports-only-lower-layers`,
  comment: `src/core/${layer} sits above ${CORE_LAYERS.slice(0, i).join(', ') || 'only the base files'}`,
  severity: 'error',
  from: { path: `^src/core/${layer}/` },
  to: { path: `^src/core/(${CORE_LAYERS.slice(i + 1).join('|') || '$^'})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles (type-only ones too) hide the layering.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment:
        'core imports no shell, no app, no renderer, no Electron; of the contract only the model kinds it registers.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: {
        path: ['^src/(app|cli|server|electron)/', '^renderer/', '^electron$', '^src/contract/(?!model-kinds\\.ts$)'],
      },
    },
    {
      name: 'core-base-is-the-bottom',
      comment: "core's root files (errors, threads, ...) import no core folder.",
      severity: 'error',
      from: { path: CORE_BASE },
      to: { path: '^src/core/[^/]+/' },
    },
    {
      name: 'runtime-options-from-the-top',
      comment: "runtime-options.ts applies the shells' options to every layer; only app and the shells call it.",
      severity: 'error',
      from: { path: '^src/core/', pathNot: '^src/core/runtime-options\\.ts$' },
      to: { path: '^src/core/runtime-options\\.ts$' },
    },
    ...layerRules,
    {
      name: 'contract-stands-alone',
      comment: 'The contract is shared by the renderer and the backend: it imports only itself.',
      severity: 'error',
      from: { path: '^src/contract/' },
      to: { path: '^(src/(?!contract/)|renderer/)' },
    },
    {
      name: 'renderer-speaks-only-the-contract',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^src/(?!contract/)' },
    },
    {
      name: 'app-below-the-shells',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/(cli|server|electron)/' },
    },
    {
      name: 'shells-not-sideways',
      comment: 'cli, server and electron each build on app and core, never on each other.',
      severity: 'error',
      from: { path: '^src/(cli|server|electron)/' },
      to: { path: '^src/(cli|server|electron)/', pathNot: '^src/$1/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
