"""Reference DPO losses in plain PyTorch, float64, transcribed from TRL's DPOTrainer (trl/trainer/dpo_trainer.py:
concatenated_forward, get_batch_logps, dpo_loss) and independent of Lathe's TypeScript. The decoders come from
decoder_reference.py.

Usage: python3 dpo_reference.py < requests.json > results.json
request: {"policy": MODEL_DIR, "reference": MODEL_DIR, "lora": null or {"alpha", "r", "tensors"} (as decoder_reference's
          --grad; with LoRA the reference is the policy's base with the adapter off),
          "input_ids", "attention_mask", "labels": (2b, T) rows, b chosen then b rejected, labels already shifted,
          "loss": {"kind": "sigmoid"|"robust"|"ipo", "beta": B, "label_smoothing": E}}
result:  {"loss": L, "metrics": {TRL name: value}, "ref_logps": [2b sums], "grads": {name: flat list}}
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from decoder_reference import read_model  # noqa: E402


def batch_logps(logits, labels):
    """TRL's get_batch_logps: per row, the sum of log p(label) over labels != -100, and the count of such labels."""
    mask = labels != -100
    safe = torch.where(mask, labels, torch.zeros_like(labels))
    per_token = torch.gather(logits.log_softmax(-1), 2, safe.unsqueeze(2)).squeeze(2)
    return (per_token * mask).sum(-1), mask.sum(-1)


def lora_modules(spec):
    tensors = {name: torch.tensor(t["data"], dtype=torch.float64).reshape(t["shape"]).requires_grad_(True)
               for name, t in spec["tensors"].items()}
    prefix, a_suffix = "base_model.model.", ".lora_A.weight"
    modules = {n[len(prefix):-len(a_suffix)]: (t, tensors[n.replace(".lora_A.", ".lora_B.")])
               for n, t in tensors.items() if n.endswith(a_suffix)}
    return {"scale": spec["alpha"] / spec["r"], "modules": modules}, tensors


def dpo(req):
    ids, mask, labels = (torch.tensor(req[k]) for k in ("input_ids", "attention_mask", "labels"))
    cfg, W, forward = read_model(req["policy"])
    lora = req.get("lora")
    W = {n: t.double().requires_grad_(lora is None) for n, t in W.items()}
    adapter, trained = (lora_modules(lora) if lora else (None, W))
    policy, counts = batch_logps(forward(cfg, W, ids, mask, None, adapter)[0], labels)
    with torch.no_grad():
        if lora:
            ref_logits = forward(cfg, W, ids, mask, None, None)[0]
        else:
            rcfg, RW, rforward = read_model(req["reference"])
            ref_logits = rforward(rcfg, {n: t.double() for n, t in RW.items()}, ids, mask, None, None)[0]
        ref, _ = batch_logps(ref_logits, labels)
    spec = req["loss"]
    kind, beta, ls = spec["kind"], spec["beta"], spec["label_smoothing"]
    if kind == "ipo":  # TRL averages the log-probabilities over the completion for IPO
        policy, ref_used = policy / counts, ref / counts
    else:
        ref_used = ref
    b = ids.shape[0] // 2
    pc, pr, rc, rr = policy[:b], policy[b:], ref_used[:b], ref_used[b:]
    logits = (pc - pr) - (rc - rr)
    if kind == "sigmoid":
        losses = -F.logsigmoid(beta * logits) * (1 - ls) - F.logsigmoid(-beta * logits) * ls
    elif kind == "robust":
        losses = (-F.logsigmoid(beta * logits) * (1 - ls) + F.logsigmoid(-beta * logits) * ls) / (1 - 2 * ls)
    elif kind == "ipo":
        losses = (logits - 1 / (2 * beta)) ** 2
    else:
        raise ValueError(kind)
    chosen_rewards = beta * (pc - rc).detach()
    rejected_rewards = beta * (pr - rr).detach()
    loss = losses.mean()
    loss.backward()
    metrics = {
        "rewards/chosen": chosen_rewards.mean().item(),
        "rewards/rejected": rejected_rewards.mean().item(),
        "rewards/accuracies": (chosen_rewards > rejected_rewards).double().mean().item(),
        "rewards/margins": (chosen_rewards - rejected_rewards).mean().item(),
        "logps/chosen": pc.detach().mean().item(),
        "logps/rejected": pr.detach().mean().item(),
    }
    grads = {n: t.grad.reshape(-1).tolist() for n, t in trained.items() if t.grad is not None}
    return {"loss": loss.item(), "metrics": metrics, "ref_logps": ref.tolist(), "grads": grads}


if __name__ == "__main__":
    json.dump([dpo(r) for r in json.load(sys.stdin)], sys.stdout)
