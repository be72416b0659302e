// The catalogue of bad input, core part: tensors, autograd, optimizers, state dicts, scopes and
// losses. Every case is a thunk that must throw a wasmnn Error whose message names the op or
// layer, the bad value and what was expected; where a model or optimizer is involved, its weights
// and its stateDict() must be bit-for-bit what they were before the call.
import { beforeAll, describe, expect, it } from "vitest";
import { backend, dataset, fit, keep, liveTensors, losses, manualSeed, models, nn, ops, optim, rand, randn, ready, scope, setBackend, tensor, type Tensor, zeros } from "../../src/index.js";
import { expectCase, expectStateCase, optimizers, snapshot, trained, type Case, type StateCase } from "./helpers.js";

beforeAll(async () => {
  await ready();
  setBackend("wasm");
});

describe("tensors", () => {
  const gone = (shape: number[]) => {
    const t = zeros(shape);
    t.dispose();
    return t;
  };
  const cases: Case[] = [
    { name: "item() of a [2, 3] tensor", run: () => zeros([2, 3]).item(), message: /^item: tensor has shape \[2, 3\], expected a single element$/ },
    { name: "item() of an empty tensor", run: () => zeros([0]).item(), message: /^item: tensor has shape \[0\], expected a single element$/ },
    { name: "item() after dispose", run: () => gone([1]).item(), message: /^item: Tensor\[1\] was disposed and cannot be used$/ },
    { name: "toArray() after dispose", run: () => gone([2, 2]).toArray(), message: /^toArray: Tensor\[2, 2\] was disposed and cannot be used$/ },
    { name: "set() after dispose", run: () => gone([2]).set([1, 2]), message: /^set: Tensor\[2\] was disposed and cannot be used$/ },
    { name: "set() with too few values", run: () => zeros([2, 3]).set([1, 2]), message: /^set: got 2 values for a tensor of shape \[2, 3\] \(6 values\)$/ },
    { name: "set() with null", run: () => zeros([2]).set(null as never), message: /^set: got null, expected 2 numbers for a tensor of shape \[2\]$/ },
    { name: "zeros on the backend \"abc\"", run: () => zeros([2], { backend: "abc" as never }), message: /^zeros: options\.backend is "abc", expected a backend \(backend\("wasm"\) or backend\("js"\)\)$/ },
    { name: "tensor with options 5", run: () => tensor([1], [1], 5 as never), message: /^tensor: options must be an object, got 5$/ },
    { name: "rand with lo a bigint", run: () => rand([2], { lo: 1n as never }), message: /^rand: options\.lo is 1n, expected a number$/ },
    { name: "randn with an rng that is not a Random", run: () => randn([2], { rng: {} as never }), message: /^randn: options\.rng is an Object, expected a Random$/ },
    { name: "retainGrad() without requiresGrad", run: () => zeros([3]).retainGrad(), message: /^retainGrad: Tensor\[3\] does not require grad/ },
    { name: "ptr of a disposed tensor (an op)", run: () => ops.exp(gone([3])), message: /^exp: input Tensor\[3\] was disposed$/ },
  ];
  it.each(cases)("$name", ({ run, message }) => expectCase(run, message));
});

describe("backward", () => {
  const x = () => tensor([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
  const cases: Case[] = [
    { name: "backward() of a tensor that needs no grad", run: () => zeros([1]).backward(), message: /^backward: Tensor\[1\] does not require grad/ },
    { name: "backward() of a [2, 3] output without grad", run: () => ops.exp(x()).backward(), message: /^backward: Tensor\[2, 3\] is not a single value; pass d\(loss\)\/d\(output\) as `grad`$/ },
    { name: "grad of shape [3, 2] for an output [2, 3]", run: () => ops.exp(x()).backward(zeros([3, 2])), message: /^backward: grad has shape \[3, 2\], expected \[2, 3\]$/ },
    { name: "grad of 5 values for an output [2, 3]", run: () => ops.exp(x()).backward(zeros([5])), message: /^backward: grad has shape \[5\], expected \[2, 3\]$/ },
    { name: "grad on the js backend for a wasm output", run: () => ops.exp(x()).backward(zeros([2, 3], { backend: backend("js") })), message: /^backward: grad lives on the js backend, the output Tensor\[2, 3\] on wasm$/ },
    { name: "grad disposed", run: () => ops.exp(x()).backward((() => { const g = zeros([2, 3]); g.dispose(); return g; })()), message: /^backward: grad Tensor\[2, 3\] was disposed$/ },
    { name: "grad given as a plain array", run: () => ops.exp(x()).backward([1, 2, 3, 4, 5, 6] as never), message: /^backward: grad is \[1, 2, 3, 4, 5, 6\], expected a Tensor of shape \[2, 3\]$/ },
    {
      name: "backward twice through a freed graph",
      run: () => {
        const y = ops.sum(ops.exp(x()));
        y.backward();
        y.backward();
      },
      message: /^backward: the graph through Tensor\[\] was already freed by an earlier backward\(\); pass \{ retainGraph: true \}/,
    },
  ];
  it.each(cases)("$name", ({ run, message }) => expectCase(run, message));

  it("a refused grad leaves x.grad untouched (none, then the right one)", () => {
    const a = x();
    const y = ops.mulScalar(a, 2);
    expect(() => y.backward(zeros([3, 2]))).toThrow(/expected \[2, 3\]/);
    expect(() => y.backward(tensor([1, 1, 1, 1, 1, 1], [2, 3], { backend: backend("js") }))).toThrow(/lives on the js backend/);
    expect(a.grad).toBeNull();
    y.backward(tensor([1, 2, 3, 4, 5, 6], [2, 3]));
    expect(Array.from(a.grad!.toArray())).toEqual([2, 4, 6, 8, 10, 12]);
  });
});

describe("autograd op arguments", () => {
  const x = () => tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const cases: Case[] = [
    { name: "matmul [2, 3] by [2, 3]", run: () => ops.matmul(x(), x()), message: /^matmul: cannot multiply \[2, 3\] by \[2, 3\]: inner sizes 3 and 2 differ$/ },
    { name: "matmul of a vector", run: () => ops.matmul(tensor([1, 2]), x()), message: /^matmul: expected 2-D or 3-D operands, got \[2\] and \[2, 3\]$/ },
    { name: "add [2, 3] and [2]", run: () => ops.add(x(), tensor([1, 2])), message: /^add: shapes \[2, 3\] and \[2\] do not broadcast$/ },
    { name: "add across backends", run: () => ops.add(x(), zeros([2, 3], { backend: backend("js") })), message: /^add: inputs live on different backends \(wasm and js\); create them under one backend/ },
    { name: "reshape [2, 3] as [4, 2]", run: () => ops.reshape(x(), [4, 2]), message: /^reshape: cannot view \[2, 3\] \(6 values\) as \[4, 2\]$/ },
    { name: "transpose of a vector", run: () => ops.transpose(tensor([1, 2, 3])), message: /^transpose: axis -2 is out of range for a tensor of rank 1$/ },
    { name: "slice past the end", run: () => ops.slice(x(), 1, 0, 5), message: /^slice: range \[0, 5\) is not inside axis 1 of \[2, 3\] \(length 3\)$/ },
    { name: "concat of mismatched shapes", run: () => ops.concat([x(), zeros([1, 2])], 0), message: /^concat: shapes \[2, 3\], \[1, 2\] differ outside axis 0$/ },
    { name: "concat of nothing", run: () => ops.concat([], 0), message: /^concat: got no tensors$/ },
    { name: "sum over axis 5 of a matrix", run: () => ops.sum(x(), 5), message: /^sum: axis 5 is out of range for a tensor of rank 2$/ },
    { name: "mean over axis -3 of a matrix", run: () => ops.mean(x(), -3), message: /^mean: axis -3 is out of range for a tensor of rank 2$/ },
    { name: "softmax over axis 4", run: () => ops.softmax(x(), 4), message: /^softmax: axis 4 is out of range for a tensor of rank 2$/ },
    { name: "linear with a [4, 5] weight", run: () => ops.linear(x(), zeros([4, 5]), null), message: /^linear: input has shape \[2, 3\], expected \[\*, 5\]$/ },
    // Found by tests/fuzz: each of these read a field of its argument and threw a TypeError.
    { name: "add of a string", run: () => ops.add("abc" as never, x()), message: /^add: input 0 is "abc", expected a Tensor$/ },
    { name: "exp of undefined", run: () => ops.exp(undefined as never), message: /^exp: input is undefined, expected a Tensor$/ },
    { name: "conv2d with a plain-array weight", run: () => ops.conv2d(zeros([1, 1, 3, 3]), [1, 2] as never), message: /^conv2d: input 1 is \[1, 2\], expected a Tensor$/ },
    { name: "noGrad(5)", run: () => ops.noGrad(5 as never), message: /^noGrad: expected a function, got 5$/ },
    { name: "record with inputs null", run: () => ops.record(x(), "custom", null as never, (g) => [g]), message: /^record\(custom\): inputs must be an array of tensors, got null$/ },
    { name: "record with a backward that is a number", run: () => ops.record(x(), "custom", [x()], 1 as never), message: /^record\(custom\): backward must be a function, got 1$/ },
    { name: "reshape with shape 6", run: () => ops.reshape(x(), 6 as never), message: /^reshape: shape must be an array of sizes, got 6$/ },
    { name: "flatten of null", run: () => ops.flatten(null as never), message: /^flatten: input is null, expected a Tensor$/ },
    { name: "concat of a tensor, not an array", run: () => ops.concat(x() as never), message: /^concat: expected an array of tensors, got Tensor\[2, 3\]$/ },
    { name: "layerNorm with normalizedShape 3", run: () => ops.layerNorm(x(), 3 as never), message: /^layerNorm: normalizedShape must be an array of sizes, got 3$/ },
    { name: "crossEntropy with disposed labels", run: () => { const l = tensor([0, 1]); l.dispose(); return losses.crossEntropy(x(), l); }, message: /^crossEntropy: labels Tensor\[2\] was disposed$/ },
    { name: "marginLoss with options null", run: () => losses.marginLoss(tensor([0.1, 0.2], [1, 2]), [1], null as never), message: /^marginLoss: options must be an object, got null$/ },
    { name: "embedding with ids null", run: () => ops.embedding(x(), null as never), message: /^embedding: ids are null, expected a Tensor or an array of row indices$/ },
    { name: "dataset of a disposed tensor", run: () => { const t = x(); t.dispose(); return dataset(t, [0, 1]); }, message: /^dataset: x is a Tensor\[2, 3\] that was disposed$/ },
    { name: "mulScalar by a string (the output was NaN or 0)", run: () => ops.mulScalar(x(), "2" as never), message: /^mulScalar: the scalar is "2", expected a number$/ },
    { name: "pow with a bigint exponent", run: () => ops.pow(x(), 2n as never), message: /^pow: the exponent is 2n, expected a number$/ },
    { name: "leakyRelu with a null slope", run: () => ops.leakyRelu(x(), null as never), message: /^leakyRelu: negativeSlope is null, expected a number$/ },
    { name: "embedding with a bigint id", run: () => ops.embedding(x(), [1n] as never), message: /^embedding: ids holds 1n at index 0, expected a number$/ },
    { name: "crossEntropy with a bigint label", run: () => losses.crossEntropy(x(), [0, 1n] as never), message: /^crossEntropy: labels holds 1n at index 1, expected a number$/ },
    { name: "layerNorm with eps 1n", run: () => ops.layerNorm(x(), [3], null, null, 1n as never), message: /^layerNorm: eps must be a positive number, got 1n$/ },
    { name: "batchNorm without options", run: () => (ops.batchNorm as (t: Tensor) => Tensor)(x()), message: /^batchNorm: options must be an object with training: true or false, got undefined$/ },
    { name: "batchNorm with eps \"1e-5\"", run: () => ops.batchNorm(x(), { training: true, eps: "1e-5" as never }), message: /^batchNorm: eps is "1e-5", expected a number$/ },
    { name: "conv2d with options null", run: () => ops.conv2d(zeros([1, 1, 3, 3]), zeros([1, 1, 2, 2]), null, null as never), message: /^conv2d: options must be an object, got null$/ },
    { name: "maxPool2d with options 2", run: () => ops.maxPool2d(zeros([1, 1, 4, 4]), 2, 2 as never), message: /^maxPool2d: options must be an object, got 2$/ },
    { name: "scaledDotProductAttention with a mask { bool, shape: null }", run: () => ops.scaledDotProductAttention(zeros([1, 1, 2, 2]), zeros([1, 1, 2, 2]), zeros([1, 1, 2, 2]), { attnMask: { bool: [true], shape: null as never } }), message: /^scaledDotProductAttention: attention mask is \{.*\}, expected a Tensor or \{ bool, shape \}$|^scaledDotProductAttention: attention mask is an Object, expected a Tensor or \{ bool, shape \}$/ },
    { name: "splitHeads into 1.5 parts", run: () => ops.splitHeads(zeros([1, 2, 6]), 2, 1.5), message: /^splitHeads: parts must be an integer ≥ 1, got 1\.5$/ },
    { name: "maxPool2d with stride 1e38 (a Wasm divide-by-zero trap)", run: () => ops.maxPool2d(zeros([1, 1, 2, 2]), 1, { stride: 1e38 }), message: /^maxPool2d: stride must be below 2\^31 \(the kernels take 32-bit sizes\), got 1e\+38$/ },
    { name: "avgPool2d with countIncludePad 1n", run: () => ops.avgPool2d(zeros([1, 1, 2, 2]), 1, { countIncludePad: 1n as never }), message: /^avgPool2d: countIncludePad must be true or false, got 1n$/ },
    { name: "batchNorm of null", run: () => ops.batchNorm(null as never, { training: true, weight: zeros([2]) }), message: /^batchNorm: input 0 is null, expected a Tensor$/ },
    { name: "reshape to [3, 1n]", run: () => ops.reshape(zeros([3]), [3, 1n] as never), message: /^reshape: shape must be an array of sizes, got \[3, 1n\]$/ },
    { name: "conv2d whose output the heap cannot hold", run: () => ops.conv2d(zeros([1, 1, 1, 1]), zeros([1, 1, 1, 1]), null, { padding: 2 ** 30 }), message: /^conv2d: Tensor\[1, 1, 2147483649, 2147483649\] on the wasm backend: cannot allocate/ },
    { name: "dynamicRouting with 2^31 iterations", run: () => ops.dynamicRouting(zeros([1, 2, 2, 2]), 2 ** 31), message: /^dynamicRouting: 2147483648 iterations would keep 384 GiB for backward, more than the 4 GiB heap$/ },
  ];
  it.each(cases)("$name", ({ run, message }) => expectCase(run, message));
});

describe("losses", () => {
  const logits = () => tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const cases: Case[] = [
    { name: "crossEntropy on a vector", run: () => losses.crossEntropy(tensor([1, 2, 3]), [0]), message: /^crossEntropy: logits have shape \[3\], expected \[batch, classes\]$/ },
    { name: "crossEntropy label 3 of 3 classes", run: () => losses.crossEntropy(logits(), [0, 3]), message: /^crossEntropy: label 3 at index 1 is not a class index in \[0, 2\]$/ },
    { name: "crossEntropy label -1", run: () => losses.crossEntropy(logits(), [-1, 0]), message: /^crossEntropy: label -1 at index 0 is not a class index in \[0, 2\]$/ },
    { name: "crossEntropy label 1.5", run: () => losses.crossEntropy(logits(), [0, 1.5]), message: /^crossEntropy: label 1.5 at index 1 is not a class index in \[0, 2\]$/ },
    { name: "crossEntropy label NaN", run: () => losses.crossEntropy(logits(), [0, NaN]), message: /^crossEntropy: label NaN at index 1 is not a class index in \[0, 2\]$/ },
    { name: "crossEntropy 1 label for 2 rows", run: () => losses.crossEntropy(logits(), [0]), message: /^crossEntropy: got 1 labels for 2 rows of logits$/ },
    { name: "crossEntropy labels null", run: () => losses.crossEntropy(logits(), null as never), message: /^crossEntropy: labels are null, expected a Tensor or an array of 2 class indices$/ },
    { name: "crossEntropy without logits", run: () => losses.crossEntropy(undefined as never, [0]), message: /^crossEntropy: logits is undefined, expected a Tensor$/ },
    { name: "mse [2, 3] against [3]", run: () => losses.mse(logits(), tensor([1, 2, 3])), message: /^mse: prediction has shape \[2, 3\] but target has shape \[3\]$/ },
    { name: "mse without target", run: () => (losses.mse as (p: Tensor) => Tensor)(logits()), message: /^mse: target is undefined, expected a Tensor$/ },
    { name: "mse against a plain array", run: () => losses.mse(logits(), [1, 2, 3, 4, 5, 6] as never), message: /^mse: target is \[1, 2, 3, 4, 5, 6\], expected a Tensor$/ },
    { name: "binaryCrossEntropy [2, 3] against [1]", run: () => losses.binaryCrossEntropy(logits(), tensor([1])), message: /^binaryCrossEntropy: prediction has shape \[2, 3\] but target has shape \[1\]$/ },
    { name: "marginLoss label 5 of 2 classes", run: () => losses.marginLoss(tensor([0.1, 0.2], [1, 2]), [5]), message: /^marginLoss: label 5 at index 0 is not a class index in \[0, 1\]$/ },
    { name: "marginLoss mPlus NaN", run: () => losses.marginLoss(tensor([0.1, 0.2], [1, 2]), [1], { mPlus: NaN } as never), message: /^marginLoss: mPlus must be a finite number, got NaN$/ },
  ];
  it.each(cases)("$name", ({ run, message }) => expectCase(run, message));

  it("mse differentiates the target too, as PyTorch (d/dt = −d/dp; 2/3 each for p = 0, t = 1)", () => {
    const p = zeros([3], { requiresGrad: true });
    const t = tensor([1, 1, 1], [3], { requiresGrad: true });
    losses.mse(p, t).backward();
    // torch.nn.functional.mse_loss(zeros(3), ones(3)).backward(): t.grad = [0.6667] * 3
    expect(Array.from(t.grad!.toArray())).toEqual(Array.from(Float32Array.from([2 / 3, 2 / 3, 2 / 3])));
    expect(Array.from(p.grad!.toArray())).toEqual(Array.from(Float32Array.from([-2 / 3, -2 / 3, -2 / 3])));
  });

  it("mse with a target that needs no grad still gives the prediction its gradient and frees everything", () => {
    const p = tensor([1, 2], [2], { requiresGrad: true });
    const base = liveTensors();
    scope(() => losses.mse(p, tensor([0, 0])).backward());
    expect(Array.from(p.grad!.toArray())).toEqual([1, 2]);
    expect(liveTensors()).toBe(base + 1);
  });
});

describe("found by the fuzzer: results and lifetimes", () => {
  const leftAfter = (fn: () => void) => {
    const base = liveTensors();
    fn();
    return liveTensors() - base;
  };
  /** Tensors left by f(x), the sum's backward, and disposing x, f(x), the loss and the gradient. */
  const throughBackward = (f: (x: Tensor) => Tensor) =>
    leftAfter(() => {
      const x = tensor([3, 4, 0, 1, 2, 2], [2, 3], { requiresGrad: true });
      const y = f(x);
      const loss = ops.sum(y);
      loss.backward();
      for (const t of [loss, y, x.grad!, x]) t.dispose();
    });

  it("norm over an empty axis is 0, as in PyTorch (it was whatever the heap held)", () => {
    expect(Array.from(ops.norm(zeros([3, 0]), 1).toArray())).toEqual([0, 0, 0]);
  });

  it("linear with 0 input features gives the bias (rows were 0 / 0 = NaN: \"Tensor: shape [NaN]\")", () => {
    expect(ops.linear(zeros([2, 0]), zeros([3, 0]), tensor([1, 2, 3])).toNested()).toEqual([[1, 2, 3], [1, 2, 3]]);
  });

  it("div of [2, 1, 4] by [0, 4] is empty [2, 0, 4], and the gradients are zeros (the refused pattern leaked its output)", () => {
    expect(leftAfter(() => {
      const a = zeros([2, 1, 4], { requiresGrad: true });
      const b = zeros([0, 4], { requiresGrad: true });
      const y = ops.div(a, b);
      expect(y.shape).toEqual([2, 0, 4]);
      const loss = ops.sum(y);
      loss.backward();
      expect(Array.from(a.grad!.toArray())).toEqual(new Array(8).fill(0));
      expect(b.grad!.shape).toEqual([0, 4]);
      for (const t of [loss, y, a.grad!, b.grad!, a, b]) t.dispose();
    })).toBe(0);
  });

  it("mulScalar rounds the scalar to f32 on js as on wasm (1.8778604 · 1.1049172017468358 differed by 1 ulp)", () => {
    const at = (name: "js" | "wasm") => ops.mulScalar(tensor([1.877860426902771], [1], { backend: backend(name) }), 1.1049172017468358).item();
    expect(at("js")).toBe(Math.fround(Math.fround(1.877860426902771) * Math.fround(1.1049172017468358)));
    expect(at("js")).toBe(at("wasm"));
  });

  it("layerNorm over an empty normalized shape returns the empty input's shape", () => {
    expect(ops.layerNorm(zeros([2, 0]), [0]).shape).toEqual([2, 0]);
  });

  it("norm and squash along axis 0 outside a scope free their moved copies with the result (2 and 1 tensors were left)", () => {
    expect(throughBackward((t) => ops.norm(t, 0))).toBe(0);
    expect(throughBackward((t) => ops.squash(t, 0))).toBe(0);
  });

  it("a Dropout forward outside a scope frees its mask with the output (1 tensor was left per call)", () => {
    expect(throughBackward((t) => new nn.Dropout(0.5).forward(t))).toBe(0);
  });

  it("a custom backward rule that returns a wrong-sized gradient throws and leaves nothing", () => {
    expect(leftAfter(() => {
      const x = tensor([1, 2, 3], [3], { requiresGrad: true });
      const y = ops.record(zeros([3]), "custom", [x], () => [zeros([2])]);
      const loss = ops.sum(y);
      expect(() => loss.backward()).toThrow(/^backward of custom: gradient has shape \[2\] for an input of shape \[3\]$/);
      for (const t of [loss, y, x]) t.dispose();
    })).toBe(0);
  });

  it("forward of an abstract base class names it (it was \"m.forward is not a function\")", () => {
    const m = new (nn.RecurrentBase as unknown as new (...a: unknown[]) => nn.Module)("lstm", 2, 3);
    expect(() => m.forward(zeros([1, 1, 2]))).toThrow(/^RecurrentBase: has no forward\(\); it is an abstract base class, use one of its subclasses$/);
    for (const p of m.parameters()) p.dispose();
  });
});

describe("layers: construction and forward arguments (found by the fuzzer)", () => {
  const gone = () => {
    const t = zeros([2]);
    t.dispose();
    return t;
  };
  const cases: Case[] = [
    { name: "Linear forward of a string", run: () => new nn.Linear(3, 4).forward("abc" as never), message: /^Linear\(3→4\): input is "abc", expected a Tensor$/ },
    { name: "Dropout in eval of a disposed tensor (it was returned as the output)", run: () => new nn.Dropout().eval().forward(gone()), message: /^Dropout\(p=0\.5\): input Tensor\[2\] was disposed$/ },
    { name: "Sequential with a number for a layer", run: () => new nn.Sequential(new nn.ReLU(), 5 as never), message: /^Sequential: layer 1 is 5, expected a Module \(a layer such as new nn\.Linear\(3, 4\)\)$/ },
    { name: "Unflatten(6)", run: () => new nn.Unflatten(6 as never), message: /^Unflatten: shape must be a non-empty array of positive integers, got 6$/ },
    { name: "MixtureOfExperts with a null gate", run: () => new nn.MixtureOfExperts([new nn.Linear(2, 1)], null as never), message: /^MixtureOfExperts: gate is null, expected a Module \(features → one logit per expert\)$/ },
    { name: "TransformerEncoder of a Linear", run: () => new nn.TransformerEncoder(new nn.Linear(2, 2) as never, 2), message: /^TransformerEncoder: encoderLayer is a Linear, expected a TransformerEncoderLayer$/ },
    { name: "TransformerDecoderLayer forward without memory", run: () => (new nn.TransformerDecoderLayer(4, 2).forward as (t: Tensor) => Tensor)(zeros([1, 1, 4])), message: /^TransformerDecoderLayer\(.*\): memory is undefined, expected a Tensor$/ },
    { name: "SinusoidalPositionalEncoding(12, 2^31)", run: () => new nn.SinusoidalPositionalEncoding(12, 2 ** 31), message: /^SinusoidalPositionalEncoding: a table of 2147483648 × 12 values is more than the 4 GiB heap holds$/ },
    { name: "LearnedPositionalEncoding(-1, 4)", run: () => new nn.LearnedPositionalEncoding(-1, 4), message: /^LearnedPositionalEncoding: maxLen must be a positive integer, got -1$/ },
    { name: "LearnedPositionalEncoding(14, 2^31)", run: () => new nn.LearnedPositionalEncoding(14, 2 ** 31), message: /^LearnedPositionalEncoding: Embedding: Tensor\[14, 2147483648\] on the wasm backend: cannot allocate/ },
    { name: "Linear(2^31, 4)", run: () => new nn.Linear(2 ** 31, 4), message: /^Linear: Tensor\[4, 2147483648\] on the wasm backend: cannot allocate 34359738368 bytes/ },
    { name: "GRUCell(1, 2^31)", run: () => new nn.GRUCell(1, 2 ** 31), message: /^GRUCell: the weights of 1 inputs and 2147483648 hidden units \(6442450944 × 2147483651 values\) are more than the 4 GiB heap holds$/ },
    { name: "SinusoidalPositionalEncoding with options null", run: () => new nn.SinusoidalPositionalEncoding(4, 5, null as never), message: /^SinusoidalPositionalEncoding: options must be an object, got null$/ },
    { name: "Linear with options 5", run: () => new nn.Linear(2, 3, 5 as never), message: /^Linear: options must be an object, got 5$/ },
    { name: "GRUCell with options null (read before super())", run: () => new nn.GRUCell(2, 3, null as never), message: /^GRUCell: options must be an object, got null$/ },
    { name: "RBF(10^12, 1)", run: () => new nn.RBF(1e12, 1), message: /^RBF: Tensor\[1, 1000000000000\] on the wasm backend: cannot allocate/ },
    { name: "Adam with options null", run: () => new optim.Adam([zeros([2], { requiresGrad: true })], null as never), message: /^Adam: options must be an object, got null$/ },
    { name: "AdamW with options \"fast\"", run: () => new optim.AdamW([zeros([2], { requiresGrad: true })], "fast" as never), message: /^AdamW: options must be an object, got "fast"$/ },
    { name: "LayerNorm of { length: 2 }", run: () => new nn.LayerNorm({ length: 2 } as never), message: /^LayerNorm: normalizedShape must be a size or an array of sizes, got an Object$/ },
    { name: "MultiheadAttention with kdim 2^31", run: () => new nn.MultiheadAttention(4, 2, { kdim: 2 ** 31 }), message: /^MultiheadAttention: projections of 4 × \(4 \+ 2147483648 \+ 4\) values are more than the 4 GiB heap holds$/ },
    { name: "TransformerEncoder of 2^31 layers", run: () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 4 }), 2 ** 31), message: /^TransformerEncoder: 2147483648 copies of \d+ parameters are more than the 4 GiB heap holds$/ },
    { name: "Linear with a Tensor for options", run: () => new nn.Linear(2, 3, zeros([1]) as never), message: /^Linear: options must be an object, got Tensor\[1\]$/ },
    { name: "MultiheadAttention with an array for attnMask", run: () => { const x = zeros([2, 1, 4]); return new nn.MultiheadAttention(4, 2).forward(x, x, x, { attnMask: [1, 2] as never }); }, message: /^MultiheadAttention\(4, heads=2\): attnMask is \[1, 2\], expected a Tensor or \{ bool, shape \}$/ },
    { name: "TransformerDecoderLayer with dModel 1n", run: () => new nn.TransformerDecoderLayer(1n as never, 1), message: /^TransformerDecoderLayer: dModel must be a positive integer, got 1n$/ },
    { name: "TransformerEncoderLayer with a feed-forward net past the heap (the attention weights were left behind)", run: () => new nn.TransformerEncoderLayer(6, 2, { dimFeedforward: 1e38 }), message: /^TransformerEncoderLayer: a feed-forward net of 6 × 1e\+38 weights is more than the 4 GiB heap holds$/ },
    { name: "AdaptiveAvgPool2d of an empty image", run: () => new nn.AdaptiveAvgPool2d(2).forward(zeros([1, 1, 0, 4])), message: /^AdaptiveAvgPool2d\(2\): input \[1, 1, 0, 4\] has an empty image, nothing to pool$/ },
    { name: "forward of an abstract CellBase", run: () => new (nn.CellBase as unknown as new (...a: unknown[]) => nn.Module)("gru", 2, 3).forward(zeros([1, 2])), message: /^CellBase: has no forward\(\); it is an abstract base class, use one of its subclasses$/ },
  ];
  it.each(cases)("$name", ({ run, message }) => expectCase(run, message));

  it("a recurrent cell or layer takes null as an absent state, as PyTorch's None (h null read null.rank)", () => {
    const cell = new nn.RNNCell(2, 3);
    const x = tensor([1, 2], [1, 2]);
    expect(cell.forward(x, null as never).toArray()).toEqual(cell.forward(x).toArray());
    const rnn = new nn.GRU(2, 3);
    expect(rnn.forward(tensor([1, 2], [1, 1, 2]), null as never).toArray()).toEqual(rnn.forward(tensor([1, 2], [1, 1, 2])).toArray());
    expect(() => cell.forward(x, "h" as never)).toThrow(/^RNNCell\(2→3\): state h is "h", expected a Tensor$/);
  });

  it("a positional encoding of an empty sequence at an offset returns it (slice refused the empty range [2, 2))", () => {
    const pe = new nn.SinusoidalPositionalEncoding(6, 13);
    expect(pe.forward(zeros([1, 0, 6]), 2).shape).toEqual([1, 0, 6]);
  });

  it("SinusoidalPositionalEncoding with batchFirst false adds PE[t] to every batch entry (a [T, 3, E] input was refused: add could not broadcast [T, 1, E])", () => {
    const pe = new nn.SinusoidalPositionalEncoding(4, 8, { batchFirst: false });
    const x = zeros([2, 3, 4]);
    const y = pe.forward(x).toNested() as number[][][];
    const table = pe.pe.toNested() as number[][];
    expect(y).toEqual([0, 1].map((t) => [table[t], table[t], table[t]]));
  });
});

describe("scopes", () => {
  const cases: Case[] = [
    { name: "scope(async () => …)", run: () => scope(async () => zeros([2])), message: /^scope: got an async function; a scope cannot wait/ },
    { name: "scope(() => a Promise)", run: () => scope(() => Promise.resolve(zeros([2]))), message: /^scope: got a function that returned a Promise; a scope cannot wait/ },
    { name: "scope(5)", run: () => scope(5 as never), message: /^scope: expected a function, got number$/ },
    { name: "keep(5)", run: () => keep(5 as never), message: /^keep: expected a Tensor, got number$/ },
  ];
  it.each(cases)("$name", ({ run, message }) => expectCase(run, message));

  it("a refused async scope leaves no tensor behind", () => {
    const base = liveTensors();
    expect(() => scope(() => Promise.resolve(zeros([4])))).toThrow(/returned a Promise/);
    expect(() => scope(() => (zeros([4]), { then: () => 0 }))).toThrow(/returned a Promise/);
    expect(liveTensors()).toBe(base);
  });

  it("tensors returned in a Map, a Set, a class instance or 7 levels deep survive; the rest is freed", () => {
    class Out {
      constructor(readonly t: Tensor) {}
    }
    const base = liveTensors();
    const r = scope(() => {
      zeros([9]); // a temporary
      const deep = { a: [{ b: { c: [[{ d: zeros([1]) }]] } }] };
      return { map: new Map([["k", zeros([2])]]), keyed: new Map([[zeros([3]), 1]]), set: new Set([zeros([4])]), inst: new Out(zeros([5])), deep };
    });
    expect(liveTensors()).toBe(base + 5);
    expect(Array.from(r.map.get("k")!.toArray())).toEqual([0, 0]);
    expect([...r.keyed.keys()][0].size).toBe(3);
    expect([...r.set][0].toArray().length).toBe(4);
    expect(r.inst.t.toArray().length).toBe(5);
    expect(r.deep.a[0].b.c[0][0].d.item()).toBe(0);
    // A cycle is walked once.
    const cyc = scope(() => {
      const o: { self?: unknown; t: Tensor } = { t: zeros([1]) };
      o.self = o;
      return o;
    });
    expect(cyc.t.disposed).toBe(false);
  });
});

describe("optimizer construction and hyperparameters", () => {
  const p = () => zeros([2], { requiresGrad: true });
  const cases: Case[] = [
    { name: "SGD without options", run: () => new (optim.SGD as unknown as new (ps: Tensor[]) => optim.SGD)([p()]), message: /^SGD: lr must be a finite number ≥ 0, got undefined$/ },
    { name: "SGD params null", run: () => new optim.SGD(null as never, { lr: 1 }), message: /^SGD: params must be an iterable of tensors \(model\.parameters\(\)\), got null$/ },
    { name: "SGD params a number", run: () => new optim.SGD(5 as never, { lr: 1 }), message: /^SGD: params must be an iterable of tensors \(model\.parameters\(\)\), got 5$/ },
    { name: "SGD of no parameters", run: () => new optim.SGD([], { lr: 1 }), message: /^SGD: got an empty parameter list$/ },
    { name: "SGD parameter that is a number", run: () => new optim.SGD([5 as never], { lr: 1 }), message: /^SGD: parameter 0 is 5, expected a Tensor$/ },
    { name: "SGD parameter without requiresGrad", run: () => new optim.SGD([zeros([2])], { lr: 1 }), message: /^SGD: parameter Tensor\[2\] does not require grad$/ },
    { name: "SGD of a disposed parameter", run: () => new optim.SGD([(() => { const t = p(); t.dispose(); return t; })()], { lr: 1 }), message: /^SGD: parameter 0 \(Tensor\[2\]\) was disposed$/ },
    { name: "SGD([p, p])", run: () => { const t = p(); return new optim.SGD([t, t], { lr: 1 }); }, message: /^SGD: parameter 1 \(Tensor\[2\]\) is the same tensor as parameter 0; each parameter may appear once/ },
    { name: "Adam([a, b, a])", run: () => { const a = p(); return new optim.Adam([a, p(), a]); }, message: /^Adam: parameter 2 \(Tensor\[2\]\) is the same tensor as parameter 0/ },
    { name: "SGD lr NaN", run: () => new optim.SGD([p()], { lr: NaN }), message: /^SGD: lr must be a finite number ≥ 0, got NaN$/ },
    { name: "SGD dampening NaN", run: () => new optim.SGD([p()], { lr: 1, momentum: 0.9, dampening: NaN }), message: /^SGD: dampening must be in \[0, 1\], got NaN$/ },
    { name: "SGD dampening -0.5", run: () => new optim.SGD([p()], { lr: 1, dampening: -0.5 }), message: /^SGD: dampening must be in \[0, 1\], got -0.5$/ },
    { name: "SGD momentum 1", run: () => new optim.SGD([p()], { lr: 1, momentum: 1 }), message: /^SGD: momentum must be in \[0, 1\), got 1$/ },
    { name: "SGD weightDecay Infinity", run: () => new optim.SGD([p()], { lr: 1, weightDecay: Infinity }), message: /^SGD: weightDecay must be in \[0, Infinity\), got Infinity$/ },
    { name: "SGD Nesterov without momentum", run: () => new optim.SGD([p()], { lr: 1, nesterov: true }), message: /^SGD: Nesterov momentum requires momentum > 0 and dampening 0$/ },
    { name: "SGD nesterov \"yes\"", run: () => new optim.SGD([p()], { lr: 1, momentum: 0.9, nesterov: "yes" as never }), message: /^SGD: nesterov must be true or false, got "yes"$/ },
    { name: "Adam eps NaN", run: () => new optim.Adam([p()], { eps: NaN }), message: /^Adam: eps must be in \[0, Infinity\), got NaN$/ },
    { name: "Adam eps -1e-8", run: () => new optim.Adam([p()], { eps: -1e-8 }), message: /^Adam: eps must be in \[0, Infinity\), got -1e-8$/ },
    { name: "AdamW eps Infinity", run: () => new optim.AdamW([p()], { eps: Infinity }), message: /^AdamW: eps must be in \[0, Infinity\), got Infinity$/ },
    { name: "Adam betas [0.9]", run: () => new optim.Adam([p()], { betas: [0.9] as never }), message: /^Adam: betas must be a pair \[beta1, beta2\], got \[0\.9\]$/ },
    { name: "Adam beta2 = 1", run: () => new optim.Adam([p()], { betas: [0.9, 1] }), message: /^Adam: beta2 must be in \[0, 1\), got 1$/ },
    { name: "Adam beta1 NaN", run: () => new optim.Adam([p()], { betas: [NaN, 0.999] }), message: /^Adam: beta1 must be in \[0, 1\), got NaN$/ },
    { name: "AdamW weightDecay -0.01", run: () => new optim.AdamW([p()], { weightDecay: -0.01 }), message: /^AdamW: weightDecay must be in \[0, Infinity\), got -0.01$/ },
    { name: "RMSprop alpha -1", run: () => new optim.RMSprop([p()], { alpha: -1 }), message: /^RMSprop: alpha must be in \[0, 1\), got -1$/ },
    { name: "RMSprop eps NaN", run: () => new optim.RMSprop([p()], { eps: NaN }), message: /^RMSprop: eps must be in \[0, Infinity\), got NaN$/ },
    { name: "RMSprop weightDecay -1", run: () => new optim.RMSprop([p()], { weightDecay: -1 }), message: /^RMSprop: weightDecay must be in \[0, Infinity\), got -1$/ },
  ];
  it.each(cases)("$name", ({ run, message }) => expectCase(run, message));
});

describe("optimizer setters, step, zeroGrad and loadStateDict misuse: message and bit-for-bit state", () => {
  const js = () => backend("js");
  const cases: StateCase[] = [
    { name: "opt.lr = NaN", run: ({ opt }) => (opt.lr = NaN), message: /^Adam: lr must be a finite number ≥ 0, got NaN$/ },
    { name: "opt.lr = -0.01 (gradient ascent)", run: ({ opt }) => (opt.lr = -0.01), message: /^Adam: lr must be a finite number ≥ 0, got -0.01$/ },
    { name: "opt.lr = -Infinity", run: ({ opt }) => (opt.lr = -Infinity), message: /^Adam: lr must be a finite number ≥ 0, got -Infinity$/ },
    { name: "opt.lr = Infinity", run: ({ opt }) => (opt.lr = Infinity), message: /^Adam: lr must be a finite number ≥ 0, got Infinity$/ },
    { name: "opt.lr = \"0.1\"", run: ({ opt }) => (opt.lr = "0.1" as never), message: /^Adam: lr must be a finite number ≥ 0, got "0\.1"$/ },
    { name: "step() with a disposed gradient", run: ({ opt, params }) => (params[3].grad!.dispose(), opt.step()), message: /^Adam\.step: parameter 3 \(Tensor\[2\]\): its grad was disposed$/ },
    { name: "step() with a disposed parameter", run: ({ opt, params }) => (params[2].dispose(), opt.step()), message: /^Adam\.step: parameter 2 \(Tensor\[2, 4\]\) was disposed$/ },
    { name: "step() with a grad of the same size but another shape", run: ({ opt, params }) => ((params[1].grad = zeros([2, 2])), opt.step()), message: /^Adam\.step: parameter 1 \(Tensor\[4\]\): grad has shape \[2, 2\], expected \[4\]$/ },
    { name: "p.grad = a tensor of 3 values for [4]", run: ({ params }) => (params[1].grad = zeros([3])), message: /^grad: assigned to Tensor\[4\], got Tensor\[3\]; expected shape \[4\]$/ },
    { name: "p.grad = a tensor on the js backend", run: ({ params }) => (params[3].grad = zeros([2], { backend: js() })), message: /^grad: assigned to Tensor\[2\], got a gradient on the js backend; expected wasm$/ },
    { name: "p.grad = an array", run: ({ params }) => (params[3].grad = [1, 2] as never), message: /^grad: assigned to Tensor\[2\], got an array; expected a Tensor of shape \[2\] or null$/ },
    { name: "p.grad = a disposed tensor", run: ({ params }) => { const g = zeros([2]); g.dispose(); params[3].grad = g; }, message: /^grad: assigned to Tensor\[2\], got a disposed Tensor\[2\]$/ },
    { name: "step() after dispose()", run: ({ opt }) => { const copy = new optim.Adam(opt.params, { lr: opt.lr }); copy.dispose(); copy.step(); }, message: /^Adam\.step: the optimizer was disposed and its state freed; make a new one or loadStateDict\(\) first$/ },
    { name: "loadStateDict(null)", run: ({ opt }) => opt.loadStateDict(null as never), message: /^Adam\.loadStateDict: got null, expected an optimizer stateDict\(\)/ },
    { name: "loadStateDict of an SGD's state", run: ({ opt, params }) => opt.loadStateDict(new optim.SGD(params, { lr: 1 }).stateDict()), message: /^Adam\.loadStateDict: the state was saved by "SGD", expected "Adam"$/ },
    { name: "loadStateDict with one parameter too many", run: ({ opt }) => { const s = opt.stateDict(); s.state.push(null); opt.loadStateDict(s); }, message: /^Adam\.loadStateDict: the state has 5 parameters, this optimizer 4$/ },
    { name: "loadStateDict with other betas", run: ({ opt }) => { const s = opt.stateDict(); s.hyperparameters.betas = [0.5, 0.999]; opt.loadStateDict(s); }, message: /^Adam\.loadStateDict: the state has betas = \[0\.5,0\.999\], this optimizer \[0\.9,0\.999\]$/ },
    { name: "loadStateDict with lr NaN", run: ({ opt }) => { const s = opt.stateDict(); s.hyperparameters.lr = NaN; opt.loadStateDict(s); }, message: /^Adam\.loadStateDict: lr must be a finite number ≥ 0, got NaN$/ },
    { name: "loadStateDict with stepCount -1", run: ({ opt }) => { const s = opt.stateDict(); s.stepCount = -1; opt.loadStateDict(s); }, message: /^Adam\.loadStateDict: stepCount must be an integer ≥ 0, got -1$/ },
    { name: "loadStateDict with step 0", run: ({ opt }) => { const s = opt.stateDict(); s.state[0]!.step = 0; opt.loadStateDict(s); }, message: /^Adam\.loadStateDict: parameter 0 \(Tensor\[4, 3\]\): step must be an integer ≥ 1, got 0$/ },
    { name: "loadStateDict missing exp_avg_sq", run: ({ opt }) => { const s = opt.stateDict(); delete s.state[1]!.buffers.exp_avg_sq; opt.loadStateDict(s); }, message: /^Adam\.loadStateDict: parameter 1 \(Tensor\[4\]\): state holds \[exp_avg\], expected \[exp_avg, exp_avg_sq\]$/ },
    { name: "loadStateDict exp_avg of 3 values for [4]", run: ({ opt }) => { const s = opt.stateDict(); s.state[1]!.buffers.exp_avg = [1, 2, 3]; opt.loadStateDict(s); }, message: /^Adam\.loadStateDict: parameter 1 \(Tensor\[4\]\): exp_avg has 3 values, expected 4$/ },
    { name: "loadStateDict exp_avg NaN", run: ({ opt }) => { const s = opt.stateDict(); s.state[1]!.buffers.exp_avg = [0, NaN, 0, 0]; opt.loadStateDict(s); }, message: /^Adam\.loadStateDict: parameter 1 \(Tensor\[4\]\): exp_avg holds a non-finite value \(NaN\) at index 1$/ },
    { name: "loadStateDict exp_avg_sq 1e39 in a Float64Array", run: ({ opt }) => { const s = opt.stateDict(); s.state[3]!.buffers.exp_avg_sq = Float64Array.from([0, 1e39]); opt.loadStateDict(s); }, message: /^Adam\.loadStateDict: parameter 3 \(Tensor\[2\]\): exp_avg_sq holds 1e\+39 at index 1, which is Infinity as f32/ },
    { name: "module loadStateDict(null)", run: ({ model }) => model.loadStateDict(null as never), message: /^Sequential\.loadStateDict: got null, expected an object of \{shape, data\} by key$/ },
    { name: "module loadStateDict with strict \"no\"", run: ({ model }) => model.loadStateDict(model.stateDict(), { strict: "no" as never }), message: /^Sequential\.loadStateDict: strict must be true or false, got "no"$/ },
    { name: "module loadStateDict with an unexpected key", run: ({ model }) => model.loadStateDict({ ...model.stateDict(), "9.weight": { shape: [1], data: [1] } }), message: /^Sequential\.loadStateDict: unexpected keys 9\.weight$/ },
    { name: "module loadStateDict missing a key", run: ({ model }) => { const s = model.stateDict(); delete (s as Record<string, unknown>)["2.bias"]; model.loadStateDict(s); }, message: /^Sequential\.loadStateDict: missing key "2\.bias" \(shape \[2\]\)$/ },
    { name: "module loadStateDict with a transposed weight", run: ({ model }) => model.loadStateDict({ ...model.stateDict(), "0.weight": { shape: [3, 4], data: new Float32Array(12) } }), message: /^Sequential\.loadStateDict: "0\.weight" has shape \[3, 4\] with 12 values, expected \[4, 3\]$/ },
    { name: "module loadStateDict entry that is a number", run: ({ model }) => model.loadStateDict({ ...model.stateDict(), "2.bias": 5 as never }), message: /^Sequential\.loadStateDict: "2\.bias" is 5, expected \{shape: \[2\], data: 2 numbers\}$/ },
    { name: "module loadStateDict with a string value", run: ({ model }) => model.loadStateDict({ ...model.stateDict(), "2.bias": { shape: [2], data: ["1", 2] as never } }), message: /^Sequential\.loadStateDict: "2\.bias" holds "1" at index 0, expected a number$/ },
    { name: "module loadStateDict with Infinity", run: ({ model }) => model.loadStateDict({ ...model.stateDict(), "2.bias": { shape: [2], data: [0, Infinity] } }), message: /^Sequential\.loadStateDict: "2\.bias" holds a non-finite value \(Infinity\) at index 1$/ },
    { name: "module loadStateDict with 1e39 in a Float64Array", run: ({ model }) => model.loadStateDict({ ...model.stateDict(), "0.bias": { shape: [4], data: Float64Array.from([1, 2, 1e39, 3]) } }), message: /^Sequential\.loadStateDict: "0\.bias" holds 1e\+39 at index 2, which is Infinity as f32 \(\|x\| ≤ 3\.4028235e38 expected\)$/ },
    {
      name: "module loadStateDict with a key only on the prototype",
      run: ({ model }) => {
        const own = model.stateDict();
        const bias = own["2.bias"];
        delete (own as Record<string, unknown>)["2.bias"];
        model.loadStateDict(Object.assign(Object.create({ "2.bias": bias }), own));
      },
      message: /^Sequential\.loadStateDict: missing key "2\.bias" \(shape \[2\]\)$/,
    },
    {
      name: "module loadStateDict with a key on a polluted Object.prototype",
      run: ({ model }) => {
        const own = model.stateDict();
        const proto = Object.prototype as Record<string, unknown>;
        proto["0.bias"] = own["0.bias"];
        delete (own as Record<string, unknown>)["0.bias"];
        try {
          model.loadStateDict(own);
        } finally {
          delete proto["0.bias"];
        }
      },
      message: /^Sequential\.loadStateDict: missing key "0\.bias" \(shape \[4\]\)$/,
    },
  ];
  it.each(cases)("$name", (c) => expectStateCase(c));

  it("a disposed optimizer steps again once loadStateDict() has restored its state, exactly as the original", () => {
    const a = trained(optimizers[3][1]);
    const b = trained(optimizers[3][1]);
    const saved = b.opt.stateDict();
    b.opt.dispose();
    b.opt.loadStateDict(saved);
    a.opt.step();
    b.opt.step();
    expect(snapshot(b.params, b.opt)).toEqual(snapshot(a.params, a.opt));
  });

  // Item 10 against every optimizer: a bad gradient found at the last parameter leaves the first
  // three parameters and all of the state as they were.
  describe.each(optimizers)("%s: step() is atomic", (_, make) => {
    const atomic: StateCase[] = [
      { name: "disposed grad at the last parameter", run: ({ opt, params }) => (params[3].grad!.dispose(), opt.step()), message: /\.step: parameter 3 \(Tensor\[2\]\): its grad was disposed$/ },
      { name: "wrong-shape grad at the last parameter", run: ({ opt, params }) => ((params[3].grad = zeros([2, 1])), opt.step()), message: /\.step: parameter 3 \(Tensor\[2\]\): grad has shape \[2, 1\], expected \[2\]$/ },
      { name: "a grad on the other backend never reaches step()", run: ({ params }) => (params[3].grad = zeros([2], { backend: backend("js") })), message: /^grad: assigned to Tensor\[2\], got a gradient on the js backend; expected wasm$/ },
      { name: "lr = NaN", run: ({ opt }) => (opt.lr = NaN), message: /: lr must be a finite number ≥ 0, got NaN$/ },
    ];
    it.each(atomic)("$name", (c) => expectStateCase(c, make));

    it("and a good step after a refused one is the same step as without it", () => {
      const a = trained(make);
      const b = trained(make);
      const good = b.params[3].grad!.toArray();
      b.params[3].grad!.dispose();
      expect(() => b.opt.step()).toThrow(/its grad was disposed/);
      b.params[3].grad = zeros([2]).set(good);
      a.opt.step();
      b.opt.step();
      expect(snapshot(b.params, b.opt)).toEqual(snapshot(a.params, a.opt));
    });
  });
});

describe("fit after an update that diverged", () => {
  it("does not vouch for weights that are already Infinity: it names the parameter", async () => {
    manualSeed(3);
    const model = models.mlp({ inputs: 2, hidden: [3], outputs: 1 });
    // lr 3e38 is a valid positive number; one step overflows some weights to ±Infinity.
    const opt = new optim.SGD(model.parameters(), { lr: 3e38 });
    const data = dataset([[1, 2], [2, 1], [0, 1], [1, 0]], [[3], [1], [2], [0]]);
    await expect(fit(model, data, { epochs: 1, batchSize: 1, optimizer: opt, loss: "mse", verbose: false, shuffle: false })).rejects.toThrow(
      /^fit: the loss is (Infinity|NaN) at epoch 1, samples 1–1; training stopped before this update, so the weights are those after the previous batch, and "\d\.(weight|bias)" already holds NaN or Infinity \(the previous update diverged\) \(try a smaller learning rate\)$/,
    );
    expect(model.parameters().some((p) => !p.toArray().every(Number.isFinite))).toBe(true);
  });
});

