// Reverse-mode automatic differentiation: backpropagation.
//
// Every differentiable op records, on its output, a Node: its inputs and a backward rule that
// maps d(loss)/d(output) to d(loss)/d(input) (the chain rule, one op at a time). backward() walks
// the recorded graph from the loss back to the leaves in reverse topological order, so each
// node's gradient is complete (summed over every path through which it influenced the loss)
// before it is passed on. The order is built with an explicit stack, not recursion: an
// unrolled recurrent net of thousands of steps must not overflow the JS call stack.
import { Binary } from "../backend/opcodes.js";
import { keep } from "../memory/scope.js";
import { describe } from "../tensor/check.js";
import { fmt, sameShape } from "../tensor/shape.js";
import { installBackward, Tensor, type Node } from "../tensor/tensor.js";

let gradEnabled = true;
/**
 * Tensors whose node a backward pass has consumed and freed, with the op and inputs that made
 * them: the saved state is gone, but the structure stays readable (producer(), nn.drawGraph) for
 * as long as the tensor itself, as PyTorch keeps grad_fn after backward().
 */
const consumed = new WeakMap<Tensor, Pick<Node, "op" | "inputs">>();

/**
 * Run fn without recording a graph (inference, optimizer updates, metrics).
 *
 * @example const y = noGrad(() => ops.relu(tensor([1, -1], undefined, { requiresGrad: true }))); // y.node is null: no graph kept
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new Error(`noGrad: expected a function, got ${describe(fn)}`);
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/**
 * Whether ops record the graph now (false inside noGrad).
 *
 * @example isGradEnabled(); // true
 * noGrad(() => isGradEnabled()); // false
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Attach the op that produced `out` when any input requires a gradient (and recording is on).
 * Backward rules may assume every input they get a gradient for has the shape it had.
 * `release` frees what the rule saved: it runs once the graph is consumed by backward() or `out`
 * is disposed, or at once when nothing is recorded.
 *
 * @example // A custom op y = 3x with its backward rule dy/dx = 3
 * function triple(x: Tensor): Tensor {
 *   const y = noGrad(() => ops.mulScalar(x, 3));
 *   return record(y, "triple", [x], (g) => [ops.mulScalar(g, 3)]);
 * }
 */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backward: Node["backward"], release?: () => void): Tensor {
  if (typeof op !== "string") throw new Error(`record: op must be a name, got ${describe(op)}`);
  const who = `record(${op})`;
  if (!(out instanceof Tensor) || out.disposed) throw new Error(`${who}: out is ${out instanceof Tensor ? `a disposed Tensor${fmt(out.shape)}` : describe(out)}, expected a Tensor`);
  if (!Array.isArray(inputs)) throw new Error(`${who}: inputs must be an array of tensors, got ${describe(inputs)}`);
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${who}: input ${i} is ${describe(t)}, expected a Tensor`);
  });
  if (typeof backward !== "function") throw new Error(`${who}: backward must be a function, got ${describe(backward)}`);
  if (release !== undefined && typeof release !== "function") throw new Error(`${who}: release must be a function or undefined, got ${describe(release)}`);
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.node = { op, inputs, backward, release };
  } else {
    release?.();
  }
  return out;
}

/**
 * The op that produced `t` and its inputs, also after backward() has consumed the node; null for
 * a leaf (a parameter, an input, anything made without recording).
 */
export function producer(t: Tensor): Pick<Node, "op" | "inputs"> | null {
  return t.node ?? consumed.get(t) ?? null;
}

/** Tensors reachable from root through nodes, inputs before the tensors computed from them. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  // Each stack entry is a tensor and the index of the next input to visit.
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top[0].node?.inputs ?? [];
    if (top[1] < inputs.length) {
      const next = inputs[top[1]++];
      if (next.requiresGrad && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  return order;
}

function addInto(dst: Tensor, src: Tensor): void {
  dst.backend.binary(Binary.Add, dst.ptr, src.ptr, dst.ptr, dst.size, dst.size, 1);
}

/** Accumulate g into t.grad, where it outlives the step; a copy when g is still to be passed on. */
function accumulate(t: Tensor, g: Tensor, copy: boolean): void {
  if (t.grad !== null) {
    addInto(t.grad, g);
    if (!copy) g.dispose();
  } else if (copy) {
    t.grad = keep(new Tensor(g.backend, g.shape));
    g.backend.copy(g.ptr, t.grad.ptr, g.size);
  } else {
    t.grad = keep(g);
  }
}

function backward(root: Tensor, grad?: Tensor, options?: { retainGraph?: boolean }): void {
  if (!root.requiresGrad) throw new Error(`backward: Tensor${fmt(root.shape)} does not require grad (no parameter or input with requiresGrad reaches it)`);
  if (grad === undefined && root.size !== 1) throw new Error(`backward: Tensor${fmt(root.shape)} is not a single value; pass d(loss)/d(output) as \`grad\``);
  if (grad !== undefined) {
    if (!(grad instanceof Tensor)) throw new Error(`backward: grad is ${describe(grad)}, expected a Tensor of shape ${fmt(root.shape)}`);
    // PyTorch compares shapes, not sizes: a [3, 2] gradient for a [2, 3] output is a mistake.
    if (!sameShape(grad.shape, root.shape)) throw new Error(`backward: grad has shape ${fmt(grad.shape)}, expected ${fmt(root.shape)}`);
    // Its pointer means nothing in another backend's heap (it would read zeros or stray bytes).
    if (grad.backend !== root.backend) throw new Error(`backward: grad lives on the ${grad.backend.name} backend, the output Tensor${fmt(root.shape)} on ${root.backend.name}`);
    if (grad.disposed) throw new Error(`backward: grad Tensor${fmt(grad.shape)} was disposed`);
  }
  if (root.disposed) throw new Error(`backward: Tensor${fmt(root.shape)} was disposed`);

  const order = topoOrder(root);
  for (const t of order) {
    if (consumed.has(t)) {
      throw new Error(`backward: the graph through Tensor${fmt(t.shape)} was already freed by an earlier backward(); pass { retainGraph: true } to that call to backpropagate twice`);
    }
  }
  // Gradients of non-leaf tensors, owned here and freed as soon as they have been passed on.
  const grads = new Map<Tensor, Tensor>();
  const seed = new Tensor(root.backend, root.shape);
  if (grad === undefined) root.backend.fill(seed.ptr, 1, 1);
  else root.backend.copy(grad.ptr, seed.ptr, root.size);
  grads.set(root, seed);

  try {
    noGrad(() => backpropagate(order, grads, options?.retainGraph ?? false));
  } catch (e) {
    // A rule that failed (a custom op's, via record()) leaves the pending gradients to no one.
    for (const g of grads.values()) g.dispose();
    throw e;
  }
}

/** What is wrong with a backward rule's result, or null: one gradient (or null) per input, each of its input's size. */
function checkRule(node: Node, grads: unknown): string | null {
  const who = `backward of ${node.op}`;
  // Trailing inputs that need no gradient may be left out (a loss whose target needs none).
  if (!Array.isArray(grads) || grads.length > node.inputs.length) return `${who}: the rule returned ${describe(grads)}, expected an array of up to ${node.inputs.length} gradients (Tensor or null)`;
  for (let k = 0; k < grads.length; k++) {
    const gi: unknown = grads[k];
    if (gi === null || gi === undefined || !node.inputs[k].requiresGrad) continue;
    if (!(gi instanceof Tensor) || gi.disposed) return `${who}: gradient ${k} is ${describe(gi)}${gi instanceof Tensor ? " (disposed)" : ""}, expected a Tensor or null`;
    if (gi.size !== node.inputs[k].size) return `${who}: gradient has shape ${fmt(gi.shape)} for an input of shape ${fmt(node.inputs[k].shape)}`;
  }
  return null;
}

function backpropagate(order: Tensor[], grads: Map<Tensor, Tensor>, retainGraph: boolean): void {
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    const g = grads.get(t);
    if (g === undefined) continue;
    grads.delete(t);
    const node = t.node;
    if (node === null) {
      // A leaf: accumulate into .grad, which outlives the step (the optimizer reads it).
      accumulate(t, g, false);
      continue;
    }
    if (t.retainsGrad) accumulate(t, g, true);
    const inputGrads = node.backward(g);
    const bad = checkRule(node, inputGrads);
    if (bad !== null) {
      g.dispose();
      if (Array.isArray(inputGrads)) for (const x of inputGrads) if (x instanceof Tensor && !node.inputs.includes(x)) x.dispose();
      throw new Error(bad);
    }
    // A rule may hand the same tensor to several inputs (add gives g to both sides): each
    // input must own its gradient, so later claims get a copy.
    const claimed = new Set<Tensor>();
    const unused = new Set<Tensor>();
    node.inputs.forEach((input, k) => {
      let gi = inputGrads[k];
      if (gi === null || gi === undefined) return;
      if (!input.requiresGrad) {
        unused.add(gi);
        return;
      }
      const have = grads.get(input);
      if (have !== undefined) {
        addInto(have, gi);
        unused.add(gi);
        return;
      }
      if (claimed.has(gi)) {
        const copy = new Tensor(gi.backend, gi.shape);
        gi.backend.copy(gi.ptr, copy.ptr, gi.size);
        gi = copy;
      }
      claimed.add(gi);
      grads.set(input, gi);
    });
    unused.add(g);
    for (const u of unused) if (!claimed.has(u)) u.dispose();
    if (!retainGraph) {
      node.release?.();
      t.node = null;
      consumed.set(t, { op: node.op, inputs: node.inputs });
    }
  }
}

installBackward(backward);
