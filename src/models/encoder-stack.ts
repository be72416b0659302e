// The transformer stack of the ready-made models: numLayers copies of one encoder layer and a
// final norm. nn.TransformerEncoder copies the layer it is given, as PyTorch deep-copies it; here
// that layer is only a template, so it is freed once copied.
import { buildTemplate, type AnyModule } from "../nn/module.js";
import type { LayerNorm } from "../nn/layernorm.js";
import { TransformerEncoder, TransformerEncoderLayer, type TransformerLayerOptions } from "../nn/transformer.js";

/** Free the parameters and buffers of a template module once it has been copied. */
export function freeTemplate(m: AnyModule): void {
  for (const [, t] of [...m.namedParameters(), ...m.namedBuffers()]) t.dispose();
}

/**
 * numLayers encoder layers of width dModel with nhead heads, then `norm`; the template layer is
 * not kept (and a model built from a file pays only for the copies).
 */
export function encoderStack(dModel: number, nhead: number, options: TransformerLayerOptions, numLayers: number, norm: LayerNorm): TransformerEncoder {
  const layer = buildTemplate(() => new TransformerEncoderLayer(dModel, nhead, options));
  try {
    return new TransformerEncoder(layer, numLayers, { norm });
  } finally {
    freeTemplate(layer);
  }
}
