// Operation codes shared by the AssemblyScript kernels and the TypeScript backends.
//
// This file is the single source of truth: assembly/ imports it as AssemblyScript and src/
// imports it as TypeScript, so the numbers can never drift apart. Keep it to plain numeric
// enums: anything else would stop compiling on one of the two sides.

/** Binary elementwise operators: out = a op b. */
export enum Binary {
  Add = 0,
  Sub = 1,
  Mul = 2,
  Div = 3,
}

/** Unary elementwise operators: out = f(x; p), p a scalar parameter where one is named. */
export enum Unary {
  Neg = 0,
  Exp = 1,
  Log = 2,
  Sqrt = 3,
  Square = 4,
  Abs = 5,
  Reciprocal = 6,
  /** x + p */
  AddScalar = 7,
  /** x * p */
  MulScalar = 8,
  /** x ** p */
  PowScalar = 9,
}

/** Activation functions; alpha is the negative slope of LeakyReLU and ignored by the others. */
export enum Activation {
  ReLU = 0,
  LeakyReLU = 1,
  Sigmoid = 2,
  Tanh = 3,
  /** tanh approximation of x·Φ(x) (Hendrycks & Gimpel, 2016), as PyTorch's approximate='tanh' */
  GELUTanh = 4,
  /** x·Φ(x), Φ the standard normal CDF (exact, through erfc), as PyTorch's nn.GELU() default */
  GELU = 5,
}
