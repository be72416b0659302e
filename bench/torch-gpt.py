# PyTorch on one CPU thread, training the same character GPT as `wasmnn train text --model gpt`
# (vocab 89, context 64, dim 96, 4 heads, 3 pre-norm layers with GELU and a 384-wide feed-forward
# net, tied embeddings, batch 16; AdamW, gradient clipping at 1): tokens/s by wall and by this
# process's CPU time, for the comparison row in the README. Not run by npm test.
# Run: /usr/bin/python3 bench/torch-gpt.py [steps]
import sys
import time
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(1)
V, C, D, H, L, B = 89, 64, 96, 4, 3, 16


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, D)
        self.wpe = nn.Embedding(C, D)
        layer = nn.TransformerEncoderLayer(D, H, 4 * D, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, L, norm=nn.LayerNorm(D), enable_nested_tensor=False)
        self.register_buffer("mask", torch.full((C, C), float("-inf")).triu(1))

    def forward(self, ids):
        x = self.wte(ids) + self.wpe.weight[: ids.shape[1]]
        return self.encoder(x, mask=self.mask) @ self.wte.weight.t()


model = GPT()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 60


def step():
    x = torch.randint(0, V, (B, C))
    y = torch.randint(0, V, (B, C))
    loss = nn.functional.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


for _ in range(5):
    step()
w0, c0 = time.perf_counter(), time.process_time()
for _ in range(steps):
    step()
wall, cpu = time.perf_counter() - w0, time.process_time() - c0
print(f"torch {torch.__version__}, 1 thread: {sum(p.numel() for p in model.parameters())} parameters; "
      f"{steps * B * C / wall:.0f} tokens/s by wall, {steps * B * C / cpu:.0f} tokens per CPU second")
