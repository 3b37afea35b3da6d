"""Baseline for bench/predict.ts: one photo end to end with OpenCV + PyTorch.

The same steps as FER Studio's predictImage: read and decode the file, convert
to gray (BT.601, as the project), equalize the histogram, Haar detection with
the project's cascade and detectMultiScale settings, crop the largest face
with the same margin, resize to 48x48 (INTER_AREA, as the project's area
averaging), then the CNN and the RNN twins (random weights: speed only), each on the
same test-time-augmentation views as the app (--views 4: the face and a 1.1x centre
zoom, each also mirrored, as one batch; --cnn-stages: the shipped CNN's filters).

  /usr/bin/python3 bench/baselines/predict_cv_torch.py PHOTO CASCADE [--runs 50] [--threads 2]

Prints one JSON object: median seconds of the whole path and of each stage, and every
run's [total, decode, detect, classify] seconds as samples.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fer_models import FerCnn, build, centre_zoom, parse_stages  # noqa: E402


def expand_box(x, y, w, h, width, height, margin):
    # crop.ts expandBox, with JS Math.round (half up) rather than Python's half-to-even.
    rnd = lambda v: math.floor(v + 0.5)  # noqa: E731
    dx, dy = w * margin / 2, h * margin / 2
    x0, y0 = max(0, rnd(x - dx)), max(0, rnd(y - dy))
    x1, y1 = min(width, rnd(x + w + dx)), min(height, rnd(y + h + dy))
    return x0, y0, max(1, x1 - x0), max(1, y1 - y0)


def keras_param_count(m):
    # tfjs countParams() includes batch norm's moving mean and variance; torch keeps those as buffers.
    return sum(p.numel() for p in m.parameters()) + sum(b.numel() for n, b in m.named_buffers() if 'running_' in n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('photo')
    ap.add_argument('cascade')
    ap.add_argument('--runs', type=int, default=50)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--scale-factor', type=float, default=1.1)
    ap.add_argument('--min-neighbors', type=int, default=5)
    ap.add_argument('--min-size-fraction', type=float, default=0.05)
    ap.add_argument('--margin', type=float, default=0.2)
    ap.add_argument('--views', type=int, choices=[1, 2, 4], default=4)
    ap.add_argument('--cnn-stages', default='', help='e.g. "48;96,96;192,192;384" (default: fer_models.CNN_STAGES)')
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    cv2.setNumThreads(a.threads)
    clf = cv2.CascadeClassifier(a.cascade)  # loaded once, reused: as the project caches its detector
    if clf.empty():
        sys.exit(f'cannot load cascade {a.cascade}')
    models = {'cnn': FerCnn(7, stages=parse_stages(a.cnn_stages)).eval(), 'rnn': build('rnn').eval()}

    def views(x):
        # The app's TTA_VIEWS (src/core/models/model-input.ts), stacked into one batch.
        out = [x, torch.flip(x, dims=[3])][:a.views]
        if a.views == 4:
            z = centre_zoom(x)
            out += [z, torch.flip(z, dims=[3])]
        return torch.cat(out)

    def once():
        t0 = time.perf_counter()
        bgr = cv2.imread(a.photo, cv2.IMREAD_COLOR)
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        t1 = time.perf_counter()
        h, w = gray.shape
        eq = cv2.equalizeHist(gray)
        side = round(a.min_size_fraction * min(w, h))
        faces = clf.detectMultiScale(eq, scaleFactor=a.scale_factor, minNeighbors=a.min_neighbors, flags=0, minSize=(side, side))
        t2 = time.perf_counter()
        n = len(faces)
        if n:
            x, y, fw, fh = max(faces, key=lambda f: f[2] * f[3])
            x0, y0, cw, ch = expand_box(x, y, fw, fh, w, h, a.margin)
            crop = cv2.resize(gray[y0:y0 + ch, x0:x0 + cw], (48, 48), interpolation=cv2.INTER_AREA)
            x_in = torch.from_numpy(crop.astype(np.float32) / np.float32(255)).reshape(1, 1, 48, 48)
            with torch.no_grad():
                x_in = views(x_in)
                for m in models.values():
                    torch.softmax(m(x_in), dim=1).mean(0).numpy()
        t3 = time.perf_counter()
        return t3 - t0, t1 - t0, t2 - t1, t3 - t2, n

    for _ in range(a.warmup):
        once()
    runs = [once() for _ in range(a.runs)]
    med = lambda i: statistics.median(r[i] for r in runs)  # noqa: E731
    print(json.dumps({
        'total': med(0), 'decode': med(1), 'detect': med(2), 'classify': med(3), 'faces': runs[-1][4], 'runs': a.runs,
        'samples': [list(r[:4]) for r in runs],  # so a caller can pool interleaved rounds
        'threads': a.threads, 'views': a.views, 'params': {k: keras_param_count(m) for k, m in models.items()},
        'versions': {'opencv': cv2.__version__, 'torch': torch.__version__},
    }))


if __name__ == '__main__':
    main()
