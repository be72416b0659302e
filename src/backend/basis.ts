// Radial basis function codes, shared by the AssemblyScript distance kernels and the TypeScript
// backends (the distance family's own enum, kept apart from opcodes.ts as that family is).
// Plain numeric enum only: both compilers must read it.

/** φ as a function of s = r²/σ² (r the distance to the center, σ its width). */
export enum Basis {
  /** exp(−s/2) = exp(−r²/2σ²): σ is the standard deviation of a Gaussian bump. */
  Gaussian = 0,
  /** √(1 + s) (Hardy, 1971): grows with distance. */
  Multiquadric = 1,
  /** 1/√(1 + s): a heavy-tailed bump. */
  InverseMultiquadric = 2,
}
