"""PyTorch baseline for bench/train.ts: a full training step of Lathe's GPT-2 (gpt2.py), every weight trained.

AdamW (foreach, weight decay 0.01), global-norm clipping 1.0, mean cross-entropy over every position; as many
warm-up steps as Lathe's, then the median of the timed steps.

Run with Debian's python3-torch: /usr/bin/python3 bench/baselines/train_gpt.py --layers 4 --dim 256 ...
`--sgemm` prints the BLAS probe (core, threads, SGEMM GFLOP/s at 2048², error against float64) instead.
"""
from gpt2 import GPT2
from harness import adamw, median_step_s, parse_args, print_result, print_sgemm
import torch


def main():
    a = parse_args([("layers", 4), ("dim", 256), ("heads", 4), ("seq", 128), ("batch", 8), ("vocab", 4096), ("positions", 128),
                    ("steps", 5), ("warmup", 2), ("threads", 2)])
    if a.sgemm:
        return print_sgemm(a)
    model = GPT2(a.vocab, a.positions, a.layers, a.dim, a.heads)
    params = list(model.parameters())
    opt = adamw(params, weight_decay=0.01)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq + 1))
    idx, tgt = ids[:, :-1].contiguous(), ids[:, 1:].contiguous()
    t = median_step_s(model, params, opt, idx, tgt, a.warmup, a.steps)
    print_result(a, t, trainable=sum(q.numel() for q in params))


if __name__ == "__main__":
    main()
