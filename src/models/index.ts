// Ready-made architectures.
export { mlp, type MlpOptions } from "./mlp.js";
export { rbfNetwork, RbfNetwork, choleskySolve, type RbfNetworkOptions, type SolveOptions } from "./rbf.js";
export { mixtureOfExperts, moeLoss, competitiveLoss, regionRouting, mlpWithParameters, type MoeOptions, type RegionRouting } from "./moe.js";
export { autoencoder, autoencoderData, corrupt, Autoencoder, GaussianNoise, type AutoencoderOptions, type DenseAutoencoderOptions, type ConvAutoencoderOptions } from "./autoencoder.js";
export { gan, GAN, MinibatchStdDev, type GanOptions } from "./gan.js";
export { lenet, type LenetOptions } from "./lenet.js";
export { capsNet, CapsNet, longest, type CapsNetOptions, type CapsNetLoss } from "./capsnet.js";
export { gpt, GPT, sampleLogits, windowedBits, type GptOptions, type GenerateOptions } from "./gpt.js";
export { sequenceTransformer, SequenceTransformer, type SequenceTransformerOptions } from "./sequence.js";
