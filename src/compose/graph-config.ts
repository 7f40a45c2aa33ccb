import { z } from 'zod';

/**
 * Where Graph is: a real tenant (all four GRAPH_* variables set) or the local emulator (none
 * set). Half a configuration is an error with one line per missing value, never a silent
 * fall-back to local mode against someone's real data.
 */
export const TENANT_VARIABLES = ['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET', 'GRAPH_SITE_ID'] as const;

export type GraphTarget =
  | { readonly mode: 'local' }
  | {
      readonly mode: 'tenant';
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: string;
      readonly siteId: string;
    };

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Trellis is not configured correctly:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function graphTargetFromEnv(env: Readonly<Record<string, string | undefined>>): GraphTarget {
  const present = TENANT_VARIABLES.filter((name) => (env[name] ?? '').trim() !== '');
  if (present.length === 0) return { mode: 'local' };
  const problems = TENANT_VARIABLES.filter((name) => !present.includes(name)).map(
    (name) => `${name} is missing (set all of ${TENANT_VARIABLES.join(', ')} to use a tenant, or none for local mode)`,
  );
  const value = (name: (typeof TENANT_VARIABLES)[number]): string => (env[name] ?? '').trim();
  for (const name of ['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID'] as const) {
    if (present.includes(name) && !guid.safeParse(value(name)).success)
      problems.push(`${name} must be a GUID, got "${value(name)}"`);
  }
  if (present.includes('GRAPH_SITE_ID') && !/^[^,\s]+,[0-9a-f-]{36},[0-9a-f-]{36}$/i.test(value('GRAPH_SITE_ID'))) {
    problems.push('GRAPH_SITE_ID must be a site id like "contoso.sharepoint.com,<site guid>,<web guid>"');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    mode: 'tenant',
    tenantId: value('GRAPH_TENANT_ID'),
    clientId: value('GRAPH_CLIENT_ID'),
    clientSecret: value('GRAPH_CLIENT_SECRET'),
    siteId: value('GRAPH_SITE_ID'),
  };
}
