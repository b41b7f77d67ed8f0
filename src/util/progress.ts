/**
 * Progress reporting on stderr for long work (evals, training, sweeps). On a terminal it draws a
 * bar with rate and ETA; elsewhere (CI, logs) it prints a plain line at most every few seconds so
 * logs stay readable. Stdout is never touched: it belongs to results.
 */
import cliProgress from 'cli-progress';

export interface ProgressOptions {
  label: string;
  total: number;
  /** Unit shown after the rate, e.g. "calls", "tok". */
  unit?: string;
  /** Defaults to process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Suppress all output (e.g. --quiet or inside tests). */
  silent?: boolean;
  /** Minimum seconds between plain-log lines when not on a TTY. */
  logIntervalSeconds?: number;
}

export interface Progress {
  /** Advance by `amount` (default 1); `info` is a short status text such as "loss 1.23". */
  tick(amount?: number, info?: string): void;
  update(value: number, info?: string): void;
  setTotal(total: number): void;
  stop(): void;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const unit = options.unit ?? 'it';
  if (options.silent || process.env.CANDOR_QUIET === '1') return silentProgress();
  let value = 0;
  let total = Math.max(0, options.total);
  let info = '';
  const startedAt = Date.now();

  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${options.label} |{bar}| {value}/{total} {percentage}% | {rate} ${unit}/s | ETA {eta_formatted} {info}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
        fps: 8,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: '0.0', info: '' });
    const payload = () => ({ rate: rate(value, startedAt), info });
    return {
      tick(amount = 1, text) {
        value += amount;
        if (text !== undefined) info = text;
        bar.update(value, payload());
      },
      update(next, text) {
        value = next;
        if (text !== undefined) info = text;
        bar.update(value, payload());
      },
      setTotal(next) {
        total = next;
        bar.setTotal(next);
      },
      stop() {
        bar.update(value, payload());
        bar.stop();
      },
    };
  }

  const intervalMs = (options.logIntervalSeconds ?? 5) * 1000;
  let lastLogAt = 0;
  const log = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastLogAt < intervalMs) return;
    lastLogAt = now;
    const elapsed = (now - startedAt) / 1000;
    const perSecond = value / Math.max(elapsed, 1e-9);
    const eta = perSecond > 0 && total > value ? `${formatSeconds((total - value) / perSecond)}` : '-';
    const pct = total > 0 ? ((100 * value) / total).toFixed(0) : '-';
    stream.write(`${options.label}: ${value}/${total} (${pct}%) ${perSecond.toFixed(1)} ${unit}/s ETA ${eta}${info ? ' ' + info : ''}\n`);
  };
  return {
    tick(amount = 1, text) {
      value += amount;
      if (text !== undefined) info = text;
      log(false);
    },
    update(next, text) {
      value = next;
      if (text !== undefined) info = text;
      log(false);
    },
    setTotal(next) {
      total = next;
    },
    stop() {
      log(true);
    },
  };
}

function silentProgress(): Progress {
  return { tick() {}, update() {}, setTotal() {}, stop() {} };
}

function rate(value: number, startedAt: number): string {
  const seconds = (Date.now() - startedAt) / 1000;
  return (value / Math.max(seconds, 1e-9)).toFixed(1);
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}
