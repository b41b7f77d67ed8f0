/**
 * One-time setup of the tfjs wasm backend in Node. The wasm binaries ship inside the npm package,
 * so nothing is downloaded; threads stay off because worker threads from blob URLs fail in Node.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { registerEmbeddedGradients } from './gradients.js';
import { installFastSlice } from './wasm-slice.js';

let ready: Promise<void> | undefined;
let initialised = false;

/** True once initBackend() has finished (models refuse to build before, rather than fall back to a slow backend). */
export function backendReady(): boolean {
  return initialised;
}

export function initBackend(): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
    setWasmPaths(path.join(path.dirname(pkg), 'dist') + path.sep);
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('could not initialise the tfjs wasm backend');
    await tf.ready();
    installFastSlice();
    registerEmbeddedGradients();
    initialised = true;
  })();
  return ready;
}

export { tf };
