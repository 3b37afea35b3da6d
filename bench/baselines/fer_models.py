"""PyTorch twins of FER Studio's shipped architectures, for speed baselines.

They mirror src/core/models/cnn.ts and src/core/models/rnn.ts layer for layer
(same filters, kernel sizes, pooling, batch norm, dropout, LSTM units, head),
so a benchmark compares the frameworks, not the models. Inputs are NCHW
[N, 1, 48, 48] floats in 0..1 for both (the RNN views the image as 48 rows).
"""
import torch
from torch import nn

CNN_STAGES = [[32], [64, 64], [128, 128], [256]]
RNN_STEM = [32, 64]


def parse_stages(text):
    """CNN filters as the scripts' --stages option spells them ("32;64,64;128,128;256"); '' = the shipped stages."""
    return [[int(v) for v in s.split(',')] for s in text.split(';')] if text else CNN_STAGES


def centre_zoom(x):
    """The app's 1.1x test-time zoom (ZOOM_TTA_VIEWS): the central 44x44 of [N, 1, 48, 48], bilinear back to 48x48."""
    import torch.nn.functional as F
    return F.interpolate(x[:, :, 2:46, 2:46], size=(48, 48), mode='bilinear', align_corners=False)


def conv_bn_relu(cin, cout):
    # Keras BatchNormalization defaults: epsilon 1e-3, momentum 0.99 (torch: 0.01).
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01), nn.ReLU(inplace=True)]


class FerCnn(nn.Module):
    def __init__(self, classes=7, stages=CNN_STAGES, dropout=0.4):
        super().__init__()
        layers, cin = [], 1
        for s, filters in enumerate(stages):
            for f in filters:
                layers += conv_bn_relu(cin, f)
                cin = f
            if s < len(stages) - 1:
                layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(cin, classes))

    def forward(self, x):
        return self.head(self.features(x))


class FerRnn(nn.Module):
    """Conv stem to 12x12x64, then a BiLSTM over the 12 feature rows (each 12 columns x 64 channels)."""

    def __init__(self, classes=7, stem=RNN_STEM, units=128, dropout=0.3):
        super().__init__()
        layers, cin = [], 1
        for f in stem:
            layers += conv_bn_relu(cin, f) + [nn.MaxPool2d(2)]
            cin = f
        self.stem = nn.Sequential(*layers)
        side = 48 // (2 ** len(stem))
        self.lstm = nn.LSTM(side * cin, units, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(2 * units, 128), nn.ReLU(inplace=True), nn.Linear(128, classes))

    def forward(self, x):
        f = self.stem(x)  # [N, C, H, W]
        n, c, h, w = f.shape
        # Channels-last flatten per row, as tfjs's NHWC reshape to [H, W*C] does.
        seq = f.permute(0, 2, 3, 1).reshape(n, h, w * c)
        _, (h_n, _) = self.lstm(seq)
        return self.head(torch.cat([h_n[0], h_n[1]], dim=1))


def build(kind, classes=7):
    return FerCnn(classes) if kind == 'cnn' else FerRnn(classes)
