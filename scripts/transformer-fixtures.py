# Writes tests/fixtures/transformer.json: PyTorch's outputs for nn.MultiheadAttention,
# nn.TransformerEncoderLayer and nn.TransformerDecoderLayer on fixed weights and inputs, which
# tests/nn/transformer-torch.test.ts loads into the wasmnn layers (state_dict keys one to one).
# Run: /usr/bin/python3 scripts/transformer-fixtures.py   (PyTorch on the system Python)
import json
import math
import torch
import torch.nn as nn

torch.manual_seed(0)


def values(n, seed):
    # The same deterministic values the test can describe: sin of a scaled index.
    return [0.5 * math.sin(0.37 * i + seed) for i in range(n)]


def fill(module, seed):
    state = {}
    for k, v in module.state_dict().items():
        data = torch.tensor(values(v.numel(), seed), dtype=torch.float32).reshape(v.shape)
        if k.endswith("norm1.weight") or k.endswith("norm2.weight") or k.endswith("norm3.weight"):
            data = data + 1.0
        state[k] = data
        seed += 1
    module.load_state_dict(state)
    return {k: {"shape": list(v.shape), "data": v.flatten().tolist()} for k, v in state.items()}


def tensor(shape, seed):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor(values(n, seed), dtype=torch.float32).reshape(shape)


def out(t):
    return {"shape": list(t.shape), "data": t.detach().flatten().tolist()}


cases = {}
B, T, S, E, H = 2, 5, 4, 8, 2

mha = nn.MultiheadAttention(E, H, batch_first=True)
state = fill(mha, 10)
x = tensor([B, T, E], 1)
causal = torch.ones(T, T, dtype=torch.bool).triu(1)  # True = masked
pad = torch.tensor([[False] * T, [False, False, False, True, True]])
y, w = mha(x, x, x, attn_mask=causal, key_padding_mask=pad)
cases["mha_self"] = {"state": state, "x": out(x), "attn_mask": causal.flatten().tolist(), "key_padding_mask": pad.flatten().tolist(), "y": out(y), "w": out(w)}

cross = nn.MultiheadAttention(E, H, kdim=3, vdim=6)
state = fill(cross, 20)
q, k, v = tensor([T, B, E], 2), tensor([S, B, 3], 3), tensor([S, B, 6], 4)
y, w = cross(q, k, v, average_attn_weights=False)
cases["mha_cross"] = {"state": state, "q": out(q), "k": out(k), "v": out(v), "y": out(y), "w": out(w)}

for name, kw in [("encoder_post_relu", dict(norm_first=False, activation="relu")), ("encoder_pre_gelu", dict(norm_first=True, activation="gelu"))]:
    layer = nn.TransformerEncoderLayer(E, H, dim_feedforward=16, dropout=0.0, batch_first=True, **kw).eval()
    state = fill(layer, 30)
    x = tensor([B, T, E], 5)
    y = layer(x, src_mask=causal)
    cases[name] = {"state": state, "x": out(x), "y": out(y)}

dec = nn.TransformerDecoderLayer(E, H, dim_feedforward=16, dropout=0.0, batch_first=True).eval()
state = fill(dec, 40)
tgt, memory = tensor([B, T, E], 6), tensor([B, S, E], 7)
y = dec(tgt, memory, tgt_mask=causal)
cases["decoder_post_relu"] = {"state": state, "tgt": out(tgt), "memory": out(memory), "y": out(y)}

ln = nn.LayerNorm([3, 4])
state = fill(ln, 50)
x = tensor([2, 3, 4], 8) * 3 + 1
cases["layer_norm"] = {"state": state, "x": out(x), "y": out(ln(x))}

x = tensor([4, 9], 9) * 4
cases["gelu"] = {"x": out(x), "y": out(nn.GELU()(x)), "y_tanh": out(nn.GELU(approximate="tanh")(x)), "log_softmax": out(torch.log_softmax(x, -1))}

with open("tests/fixtures/transformer.json", "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print("wrote tests/fixtures/transformer.json with", ", ".join(cases))
