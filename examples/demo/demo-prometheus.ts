import { startPrometheus } from "../../test/helpers/prometheus.js";
import { demoSeries } from "./demo-data.js";

/** `npm run demo:prometheus`: a real Prometheus with two hours of demo metrics, for the README walkthrough. */
const port = Number(process.env.DEMO_PROMETHEUS_PORT ?? 9090);
const endSec = Math.floor(Date.now() / 1000 / 15) * 15 - 15;
process.stdout.write("generating two hours of demo metrics for service shop (v1, v2, v3)...\n");
const prometheus = await startPrometheus({ series: demoSeries(endSec), port });
process.stdout.write(`demo Prometheus ready on ${prometheus.url}; press Ctrl-C to stop\n`);
const stop = async () => {
  await prometheus.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
setInterval(() => undefined, 1 << 30);
