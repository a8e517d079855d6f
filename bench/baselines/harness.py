"""What the PyTorch baselines share: flags, the SGEMM probe, the timed AdamW step and the JSON line they print.

Imported by train_gpt.py and finetune_lora.py (run as scripts, so this folder is on sys.path).
"""
import argparse, json, resource, time
import torch


def parse_args(defaults):
    """Integer flags with their defaults, plus --sgemm; sets the thread count and the seed."""
    p = argparse.ArgumentParser()
    for k, d in defaults:
        p.add_argument(f"--{k}", type=int, default=d)
    p.add_argument("--sgemm", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    return a


def print_sgemm(threads):
    """One JSON line: the best of 5 float32 2048² matrix products after a warm-up, in GFLOP/s."""
    n = 2048
    x, y = torch.randn(n, n), torch.randn(n, n)
    x @ y
    best = min(_timed(lambda: x @ y) for _ in range(5))
    print(json.dumps({"framework": "pytorch", "sgemm_gflops": 2 * n**3 / best / 1e9, "threads": threads, "torch": torch.__version__}))


def median_step_s(model, params, opt, idx, tgt, warmup, steps):
    """The median time of `steps` training steps (forward, backward, clipping to 1.0, optimiser) after `warmup`."""

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model(idx, tgt)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    for _ in range(warmup):  # allocations, optimiser state
        step()
    return sorted(_timed(step) for _ in range(steps))[steps // 2]  # median: the machine is shared


def print_result(a, step_s, **extra):
    print(json.dumps({"framework": "pytorch", "step_s": step_s, "tokens_per_s": a.batch * a.seq / step_s, **extra,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "threads": a.threads}))


def _timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0
