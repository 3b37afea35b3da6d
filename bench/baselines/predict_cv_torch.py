"""Baseline for bench/predict.ts: one photo end to end with OpenCV + PyTorch.

The same steps as FER Studio's predictImage: read and decode the file, convert
to gray (BT.601, as the project), equalize the histogram, Haar detection with
the project's cascade and detectMultiScale settings, crop the largest face
with the same margin, resize to 48x48 (INTER_AREA, as the project's area
averaging), then the CNN and the RNN twins (random weights: speed only), each on the
same test-time-augmentation views as the app (--views 4: the face and a 1.1x centre
zoom, each also mirrored, as one batch; --cnn-stages: the shipped CNN's filters).

With --yunet ONNX the face is found by YuNet instead, as OpenCV's FaceDetectorYN (4.8+)
does it: Debian's OpenCV 4.6 has FaceDetectorYN but cannot load the current model
("!isDynamicShape"), while its dnn module runs the fixed 640x640 export of the same
weights at any multiple of 32, so the image is padded, run through cv2.dnn, decoded
with FaceDetectorYN's arithmetic and cv2.dnn.NMSBoxes; the crop is turned so the eyes
are level (cv2.warpAffine), as the project's levelled-crop.ts does.

  /usr/bin/python3 bench/baselines/predict_cv_torch.py PHOTO CASCADE [--runs 50] [--threads 2] [--yunet ONNX]

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


YUNET_OUTPUTS = [f'{head}_{s}' for head in ('cls', 'obj', 'bbox', 'kps') for s in (8, 16, 32)]


def yunet_faces(net, bgr, score_threshold, nms_threshold):
    """[(x, y, w, h), score, [(x, y) * 5]] per face, as FaceDetectorYN::detect."""
    h, w = bgr.shape[:2]
    pw, ph = (w + 31) // 32 * 32, (h + 31) // 32 * 32
    pad = cv2.copyMakeBorder(bgr, 0, ph - h, 0, pw - w, cv2.BORDER_CONSTANT, value=0)
    net.setInput(cv2.dnn.blobFromImage(pad))
    outs = dict(zip(YUNET_OUTPUTS, net.forward(YUNET_OUTPUTS)))
    boxes, scores, marks = [], [], []
    for s in (8, 16, 32):
        cls, obj = outs[f'cls_{s}'].reshape(-1), outs[f'obj_{s}'].reshape(-1)
        bbox, kps = outs[f'bbox_{s}'].reshape(-1, 4), outs[f'kps_{s}'].reshape(-1, 10)
        idx = np.arange(cls.size)
        c, r = idx % (pw // s), idx // (pw // s)
        score = np.sqrt(np.clip(cls, 0, 1) * np.clip(obj, 0, 1))
        keep = score >= score_threshold
        bw, bh = np.exp(bbox[:, 2]) * s, np.exp(bbox[:, 3]) * s
        x0, y0 = (c + bbox[:, 0]) * s - bw / 2, (r + bbox[:, 1]) * s - bh / 2
        boxes.append(np.stack([x0, y0, bw, bh], 1)[keep])
        scores.append(score[keep])
        marks.append(np.stack([(kps[:, 0::2] + c[:, None]) * s, (kps[:, 1::2] + r[:, None]) * s], 2)[keep])
    boxes, scores, marks = np.concatenate(boxes), np.concatenate(scores), np.concatenate(marks)
    if len(scores) > 1:
        keep = cv2.dnn.NMSBoxes(boxes.astype(np.int32).tolist(), scores.tolist(), score_threshold, nms_threshold, top_k=5000)
        keep = np.array(keep, dtype=np.int64).reshape(-1)
        boxes, scores, marks = boxes[keep], scores[keep], marks[keep]
    return [(tuple(b), float(sc), m) for b, sc, m in zip(boxes, scores, marks)]


def levelled_crop(gray, box, marks, margin):
    """The box grown by margin, turned about its centre so the eyes are level, 48x48."""
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    (rx, ry), (lx, ly) = marks[0], marks[1]
    sw, sh = w * (1 + margin), h * (1 + margin)
    m = cv2.getRotationMatrix2D((float(cx), float(cy)), math.degrees(math.atan2(ly - ry, lx - rx)), 1.0)
    m[0, 2] -= cx - sw / 2
    m[1, 2] -= cy - sh / 2
    crop = cv2.warpAffine(gray, m, (max(1, round(sw)), max(1, round(sh))), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return cv2.resize(crop, (48, 48), interpolation=cv2.INTER_AREA)


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
    ap.add_argument('--yunet', default='', help='find faces with this YuNet ONNX file (fixed-size export) instead of the cascade')
    ap.add_argument('--score-threshold', type=float, default=0.75)
    ap.add_argument('--nms-threshold', type=float, default=0.3)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    cv2.setNumThreads(a.threads)
    clf = cv2.CascadeClassifier(a.cascade)  # loaded once, reused: as the project caches its detector
    if clf.empty():
        sys.exit(f'cannot load cascade {a.cascade}')
    net = cv2.dnn.readNetFromONNX(a.yunet) if a.yunet else None
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
        if net is not None:
            faces = yunet_faces(net, bgr, a.score_threshold, a.nms_threshold)
        else:
            eq = cv2.equalizeHist(gray)
            side = round(a.min_size_fraction * min(w, h))
            faces = clf.detectMultiScale(eq, scaleFactor=a.scale_factor, minNeighbors=a.min_neighbors, flags=0, minSize=(side, side))
        t2 = time.perf_counter()
        n = len(faces)
        if n and net is not None:
            box, _, marks = max(faces, key=lambda f: f[0][2] * f[0][3])
            crop = levelled_crop(gray, box, marks, a.margin)
        elif n:
            x, y, fw, fh = max(faces, key=lambda f: f[2] * f[3])
            x0, y0, cw, ch = expand_box(x, y, fw, fh, w, h, a.margin)
            crop = cv2.resize(gray[y0:y0 + ch, x0:x0 + cw], (48, 48), interpolation=cv2.INTER_AREA)
        if n:
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
