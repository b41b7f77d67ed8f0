/** Public API of the training backends (embedded and TRL scale-out). */
export * from './types.js';
export { exportTrlJob, type TrlExport, type TrlExportOptions, type TrlManifest } from './trl-export.js';
export { trlRunConfigSchema, batchLayout, type TrlRunConfig, TRL_CONFIG_FILE, TRL_DATASET_FILE, TRL_MANIFEST_FILE, TRL_ADAPTER_DIR, TRL_RESULT_FILE } from './trl-config.js';
export { buildAccelerateArgv, buildPythonArgv, TRL_ENTRY_POINT, type AccelerateOptions } from './launch.js';
export { runLogged, findExecutable, type LoggedRunOptions, type LoggedRunResult } from './process.js';
export { RayJobsClient, RayJobsError, runRayJob, type RayJobSubmission, type RayJobDetails, type WaitOptions } from './ray-jobs.js';
export { createTrlBackend, adapterName, vllmServeArgv, type TrlBackendOptions, type TrlLauncher, type RayLauncherOptions } from './trl-backend.js';
export { createEmbeddedBackend, embeddedCheckpointDir, type EmbeddedTrainerApi, type EmbeddedFineTuneOptions } from './embedded.js';
export { backendFromConfig, type ServingEndpoint, type BackendFromConfigOptions } from './backend-from-config.js';
export * from './config.js';
export { defaultPython, defaultAccelerate, trlVenvDir, DEFAULT_TRL_VENV } from './python-env.js';
