// Operation codes shared by the AssemblyScript kernels and the TypeScript backends.
//
// This file is the single source of truth: assembly/ imports it as AssemblyScript and src/
// imports it as TypeScript, so the numbers can never drift apart. Keep it to plain numeric
// enums: anything else would stop compiling on one of the two sides.

/** Binary elementwise operators: out = a op b. */
export enum Binary {
  /** a + b */
  Add = 0,
  /** a − b */
  Sub = 1,
  /** a · b */
  Mul = 2,
  /** a / b */
  Div = 3,
}

/** Unary elementwise operators: out = f(x; p), p a scalar parameter where one is named. */
export enum Unary {
  /** −x */
  Neg = 0,
  /** eˣ */
  Exp = 1,
  /** ln x */
  Log = 2,
  /** √x */
  Sqrt = 3,
  /** x² */
  Square = 4,
  /** abs(x) */
  Abs = 5,
  /** 1/x */
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
  /** max(0, x) */
  ReLU = 0,
  /** max(0, x) + α·min(0, x) */
  LeakyReLU = 1,
  /** 1 / (1 + e⁻ˣ) */
  Sigmoid = 2,
  /** tanh x */
  Tanh = 3,
  /** tanh approximation of x·Φ(x) (Hendrycks & Gimpel, 2016), as PyTorch's approximate='tanh' */
  GELUTanh = 4,
  /** x·Φ(x), Φ the standard normal CDF (exact, through erfc), as PyTorch's nn.GELU() default */
  GELU = 5,
}
