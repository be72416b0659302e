export { fit, formatLogs, type FitOptions } from "./fit.js";
export { evaluate, predict, type EvalResult } from "./evaluate.js";
export { earlyStopping, type BatchLogs, type Callback, type EpochLogs, type TrainContext, type EarlyStoppingOptions } from "./callbacks.js";
export type { LossName, LossFn } from "./losses.js";
export { postTraining, receiveTraining, type PostPort, type PostTrainingOptions, type ReceiveTrainingHandlers, type StateDict, type TrainingMessage, type WorkerLike } from "./worker.js";
export { fitCapsNet, capsuleAccuracy, formatCapsNetLogs, type CapsNetFitOptions, type CapsNetEpochLogs, type CapsuleClassifier } from "./capsnet.js";
