"""What the PyTorch baselines share: flags, the BLAS set-up and its SGEMM probe, the timed AdamW step, the JSON line.

Imported by train_gpt.py and finetune_lora.py (run as scripts, so this folder is on sys.path).

Debian's torch does its float32 matrix products in the system OpenBLAS (libopenblas, found in /proc/self/maps once a
product has run). OpenBLAS picks its kernel for the CPU when it loads, unless OPENBLAS_CORETYPE forces one: the parent
(bench/common.ts) decides which environment the baseline runs with, and every result line says which kernel ran, with
how many threads, at what SGEMM rate, and how far its SGEMM result is from a float64 product.
"""
import argparse, ctypes, json, resource, time
import torch

SGEMM_N = 2048


def parse_args(defaults):
    """Integer flags with their defaults, plus --sgemm; sets both thread pools and the seed."""
    p = argparse.ArgumentParser()
    for k, d in defaults:
        p.add_argument(f"--{k}", type=int, default=d)
    p.add_argument("--sgemm", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)  # torch's own kernels (element-wise, softmax, …)
    a.blas = openblas(a.threads)  # torch.set_num_threads does not reach OpenBLAS's pool
    torch.manual_seed(0)
    return a


def openblas(threads):
    """The OpenBLAS torch loaded, its thread count set to `threads`: {core, threads, library}."""
    x = torch.ones(8, 8)
    x @ x  # loads the BLAS if it is loaded lazily
    libs = sorted({line.split()[-1] for line in open("/proc/self/maps") if "libopenblas" in line})
    if not libs:
        return {"openblas_core": None, "openblas_threads": None, "blas_library": None}
    lib = ctypes.CDLL(libs[0])
    lib.openblas_get_corename.restype = ctypes.c_char_p
    lib.openblas_set_num_threads(threads)
    got = lib.openblas_get_num_threads()
    if got != threads:
        raise SystemExit(f"harness.py: asked OpenBLAS for {threads} threads, it runs {got}")
    return {"openblas_core": lib.openblas_get_corename().decode(), "openblas_threads": got, "blas_library": libs[0]}


def sgemm(blas):
    """The best of 5 float32 N² products after a warm-up (GFLOP/s), and the largest error against float64, relative to
    the largest element of the product (a kernel that computes wrongly shows here long before it shows in a loss)."""
    g = torch.Generator().manual_seed(1)
    x, y = torch.randn(SGEMM_N, SGEMM_N, generator=g), torch.randn(SGEMM_N, SGEMM_N, generator=g)
    c = x @ y
    ref = x.double() @ y.double()
    err = ((c.double() - ref).abs().max() / ref.abs().max()).item()
    best = min(_timed(lambda: x @ y) for _ in range(5))
    return {**blas, "sgemm_gflops": 2 * SGEMM_N**3 / best / 1e9, "sgemm_max_rel_err": err}


def print_sgemm(a):
    """One JSON line: the SGEMM probe alone (what bench/common.ts runs to choose the baseline's environment)."""
    print(json.dumps({"framework": "pytorch", **sgemm(a.blas), "threads": a.threads, "torch": torch.__version__}))


def causal_bias(T):
    """The additive causal mask Lathe's graphs add to the scaled scores (native/models/layers.ts): 0 on and below the
    diagonal, float32's lowest above it, built once per forward, (T, T)."""
    return torch.full((T, T), torch.finfo(torch.float32).min).triu(1)


def adamw(params, weight_decay):
    """torch's fastest exact AdamW on CPU in this version: the multi-tensor (foreach) implementation."""
    return torch.optim.AdamW(params, lr=1e-4, weight_decay=weight_decay, foreach=True)


def clip_grad_norm(params, max_norm):
    """torch.nn.utils.clip_grad_norm_ (scale = min(1, max_norm / (norm + 1e-6))) with multi-tensor kernels: torch 1.13's
    own clips tensor by tensor, one norm and one multiply per parameter."""
    grads = [p.grad for p in params if p.grad is not None]
    norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
    scale = min(1.0, max_norm / (norm.item() + 1e-6))
    if scale < 1.0:
        torch._foreach_mul_(grads, scale)
    return norm


def median_step_s(model, params, opt, idx, tgt, warmup, steps):
    """The median time of `steps` training steps (forward, backward, clipping to 1.0, optimiser) after `warmup`."""

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model(idx, tgt)
        loss.backward()
        clip_grad_norm(params, 1.0)
        opt.step()

    for _ in range(warmup):  # allocations, optimiser state
        step()
    return sorted(_timed(step) for _ in range(steps))[steps // 2]  # median: the machine is shared


def print_result(a, step_s, **extra):
    """One JSON line per run: the step, and beside it the BLAS that ran and its SGEMM rate measured in this process."""
    probe = sgemm(a.blas)
    print(json.dumps({"framework": "pytorch", "step_s": step_s, "tokens_per_s": a.batch * a.seq / step_s, **extra, **probe,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "threads": a.threads,
                      "torch": torch.__version__}))


def _timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0
