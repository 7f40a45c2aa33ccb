import { SEED_PROCEDURES } from '../domain/procedures/index.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { loadConfiguredProcedures, procedureSourcesFromEnv } from '../procedures-files/config.js';
import { ConfigError } from './graph-config.js';

/**
 * The procedures Trellis runs: the built-in ones and any in TRELLIS_PROCEDURES_DIR, as chosen by
 * TRELLIS_PROVIDER_PROCEDURES (src/procedures-files/config.ts). Any problem refuses the start with
 * one line each (`file:line:col path — message`); warnings go to `warn` and the start goes on.
 */
export async function proceduresFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  warn: (line: string) => void,
): Promise<{ readonly procedures: readonly Procedure[]; readonly fromFiles: boolean }> {
  const problems: string[] = [];
  const sources = procedureSourcesFromEnv(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const loaded = await loadConfiguredProcedures(sources, SEED_PROCEDURES);
  if (loaded.problems.length > 0) throw new ConfigError(loaded.problems);
  for (const warning of loaded.warnings) warn(warning);
  return { procedures: loaded.procedures, fromFiles: sources.dir !== undefined || sources.selection !== 'all' };
}
