// The part of ConvNetJS 0.3 (no types of its own) that the peers suite uses.
declare module "convnetjs" {
  export class Vol {
    constructor(sx: number, sy: number, depth: number, c?: number);
    w: Float64Array;
  }
  export type LayerDef = Record<string, string | number>;
  export class Net {
    makeLayers(defs: LayerDef[]): void;
    getParamsAndGrads(): { params: Float64Array }[];
  }
  export class Trainer {
    constructor(net: Net, options: Record<string, string | number>);
    train(x: Vol, y: number): unknown;
  }
}
