"""Soft targets for distillation: the mirror-averaged probabilities of an ensemble of exported runs.

Why: the three networks of run 2 (CNN 67.5 %, wide CNN 68.2 %, RNN 66.0 % on PublicTest)
average to 70.3 % with mirror TTA, better than any of them; their averaged probabilities on
the train split carry that knowledge into one network (train_torch_gpu.py --teacher).
Computed once, on the un-augmented images and their mirror images (both give the same
target), so a CPU run does not pay three forward passes per training step.

  python3 scripts/gpu/teacher_probs.py --data ../shared/datasets/fer2013 --out runs/teacher.npy \\
      models/torch-runs/run2/cnn.json models/torch-runs/run2/cnn-wide.json models/torch-runs/run2/rnn.json
(each manifest needs its .bin beside it.) Writes float32 [n, 7] and prints each member's and
the ensemble's accuracy on PublicTest, so the teacher's quality is on record.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_torch_gpu import load_npy, net_for_manifest  # noqa: E402


@torch.no_grad()
def mirror_probs(net, images, batch=512):
    out = []
    for i in range(0, len(images), batch):
        x = torch.from_numpy(images[i:i + batch]).unsqueeze(1).float().div_(255)
        out.append((net(x).softmax(1) + net(torch.flip(x, dims=[3])).softmax(1)) / 2)
    return torch.cat(out).numpy()


def main():
    p = argparse.ArgumentParser()
    p.add_argument('manifests', nargs='+')
    p.add_argument('--data', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--threads', type=int, default=0)
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    x_train = load_npy(os.path.join(a.data, 'train.X.npy'))
    x_val = load_npy(os.path.join(a.data, 'publictest.X.npy'))
    y_val = load_npy(os.path.join(a.data, 'publictest.Y.npy'))
    train_sum, val_sum = np.zeros((len(x_train), 7), np.float32), np.zeros((len(x_val), 7), np.float32)
    for path in a.manifests:
        t0 = time.time()
        net = net_for_manifest(path).eval()
        pv = mirror_probs(net, x_val)
        val_sum += pv
        train_sum += mirror_probs(net, x_train)
        print(f'{path}: PublicTest {np.mean(pv.argmax(1) == y_val):.4f} (mirror TTA), {time.time() - t0:.0f} s', flush=True)
    print(f'ensemble of {len(a.manifests)}: PublicTest {np.mean(val_sum.argmax(1) == y_val):.4f} (mirror TTA)', flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    np.save(a.out, train_sum / len(a.manifests))


if __name__ == '__main__':
    main()
