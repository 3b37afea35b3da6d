"""Which test-time-augmentation views pay: PublicTest accuracy of exported runs over view sets.

Why: each view is one more forward pass per face in `fer predict` and the app, so the app
averages the smallest set that pays. This scores, from one pass per view, the face alone,
with its mirror image, plus 1.1x centre zoom (TTA_VIEWS in src/core/models/model-input.ts),
plus shifts of 2 px, and all of them; for each run and for the runs' ensemble.

  /usr/bin/python3 scripts/gpu/tta_views.py --data ../shared/datasets/fer2013 \\
      models/torch-runs/run2/cnn.json models/torch-runs/run2/cnn-wide.json models/torch-runs/run2/rnn.json
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_torch_gpu import load_npy, net_for_manifest  # noqa: E402  (also puts bench/baselines on the path)
from fer_models import centre_zoom  # noqa: E402

SHIFTS = [(-2, 0), (2, 0), (0, -2), (0, 2), (-2, -2), (2, 2), (-2, 2), (2, -2)]


def views(x):
    """Every view, each also mirrored: name -> [n, 1, 48, 48]."""
    pad = F.pad(x, (2, 2, 2, 2), mode='replicate')  # edge pixels repeat, like the app's shift
    zoom = centre_zoom(x)
    out = {'face': x, 'zoom': zoom}
    out.update({f'shift{dx},{dy}': pad[:, :, 2 + dy:50 + dy, 2 + dx:50 + dx] for dx, dy in SHIFTS})
    return {**out, **{f'{k} mirrored': torch.flip(v, dims=[3]) for k, v in out.items()}}


SETS = {
    'face': ['face'],
    'mirror (2)': ['face', 'face mirrored'],
    'mirror + zoom (4, the app)': ['face', 'face mirrored', 'zoom', 'zoom mirrored'],
    'mirror + 4 shifts (10)': ['face', 'face mirrored'] + [f'shift{dx},{dy}{m}' for dx, dy in SHIFTS[:4] for m in ('', ' mirrored')],
    'all (20)': None,
}


@torch.no_grad()
def main():
    p = argparse.ArgumentParser()
    p.add_argument('manifests', nargs='+')
    p.add_argument('--data', required=True)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    x = torch.from_numpy(load_npy(os.path.join(a.data, 'publictest.X.npy'))).unsqueeze(1).float().div_(255)
    y = load_npy(os.path.join(a.data, 'publictest.Y.npy'))
    vs = views(x)
    per_run = []
    for path in a.manifests:
        net = net_for_manifest(path).eval()
        per_run.append({k: torch.cat([net(v[i:i + 512]).softmax(1) for i in range(0, len(v), 512)]).numpy() for k, v in vs.items()})
    rows = [(os.path.basename(m), [r]) for m, r in zip(a.manifests, per_run)] + [('ensemble', per_run)]
    for name, runs in rows:
        scores = []
        for label, keys in SETS.items():
            probs = sum(r[k] for r in runs for k in (keys or vs.keys()))
            scores.append(f'{label} {np.mean(probs.argmax(1) == y) * 100:.2f} %')
        print(f'{name}: ' + '; '.join(scores), flush=True)


if __name__ == '__main__':
    main()
