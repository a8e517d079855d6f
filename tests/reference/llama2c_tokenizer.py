"""Reference: llama2.c's run.c `encode` (and `decode`), transcribed to Python line by line.

Usage: python3 llama2c_tokenizer.py TOKENIZER.bin VOCAB_SIZE < texts.json > ids.json
texts.json is a JSON list of strings; the output is a JSON list of {"ids": [...], "text": decoded}.
Independent of Lathe's TypeScript port: used by tests/unit/text-llama2c.test.ts.
"""
import json
import struct
import sys


def load(path, vocab_size):
    data = open(path, "rb").read()
    (max_len,) = struct.unpack_from("<i", data, 0)
    off = 4
    vocab, scores = [], []
    for _ in range(vocab_size):
        score, n = struct.unpack_from("<fi", data, off)
        off += 8
        vocab.append(data[off:off + n])
        off += n
        scores.append(score)
    return vocab, scores


def encode(vocab, scores, text, bos, eos):
    sorted_vocab = {}
    for i, piece in enumerate(vocab):
        sorted_vocab.setdefault(piece, i)
    tokens = []
    if bos:
        tokens.append(1)
    raw = text.encode("utf-8")
    if len(raw) > 0:
        tokens.append(sorted_vocab[b" "])
    buf = b""
    i = 0
    while i < len(raw):
        c = raw[i]
        if (c & 0xC0) != 0x80:
            buf = b""
        buf += bytes([c])
        # keep reading while the next byte is a continuation byte (and at most 4 bytes)
        if i + 1 < len(raw) and (raw[i + 1] & 0xC0) == 0x80 and len(buf) < 4:
            i += 1
            continue
        tid = sorted_vocab.get(buf, -1)
        if tid != -1:
            tokens.append(tid)
        else:
            for b in buf:
                tokens.append(b + 3)
        buf = b""
        i += 1
    while True:
        best_score, best_id, best_idx = -1e10, -1, -1
        for j in range(len(tokens) - 1):
            merged = vocab[tokens[j]] + vocab[tokens[j + 1]]
            tid = sorted_vocab.get(merged, -1)
            if tid != -1 and scores[tid] > best_score:
                best_score, best_id, best_idx = scores[tid], tid, j
        if best_idx == -1:
            break
        tokens[best_idx] = best_id
        del tokens[best_idx + 1]
    if eos:
        tokens.append(2)
    return tokens


def decode(vocab, ids):
    out = b""
    prev = -1
    for t in ids:
        if t in (1, 2):
            prev = t
            continue
        piece = vocab[t]
        if prev == 1 and piece[:1] == b" ":
            piece = piece[1:]
        if len(piece) == 6 and piece.startswith(b"<0x") and piece.endswith(b">"):
            piece = bytes([int(piece[3:5], 16)])
        out += piece
        prev = t
    return out.decode("utf-8", errors="replace")


def main():
    vocab, scores = load(sys.argv[1], int(sys.argv[2]))
    texts = json.load(sys.stdin)
    result = []
    for text in texts:
        ids = encode(vocab, scores, text, True, False)
        result.append({"ids": ids, "text": decode(vocab, ids)})
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
