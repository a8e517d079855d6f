"""Reference: llama2.c's run.c `forward` on a legacy .bin checkpoint, transcribed to PyTorch: the weights as
stored (no permutation), RoPE rotating interleaved pairs (x[2i], x[2i+1]) exactly as run.c does. Greedy
decoding from the given prompt ids, stopping at BOS (id 1) like run.c.

Usage: python3 llama2c_forward.py MODEL.bin STEPS < prompt_ids.json > {"tokens": [...], "logits0": [...]}
"""
import json
import struct
import sys

import torch


def load(path):
    data = open(path, "rb").read()
    dim, hidden, n_layers, n_heads, n_kv, vocab, seq_len = struct.unpack_from("<7i", data, 0)
    shared = vocab > 0
    vocab = abs(vocab)
    w = torch.frombuffer(bytearray(data[28:]), dtype=torch.float32)
    hs = dim // n_heads
    kv_dim = n_kv * hs
    off = 0

    def take(*shape):
        nonlocal off
        n = 1
        for s in shape:
            n *= s
        t = w[off:off + n].reshape(shape)
        off += n
        return t

    p = dict(dim=dim, hidden=hidden, n_layers=n_layers, n_heads=n_heads, n_kv=n_kv, vocab=vocab, hs=hs)
    p["emb"] = take(vocab, dim)
    p["rms_att"] = take(n_layers, dim)
    p["wq"] = take(n_layers, dim, dim)
    p["wk"] = take(n_layers, kv_dim, dim)
    p["wv"] = take(n_layers, kv_dim, dim)
    p["wo"] = take(n_layers, dim, dim)
    p["rms_ffn"] = take(n_layers, dim)
    p["w1"] = take(n_layers, hidden, dim)
    p["w2"] = take(n_layers, dim, hidden)
    p["w3"] = take(n_layers, hidden, dim)
    p["rms_final"] = take(dim)
    take(seq_len * hs // 2)
    take(seq_len * hs // 2)
    p["wcls"] = p["emb"] if shared else take(vocab, dim)
    return p


def rmsnorm(x, w):
    ss = (x * x).mean() + 1e-5
    return w * (x / torch.sqrt(ss))


def forward(p, token, pos, kcache, vcache):
    dim, hs, nh, nkv = p["dim"], p["hs"], p["n_heads"], p["n_kv"]
    x = p["emb"][token].clone()
    for l in range(p["n_layers"]):
        xb = rmsnorm(x, p["rms_att"][l])
        q = p["wq"][l] @ xb
        k = p["wk"][l] @ xb
        v = p["wv"][l] @ xb
        for i in range(0, dim, 2):  # run.c's RoPE: rotate each (i, i+1) pair by pos * 10000^(-(i % hs)/hs)
            head_dim = i % hs
            val = pos * (1.0 / (10000.0 ** (head_dim / hs)))
            fcr, fci = torch.cos(torch.tensor(val)), torch.sin(torch.tensor(val))
            for vec in ([q, k] if i < nkv * hs else [q]):
                v0, v1 = vec[i].clone(), vec[i + 1].clone()
                vec[i] = v0 * fcr - v1 * fci
                vec[i + 1] = v0 * fci + v1 * fcr
        kcache[l][pos] = k
        vcache[l][pos] = v
        out = torch.zeros(dim)
        for h in range(nh):
            kvh = h // (nh // nkv)
            qh = q[h * hs:(h + 1) * hs]
            keys = kcache[l][: pos + 1, kvh * hs:(kvh + 1) * hs]
            att = torch.softmax(keys @ qh / (hs ** 0.5), dim=0)
            out[h * hs:(h + 1) * hs] = att @ vcache[l][: pos + 1, kvh * hs:(kvh + 1) * hs]
        x = x + p["wo"][l] @ out
        xb = rmsnorm(x, p["rms_ffn"][l])
        h1 = p["w1"][l] @ xb
        x = x + p["w2"][l] @ (torch.nn.functional.silu(h1) * (p["w3"][l] @ xb))
    return p["wcls"] @ rmsnorm(x, p["rms_final"])


def main():
    p = load(sys.argv[1])
    steps = int(sys.argv[2])
    prompt = json.load(sys.stdin)
    kv_dim = p["n_kv"] * p["hs"]
    kcache = torch.zeros(p["n_layers"], len(prompt) + steps, kv_dim)
    vcache = torch.zeros(p["n_layers"], len(prompt) + steps, kv_dim)
    token, generated, first = prompt[0], [], None
    with torch.no_grad():
        for pos in range(len(prompt) + steps - 1):
            logits = forward(p, token, pos, kcache, vcache)
            if pos < len(prompt) - 1:
                token = prompt[pos + 1]
                continue
            if first is None:
                first = logits.tolist()
            token = int(torch.argmax(logits))
            if token == 1:
                break
            generated.append(token)
    json.dump({"tokens": generated, "logits0": first}, sys.stdout)


if __name__ == "__main__":
    main()
