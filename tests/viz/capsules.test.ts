// The capsule figures: each shows the model's own reconstructions in the promised layout.
import { beforeAll, describe, expect, it } from "vitest";
import { loadMnist, manualSeed, models, noGrad, ready, scope, setBackend, tensor, type Dataset } from "../../src/index.js";
import { PERTURBATIONS, perturbationFigure, reconstructionFigure } from "../../src/viz/capsules.js";

describe("capsule figures", () => {
  let test: Dataset;
  beforeAll(async () => {
    await ready();
    setBackend("wasm");
    ({ test } = await loadMnist({ shape: "image", trainSize: 0, testSize: 4 }));
  });

  it("reconstructions: the decoder's own output from the longest capsule, below each digit", () => {
    manualSeed(1);
    const net = models.capsNet({ convChannels: 4, primaryChannels: 2, decoder: [32] });
    const c = reconstructionFigure(net, test, 4, 1);
    // The bottom-left reconstruction is drawn at 1:1: compare its pixels with the decoder's.
    const want = scope(() => noGrad(() => { net.eval(); return net.reconstruct(net.capsules(tensor(test.x.subarray(0, 784), [1, 1, 28, 28]))).toArray(); }));
    net.train();
    const label = 7 * 2 + 6;
    const top = 40 + label + 28 + 8 + label;
    const got = Array.from({ length: 784 }, (_, i) => c.rgba[((top + Math.floor(i / 28)) * c.width + 120 + (i % 28)) * 4]);
    got.forEach((v, i) => expect(Math.abs(v - Math.round(255 * want[i]))).toBeLessThanOrEqual(1));
  });

  it("perturbation grid: 16 rows of 11 amounts from −0.25 to +0.25 per digit, each decoded", () => {
    expect(PERTURBATIONS).toEqual([-0.25, -0.2, -0.15, -0.1, -0.05, 0, 0.05, 0.1, 0.15, 0.2, 0.25]);
    manualSeed(2);
    const net = models.capsNet({ convChannels: 4, primaryChannels: 2, decoder: [32] });
    // At scale 2, a panel is the row labels, 11 cells of 56 + 2 pixels and a margin wide.
    const three = perturbationFigure(net, test, [0, 1, 2], 2);
    const four = perturbationFigure(net, test, [0, 1, 2, 3], 2);
    expect(four.width - three.width).toBe(30 + 11 * 58 + 24);
    expect(four.height).toBe(three.height);
    expect(three.height).toBeGreaterThanOrEqual(16 * 58);
  });
});
