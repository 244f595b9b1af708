import { parentPort } from "node:worker_threads";
import { simulateSlice } from "./detection-scenarios.js";

/** A slice of one scenario's rollouts, run in a worker thread for bench/detection.ts. */
export interface SliceTask {
  scenario: number;
  from: number;
  to: number;
  seed: number;
  tunings: string[];
}

parentPort?.on("message", (task: SliceTask) => {
  const started = performance.now();
  const result = simulateSlice(task.scenario, task.from, task.to, task.seed, task.tunings);
  parentPort?.postMessage({ task, result, ms: performance.now() - started });
});
