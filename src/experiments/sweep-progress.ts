/**
 * The sweep's display on stderr: one bar of arms done out of all, with ETA, whose trailing text is
 * the status line of each running arm ("ratio-0.1-seed-1: train loss 1.23 | control-seed-1: mask 40/100").
 */
import { createProgress } from '../util/progress.js';

export interface SweepProgress {
  status(armId: string, text: string): void;
  finished(armId: string, failed?: boolean): void;
  stop(): void;
}

export function createSweepProgress(options: { total: number; done: number; silent?: boolean }): SweepProgress {
  const bar = createProgress({ label: 'sweep', total: options.total, unit: 'arms', silent: options.silent });
  let done = options.done;
  let failed = 0;
  const running = new Map<string, string>();
  const info = () => [...running].map(([arm, text]) => `${arm}: ${text}`).join(' | ') + (failed ? ` [${failed} failed]` : '');
  bar.update(done, info());
  return {
    status(armId, text) {
      running.set(armId, text);
      bar.update(done, info());
    },
    finished(armId, didFail) {
      running.delete(armId);
      if (didFail) failed++;
      done++;
      bar.update(done, info());
    },
    stop() {
      bar.stop();
    },
  };
}
