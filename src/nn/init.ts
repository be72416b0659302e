// Initializers: the starting values of weights and biases.
//
// A neuron computes y = f(w·x + b): a weighted sum of its inputs plus a bias, through an
// activation f. The weights w say how much each input matters; the bias b shifts the point
// where the neuron turns on. Training adjusts both. Where they start matters: all-equal weights
// make every neuron of a layer compute the same thing forever (their gradients are equal too),
// and weights too large or too small make activations and gradients explode or vanish layer
// after layer. So weights start random, scaled by the layer's fan-in (inputs per neuron) and
// fan-out, and biases usually start at zero.
import { rng, type Random } from "../tensor/random.js";

/** An initializer: fills a parameter's values in place. */
export type Init = (view: Float32Array) => void;

/**
 * U(−bound, bound).
 *
 * @example const w = nn.parameter([3, 4], nn.init.uniform(0.5)); // U(−0.5, 0.5)
 */
export function uniform(bound: number, r: Random = rng()): Init {
  return (v) => {
    for (let i = 0; i < v.length; i++) v[i] = r.uniform(-bound, bound);
  };
}

/**
 * N(0, std²).
 *
 * @example const w = nn.parameter([3, 4], nn.init.normal(0.02)); // N(0, 0.02²)
 */
export function normal(std: number, r: Random = rng()): Init {
  return (v) => {
    for (let i = 0; i < v.length; i++) v[i] = r.normal(0, std);
  };
}

/**
 * Every value set to `value`.
 *
 * @example const b = nn.parameter([4], nn.init.constant(0.1));
 */
export function constant(value: number): Init {
  return (v) => v.fill(value);
}

/** Every value 0 (PyTorch's init.zeros_). */
export const zeros: Init = constant(0);

/**
 * Xavier/Glorot uniform (Glorot & Bengio, 2010): U(±√(6/(fanIn + fanOut))), which keeps the
 * variance of activations and of gradients roughly constant across tanh/sigmoid layers.
 *
 * @example const w = nn.parameter([128, 784], nn.init.xavierUniform(784, 128)); // U(±√(6/912))
 */
export function xavierUniform(fanIn: number, fanOut: number, gain = 1): Init {
  return uniform(gain * Math.sqrt(6 / (fanIn + fanOut)));
}

/**
 * Glorot normal: N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)).
 *
 * @example const w = nn.parameter([128, 784], nn.init.xavierNormal(784, 128)); // N(0, 2/912)
 */
export function xavierNormal(fanIn: number, fanOut: number, gain = 1): Init {
  return normal(gain * Math.sqrt(2 / (fanIn + fanOut)));
}

/**
 * He/Kaiming normal (He et al., 2015): N(0, 2/fanIn). ReLU zeroes half its inputs, so the
 * variance needs the factor 2 to stay constant from layer to layer.
 *
 * @example const w = nn.parameter([128, 784], nn.init.kaimingNormal(784)); // N(0, 2/784), for ReLU layers
 */
export function kaimingNormal(fanIn: number): Init {
  return normal(Math.sqrt(2 / fanIn));
}

/**
 * He/Kaiming uniform: U(±√(6/fanIn)).
 *
 * @example const w = nn.parameter([128, 784], nn.init.kaimingUniform(784));
 */
export function kaimingUniform(fanIn: number): Init {
  return uniform(Math.sqrt(6 / fanIn));
}

/**
 * PyTorch's default for Linear and Conv weights and biases: U(±1/√fanIn) (kaiming_uniform with
 * a = √5 works out to this bound), kept as the default so results compare with PyTorch's.
 *
 * @example const w = nn.parameter([128, 784], nn.init.torchDefault(784)); // U(±1/√784), as nn.Linear's default
 */
export function torchDefault(fanIn: number): Init {
  return uniform(fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0);
}
