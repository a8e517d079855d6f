"""PyTorch baseline for bench/finetune.ts: the same LoRA fine-tuning step on a GPT-2-shaped model, one JSON line.

GPT-2 (pre-norm, causal attention, GELU-tanh MLP, head tied to the token embedding), the base frozen
(requires_grad=False), LoRA as PEFT computes it, y = x W^T + b + (alpha/r) * (x A^T) B^T with A (r, in) and
B (out, r) = 0 at the start, on c_attn, attn.c_proj, c_fc and mlp.c_proj; AdamW on the adapter tensors only,
global-norm clipping 1.0, mean cross-entropy over every position.

Run with Debian's python3-torch: /usr/bin/python3 bench/baselines/finetune_lora.py --layers 12 --dim 768 ...
`--sgemm` prints the SGEMM GFLOP/s at 2048² instead.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from harness import median_step_s, parse_args, print_result, print_sgemm


class LoraLinear(nn.Module):
    def __init__(self, fan_in, fan_out, r, alpha):
        super().__init__()
        self.base = nn.Linear(fan_in, fan_out)
        self.base.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.empty(r, fan_in).uniform_(-1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in)))  # (r, in)
        self.lora_B = nn.Parameter(torch.zeros(fan_out, r))  # (out, r)
        self.scale = alpha / r

    def forward(self, x):
        return self.base(x) + (x @ self.lora_A.t() @ self.lora_B.t()) * self.scale


class Block(nn.Module):
    def __init__(self, C, nh, r, alpha):
        super().__init__()
        self.nh = nh
        self.ln_1, self.ln_2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.c_attn, self.c_proj = LoraLinear(C, 3 * C, r, alpha), LoraLinear(C, C, r, alpha)
        self.c_fc, self.mlp_proj = LoraLinear(C, 4 * C, r, alpha), LoraLinear(4 * C, C, r, alpha)
        self.ln_1.requires_grad_(False)
        self.ln_2.requires_grad_(False)

    def forward(self, x, mask):
        B, T, C = x.shape
        qkv = self.c_attn(self.ln_1(x))  # (B, T, 3C)
        q, k, v = (t.view(B, T, self.nh, C // self.nh).transpose(1, 2) for t in qkv.split(C, dim=2))  # (B, nh, T, hs)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = F.softmax(att.masked_fill(~mask, float("-inf")), dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT2(nn.Module):
    def __init__(self, V, P, L, C, nh, r, alpha):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(P, C)
        self.h = nn.ModuleList(Block(C, nh, r, alpha) for _ in range(L))
        self.ln_f = nn.LayerNorm(C)
        for m in (self.wte, self.wpe, self.ln_f):
            m.requires_grad_(False)

    def forward(self, idx, targets):
        B, T = idx.shape
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        x = self.wte(idx) + self.wpe(torch.arange(T))  # (B, T, C)
        for b in self.h:
            x = b(x, mask)
        logits = self.ln_f(x) @ self.wte.weight.t()  # (B, T, V), tied head
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-100)


def main():
    a = parse_args([("layers", 12), ("dim", 768), ("heads", 12), ("seq", 256), ("batch", 4), ("vocab", 50257), ("positions", 1024),
                    ("steps", 3), ("rank", 8), ("alpha", 16), ("threads", 2)])
    if a.sgemm:
        return print_sgemm(a.threads)
    model = GPT2(a.vocab, a.positions, a.layers, a.dim, a.heads, a.rank, a.alpha)
    params = [q for q in model.parameters() if q.requires_grad]
    assert all(n.rsplit(".", 1)[-1] in ("lora_A", "lora_B") for n, q in model.named_parameters() if q.requires_grad)
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    ids = torch.randint(0, a.vocab, (a.batch, a.seq + 1))
    idx, tgt = ids[:, :-1].contiguous(), ids[:, 1:].contiguous()

    t = median_step_s(model, params, opt, idx, tgt, 1, a.steps)
    print_result(a, t, trainable=sum(q.numel() for q in params))


if __name__ == "__main__":
    main()
