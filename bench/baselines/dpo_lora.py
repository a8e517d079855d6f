"""PyTorch baseline for bench/align.ts: one DPO optimiser step with LoRA on Lathe's GPT-2 (gpt2.py), one JSON line.

The DPO step of tests/reference/dpo_reference.py (TRL's concatenated forward, get_batch_logps and sigmoid dpo_loss),
in float32 and timed: 2b rows (b chosen, then b rejected) through the policy, each row's summed log p(label) over its
completion (labels != -100), the loss -log sigmoid(beta h) with h = (pc - pr) - (rc - rr) against the reference's
log-probs computed once before timing (no_grad, the adapter off, as Lathe's reference-logps.ts computes them before
training), TRL's reward metrics, backward, global-norm clipping 1.0, AdamW (foreach) on the adapter tensors only.

Rows are the ones bench/align.ts collates (same token formula, same prompt mask), input ids[:-1], labels ids[1:].

Run with Debian's python3-torch: /usr/bin/python3 bench/baselines/dpo_lora.py --pairs 2 --seq 128 ...
`--sgemm` prints the BLAS probe (core, threads, SGEMM GFLOP/s at 2048², error against float64) instead.
"""
from gpt2 import GPT2
from harness import adamw, median_step_s, parse_args, print_result, print_sgemm
import torch
import torch.nn.functional as F


def rows(pairs, seq, prompt, vocab):
    """(2b, seq) inputs and shifted labels: row r's token t is ((r·104729 + t·7919) mod (V − 1)) + 1 (bench/align.ts's
    formula), chosen rows 0..b-1 then rejected rows b..2b-1; the prompt's labels are -100."""
    ids = torch.tensor([[((r * 104729 + t * 7919) % (vocab - 1)) + 1 for t in range(seq + 1)] for r in range(2 * pairs)])
    labels = ids.clone()
    labels[:, :prompt] = -100
    return ids[:, :-1].contiguous(), labels[:, 1:].contiguous()


def batch_logps(logits, labels):
    """TRL's get_batch_logps: per row, the sum of log p(label) over labels != -100."""
    mask = labels != -100
    safe = torch.where(mask, labels, torch.zeros_like(labels))
    return (torch.gather(logits.log_softmax(-1), 2, safe.unsqueeze(2)).squeeze(2) * mask).sum(-1)


def main():
    a = parse_args([("layers", 12), ("dim", 768), ("heads", 12), ("seq", 128), ("pairs", 2), ("prompt", 64), ("vocab", 50257),
                    ("positions", 1024), ("steps", 3), ("warmup", 1), ("rank", 8), ("alpha", 16), ("beta_milli", 100), ("threads", 2)])
    if a.sgemm:
        return print_sgemm(a)
    beta = a.beta_milli / 1000
    model = GPT2(a.vocab, a.positions, a.layers, a.dim, a.heads, a.rank, a.alpha)
    params = [q for q in model.parameters() if q.requires_grad]
    assert all(n.rsplit(".", 1)[-1] in ("lora_A", "lora_B") for n, q in model.named_parameters() if q.requires_grad)
    opt = adamw(params, weight_decay=0.0)
    idx, labels = rows(a.pairs, a.seq, a.prompt, a.vocab)
    with torch.no_grad():  # the reference: LoRA B is 0 at the start, so the policy before its first step is the base
        ref = batch_logps(model.logits(idx), labels)
    b = a.pairs

    def dpo_loss(idx, labels):
        policy = batch_logps(model.logits(idx), labels)
        pc, pr, rc, rr = policy[:b], policy[b:], ref[:b], ref[b:]
        loss = -F.logsigmoid(beta * ((pc - pr) - (rc - rr))).mean()
        chosen, rejected = beta * (pc - rc).detach(), beta * (pr - rr).detach()  # TRL's logged metrics, as Lathe's graph outputs them
        dpo_loss.loss = loss.detach()  # read after timing: the loss of the last timed step
        dpo_loss.metrics = (chosen.mean(), rejected.mean(), (chosen > rejected).float().mean(), (chosen - rejected).mean(), pc.detach().mean(), pr.detach().mean())
        return loss

    t = median_step_s(dpo_loss, params, opt, idx, labels, a.warmup, a.steps)
    a.batch = 2 * a.pairs  # print_result's tokens/s: every row's tokens, as bench/align.ts counts them
    print_result(a, t, trainable=sum(q.numel() for q in params), pairs=a.pairs, prompt=a.prompt, beta=beta, last_loss=dpo_loss.loss.item())


if __name__ == "__main__":
    main()
