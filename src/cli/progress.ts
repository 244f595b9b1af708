import type { Verdict } from "./client.js";
import { elapsed, progressLine } from "./render.js";

export interface Progress {
  update(verdict: Verdict): void;
  warn(message: string): void;
  /** Stops the live line so what follows starts on a fresh line. */
  done(): void;
}

const HEARTBEAT_MS = 60_000;

/**
 * Progress on a terminal is one live line, redrawn every second; anywhere else (CI logs) it is plain
 * lines: one whenever the verdict, reason, score or a check changes, and a heartbeat each minute.
 */
export function createProgress(stream: NodeJS.WriteStream, startedAtMs: number): Progress {
  const since = () => Date.now() - startedAtMs;
  return stream.isTTY ? liveProgress(stream, since) : plainProgress(stream, since);
}

function plainProgress(stream: NodeJS.WritableStream, since: () => number): Progress {
  let last = "";
  let lastAt = -Infinity;
  return {
    update(verdict) {
      const signature = JSON.stringify([verdict.verdict, verdict.reason, verdict.score, verdict.checks.map((check) => check.result)]);
      if (signature === last && since() - lastAt < HEARTBEAT_MS) return;
      last = signature;
      lastAt = since();
      stream.write(`${progressLine(verdict, since())}\n`);
    },
    warn(message) {
      stream.write(`[${elapsed(since())}] warning: ${message}\n`);
    },
    done() {},
  };
}

function liveProgress(stream: NodeJS.WriteStream, since: () => number): Progress {
  let current: Verdict | undefined;
  const draw = () => {
    if (!current) return;
    const text = progressLine(current, since());
    // A pseudo-terminal without a size reports 0 columns.
    const width = Math.max(20, (stream.columns || 100) - 1);
    stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    update(verdict) {
      current = verdict;
      draw();
    },
    warn(message) {
      stream.write(`\r\x1b[2Kwarning: ${message}\n`);
      draw();
    },
    done() {
      clearInterval(timer);
      if (current) stream.write("\n");
      current = undefined;
    },
  };
}
