/** Public API of the embedded model organism. */
export { initBackend } from './backend.js';
export { type ModelConfig, type LoraConfig, defaultModelConfig } from './config.js';
export { TransformerModel } from './model.js';
export { WordTokenizer, SPECIAL_TOKENS } from './tokenizer.js';
export { formatChat, encodeChat } from './chat-template.js';
export { saveCheckpoint, loadCheckpoint, readCheckpointConfig, type LoadedCheckpoint, type CheckpointConfig } from './checkpoint.js';
export { encodeSafetensors, decodeSafetensors, readSafetensors, writeSafetensors } from './safetensors.js';
export { trainSft, trainKto, answerLogProbs, type TrainOptions, type KtoOptions, type TrainReport, type KtoSample, type ChatSampleLike } from './train.js';
export { trainSftFromFiles, trainKtoFromFiles, type FinetuneResult, type FinetuneFileOptions } from './finetune.js';
export { readSftFile, readKtoFile } from './datasets.js';
export { generate, generateItems, type Generation, type GenerationItem } from './generate.js';
