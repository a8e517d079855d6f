"""GPT-2 as Lathe's native/models/gpt2.ts builds it, in PyTorch eager, for the baselines (train_gpt.py: every weight
trained; finetune_lora.py and dpo_lora.py: LoRA adapters on a frozen base; `logits` for losses other than the mean
cross-entropy of `forward`).

Pre-norm blocks, causal attention with the additive mask Lathe adds (harness.causal_bias, built once per forward),
GELU-tanh MLP, learned positions, head tied to the token embedding, LayerNorm eps 1e-5. With r > 0, LoRA as PEFT
computes it, y = x W^T + b + (alpha/r) (x A^T) B^T with A (r, in) and B (out, r) = 0 at the start, on c_attn,
attn.c_proj, c_fc and mlp.c_proj, and every base weight frozen (requires_grad=False).
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from harness import causal_bias


class Linear(nn.Module):
    def __init__(self, fan_in, fan_out, r, alpha):
        super().__init__()
        self.base = nn.Linear(fan_in, fan_out)
        self.r = r
        if r:
            self.base.requires_grad_(False)
            bound = 1 / math.sqrt(fan_in)
            self.lora_A = nn.Parameter(torch.empty(r, fan_in).uniform_(-bound, bound))  # (r, in)
            self.lora_B = nn.Parameter(torch.zeros(fan_out, r))  # (out, r)
            self.scale = alpha / r

    def forward(self, x):
        y = self.base(x)
        return y + (x @ self.lora_A.t() @ self.lora_B.t()) * self.scale if self.r else y


class Block(nn.Module):
    def __init__(self, C, nh, r, alpha):
        super().__init__()
        self.nh = nh
        self.ln_1, self.ln_2 = nn.LayerNorm(C, eps=1e-5), nn.LayerNorm(C, eps=1e-5)
        self.c_attn, self.c_proj = Linear(C, 3 * C, r, alpha), Linear(C, C, r, alpha)
        self.c_fc, self.mlp_proj = Linear(C, 4 * C, r, alpha), Linear(4 * C, C, r, alpha)
        if r:
            self.ln_1.requires_grad_(False)
            self.ln_2.requires_grad_(False)

    def forward(self, x, bias):
        B, T, C = x.shape
        qkv = self.c_attn(self.ln_1(x))  # (B, T, 3C)
        q, k, v = (t.view(B, T, self.nh, C // self.nh).transpose(1, 2) for t in qkv.split(C, dim=2))  # (B, nh, T, hs)
        att = F.softmax((q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1))) + bias, dim=-1)  # (B, nh, T, T)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT2(nn.Module):
    def __init__(self, V, P, L, C, nh, r=0, alpha=16):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(P, C)
        self.h = nn.ModuleList(Block(C, nh, r, alpha) for _ in range(L))
        self.ln_f = nn.LayerNorm(C, eps=1e-5)
        for m in (self.wte, self.wpe, self.ln_f):
            m.weight.data.normal_(0, 0.02) if isinstance(m, nn.Embedding) else None
            if r:
                m.requires_grad_(False)

    def logits(self, idx):
        B, T = idx.shape
        x = self.wte(idx) + self.wpe(torch.arange(T))  # (B, T, C)
        bias = causal_bias(T)  # (T, T), broadcast over (B, nh)
        for b in self.h:
            x = b(x, bias)
        return self.ln_f(x) @ self.wte.weight.t()  # (B, T, V), tied head

    def forward(self, idx, targets):
        logits = self.logits(idx)
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-100)
