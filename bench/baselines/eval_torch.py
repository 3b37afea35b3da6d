"""Baseline for bench/eval.ts: forward passes of a PyTorch twin over PublicTest.

Speed only (random weights): uint8 images -> float 0..1 -> model -> softmax ->
argmax, in batches, as the project's evaluation does. One warm-up batch, then
the median of --runs full passes.

  /usr/bin/python3 bench/baselines/eval_torch.py X.npy --kind cnn [--batch 256] [--threads 2] [--limit N] [--runs 3]

Prints one JSON object: {seconds, imagesPerSecond, count, params, ...}.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fer_models import build  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('x')
    ap.add_argument('--kind', choices=['cnn', 'rnn'], default='cnn')
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--limit', type=int, default=0)
    ap.add_argument('--runs', type=int, default=3)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    x = np.load(a.x)
    if a.limit:
        x = x[:a.limit]
    model = build(a.kind).eval()

    def one_pass(images):
        preds = []
        with torch.no_grad():
            for s in range(0, len(images), a.batch):
                b = torch.from_numpy(images[s:s + a.batch].astype(np.float32) / np.float32(255)).unsqueeze(1)
                preds.append(torch.softmax(model(b), dim=1).argmax(1).numpy())
        return np.concatenate(preds)

    one_pass(x[:a.batch])  # warm-up: allocator and kernel selection
    times = []
    for _ in range(a.runs):
        t = time.perf_counter()
        one_pass(x)
        times.append(time.perf_counter() - t)
    sec = statistics.median(times)
    params = sum(p.numel() for p in model.parameters()) + sum(b.numel() for n, b in model.named_buffers() if 'running_' in n)
    print(json.dumps({
        'seconds': sec, 'imagesPerSecond': len(x) / sec, 'count': len(x), 'kind': a.kind, 'batch': a.batch,
        'threads': a.threads, 'runs': a.runs, 'params': params, 'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()
