"""PyTorch baseline for bench/finetune.ts: the LoRA fine-tuning step of Lathe's GPT-2 (gpt2.py), one JSON line.

The base frozen, LoRA on c_attn, attn.c_proj, c_fc and mlp.c_proj; AdamW (foreach) on the adapter tensors only,
global-norm clipping 1.0, mean cross-entropy over every position.

Run with Debian's python3-torch: /usr/bin/python3 bench/baselines/finetune_lora.py --layers 12 --dim 768 ...
`--sgemm` prints the BLAS probe (core, threads, SGEMM GFLOP/s at 2048², error against float64) instead.
"""
from gpt2 import GPT2
from harness import adamw, median_step_s, parse_args, print_result, print_sgemm
import torch


def main():
    a = parse_args([("layers", 12), ("dim", 768), ("heads", 12), ("seq", 256), ("batch", 4), ("vocab", 50257), ("positions", 1024),
                    ("steps", 3), ("warmup", 1), ("rank", 8), ("alpha", 16), ("threads", 2)])
    if a.sgemm:
        return print_sgemm(a)
    model = GPT2(a.vocab, a.positions, a.layers, a.dim, a.heads, a.rank, a.alpha)
    params = [q for q in model.parameters() if q.requires_grad]
    assert all(n.rsplit(".", 1)[-1] in ("lora_A", "lora_B") for n, q in model.named_parameters() if q.requires_grad)
    opt = adamw(params, weight_decay=0.0)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq + 1))
    idx, tgt = ids[:, :-1].contiguous(), ids[:, 1:].contiguous()
    t = median_step_s(model, params, opt, idx, tgt, a.warmup, a.steps)
    print_result(a, t, trainable=sum(q.numel() for q in params))


if __name__ == "__main__":
    main()
