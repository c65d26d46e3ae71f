#!/usr/bin/python3
"""Tiny random-weight BERT models in the Hugging Face layout, and an independent reference.

Writes config.json, vocab.txt, tokenizer_config.json, model.safetensors (by hand: struct + json),
modules.json and 1_Pooling/config.json into --out, then tokenizes --texts (a JSON list) with a
WordPiece written from Hugging Face's BasicTokenizer/WordpieceTokenizer (unicodedata) and runs the
forward pass in numpy (float64), writing expected.json: {"ids": [[...]], "embeddings": [[...]],
"query_ids", "query_embeddings"}. numpy only.
"""
import argparse, json, math, os, struct, unicodedata
import numpy as np

WORDS = """the a of and to in is for on with by we model models learn learning deep neural network
networks attention transformer transformers language vision graph data train training test
alpha beta gamma sum loss paper cafe resume naive über élan théorème""".split()
SUFFIXES = "s ing ed er ly tion al ic ity ness ment ##".split()

def vocab():
    v = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    v += [chr(c) for c in range(33, 127) if not chr(c).isalnum()]
    v += [chr(c) for c in range(ord("a"), ord("z") + 1)] + [str(d) for d in range(10)]
    v += ["##" + chr(c) for c in range(ord("a"), ord("z") + 1)] + ["##" + str(d) for d in range(10)]
    v += ["模", "型", "学", "习", "é", "ü", "##é"]
    for w in WORDS:
        if w not in v: v.append(w)
    for s in SUFFIXES:
        if s != "##" and "##" + s not in v: v.append("##" + s)
    for w in ["trans", "form", "##form", "##former", "##formers", "net", "##work", "##works", "att", "##ention"]:
        if w not in v: v.append(w)
    return v

# --- tokenizer (transformers' BasicTokenizer + WordpieceTokenizer) ---
def is_ws(c): return c in " \t\n\r" or unicodedata.category(c) == "Zs"
def is_ctrl(c): return c not in "\t\n\r" and unicodedata.category(c).startswith("C")
def is_punct(c):
    o = ord(c)
    if 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126: return True
    return unicodedata.category(c).startswith("P")
def is_cjk(o):
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF or 0x2A700 <= o <= 0x2B73F
            or 0x2B740 <= o <= 0x2B81F or 0x2B820 <= o <= 0x2CEAF or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F)

def basic_tokenize(text, lower, strip):
    out = []
    for c in text:
        o = ord(c)
        if o == 0 or o == 0xFFFD or is_ctrl(c): continue
        c = " " if is_ws(c) else c
        out.append(" %s " % c if is_cjk(ord(c)) else c)
    words = []
    for tok in "".join(out).split():  # str.split() splits on whitespace as _is_whitespace does here
        if lower: tok = tok.lower()
        if strip: tok = "".join(ch for ch in unicodedata.normalize("NFD", tok) if unicodedata.category(ch) != "Mn")
        cur = ""
        for ch in tok:
            if is_punct(ch):
                if cur: words.append(cur)
                words.append(ch); cur = ""
            else:
                cur += ch
        if cur: words.append(cur)
    return words

def wordpiece(word, ids, max_chars=100):
    if len(word) > max_chars: return ["[UNK]"]
    out, start = [], 0
    while start < len(word):
        end, cur = len(word), None
        while start < end:
            sub = word[start:end]
            if start > 0: sub = "##" + sub
            if sub in ids: cur = sub; break
            end -= 1
        if cur is None: return ["[UNK]"]
        out.append(cur); start = end
    return out

def encode(text, ids, lower, strip, max_len):
    toks = ["[CLS]"]
    for w in basic_tokenize(text, lower, strip): toks += wordpiece(w, ids)
    toks = toks[:max_len - 1] + ["[SEP]"]
    return [ids[t] for t in toks]

# --- weights and forward pass ---
def make_weights(rng, cfg):
    H, I, V, P = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"], cfg["max_position_embeddings"]
    n = lambda *s: (rng.standard_normal(s) * 0.2).astype(np.float32)
    w = {"embeddings.word_embeddings.weight": n(V, H), "embeddings.position_embeddings.weight": n(P, H),
         "embeddings.token_type_embeddings.weight": n(2, H),
         "embeddings.LayerNorm.weight": (1 + n(H)), "embeddings.LayerNorm.bias": n(H)}
    for l in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % l
        for part in ("query", "key", "value"):
            w[p + "attention.self.%s.weight" % part] = n(H, H); w[p + "attention.self.%s.bias" % part] = n(H)
        w[p + "attention.output.dense.weight"] = n(H, H); w[p + "attention.output.dense.bias"] = n(H)
        w[p + "attention.output.LayerNorm.weight"] = 1 + n(H); w[p + "attention.output.LayerNorm.bias"] = n(H)
        w[p + "intermediate.dense.weight"] = n(I, H); w[p + "intermediate.dense.bias"] = n(I)
        w[p + "output.dense.weight"] = n(H, I); w[p + "output.dense.bias"] = n(H)
        w[p + "output.LayerNorm.weight"] = 1 + n(H); w[p + "output.LayerNorm.bias"] = n(H)
    return w

def write_safetensors(path, tensors, dtype):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        a = tensors[name].astype(np.float16 if dtype == "F16" else np.float32)
        b = a.tobytes()  # little-endian on every host we test on
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b); off += len(b)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h)
        for b in blobs: f.write(b)

def layer_norm(x, w, b, eps):
    m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * w + b

def forward(w, cfg, ids, pooling, normalize):
    f = lambda k: w[k].astype(np.float64)
    H, nh, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    dh = H // nh
    x = f("embeddings.word_embeddings.weight")[ids] + f("embeddings.position_embeddings.weight")[:len(ids)] \
        + f("embeddings.token_type_embeddings.weight")[0]
    x = layer_norm(x, f("embeddings.LayerNorm.weight"), f("embeddings.LayerNorm.bias"), eps)
    erf = np.vectorize(math.erf)
    for l in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % l
        lin = lambda t, name: t @ f(p + name + ".weight").T + f(p + name + ".bias")
        q, k, v = (lin(x, "attention.self." + s).reshape(len(ids), nh, dh).transpose(1, 0, 2) for s in ("query", "key", "value"))
        s = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(len(ids), H)
        x = layer_norm(x + lin(ctx, "attention.output.dense"), f(p + "attention.output.LayerNorm.weight"), f(p + "attention.output.LayerNorm.bias"), eps)
        h = lin(x, "intermediate.dense"); h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
        x = layer_norm(x + lin(h, "output.dense"), f(p + "output.LayerNorm.weight"), f(p + "output.LayerNorm.bias"), eps)
    e = x[0] if pooling == "cls" else x.mean(0)
    if normalize: e = e / max(np.linalg.norm(e), 1e-12)
    return e

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--texts", default="[]", help="JSON list of texts to tokenize and embed")
    ap.add_argument("--texts-file", default=None, help="a file holding the JSON list (instead of --texts)")
    ap.add_argument("--pooling", choices=["cls", "mean"], default="mean")
    ap.add_argument("--normalize", action="store_true")
    ap.add_argument("--cased", action="store_true", help="do_lower_case false (accents kept)")
    ap.add_argument("--dtype", choices=["F32", "F16"], default="F32")
    ap.add_argument("--max-positions", type=int, default=24)
    ap.add_argument("--query-prompt", default=None, help="written as config_sentence_transformers.json prompts.query")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "1_Pooling"), exist_ok=True)
    v = vocab(); ids = {t: i for i, t in enumerate(v)}
    cfg = {"model_type": "bert", "architectures": ["BertModel"], "vocab_size": len(v), "hidden_size": 32,
           "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64,
           "max_position_embeddings": a.max_positions, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
           "hidden_act": "gelu"}
    lower = not a.cased
    J = lambda name, obj: json.dump(obj, open(os.path.join(a.out, name), "w"), ensure_ascii=False, indent=1)
    J("config.json", cfg)
    open(os.path.join(a.out, "vocab.txt"), "w").write("\n".join(v) + "\n")
    J("tokenizer_config.json", {"do_lower_case": lower, "tokenize_chinese_chars": True, "strip_accents": None,
                                "model_max_length": 512, "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]",
                                "pad_token": "[PAD]", "tokenizer_class": "BertTokenizer"})
    mods = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    if a.normalize: mods.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
    J("modules.json", mods)
    J("1_Pooling/config.json", {"word_embedding_dimension": 32, "pooling_mode_cls_token": a.pooling == "cls",
                                "pooling_mode_mean_tokens": a.pooling == "mean", "pooling_mode_max_tokens": False,
                                "pooling_mode_mean_sqrt_len_tokens": False})
    query_prefix = ""
    if a.query_prompt is not None:
        query_prefix = a.query_prompt
        J("config_sentence_transformers.json", {"prompts": {"query": a.query_prompt, "passage": ""}, "default_prompt_name": None})
    w = make_weights(np.random.default_rng(a.seed), cfg)
    write_safetensors(os.path.join(a.out, "model.safetensors"), w, a.dtype)
    if a.dtype == "F16": w = {k: t.astype(np.float16).astype(np.float32) for k, t in w.items()}
    texts = json.load(open(a.texts_file, encoding="utf-8")) if a.texts_file else json.loads(a.texts)
    strip = lower  # strip_accents None follows do_lower_case
    tok = [encode(t, ids, lower, strip, a.max_positions) for t in texts]
    qtok = [encode(query_prefix + t, ids, lower, strip, a.max_positions) for t in texts]
    exp = {"ids": tok, "query_ids": qtok,
           "tokens": [[v[i] for i in t] for t in tok],
           "embeddings": [forward(w, cfg, t, a.pooling, a.normalize).tolist() for t in tok],
           "query_embeddings": [forward(w, cfg, t, a.pooling, a.normalize).tolist() for t in qtok]}
    J("expected.json", exp)

if __name__ == "__main__":
    main()
