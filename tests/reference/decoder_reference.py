"""Reference forward passes of Llama-family and GPT-2 decoders in plain PyTorch, written from transformers'
modeling_llama.py / modeling_qwen2.py / modeling_mistral.py / modeling_gpt2.py (eager attention), independent
of Lathe's TypeScript. Reads an HF folder (config.json + model.safetensors, parsed by hand: no safetensors
package needed).

Usage: python3 decoder_reference.py MODEL_DIR < request.json > logits.json
request: {"input_ids": [[...]], "attention_mask": [[...]], "next_ids": [[...]], "output_attentions": bool (optional)}
output:  {"prefill": logits (B,T,V), "decode": logits (B,1,V) of next_ids after the prefill, using a KV cache,
          "attentions": per layer the prefill's attention probabilities (B,nh,T,T), when output_attentions}

Gradients: python3 decoder_reference.py --grad < requests.json > grads.json, in float64 (the checkpoint's float32
values widened), the mean next-token cross-entropy over labels != -100 differentiated by torch.autograd. Several
requests in one process, as importing torch takes seconds.
requests: [{"model": MODEL_DIR, "input_ids": [[...]], "attention_mask": [[...]], "labels": [[...]] (already shifted),
            "lora": null or {"alpha": a, "r": r, "tensors": {PEFT name: {"shape": [...], "data": [...]}}}}, ...]
output:   [{"loss": L, "grads": {name: flat row-major list}}, ...]: every checkpoint tensor's gradient, or only the
          LoRA tensors' (the base frozen) when "lora" is given. LoRA as PEFT: y + (alpha / r) * (x @ A^T) @ B^T.
"""
import json
import math
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def load_safetensors(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack_from("<Q", data, 0)
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        raw = bytearray(data[8 + n + b:8 + n + e])
        t = torch.frombuffer(raw, dtype=DTYPES[info["dtype"]]) if e > b else torch.zeros(0)
        out[name] = t.reshape(info["shape"]).float()
    return out


# ---------------------------------------------------------------- shared pieces (transformers' eager attention)

def causal_mask(attention_mask, T, sliding_window=None):
    """(B,1,T,S) additive mask for T new tokens after S-T cached ones."""
    B, S = attention_mask.shape
    q = torch.arange(S - T, S).view(T, 1)
    k = torch.arange(S).view(1, S)
    allowed = k <= q
    if sliding_window is not None:
        allowed = allowed & (k > q - sliding_window)
    allowed = allowed.view(1, 1, T, S) & attention_mask.bool().view(B, 1, 1, S)
    return torch.where(allowed, 0.0, torch.finfo(torch.float32).min)


def position_ids_from(attention_mask, T):
    pos = attention_mask.long().cumsum(-1) - 1
    pos.masked_fill_(attention_mask == 0, 1)
    return pos[:, -T:]


def repeat_kv(x, n_rep):
    B, h, S, d = x.shape
    if n_rep == 1:
        return x
    return x[:, :, None, :, :].expand(B, h, n_rep, S, d).reshape(B, h * n_rep, S, d)


def eager_attention(q, k, v, mask, n_rep, probs_out=None):
    """softmax(q k^T / sqrt(hs) + mask) v; the probabilities (B,nh,T,S) are appended to probs_out when given."""
    k = repeat_kv(k, n_rep)
    v = repeat_kv(v, n_rep)
    scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(q.shape[-1]) + mask
    # transformers' softmax in float32 for half types; float64 (the gradient reference) stays float64
    probs = torch.softmax(scores.to(torch.promote_types(scores.dtype, torch.float32)), dim=-1)
    if probs_out is not None:
        probs_out.append(probs)
    return torch.matmul(probs, v)


# ---------------------------------------------------------------- Llama family

def llama_inv_freq(cfg, hs):
    base = cfg.get("rope_theta", 10000.0)
    inv = 1.0 / (base ** (torch.arange(0, hs, 2, dtype=torch.int64).float() / hs))
    rs = cfg.get("rope_scaling")
    if rs:
        kind = rs.get("rope_type", rs.get("type"))
        if kind == "linear":
            inv = inv / rs["factor"]
        elif kind == "llama3":
            factor, lo, hi = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
            old = rs["original_max_position_embeddings"]
            low_wl, high_wl = old / lo, old / hi
            wavelen = 2 * math.pi / inv
            inv_l = torch.where(wavelen > low_wl, inv / factor, inv)
            smooth = (old / wavelen - lo) / (hi - lo)
            smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
            medium = ~(wavelen < high_wl) * ~(wavelen > low_wl)
            inv = torch.where(medium, smoothed, inv_l)
    return inv


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rms_norm(x, w, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(var + eps))


def lora_branch(lora, module, x):
    """PEFT's LoRA term (alpha / r) * (x @ A^T) @ B^T of the module, or 0 if it is not adapted."""
    if lora is None or module not in lora["modules"]:
        return 0.0
    a, b = lora["modules"][module]
    return lora["scale"] * ((x @ a.T) @ b.T)


def llama_forward(cfg, W, ids, attention_mask, cache, lora=None, probs_out=None):
    arch = cfg["architectures"][0]
    C, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    nkv = cfg.get("num_key_value_heads") or nh
    hs = cfg.get("head_dim") or C // nh
    eps = cfg.get("rms_norm_eps", 1e-6)
    B, T = ids.shape
    window = cfg.get("sliding_window") if arch == "MistralForCausalLM" else None
    mask = causal_mask(attention_mask, T, window)
    pos = position_ids_from(attention_mask, T)
    freqs = pos[:, :, None].float() * llama_inv_freq(cfg, hs)[None, None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]

    def lin(x, name):
        y = x @ W[name + ".weight"].T
        y = y + W[name + ".bias"] if name + ".bias" in W else y
        return y + lora_branch(lora, name, x)

    h = W["model.embed_tokens.weight"][ids]
    new_cache = []
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}"
        x = rms_norm(h, W[p + ".input_layernorm.weight"], eps)
        q = lin(x, p + ".self_attn.q_proj").view(B, T, nh, hs).transpose(1, 2)
        k = lin(x, p + ".self_attn.k_proj").view(B, T, nkv, hs).transpose(1, 2)
        v = lin(x, p + ".self_attn.v_proj").view(B, T, nkv, hs).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            k = torch.cat([cache[i][0], k], dim=2)
            v = torch.cat([cache[i][1], v], dim=2)
        new_cache.append((k, v))
        a = eager_attention(q, k, v, mask, nh // nkv, probs_out).transpose(1, 2).reshape(B, T, nh * hs)
        h = h + lin(a, p + ".self_attn.o_proj")
        x = rms_norm(h, W[p + ".post_attention_layernorm.weight"], eps)
        gate = lin(x, p + ".mlp.gate_proj")
        h = h + lin(torch.nn.functional.silu(gate) * lin(x, p + ".mlp.up_proj"), p + ".mlp.down_proj")
    h = rms_norm(h, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else W["lm_head.weight"]
    return h @ head.T, new_cache


# ---------------------------------------------------------------- GPT-2

def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def gpt2_forward(cfg, W, ids, attention_mask, cache, lora=None, probs_out=None):
    g = lambda n: W.get("transformer." + n, W.get(n))  # noqa: E731
    C, nh = cfg["n_embd"], cfg["n_head"]
    hs = C // nh
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    B, T = ids.shape
    mask = causal_mask(attention_mask, T)
    pos = position_ids_from(attention_mask, T)
    ln = lambda x, n: torch.nn.functional.layer_norm(x, (C,), g(n + ".weight"), g(n + ".bias"), eps)  # noqa: E731

    def conv1d(x, n):
        y = torch.addmm(g(n + ".bias"), x.view(-1, x.shape[-1]), g(n + ".weight")).view(B, T, -1)
        return y + lora_branch(lora, "transformer." + n, x)  # PEFT names GPT-2's modules from GPT2LMHeadModel

    h = g("wte.weight")[ids] + g("wpe.weight")[pos]
    new_cache = []
    for i in range(cfg["n_layer"]):
        p = f"h.{i}"
        q, k, v = conv1d(ln(h, p + ".ln_1"), p + ".attn.c_attn").split(C, dim=2)
        q, k, v = (t.view(B, T, nh, hs).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            k = torch.cat([cache[i][0], k], dim=2)
            v = torch.cat([cache[i][1], v], dim=2)
        new_cache.append((k, v))
        a = eager_attention(q, k, v, mask, 1, probs_out).transpose(1, 2).reshape(B, T, C)
        h = h + conv1d(a, p + ".attn.c_proj")
        h = h + conv1d(gelu_new(conv1d(ln(h, p + ".ln_2"), p + ".mlp.c_fc")), p + ".mlp.c_proj")
    h = ln(h, "ln_f")
    return h @ g("wte.weight").T, new_cache


def read_model(model_dir):
    cfg = json.load(open(f"{model_dir}/config.json"))
    forward = gpt2_forward if cfg["architectures"][0] == "GPT2LMHeadModel" else llama_forward
    return cfg, load_safetensors(f"{model_dir}/model.safetensors"), forward


def gradients(req):
    """Loss and gradients in float64 for one request of the --grad mode (see the top of this file)."""
    cfg, W, forward = read_model(req["model"])
    W = {name: t.double().requires_grad_(req.get("lora") is None) for name, t in W.items()}
    lora, trained = None, W
    if req.get("lora") is not None:
        spec = req["lora"]
        tensors = {name: torch.tensor(t["data"], dtype=torch.float64).reshape(t["shape"]).requires_grad_(True)
                   for name, t in spec["tensors"].items()}
        prefix, a_suffix = "base_model.model.", ".lora_A.weight"
        modules = {n[len(prefix):-len(a_suffix)]: (t, tensors[n.replace(".lora_A.", ".lora_B.")])
                   for n, t in tensors.items() if n.endswith(a_suffix)}
        lora, trained = {"scale": spec["alpha"] / spec["r"], "modules": modules}, tensors
    ids, labels = torch.tensor(req["input_ids"]), torch.tensor(req["labels"])
    logits, _ = forward(cfg, W, ids, torch.tensor(req["attention_mask"]), None, lora)
    flat = logits.reshape(-1, logits.shape[-1])
    loss = torch.nn.functional.cross_entropy(flat, labels.reshape(-1), ignore_index=-100)
    loss.backward()
    grads = {name: t.grad.reshape(-1).tolist() for name, t in trained.items() if t.grad is not None}
    return {"loss": loss.item(), "grads": grads}


def main():
    if sys.argv[1] == "--grad":
        json.dump([gradients(req) for req in json.load(sys.stdin)], sys.stdout)
        return
    cfg, W, forward = read_model(sys.argv[1])
    req = json.load(sys.stdin)
    ids = torch.tensor(req["input_ids"])
    mask = torch.tensor(req["attention_mask"])
    with torch.no_grad():
        probs = [] if req.get("output_attentions") else None
        prefill, cache = forward(cfg, W, ids, mask, None, probs_out=probs)
        nxt = torch.tensor(req["next_ids"])
        mask2 = torch.cat([mask, torch.ones_like(nxt)], dim=1)
        decode, _ = forward(cfg, W, nxt, mask2, cache)
    out = {"prefill": prefill.tolist(), "decode": decode.tolist()}
    if probs is not None:
        out["attentions"] = [p.tolist() for p in probs]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
