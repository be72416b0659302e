# (Not torch.py: that name would shadow the torch package.)
# PyTorch on one CPU thread as a child of the peers suite (bench/peers/suite.ts), the same tasks
# as wasmnn's rows and the same report: the last line is {"seconds": {"wall": s, "cpu": s}}, per
# training step of 32 (or per GEMM). Timing as bench/harness.ts timeBothClocks: a warm-up, then
# the median of samples of at least `sample` seconds.
# Run: /usr/bin/python3 bench/peers/pytorch.py --task mlp|lenet|lstm|gemm [--quick]
import json
import math
import sys
import time

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)
B, HIDDEN, T, INPUT, N = 32, 64, 50, 2, 512


def images():
    return torch.tensor([((i * 2654435761) % 1000) / 1000 for i in range(B * 784)], dtype=torch.float32)


def model(task):
    if task == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    if task == "lenet":
        return nn.Sequential(
            nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(256, 10),
        )
    return nn.ModuleList([nn.LSTM(INPUT, HIDDEN), nn.Linear(HIDDEN, 1)])


def step_of(task):
    if task == "gemm":
        a, b = torch.randn(N, N), torch.randn(N, N)
        return lambda: torch.mm(a, b)
    m = model(task)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    if task == "lstm":
        i = torch.arange(T * B * INPUT, dtype=torch.float64)
        x = torch.where(i % 2 == 0, torch.sin(i) * 0.5 + 0.5, (i % 7 == 1).double()).float().reshape(T, B, INPUT)
        y = (torch.cos(torch.arange(B, dtype=torch.float64)) + 1).float().reshape(B, 1)
        rnn, head = m
        loss = lambda: nn.functional.mse_loss(head(rnn(x)[0][-1]), y)
    else:
        x = images().reshape((B, 784) if task == "mlp" else (B, 1, 28, 28))
        y = torch.arange(B) % 10
        loss = lambda: nn.functional.cross_entropy(m(x), y)

    def step():
        opt.zero_grad()
        loss().backward()
        opt.step()

    return step


def seconds(step, quick):
    t0 = time.perf_counter()
    calls = 0
    while calls == 0 or time.perf_counter() - t0 < (0.3 if quick else 1.0):
        step()
        calls += 1
    sample = 0.06 if quick else 0.15
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        dt = time.perf_counter() - t0
        if dt >= sample:
            break
        n = max(n * 2, math.ceil(n * sample / max(dt, 1e-5)))
    wall, cpu = [], []
    for _ in range(3 if quick else 7):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(n):
            step()
        wall.append((time.perf_counter() - w0) / n)
        cpu.append((time.process_time() - c0) / n)
    med = lambda xs: sorted(xs)[len(xs) // 2]
    return {"wall": med(wall), "cpu": med(cpu)}


if __name__ == "__main__":
    task = sys.argv[sys.argv.index("--task") + 1]
    if task not in ("mlp", "lenet", "lstm", "gemm"):
        sys.exit(f"peers torch: expected --task mlp|lenet|lstm|gemm, got {task}")
    # Which BLAS the build links says more about its GEMM than the version does.
    blas = next((w.split("=")[1].rstrip(",") for w in torch.__config__.show().split() if w.startswith("BLAS_INFO=")), "unknown")
    note = f"torch {torch.__version__}, BLAS {blas}"
    print(json.dumps({"seconds": seconds(step_of(task), "--quick" in sys.argv), "note": note}))
