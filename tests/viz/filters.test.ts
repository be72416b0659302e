// Filter and feature-map pictures: the maps are the model's own intermediate outputs, and the
// PNG has the layout promised (filters on top, one row per image).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import { manualSeed, models, noGrad, ready, setBackend, tensor } from "../../src/index.js";
import { convFigure, convPicture, featureMaps, filterCanvas, saveConvPicture } from "../../src/viz/filters.js";
import { Conv2d } from "../../src/nn/conv.js";
import { randomData } from "../gradcheck.js";

describe("filters and feature maps", () => {
  beforeAll(async () => {
    await ready();
    setBackend("wasm");
  });

  it("featureMaps keeps each convolution stage's maps before pooling, as the layers compute them", () => {
    manualSeed(3);
    const model = models.lenet({ batchNorm: true });
    const image = randomData(784, 5, 0, 1);
    const maps = featureMaps(model, image, [1, 28, 28]);
    expect(maps.map((m) => [m.layer, m.channels, m.h, m.w])).toEqual([[2, 8, 24, 24], [6, 16, 8, 8]]);
    model.eval();
    const want = noGrad(() => model.layers.slice(0, 3).reduce((x, l) => l.forward(x), tensor(image, [1, 1, 28, 28])).toArray());
    expect(maps[0].data).toEqual(want);
    expect(model.training).toBe(false);
    model.train();
    featureMaps(model, image, [1, 28, 28]);
    expect(model.training).toBe(true);
  });

  it("filterCanvas draws 0 as mid-gray and each filter's extremes as black and white", () => {
    const conv = new Conv2d(1, 2, 2, { bias: false });
    conv.weight.set([1, -1, 0, 0.5, 2, 2, 2, -2]);
    const c = filterCanvas(conv, 1, 1);
    expect([c.width, c.height]).toEqual([2 * 3 + 1, 2 + 2]);
    const px = (x: number, y: number) => c.rgba[(y * c.width + x) * 4];
    expect([px(1, 1), px(2, 1), px(1, 2), px(2, 2)]).toEqual([255, 0, 128, 191]);
    expect([px(4, 1), px(5, 1), px(4, 2), px(5, 2)]).toEqual([255, 255, 255, 0]);
  });

  it("convPicture writes a PNG: filters on top, then one row per image", () => {
    const model = models.lenet();
    const images = randomData(3 * 784, 6, 0, 1);
    const canvas = convPicture(model, images, 3);
    // filters: 8 tiles of 5·8 px + 4 px gaps; rows: 56 px (28 × 2) + 4 px gap each
    const filterHeight = 5 * 8 + 8;
    expect(canvas.height).toBe(filterHeight + 3 * (56 + 4) + 4);
    const path = join(mkdtempSync(join(tmpdir(), "wasmnn-")), "cnn.png");
    saveConvPicture(path, model, images, 3);
    const { PNG } = createRequire(import.meta.url)("pngjs") as typeof import("pngjs");
    const png = PNG.sync.read(readFileSync(path));
    const figure = convFigure(model, images, 3);
    expect([png.width, png.height]).toEqual([figure.width, figure.height]);
    expect(figure.height).toBeGreaterThan(canvas.height);
  });
});
