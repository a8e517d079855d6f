"""Reference sentence embeddings of a BERT-family encoder in plain PyTorch, float64: transformers' BertModel and
RobertaModel / XLMRobertaModel (eager attention, modeling_bert.py, modeling_roberta.py), or nomic's NomicBertModel
(nomic_bert_reference.py), and sentence-transformers' pooling (mean over the real tokens, or the first token's
state), then F.normalize. Written from those sources, not imported (no transformers here).

Usage: python3 bert_reference.py < requests.json > results.json
request: {"model": MODEL_DIR, "input_ids": (B, T), "attention_mask": (B, T), "pooling": "mean" | "cls"}
result:  {"embeddings": (B, C), "last_hidden_state": (B, T, C)}
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from decoder_reference import load_safetensors  # noqa: E402
from nomic_bert_reference import nomic_bert_forward  # noqa: E402


def bert_forward(cfg, W, ids, mask):
    W = {n: t.double() for n, t in W.items()}
    B, T = ids.shape
    C, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    hs = C // nh
    eps = cfg.get("layer_norm_eps", 1e-12)

    def ln(x, name):
        return F.layer_norm(x, (C,), W[f"{name}.weight"], W[f"{name}.bias"], eps)

    def dense(x, name):
        return x @ W[f"{name}.weight"].T + W[f"{name}.bias"]

    types = torch.zeros_like(ids)
    if cfg["model_type"] in ("roberta", "xlm-roberta"):
        # create_position_ids_from_input_ids: padding_idx + 1, + 2, ... at the real tokens, padding_idx at the pads
        pad = cfg.get("pad_token_id", 1)
        real = ids.ne(pad).long()
        pos = torch.cumsum(real, dim=1) * real + pad  # (B, T)
    else:
        pos = torch.arange(T)[None]  # (1, T)
    h = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][pos] \
        + W["embeddings.token_type_embeddings.weight"][types]
    h = ln(h, "embeddings.LayerNorm")  # (B, T, C)
    bias = (1.0 - mask[:, None, None, :].double()) * torch.finfo(torch.float64).min  # (B, 1, 1, T)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        split = lambda x: x.view(B, T, nh, hs).transpose(1, 2)  # noqa: E731 (B, nh, T, hs)
        q, k, v = (split(dense(h, f"{p}.attention.self.{n}")) for n in ("query", "key", "value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(hs) + bias
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
        h = ln(dense(ctx, f"{p}.attention.output.dense") + h, f"{p}.attention.output.LayerNorm")
        inner = F.gelu(dense(h, f"{p}.intermediate.dense"))  # hidden_act 'gelu' (the fixtures' choice)
        h = ln(dense(inner, f"{p}.output.dense") + h, f"{p}.output.LayerNorm")
    return h


def embed(req):
    cfg = json.load(open(f"{req['model']}/config.json"))
    W = load_safetensors(f"{req['model']}/model.safetensors")
    for prefix in ("bert.", "roberta."):  # task models' checkpoints
        W = {n[len(prefix):] if n.startswith(prefix) else n: t for n, t in W.items()}
    ids, mask = torch.tensor(req["input_ids"]), torch.tensor(req["attention_mask"])
    forward = nomic_bert_forward if cfg["model_type"] == "nomic_bert" else bert_forward
    h = forward(cfg, W, ids, mask)
    if req["pooling"] == "cls":
        pooled = h[:, 0]
    else:
        m = mask[:, :, None].double()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return {"embeddings": F.normalize(pooled, p=2, dim=1).tolist(), "last_hidden_state": h.tolist()}


if __name__ == "__main__":
    json.dump([embed(r) for r in json.load(sys.stdin)], sys.stdout)
