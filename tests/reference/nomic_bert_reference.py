"""Reference forward pass of a nomic-style BERT (NomicBertModel, model_type nomic_bert) in plain PyTorch, float64,
written from the description of nomic's remote code (modeling_hf_nomic_bert.py), not imported: word (+ token type,
+ learned position when there is no rotary embedding) embeddings, emb_ln; per block (post-LayerNorm) a fused Wqkv,
rotary embeddings on the first rotary_emb_fraction of each head (halves, or interleaved pairs), softmax attention
over the unmasked keys, out_proj, norm1; a gated MLP fc2(fc11(x) * act(fc12(x))) (swiglu: silu, geglu: gelu, glu:
sigmoid) or fc2(gelu(fc1(x))), norm2. Used by bert_reference.py.
"""
import math

import torch
import torch.nn.functional as F


def rotate(x, cos, sin, interleaved):
    """x (B, T, nh, rd); cos, sin (T, rd/2): each pair (x1, x2) to (x1 cos - x2 sin, x2 cos + x1 sin)."""
    if interleaved:
        x1, x2 = x[..., 0::2], x[..., 1::2]
    else:
        x1, x2 = x.chunk(2, dim=-1)
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    y1, y2 = x1 * c - x2 * s, x2 * c + x1 * s
    if interleaved:
        return torch.stack((y1, y2), dim=-1).flatten(-2)
    return torch.cat((y1, y2), dim=-1)


def nomic_bert_forward(cfg, W, ids, mask):
    W = {n: t.double() for n, t in W.items()}
    B, T = ids.shape
    C, nh = cfg["n_embd"], cfg["n_head"]
    hs = C // nh
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    act = cfg.get("activation_function", "gelu_new")

    def ln(x, name):
        return F.layer_norm(x, (C,), W[f"{name}.weight"], W[f"{name}.bias"], eps)

    def dense(x, name):
        y = x @ W[f"{name}.weight"].T
        return y + W[f"{name}.bias"] if f"{name}.bias" in W else y

    h = W["embeddings.word_embeddings.weight"][ids]
    if cfg.get("type_vocab_size", 2) > 0:
        h = h + W["embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)]
    rd = int(hs * cfg.get("rotary_emb_fraction", 0.0))
    if rd == 0:
        h = h + W["embeddings.position_embeddings.weight"][torch.arange(T)][None]
    h = ln(h, "emb_ln")  # (B, T, C)
    # angles as the model computes them: float32 positions times float32 inverse frequencies
    inv_freq = 1.0 / (cfg.get("rotary_emb_base", 10000) ** (torch.arange(0, rd, 2, dtype=torch.float32) / rd))
    freqs = torch.outer(torch.arange(T, dtype=torch.float32), inv_freq).double()
    cos, sin = freqs.cos(), freqs.sin()
    interleaved = cfg.get("rotary_emb_interleaved", False)
    bias = (1.0 - mask[:, None, None, :].double()) * torch.finfo(torch.float64).min  # (B, 1, 1, T)
    for i in range(cfg["n_layer"]):
        p = f"encoder.layers.{i}"
        qkv = dense(h, f"{p}.attn.Wqkv").view(B, T, 3, nh, hs)
        q, k, v = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]  # (B, T, nh, hs)
        if rd > 0:
            q = torch.cat((rotate(q[..., :rd], cos, sin, interleaved), q[..., rd:]), dim=-1)
            k = torch.cat((rotate(k[..., :rd], cos, sin, interleaved), k[..., rd:]), dim=-1)
        q, k, v = (x.permute(0, 2, 1, 3) for x in (q, k, v))  # (B, nh, T, hs)
        scores = q @ k.transpose(-1, -2) / math.sqrt(hs) + bias
        ctx = (scores.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(B, T, C)
        h = ln(dense(ctx, f"{p}.attn.out_proj") + h, f"{p}.norm1")
        if act in ("swiglu", "geglu", "glu"):
            gate = dense(h, f"{p}.mlp.fc12")
            gate = F.silu(gate) if act == "swiglu" else F.gelu(gate) if act == "geglu" else torch.sigmoid(gate)
            inner = dense(h, f"{p}.mlp.fc11") * gate
        else:
            inner = F.gelu(dense(h, f"{p}.mlp.fc1"))
        h = ln(dense(inner, f"{p}.mlp.fc2") + h, f"{p}.norm2")
    return h
