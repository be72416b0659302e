// config.json entries of the transformer layers (src/nn/layernorm.ts, attention.ts,
// transformer.ts, positional.ts) and of the models built from them (models.gpt,
// models.sequenceTransformer). Fields are the constructors' options with PyTorch's defaults;
// every option is written, so a file reads the same whatever the defaults become.
import { GPT } from "../models/gpt.js";
import { SequenceTransformer } from "../models/sequence.js";
import { freeTemplate } from "../models/encoder-stack.js";
import { MultiheadAttention } from "../nn/attention.js";
import { LayerNorm } from "../nn/layernorm.js";
import { buildTemplate } from "../nn/module.js";
import { LearnedPositionalEncoding, SinusoidalPositionalEncoding } from "../nn/positional.js";
import { TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer, type TransformerLayerOptions } from "../nn/transformer.js";
import { optional } from "./architectures.js";
import { registerLayer, type ConfigReader, type Json } from "./config.js";

registerLayer({
  type: "LayerNorm", cls: LayerNorm,
  toConfig: (m) => ({ normalizedShape: [...m.normalizedShape], eps: m.eps, elementwiseAffine: m.weight !== null, bias: m.bias !== null || m.weight === null }),
  fromConfig: (c) => new LayerNorm(c.ints("normalizedShape"), { eps: c.optNumber("eps", 1e-5), elementwiseAffine: c.bool("elementwiseAffine", true), bias: c.bool("bias", true) }),
});

registerLayer({
  type: "MultiheadAttention", cls: MultiheadAttention,
  toConfig: (m) => ({ embedDim: m.embedDim, numHeads: m.numHeads, bias: m.inProjBias !== null, batchFirst: m.batchFirst, dropout: m.dropout, kdim: m.kdim, vdim: m.vdim }),
  fromConfig: (c) => new MultiheadAttention(c.int("embedDim"), c.int("numHeads"), {
    bias: c.bool("bias", true),
    batchFirst: c.bool("batchFirst", false),
    dropout: c.optNumber("dropout", 0),
    ...(optional(c, { kdim: (f) => c.int(f), vdim: (f) => c.int(f) }) as { kdim?: number; vdim?: number }),
  }),
});

/** The options of an encoder or decoder layer, every one written. */
function layerFields(m: TransformerEncoderLayer | TransformerDecoderLayer): Record<string, Json> {
  const { dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, bias } = m.config;
  return { dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, bias };
}
/** The options of an encoder or decoder layer, absent ones at PyTorch's defaults. */
function layerOptions(c: ConfigReader): TransformerLayerOptions {
  return {
    dimFeedforward: c.optInt("dimFeedforward", 2048),
    dropout: c.optNumber("dropout", 0.1),
    activation: c.choice("activation", ["relu", "gelu"] as const, "relu"),
    layerNormEps: c.optNumber("layerNormEps", 1e-5),
    batchFirst: c.bool("batchFirst", false),
    normFirst: c.bool("normFirst", false),
    bias: c.bool("bias", true),
  };
}
registerLayer({ type: "TransformerEncoderLayer", cls: TransformerEncoderLayer, toConfig: layerFields, fromConfig: (c) => new TransformerEncoderLayer(c.int("dModel"), c.int("nhead"), layerOptions(c)) });
registerLayer({ type: "TransformerDecoderLayer", cls: TransformerDecoderLayer, toConfig: layerFields, fromConfig: (c) => new TransformerDecoderLayer(c.int("dModel"), c.int("nhead"), layerOptions(c)) });

registerLayer({
  type: "TransformerEncoder", cls: TransformerEncoder,
  // The layer once (every copy has its configuration), as PyTorch's TransformerEncoder(encoder_layer, num_layers, norm).
  toConfig: (m, child) => ({ encoderLayer: child(m.layers[0], "encoderLayer"), numLayers: m.numLayers, ...(m.norm ? { norm: child(m.norm, "norm") } : {}) }),
  fromConfig: (c, child) => {
    const numLayers = c.int("numLayers");
    const norm = c.has("norm") ? child(c.value("norm"), "norm") : (c.value("norm"), null);
    if (norm !== null && !(norm instanceof LayerNorm)) return c.fail("norm", "a LayerNorm config");
    // A template the encoder copies numLayers times: the file holds the copies, not it.
    const layer = buildTemplate(() => child(c.value("encoderLayer"), "encoderLayer"));
    try {
      if (!(layer instanceof TransformerEncoderLayer)) return c.fail("encoderLayer", "a TransformerEncoderLayer config");
      return new TransformerEncoder(layer, numLayers, { norm });
    } finally {
      freeTemplate(layer);
    }
  },
});

registerLayer({
  type: "SinusoidalPositionalEncoding", cls: SinusoidalPositionalEncoding,
  toConfig: (m) => ({ dim: m.dim, maxLen: m.maxLen, batchFirst: m.batchFirst }),
  fromConfig: (c) => new SinusoidalPositionalEncoding(c.int("dim"), c.optInt("maxLen", 5000), { batchFirst: c.bool("batchFirst", true) }),
});
registerLayer({
  type: "LearnedPositionalEncoding", cls: LearnedPositionalEncoding,
  toConfig: (m) => ({ maxLen: m.maxLen, dim: m.dim, batchFirst: m.batchFirst }),
  fromConfig: (c) => new LearnedPositionalEncoding(c.int("maxLen"), c.int("dim"), { batchFirst: c.bool("batchFirst", true) }),
});

registerLayer({
  type: "GPT", cls: GPT,
  toConfig: (m) => ({ ...m.config }),
  fromConfig: (c) => new GPT({
    vocab: c.int("vocab"),
    context: c.int("context"),
    dim: c.int("dim"),
    heads: c.int("heads"),
    layers: c.int("layers"),
    ...optional(c, { dropout: (f) => c.number(f), tieWeights: (f) => c.bool(f), dimFeedforward: (f) => c.int(f) }),
  }),
});

registerLayer({
  type: "SequenceTransformer", cls: SequenceTransformer,
  toConfig: (m) => ({ ...m.config }),
  fromConfig: (c) => new SequenceTransformer({ symbols: c.int("symbols"), length: c.int("length"), dim: c.int("dim"), heads: c.int("heads"), layers: c.int("layers") }),
});
