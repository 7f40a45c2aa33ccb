import type { Logger } from '../app/logger.js';
import { failureOf } from '../app/errors.js';
import { APP_ROLE_NAMES, type AppRoleDirectory, type AppRoleName } from '../app/ports.js';

/**
 * App roles for bot activities, which carry none: asked of Entra ID through Graph
 * (an AppRoleDirectory, over Graph in a tenant) by the person's object id, remembered for a short while (two minutes unless configured) so a burst
 * of activities (typing in the search box sends one per keystroke) costs one lookup.
 *
 * A lookup that fails gives no roles for that activity, never more: the person still sees the
 * cases that name them, and the next activity asks again (failures are not remembered).
 */
export type AppRoleLookup = (objectId: string) => Promise<readonly AppRoleName[]>;

/**
 * How long a granted or removed role may take to reach the bot when nothing else is said; the
 * composition passes BOT_APP_ROLES_TTL_SECONDS (default two minutes, src/compose/bot-config.ts).
 */
export const APP_ROLES_TTL_MS = 2 * 60 * 1000;
/** People remembered at once; the least recently asked about go first. */
export const APP_ROLES_MAX_ENTRIES = 2000;

export interface CachedAppRolesOptions {
  readonly logger: Logger;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly roles: readonly AppRoleName[];
  readonly expiresAt: number;
}

export function cachedAppRoles(directory: AppRoleDirectory, options: CachedAppRolesOptions): AppRoleLookup {
  const ttlMs = options.ttlMs ?? APP_ROLES_TTL_MS;
  const maxEntries = Math.max(1, options.maxEntries ?? APP_ROLES_MAX_ENTRIES);
  const now = options.now ?? Date.now;
  // Map keeps insertion order: re-inserting on every hit makes the first key the least recently used.
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<readonly AppRoleName[]>>();

  const remember = (key: string, roles: readonly AppRoleName[]): void => {
    entries.delete(key);
    entries.set(key, { roles, expiresAt: now() + ttlMs });
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done === true) break;
      entries.delete(oldest.value);
    }
  };

  const ask = async (key: string): Promise<readonly AppRoleName[]> => {
    try {
      const roles = (await directory.rolesOf(key)).filter((r) => (APP_ROLE_NAMES as readonly string[]).includes(r));
      remember(key, roles);
      return roles;
    } catch (error) {
      options.logger.warn('app role lookup failed: no app roles for this activity', {
        objectId: key,
        code: failureOf(error).code,
        error: failureOf(error).detail.slice(0, 500),
      });
      return [];
    }
  };

  return (objectId) => {
    const key = objectId.trim().toLowerCase();
    const hit = entries.get(key);
    if (hit !== undefined && hit.expiresAt > now()) {
      entries.delete(key);
      entries.set(key, hit);
      return Promise.resolve(hit.roles);
    }
    if (hit !== undefined) entries.delete(key);
    // Activities arriving together for one person share a single lookup.
    const pending = inFlight.get(key);
    if (pending !== undefined) return pending;
    // `finally` runs in a later microtask, so the entry is always set before it is removed.
    const started: Promise<readonly AppRoleName[]> = ask(key).finally(() => {
      if (inFlight.get(key) === started) inFlight.delete(key);
    });
    inFlight.set(key, started);
    return started;
  };
}
