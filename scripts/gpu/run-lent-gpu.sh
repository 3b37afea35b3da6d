#!/bin/sh
# The trainings run on a lent GPU machine (session 4), side by side on its one GPU:
# the shipped CNN and RNN architectures, and a 1.5x-wider CNN to measure what width buys.
# FER2013 travels there xz-compressed in .devdata/fer2013 (the machine reaches nothing else).
#   BUDGET=360 OUT=runs/gpu sh scripts/gpu/run-lent-gpu.sh
B=${BUDGET:-360}
D=${DATA:-.devdata/fer2013}
O=${OUT:-runs/gpu}
S=scripts/gpu/train_torch_gpu.py
mkdir -p "$O"
nvidia-smi -L >> "$O/log.txt" 2>&1
python3 $S --kind cnn --name cnn --opt sgd --data "$D" --out "$O" --checkpoint-dir /tmp/fer-ck --epochs 300 --budget-seconds "$B" >> "$O/log.txt" 2>&1 &
python3 $S --kind rnn --name rnn --opt adamw --data "$D" --out "$O" --checkpoint-dir /tmp/fer-ck --epochs 300 --budget-seconds "$B" >> "$O/log.txt" 2>&1 &
python3 $S --kind cnn --name cnn-wide --stages "48;96,96;192,192;384" --opt sgd --data "$D" --out "$O" --checkpoint-dir /tmp/fer-ck --epochs 300 --budget-seconds "$B" >> "$O/log.txt" 2>&1 &
wait
