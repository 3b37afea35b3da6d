"""PyTorch weights -> the per-layer arrays of the matching tfjs layers, in tfjs's layout and order.

tfjs keeps conv kernels as [kh, kw, in, out], dense kernels as [in, out], batch norm
as gamma, beta, moving mean, moving variance, and an LSTM as kernel [in, 4u],
recurrent kernel [u, 4u] and one bias [4u], gates in the order i, f, c, o (PyTorch's
i, f, g, o is the same order; its two biases add up). A bidirectional layer holds
the forward then the backward LSTM. scripts/import-torch-weights.ts checks every
shape against the tfjs model before it sets anything.
"""
import numpy as np
from torch import nn


def _np(t):
    return t.detach().float().cpu().numpy()


def export_layers(net, kind, stages=None):
    layers = []
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            layers.append({'type': 'Conv2D', 'arrays': [_np(m.weight).transpose(2, 3, 1, 0)]})
        elif isinstance(m, nn.BatchNorm2d):
            layers.append({'type': 'BatchNormalization', 'arrays': [_np(m.weight), _np(m.bias), _np(m.running_mean), _np(m.running_var)],
                           'config': {'epsilon': m.eps}})
        elif isinstance(m, nn.LSTM):
            if not m.bidirectional or m.num_layers != 1:
                raise ValueError('only a one-layer bidirectional LSTM maps onto the app\'s RNN')
            arrays = []
            for sfx in ('', '_reverse'):
                arrays += [_np(getattr(m, f'weight_ih_l0{sfx}')).T, _np(getattr(m, f'weight_hh_l0{sfx}')).T,
                           _np(getattr(m, f'bias_ih_l0{sfx}')) + _np(getattr(m, f'bias_hh_l0{sfx}'))]
            layers.append({'type': 'Bidirectional', 'arrays': arrays, 'config': {'recurrentActivation': 'sigmoid'}})
        elif isinstance(m, nn.Linear):
            layers.append({'type': 'Dense', 'arrays': [_np(m.weight).T, _np(m.bias)]})
    layers = [{**l, 'arrays': [np.ascontiguousarray(a, dtype=np.float32) for a in l['arrays']]} for l in layers]
    out = {'layers': layers}
    if stages is not None:
        out['stages'] = stages
    return out


def load_export(manifest_path):
    """A run's manifest and its per-layer arrays, read back from <name>.json + <name>.bin."""
    import json
    with open(manifest_path) as f:
        manifest = json.load(f)
    flat = np.fromfile(manifest_path[:-len('.json')] + '.bin', dtype='<f4')
    layers, off = [], 0
    for layer in manifest['layers']:
        arrays = []
        for shape in layer['shapes']:
            size = int(np.prod(shape))
            arrays.append(flat[off:off + size].reshape(shape))
            off += size
        layers.append({'type': layer['type'], 'arrays': arrays})
    if off != flat.size:
        raise ValueError(f'{manifest_path}: the .bin holds {flat.size} floats, the manifest lists {off}')
    return manifest, layers


def import_layers(net, layers):
    """The inverse of export_layers: sets net's weights from tfjs-layout arrays (fine-tuning, teachers)."""
    import torch
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))  # noqa: E731
    mods = [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.BatchNorm2d, nn.LSTM, nn.Linear))]
    if len(mods) != len(layers):
        raise ValueError(f'the export has {len(layers)} weighted layers, the network {len(mods)}')
    with torch.no_grad():
        for m, layer in zip(mods, layers):
            a = layer['arrays']
            if isinstance(m, nn.Conv2d):
                m.weight.copy_(t(a[0].transpose(3, 2, 0, 1)))
            elif isinstance(m, nn.BatchNorm2d):
                for dst, src in zip((m.weight, m.bias, m.running_mean, m.running_var), a):
                    dst.copy_(t(src))
            elif isinstance(m, nn.LSTM):
                for k, sfx in enumerate(('', '_reverse')):
                    getattr(m, f'weight_ih_l0{sfx}').copy_(t(a[3 * k].T))
                    getattr(m, f'weight_hh_l0{sfx}').copy_(t(a[3 * k + 1].T))
                    getattr(m, f'bias_ih_l0{sfx}').copy_(t(a[3 * k + 2]))
                    getattr(m, f'bias_hh_l0{sfx}').zero_()  # export summed the two biases
            else:
                m.weight.copy_(t(a[0].T))
                m.bias.copy_(t(a[1]))
    return net
