"""PyTorch CPU training throughput of FER Studio's architectures: the baseline of bench/train.ts.

Trains fer_models.build(kind) on the first N images of a FER2013 .npy pair with the
project's recipe (batch 64, Adam, cross-entropy with label smoothing and class
weights), one warm-up batch then one timed epoch, and prints one JSON line:
{"imagesPerSecond", "seconds", "images", "threads", "torch", "kind"}.

Augmentation is a random horizontal flip only (FER Studio also shifts and jitters
brightness/contrast); batch preparation is inside the timing, as it is for ours.

  /usr/bin/python3 bench/baselines/train_torch.py --x X.npy --y Y.npy --images 4096 --kind cnn --threads 2
"""
import argparse
import json
import time

import numpy as np
import torch
from torch import nn

from fer_models import build


def balanced_weights(labels, classes):
    # Same formula as src/core/train/losses.ts balancedClassWeights (square root of n / (classes * count)).
    counts = np.bincount(labels, minlength=classes).astype(np.float64)
    w = np.zeros(classes)
    w[counts > 0] = np.sqrt(len(labels) / (classes * counts[counts > 0]))
    return w


def batch_tensors(images, labels, idx, gen):
    x = torch.from_numpy(images[idx]).to(torch.float32).div_(255).unsqueeze(1)  # [m, 1, 48, 48]
    flip = torch.rand(len(idx), generator=gen) < 0.5
    x[flip] = torch.flip(x[flip], dims=[3])
    return x, torch.from_numpy(labels[idx])


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--x', required=True)
    p.add_argument('--y', required=True)
    p.add_argument('--images', type=int, default=4096)
    p.add_argument('--kind', choices=['cnn', 'rnn'], default='cnn')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--smoothing', type=float, default=0.1)
    p.add_argument('--class-weights', default='', help='comma-separated weights; default: computed like FER Studio')
    p.add_argument('--seed', type=int, default=42)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    images = np.ascontiguousarray(np.load(a.x, mmap_mode='r')[:a.images])
    labels = np.load(a.y, mmap_mode='r')[:a.images].astype(np.int64)
    classes = 7
    w = [float(v) for v in a.class_weights.split(',')] if a.class_weights else balanced_weights(labels, classes)

    model = build(a.kind, classes)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = nn.CrossEntropyLoss(weight=torch.tensor(w, dtype=torch.float32), label_smoothing=a.smoothing)

    def step(idx):
        x, y = batch_tensors(images, labels, idx, gen)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()  # forces the step to finish, as ours reads the loss back each batch

    n = len(labels)
    step(np.arange(min(a.batch, n)))  # warm-up: one-off allocations and kernel selection
    order = torch.randperm(n, generator=gen).numpy()
    t = time.perf_counter()
    for b in range(0, n, a.batch):
        step(order[b:b + a.batch])
    seconds = time.perf_counter() - t
    print(json.dumps({'imagesPerSecond': n / seconds, 'seconds': seconds, 'images': n, 'threads': torch.get_num_threads(),
                      'torch': torch.__version__, 'kind': a.kind}))


if __name__ == '__main__':
    main()
