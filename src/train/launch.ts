/**
 * Command lines for the Python entry point: directly with python (one GPU) or under
 * `accelerate launch` (several GPUs or nodes; DeepSpeed / FSDP come from the accelerate config file).
 */
import { fileURLToPath } from 'node:url';

/** python/candor_trl.py in this checkout. */
export const TRL_ENTRY_POINT = fileURLToPath(new URL('../../python/candor_trl.py', import.meta.url));

export interface AccelerateOptions {
  /** accelerate executable (default "accelerate" on PATH). */
  executable?: string;
  /** An accelerate config file (`accelerate config`), e.g. a DeepSpeed ZeRO-3 or FSDP setup. */
  configFile?: string;
  /** Total processes across all machines (usually one per GPU). */
  numProcesses: number;
  numMachines?: number;
  machineRank?: number;
  mainProcessIp?: string;
  mainProcessPort?: number;
  mixedPrecision?: 'no' | 'fp16' | 'bf16';
  /** Further `accelerate launch` flags, placed before the script (e.g. ["--use_deepspeed"]). */
  extraArgs?: string[];
}

export interface PythonOptions {
  /** Python interpreter (default "python3"). */
  executable?: string;
}

export function buildAccelerateArgv(options: AccelerateOptions, configPath: string, entryPoint: string = TRL_ENTRY_POINT): string[] {
  if (!Number.isInteger(options.numProcesses) || options.numProcesses < 1) {
    throw new RangeError(`numProcesses must be a positive integer, got ${options.numProcesses}`);
  }
  const argv = [options.executable ?? 'accelerate', 'launch'];
  if (options.configFile) argv.push('--config_file', options.configFile);
  argv.push('--num_processes', String(options.numProcesses));
  if (options.numMachines !== undefined) argv.push('--num_machines', String(options.numMachines));
  if (options.machineRank !== undefined) argv.push('--machine_rank', String(options.machineRank));
  if (options.mainProcessIp) argv.push('--main_process_ip', options.mainProcessIp);
  if (options.mainProcessPort !== undefined) argv.push('--main_process_port', String(options.mainProcessPort));
  argv.push('--mixed_precision', options.mixedPrecision ?? 'bf16');
  if (options.extraArgs) argv.push(...options.extraArgs);
  argv.push(entryPoint, '--config', configPath);
  return argv;
}

export function buildPythonArgv(options: PythonOptions, configPath: string, entryPoint: string = TRL_ENTRY_POINT, extra: string[] = []): string[] {
  return [options.executable ?? 'python3', entryPoint, '--config', configPath, ...extra];
}
