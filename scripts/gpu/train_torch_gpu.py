"""Trains FER Studio's shipped architectures with PyTorch on a CUDA GPU, for sessions lent one.

Why: on this project's 2-core machine an epoch of the CNN takes 14-22 minutes with the
wasm backend, so the shipped models had seen ~10 epochs. A GPU runs the same layers
(bench/baselines/fer_models.py, the PyTorch twins of src/core/models) for hundreds of
epochs in minutes; scripts/import-torch-weights.ts then writes the weights into the
app's own tfjs model files, and `fer eval` re-measures them with the app's backend.

Recipe (all on the GPU): the whole train split lives on the device as uint8; each batch
is flipped, rotated/scaled/shifted (edge pixels repeat, like the app's shift), brightness/
contrast-jittered (the app's formula) and randomly erased. Cross-entropy with label
smoothing and the app's square-root class weights; SGD+Nesterov (CNN) or AdamW (RNN),
linear warm-up then cosine; an exponential moving average (EMA) of the weights.
PublicTest is evaluated after every epoch, for selection only (never trained on).

  python3 scripts/gpu/train_torch_gpu.py --kind cnn --name cnn --data DIR --out OUT \\
      [--epochs 200] [--budget-seconds 400] [--resume]

With --budget-seconds the epoch count is fixed after the warm-up epochs from their
measured speed (warm-up does not depend on it), and printed: rerunning with
--epochs <that number> and no budget repeats the same schedule.
Writes OUT/<name>.json (manifest: per-layer weight shapes in tfjs order, history,
options, reference outputs) and OUT/<name>.bin (float32 weights); a checkpoint for
--resume every epoch in --checkpoint-dir.
"""
import argparse
import copy
import io
import json
import lzma
import math
import os
import platform
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'bench', 'baselines'))
from fer_models import FerCnn, FerRnn, parse_stages  # noqa: E402
from train_torch import balanced_weights  # noqa: E402  (the app's formula, shared with the CPU baseline)
from tfjs_layout import export_layers, import_layers, load_export  # noqa: E402


def load_npy(path):
    """A .npy file, or the same file compressed with xz (how it travels to a lent machine)."""
    if os.path.exists(path):
        return np.load(path)
    with open(path + '.xz', 'rb') as f:
        return np.load(io.BytesIO(lzma.decompress(f.read())))


def augment(x, gen, a):
    """x: [m, 1, 48, 48] floats 0..1 on the device; returns an augmented copy."""
    m, dev = x.shape[0], x.device
    u = lambda: torch.rand(m, device=dev, generator=gen)  # noqa: E731
    ang = (u() * 2 - 1) * math.radians(a.rotate)
    scale = 1 + (u() * 2 - 1) * a.scale
    flip = torch.where(u() < 0.5, -1.0, 1.0)
    shift = a.shift * 2 / 48  # pixels -> normalised coordinates
    tx, ty = (u() * 2 - 1) * shift, (u() * 2 - 1) * shift
    cos, sin = torch.cos(ang) / scale, torch.sin(ang) / scale
    theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode='bilinear', padding_mode='border', align_corners=False)
    # The app's jitter (src/core/train/batches.ts): contrast around 0.5, then brightness.
    contrast = 1 + (u() * 2 - 1) * a.jitter
    bright = (u() * 2 - 1) * a.jitter * 0.5
    x = ((x - 0.5) * contrast.view(m, 1, 1, 1) + 0.5 + bright.view(m, 1, 1, 1)).clamp_(0, 1)
    if a.erase > 0:
        area = (0.02 + u() * 0.13) * 48 * 48
        ratio = torch.exp((u() * 2 - 1) * math.log(3))
        h = (area * ratio).sqrt().clamp(1, 47)
        w = (area / ratio).sqrt().clamp(1, 47)
        y0, x0 = u() * (48 - h), u() * (48 - w)
        r = torch.arange(48, device=dev, dtype=x.dtype)
        inside = ((r.view(1, 48, 1) >= y0.view(m, 1, 1)) & (r.view(1, 48, 1) < (y0 + h).view(m, 1, 1))
                  & (r.view(1, 1, 48) >= x0.view(m, 1, 1)) & (r.view(1, 1, 48) < (x0 + w).view(m, 1, 1)))
        inside &= (u() < a.erase).view(m, 1, 1)
        noise = torch.rand(x.shape, device=dev, generator=gen)
        x = torch.where(inside.unsqueeze(1), noise, x)
    return x


@torch.no_grad()
def evaluate(model, images, labels, dev, amp):
    """Loss, accuracy and flip-TTA accuracy; images uint8 [n, 48, 48] on the device."""
    model.eval()
    probs, probs_tta = [], []
    for i in range(0, len(images), 1024):
        x = images[i:i + 1024].unsqueeze(1).float().div_(255).contiguous(memory_format=torch.channels_last)
        with torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=amp):
            p = model(x).float().softmax(1)
            pf = model(torch.flip(x, dims=[3])).float().softmax(1)
        probs.append(p)
        probs_tta.append((p + pf) / 2)
    p, pt = torch.cat(probs), torch.cat(probs_tta)
    loss = F.nll_loss(p.clamp_min(1e-7).log(), labels).item()
    return loss, (p.argmax(1) == labels).float().mean().item(), (pt.argmax(1) == labels).float().mean().item()


def lr_at(step, total, warm, base):
    if step < warm:
        return base * (0.1 + 0.9 * step / warm)
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warm) / max(1, total - warm))))


def build(a):
    if a.kind == 'cnn':
        stages = parse_stages(a.stages)
        return FerCnn(7, stages=stages, dropout=a.dropout if a.dropout >= 0 else 0.4), stages
    return FerRnn(7, dropout=a.dropout if a.dropout >= 0 else 0.3), None


def net_for_manifest(path):
    """The PyTorch network an exported run describes, with its weights (a teacher, or --init)."""
    manifest, layers = load_export(path)
    o = manifest['options']
    if manifest['kind'] == 'cnn':
        net = FerCnn(7, stages=parse_stages(o.get('stages', '')))
    else:
        net = FerRnn(7)
    return import_layers(net, layers)


def distill_loss(logits, teacher, t):
    """Hinton et al.'s soft-target term: KL(teacher || student) at temperature t, scaled by t^2
    so its gradients keep their size as t changes. `teacher` holds probabilities."""
    soft = F.softmax(teacher.clamp_min(1e-8).log() / t, 1)
    return F.kl_div(F.log_softmax(logits / t, 1), soft, reduction='batchmean') * t * t


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--kind', choices=['cnn', 'rnn'], required=True)
    p.add_argument('--name', required=True)
    p.add_argument('--data', required=True, help='folder with train.X.npy, train.Y.npy, publictest.X.npy, publictest.Y.npy (or .npy.xz)')
    p.add_argument('--out', required=True)
    p.add_argument('--checkpoint-dir', default='')
    p.add_argument('--resume', action='store_true')
    p.add_argument('--epochs', type=int, default=None, help='epochs of the schedule, default 200 (an upper bound with --budget-seconds; on --resume, a new length)')
    p.add_argument('--budget-seconds', type=float, default=0)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--opt', choices=['sgd', 'adamw'], default='sgd')
    p.add_argument('--lr', type=float, default=0)
    p.add_argument('--wd', type=float, default=0)
    p.add_argument('--smoothing', type=float, default=0.1)
    p.add_argument('--dropout', type=float, default=-1)
    p.add_argument('--stages', default='', help='CNN filters, e.g. "32;64,64;128,128;256" (default: the shipped stages)')
    p.add_argument('--rotate', type=float, default=10)
    p.add_argument('--scale', type=float, default=0.1)
    p.add_argument('--shift', type=float, default=4)
    p.add_argument('--jitter', type=float, default=0.2)
    p.add_argument('--erase', type=float, default=0.5)
    p.add_argument('--ema', type=float, default=0.999)
    p.add_argument('--limit', type=int, default=0, help='first N train images (smoke tests)')
    p.add_argument('--seed', type=int, default=42)
    p.add_argument('--init', default='', help='start from an exported run (its .json; the .bin beside it): fine-tuning')
    p.add_argument('--teacher', default='', help='float32 [n, 7] soft targets for the train split (teacher_probs.py): distillation')
    p.add_argument('--alpha', type=float, default=0.7, help='weight of the soft-target term (the labels get 1 - alpha)')
    p.add_argument('--temperature', type=float, default=2.0)
    p.add_argument('--threads', type=int, default=0, help='CPU threads (0: PyTorch default)')
    p.add_argument('--cpu', action='store_true')
    a = p.parse_args()
    lr = a.lr or (0.1 if a.opt == 'sgd' else 2e-3)
    wd = a.wd or (5e-4 if a.opt == 'sgd' else 0.05)

    dev = torch.device('cuda' if torch.cuda.is_available() and not a.cpu else 'cpu')
    if a.threads:
        torch.set_num_threads(a.threads)
    # bf16 autocast for the CNN's convolutions only: cuDNN's LSTM is kept in float32.
    amp = dev.type == 'cuda' and a.kind == 'cnn'
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    if dev.type == 'cuda':
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    gen = torch.Generator(device=dev).manual_seed(a.seed)

    x_train = load_npy(os.path.join(a.data, 'train.X.npy'))
    y_train = load_npy(os.path.join(a.data, 'train.Y.npy')).astype(np.int64)
    x_val = load_npy(os.path.join(a.data, 'publictest.X.npy'))
    y_val = load_npy(os.path.join(a.data, 'publictest.Y.npy')).astype(np.int64)
    soft = np.load(a.teacher).astype(np.float32) if a.teacher else None
    if soft is not None and soft.shape != (len(y_train), 7):
        raise SystemExit(f'--teacher {a.teacher}: shape {soft.shape}, the train split needs ({len(y_train)}, 7)')
    if a.limit:
        x_train, y_train = x_train[:a.limit], y_train[:a.limit]
        soft = soft[:a.limit] if soft is not None else None
        x_val, y_val = x_val[:max(64, a.limit // 4)], y_val[:max(64, a.limit // 4)]
    xt, yt = torch.from_numpy(np.ascontiguousarray(x_train)).to(dev), torch.from_numpy(y_train).to(dev)
    xv, yv = torch.from_numpy(np.ascontiguousarray(x_val)).to(dev), torch.from_numpy(y_val).to(dev)
    st = torch.from_numpy(soft).to(dev) if soft is not None else None
    n = len(yt)
    steps_per_epoch = n // a.batch  # drop the last partial batch: batch norm on a handful of images is noise

    model, stages = build(a)
    if a.init:
        _, init_layers = load_export(a.init)
        import_layers(model, init_layers)
    model = model.to(dev).to(memory_format=torch.channels_last)
    ema = copy.deepcopy(model).eval()
    for q in ema.parameters():
        q.requires_grad_(False)
    weights = torch.tensor(balanced_weights(y_train, 7), dtype=torch.float32, device=dev)
    criterion = torch.nn.CrossEntropyLoss(weight=weights, label_smoothing=a.smoothing)
    decay, no_decay = [], []
    for name, q in model.named_parameters():
        (no_decay if q.ndim <= 1 else decay).append(q)  # no weight decay on batch-norm scales and biases
    groups = [{'params': decay, 'weight_decay': wd}, {'params': no_decay, 'weight_decay': 0.0}]
    opt = (torch.optim.SGD(groups, lr=lr, momentum=0.9, nesterov=True) if a.opt == 'sgd'
           else torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999)))

    ckpt_path = os.path.join(a.checkpoint_dir or a.out, f'{a.name}.pt')
    os.makedirs(a.out, exist_ok=True)
    os.makedirs(os.path.dirname(ckpt_path), exist_ok=True)
    state = {'epoch': 0, 'epochs': a.epochs or 200, 'history': [], 'best': None, 'seconds': 0.0}
    best_blob = None
    if a.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=dev, weights_only=False)  # holds numpy arrays and the history
        model.load_state_dict(ck['model'])
        ema.load_state_dict(ck['ema'])
        opt.load_state_dict(ck['opt'])
        gen.set_state(ck['gen'].to(gen.get_state().device) if hasattr(ck['gen'], 'to') else ck['gen'])
        state, best_blob = ck['state'], ck['best_blob']
        if a.epochs:
            state['epochs'] = a.epochs
        print(f'resumed {a.name} after epoch {state["epoch"]} of {state["epochs"]}', flush=True)
    print(f'{a.name}: {a.kind} on {dev} ({torch.cuda.get_device_name(0) if dev.type == "cuda" else platform.processor()}), torch {torch.__version__}, '
          f'train {n}, publictest {len(yv)}, {sum(q.numel() for q in model.parameters())} parameters', flush=True)

    ema_params = [q for q in ema.parameters()]
    live_params = [q for q in model.parameters()]
    start = time.time() - state['seconds']
    while state['epoch'] < state['epochs']:
        epoch = state['epoch'] + 1
        t0 = time.time()
        model.train()
        perm = torch.randperm(n, device=dev, generator=gen)
        tot_loss = torch.zeros((), device=dev)
        tot_correct = torch.zeros((), device=dev)
        for s in range(steps_per_epoch):
            step = (epoch - 1) * steps_per_epoch + s
            for g in opt.param_groups:
                g['lr'] = lr_at(step, state['epochs'] * steps_per_epoch, a.warmup * steps_per_epoch, lr)
            idx = perm[s * a.batch:(s + 1) * a.batch]
            x = augment(xt[idx].unsqueeze(1).float().div_(255), gen, a).contiguous(memory_format=torch.channels_last)
            y = yt[idx]
            with torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=amp):
                logits = model(x)
                loss = criterion(logits.float(), y)
                if st is not None:
                    loss = (1 - a.alpha) * loss + a.alpha * distill_loss(logits.float(), st[idx], a.temperature)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                d = min(a.ema, (1 + step) / (10 + step))
                torch._foreach_mul_(ema_params, d)
                torch._foreach_add_(ema_params, live_params, alpha=1 - d)
                for eb, mb in zip(ema.buffers(), model.buffers()):
                    eb.copy_(mb)
                tot_loss += loss.detach()
                tot_correct += (logits.argmax(1) == y).sum()
        train_loss = tot_loss.item() / steps_per_epoch
        train_acc = tot_correct.item() / (steps_per_epoch * a.batch)
        vl, va, vt = evaluate(model, xv, yv, dev, amp)
        el, ea, et = evaluate(ema, xv, yv, dev, amp)
        secs = time.time() - t0
        state['epoch'] = epoch
        state['seconds'] = time.time() - start
        rec = {'epoch': epoch, 'loss': train_loss, 'accuracy': train_acc, 'valLoss': vl, 'valAccuracy': va, 'valAccuracyTta': vt,
               'emaValLoss': el, 'emaValAccuracy': ea, 'emaValAccuracyTta': et, 'lr': opt.param_groups[0]['lr'], 'seconds': secs}
        state['history'].append(rec)
        print(f'{a.name} epoch {epoch}/{state["epochs"]}: loss {train_loss:.3f} acc {train_acc:.4f} val {va:.4f} (tta {vt:.4f}) '
              f'ema {ea:.4f} (tta {et:.4f}) {secs:.1f} s', flush=True)
        for which, acc, net in (('live', va, model), ('ema', ea, ema)):
            if state['best'] is None or acc > state['best']['valAccuracy']:
                state['best'] = {'epoch': epoch, 'weights': which, 'valAccuracy': acc, 'valAccuracyTta': vt if which == 'live' else et}
                best_blob = export_layers(net, a.kind, stages)
                best_blob['reference'] = reference_outputs(net, xv)
        if a.budget_seconds and epoch == a.warmup and not a.resume:
            per_epoch = (time.time() - start) / epoch
            state['epochs'] = max(epoch + 1, min(state['epochs'], int(a.budget_seconds / per_epoch)))
            print(f'{a.name}: {per_epoch:.1f} s per epoch -> {state["epochs"]} epochs (rerun with --epochs {state["epochs"]})', flush=True)
        torch.save({'model': model.state_dict(), 'ema': ema.state_dict(), 'opt': opt.state_dict(), 'gen': gen.get_state(), 'state': state,
                    'best_blob': best_blob}, ckpt_path)
        if best_blob is not None:
            write_manifest(a, state, best_blob, dev, lr, wd, n)

    print(f'{a.name}: best {state["best"]} after {state["seconds"]:.0f} s', flush=True)


@torch.no_grad()
def reference_outputs(net, xv):
    """Probabilities of the first 8 PublicTest images, in plain float32 on the CPU (no TF32, no
    bf16): the importer checks that the app's tfjs model reproduces them."""
    cpu = copy.deepcopy(net).cpu().float().eval()
    x = xv[:8].unsqueeze(1).float().div(255).cpu()
    return cpu(x).softmax(1).tolist()


def write_manifest(a, state, blob, dev, lr, wd, n):
    flat = np.concatenate([w.reshape(-1) for layer in blob['layers'] for w in layer['arrays']]).astype('<f4')
    with open(os.path.join(a.out, f'{a.name}.bin'), 'wb') as f:
        f.write(flat.tobytes())
    manifest = {
        'format': 'fer-studio-torch-weights', 'version': 1, 'kind': a.kind, 'name': a.name,
        'layers': [{'type': layer['type'], 'shapes': [list(w.shape) for w in layer['arrays']], **layer.get('config', {})} for layer in blob['layers']],
        'reference': blob['reference'], 'best': state['best'], 'epochs': state['epochs'], 'history': state['history'],
        'seconds': state['seconds'], 'trainImages': n,
        'options': {k: v for k, v in vars(a).items() if k not in ('out', 'checkpoint_dir', 'data', 'resume')} | {'lr': lr, 'wd': wd},
        'environment': {'torch': torch.__version__, 'device': torch.cuda.get_device_name(0) if dev.type == 'cuda' else 'cpu',
                        'python': platform.python_version(), 'cpus': os.cpu_count()},
    }
    with open(os.path.join(a.out, f'{a.name}.json'), 'w') as f:
        json.dump(manifest, f)


if __name__ == '__main__':
    main()
