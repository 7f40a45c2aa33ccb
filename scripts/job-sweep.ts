/**
 * `npm run job:sweep` (production: `node dist/scripts/job-sweep.js`): one review sweep, then
 * exit, for a scheduled job beside web instances that run with TRELLIS_SCHEDULER=off. Reads the
 * same environment and `.env` as `npm start`; its last line is the result as JSON; exit code 0
 * when it ran, 2 when some cases could not be read, 1 when it could not run
 * (src/compose/sweep-job.ts). With APPLICATIONINSIGHTS_CONNECTION_STRING the sweep's span, Graph
 * calls and metrics go to Application Insights, flushed before the job exits.
 */
import { environmentWithDotEnv } from '../src/compose/config.js';
import { startTelemetry, telemetrySettingsFromEnv } from '../src/compose/telemetry.js';

const env = environmentWithDotEnv(process.env);
const telemetry = await startTelemetry(telemetrySettingsFromEnv(env));
const { runSweepJob } = await import('../src/compose/sweep-job.js');
process.exitCode = await runSweepJob(env, {
  line: (text) => process.stdout.write(`${text}\n`),
});
await telemetry?.shutdown();
