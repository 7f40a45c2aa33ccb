/**
 * `npm run job:sweep` (production: `node dist/scripts/job-sweep.js`): one review sweep, then
 * exit, for a scheduled job beside web instances that run with TRELLIS_SCHEDULER=off. Reads the
 * same environment and `.env` as `npm start`; its last line is the result as JSON; exit code 0
 * when it ran, 2 when some cases could not be read, 1 when it could not run
 * (src/compose/sweep-job.ts).
 */
import { environmentWithDotEnv } from '../src/compose/config.js';
import { runSweepJob } from '../src/compose/sweep-job.js';

process.exitCode = await runSweepJob(environmentWithDotEnv(process.env), {
  line: (text) => process.stdout.write(`${text}\n`),
});
