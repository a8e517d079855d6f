"""PyTorch baseline for bench/train.ts: the same GPT-2-style decoder and AdamW step, one JSON line.

Run with Debian's python3-torch: /usr/bin/python3 bench/baselines/train_gpt.py --layers 4 --dim 256 ...
`--sgemm` prints the SGEMM GFLOP/s at 2048² instead.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from harness import median_step_s, parse_args, print_result, print_sgemm


class Block(nn.Module):
    def __init__(self, C, nh, T, lora):
        super().__init__()
        self.nh, self.lora = nh, lora
        self.ln_1, self.ln_2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.c_attn, self.c_proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.c_fc, self.mlp_proj = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)
        if lora:
            self.a_attn, self.b_attn = nn.Parameter(torch.randn(C, lora) * 0.02), nn.Parameter(torch.zeros(lora, 3 * C))
            self.a_proj, self.b_proj = nn.Parameter(torch.randn(C, lora) * 0.02), nn.Parameter(torch.zeros(lora, C))
        self.register_buffer("mask", torch.tril(torch.ones(T, T, dtype=torch.bool)))

    def forward(self, x):
        B, T, C = x.shape
        h = self.ln_1(x)
        qkv = self.c_attn(h) + (h @ self.a_attn @ self.b_attn if self.lora else 0)  # (B, T, 3C)
        q, k, v = (t.view(B, T, self.nh, C // self.nh).transpose(1, 2) for t in qkv.split(C, dim=2))  # (B, nh, T, hs)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = F.softmax(att.masked_fill(~self.mask[:T, :T], -1e9), dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.c_proj(y) + (y @ self.a_proj @ self.b_proj if self.lora else 0)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, V, T, L, C, nh, lora):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Parameter(torch.randn(T, C) * 0.02)
        self.h = nn.ModuleList(Block(C, nh, T, lora) for _ in range(L))
        self.ln_f, self.lm_head = nn.LayerNorm(C), nn.Linear(C, V, bias=False)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe
        for b in self.h:
            x = b(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-100)


def main():
    a = parse_args([("layers", 4), ("dim", 256), ("heads", 4), ("seq", 128), ("batch", 8), ("vocab", 4096), ("steps", 5), ("warmup", 2),
                    ("lora", 0), ("threads", 2)])
    if a.sgemm:
        return print_sgemm(a.threads)
    model = GPT(a.vocab, a.seq, a.layers, a.dim, a.heads, a.lora)
    if a.lora:
        for n_, prm in model.named_parameters():
            prm.requires_grad = n_.split(".")[-1].startswith(("a_", "b_"))
    params = [q for q in model.parameters() if q.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)
    idx = torch.randint(0, a.vocab, (a.batch, a.seq))
    tgt = torch.randint(0, a.vocab, (a.batch, a.seq))
    # as many warm-up steps as Lathe's
    print_result(a, median_step_s(model, params, opt, idx, tgt, a.warmup, a.steps))


if __name__ == "__main__":
    main()
