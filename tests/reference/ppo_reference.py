"""Reference PPO-RLHF math in plain PyTorch, float64, transcribed from TRL's PPOTrainer (trl 0.11,
trl/trainer/ppo_trainer.py: compute_rewards, compute_advantages, loss; trl/core.py: masked_mean, masked_var,
masked_whiten, clip_by_value, AdaptiveKLController) and independent of Lathe's TypeScript.

Usage: python3 ppo_reference.py < request.json > result.json
request: {"loss": [{"logits": (B, T, V), "labels": (B, T) with -100 masked, "values", "old_logps", "old_values",
                    "advantages", "returns": (B, T), "cliprange", "cliprange_value", "vf_coef"}],
          "advantages": [{"rollouts": [{"logps", "ref_logps", "values": [n], "score"}], "kl_coef", "gamma", "lam"}],
          "kl_controller": {"init": b, "target": t, "horizon": h, "updates": [[kl, n], ...]}}
result:  {"loss": [{"loss", "metrics": {name: value}, "grad_logits": flat, "grad_values": flat}],
          "advantages": [{"rewards", "advantages", "returns": per row lists, "kl": per row}],
          "kl_controller": [b after each update]}
"""
import json
import sys

import numpy as np
import torch


def masked_mean(values, mask, axis=None):
    if axis is not None:
        return (values * mask).sum(axis=axis) / mask.sum(axis=axis)
    return (values * mask).sum() / mask.sum()


def masked_var(values, mask, unbiased=True):
    mean = masked_mean(values, mask)
    centered_values = values - mean
    variance = masked_mean(centered_values**2, mask)
    if unbiased:
        mask_sum = mask.sum()
        bessel_correction = mask_sum / (mask_sum - 1)
        variance = variance * bessel_correction
    return variance


def masked_whiten(values, mask, shift_mean=True):
    mean, var = masked_mean(values, mask), masked_var(values, mask)
    whitened = (values - mean) * torch.rsqrt(var + 1e-8)
    if not shift_mean:
        whitened += mean
    return whitened


def clip_by_value(x, tensor_min, tensor_max):
    return torch.max(torch.min(x, tensor_max), tensor_min)


def entropy_from_logits(logits):
    pd = torch.nn.functional.softmax(logits, dim=-1)
    return torch.logsumexp(logits, axis=-1) - torch.sum(pd * logits, axis=-1)


def loss_case(req):
    logits = torch.tensor(req["logits"], dtype=torch.float64, requires_grad=True)
    vpred = torch.tensor(req["values"], dtype=torch.float64, requires_grad=True)
    labels = torch.tensor(req["labels"])
    mask = (labels != -100).double()
    safe = torch.where(labels != -100, labels, torch.zeros_like(labels))
    logprobs = torch.gather(logits.log_softmax(-1), 2, safe.unsqueeze(2)).squeeze(2)
    old_logprobs, values, advantages, returns = (torch.tensor(req[k], dtype=torch.float64) for k in ("old_logps", "old_values", "advantages", "returns"))
    cliprange, cliprange_value, vf_coef = req["cliprange"], req["cliprange_value"], req["vf_coef"]
    # PPOTrainer.loss
    vpredclipped = clip_by_value(vpred, values - cliprange_value, values + cliprange_value)
    vf_losses1 = (vpred - returns) ** 2
    vf_losses2 = (vpredclipped - returns) ** 2
    vf_loss = 0.5 * masked_mean(torch.max(vf_losses1, vf_losses2), mask)
    vf_clipfrac = masked_mean(torch.gt(vf_losses2, vf_losses1).double(), mask)
    ratio = torch.exp(logprobs - old_logprobs)
    pg_losses = -advantages * ratio
    pg_losses2 = -advantages * torch.clamp(ratio, 1.0 - cliprange, 1.0 + cliprange)
    pg_loss = masked_mean(torch.max(pg_losses, pg_losses2), mask)
    pg_clipfrac = masked_mean(torch.gt(pg_losses2, pg_losses).double(), mask)
    loss = pg_loss + vf_coef * vf_loss
    approxkl = 0.5 * masked_mean((logprobs - old_logprobs) ** 2, mask)
    entropy = masked_mean(entropy_from_logits(logits), mask)
    loss.backward()
    metrics = {"loss/policy": pg_loss.item(), "loss/value": vf_loss.item(), "clipfrac": pg_clipfrac.item(),
               "clipfrac/value": vf_clipfrac.item(), "approx_kl": approxkl.item(), "entropy": entropy.item()}
    return {"loss": loss.item(), "metrics": metrics, "grad_logits": logits.grad.reshape(-1).tolist(), "grad_values": vpred.grad.reshape(-1).tolist()}


def advantages_case(req):
    rollouts = req["rollouts"]
    kl_coef, gamma, lam = req["kl_coef"], req["gamma"], req["lam"]
    n = max(len(r["logps"]) for r in rollouts)
    pad = lambda key: torch.tensor([r[key] + [0.0] * (n - len(r[key])) for r in rollouts], dtype=torch.float64)  # noqa: E731
    logprobs, ref_logprobs, values = pad("logps"), pad("ref_logps"), pad("values")
    masks = torch.tensor([[1.0] * len(r["logps"]) + [0.0] * (n - len(r["logps"])) for r in rollouts], dtype=torch.float64)
    # compute_rewards (kl_penalty "kl")
    rewards, kls = [], []
    for score, logprob, ref_logprob, mask in zip([r["score"] for r in rollouts], logprobs, ref_logprobs, masks):
        kl = logprob - ref_logprob
        kls.append(kl)
        non_score_reward = -kl_coef * kl
        reward = non_score_reward.clone()
        last_non_masked_index = mask.nonzero()[-1]
        reward[last_non_masked_index] += score
        rewards.append(reward)
    rewards = torch.stack(rewards)
    # compute_advantages
    values = values * masks
    rewards_masked = rewards * masks
    lastgaelam = 0
    advantages_reversed = []
    for t in reversed(range(n)):
        nextvalues = values[:, t + 1] if t < n - 1 else 0.0
        delta = rewards_masked[:, t] + gamma * nextvalues - values[:, t]
        lastgaelam = delta + gamma * lam * lastgaelam
        advantages_reversed.append(lastgaelam)
    advantages = torch.stack(advantages_reversed[::-1]).transpose(0, 1)
    returns = advantages + values
    advantages = masked_whiten(advantages, masks)
    rows = lambda x: [x[i, : len(r["logps"])].tolist() for i, r in enumerate(rollouts)]  # noqa: E731
    # the logged KL: the mean over rollouts of each one's summed KL (PPOTrainer.record_step_stats: mean_kl)
    return {"rewards": rows(rewards), "advantages": rows(advantages), "returns": rows(returns), "kl": [(k * m).sum().item() for k, m in zip(kls, masks)]}


def kl_controller(req):
    value, out = req["init"], []
    for current, n_steps in req["updates"]:  # AdaptiveKLController.update
        proportional_error = np.clip(current / req["target"] - 1, -0.2, 0.2)
        mult = 1 + proportional_error * n_steps / req["horizon"]
        value *= mult
        out.append(float(value))
    return out


if __name__ == "__main__":
    request = json.load(sys.stdin)
    json.dump({"loss": [loss_case(r) for r in request["loss"]], "advantages": [advantages_case(r) for r in request["advantages"]],
               "kl_controller": kl_controller(request["kl_controller"])}, sys.stdout)
