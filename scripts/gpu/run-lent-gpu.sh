#!/bin/sh
# The trainings run on a lent GPU machine (session 4), side by side on its one GPU:
# the shipped CNN and RNN architectures, and a 1.5x-wider CNN to measure what width buys.
# FER2013 travels there xz-compressed in .devdata/fer2013 (the machine reaches nothing else).
#   OUT=runs/gpu sh scripts/gpu/run-lent-gpu.sh          # 175 epochs each: ~6.5 min on an H200
#   BUDGET=350 EPOCHS=300 ... picks the epoch count from the measured speed instead (run 1).
# PYTHON and EXTRA (more arguments, e.g. "--limit 256 --cpu" for a smoke test) are optional.
E=${EPOCHS:-175}
B=${BUDGET:-0}
D=${DATA:-.devdata/fer2013}
O=${OUT:-runs/gpu}
S=scripts/gpu/train_torch_gpu.py
PY=${PYTHON:-python3}
mkdir -p "$O"
nvidia-smi -L >> "$O/log.txt" 2>&1
COMMON="--data $D --out $O --checkpoint-dir /tmp/fer-ck --epochs $E --budget-seconds $B --seed 42"
$PY $S --kind cnn --name cnn --opt sgd $COMMON $EXTRA >> "$O/log.txt" 2>&1 &
$PY $S --kind rnn --name rnn --opt adamw $COMMON $EXTRA >> "$O/log.txt" 2>&1 &
$PY $S --kind cnn --name cnn-wide --stages "48;96,96;192,192;384" --opt sgd $COMMON $EXTRA >> "$O/log.txt" 2>&1 &
wait
