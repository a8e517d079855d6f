"""Reference reward-model and sequence-classifier losses in plain PyTorch, float64, as transformers'
LlamaForSequenceClassification computes its scores (a bias-free `score` linear over the final hidden states, read at
each row's last real token) with TRL's RewardTrainer pairwise loss, or cross-entropy for classification. The decoder
comes from decoder_reference.py: the score head stands in for lm_head (untied), so the "logits" are per-token scores.

Usage: python3 reward_reference.py < requests.json > results.json
request: {"model": MODEL_DIR, "score": {"shape": [L, C], "data": [...]}, "input_ids", "attention_mask": (B, T),
          "sequence_ends": (B), "objective": "pairwise" (rows b chosen, then b rejected; "margin": m) or "classify"
          ("class_labels": (B))}
result:  {"loss": L, "accuracy": A, "grads": {name: flat list}} for every checkpoint tensor and score.weight
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from decoder_reference import read_model  # noqa: E402


def reward(req):
    cfg, W, forward = read_model(req["model"])
    assert not cfg.get("tie_word_embeddings", False), "the score head stands in for an untied lm_head"
    W = {n: t.double().requires_grad_(True) for n, t in W.items() if n != "lm_head.weight"}
    score = torch.tensor(req["score"]["data"], dtype=torch.float64).reshape(req["score"]["shape"]).requires_grad_(True)
    ids, mask = torch.tensor(req["input_ids"]), torch.tensor(req["attention_mask"])
    per_token, _ = forward(cfg, {**W, "lm_head.weight": score}, ids, mask, None, None)  # (B, T, L)
    ends = torch.tensor(req["sequence_ends"])
    scores = per_token[torch.arange(ids.shape[0]), ends]  # (B, L)
    if req["objective"] == "pairwise":
        r = scores[:, 0]
        b = r.shape[0] // 2
        loss = -F.logsigmoid(r[:b] - r[b:] - req["margin"]).mean()
        accuracy = (r[:b] > r[b:]).double().mean().item()
    else:
        labels = torch.tensor(req["class_labels"])
        loss = F.cross_entropy(scores, labels)
        accuracy = (scores.argmax(-1) == labels).double().mean().item()
    loss.backward()
    grads = {n: t.grad.reshape(-1).tolist() for n, t in W.items() if t.grad is not None}
    grads["score.weight"] = score.grad.reshape(-1).tolist()
    return {"loss": loss.item(), "accuracy": accuracy, "grads": grads}


if __name__ == "__main__":
    json.dump([reward(r) for r in json.load(sys.stdin)], sys.stdout)
