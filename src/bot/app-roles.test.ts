import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../app/logger.js';
import type { AppRoleDirectory, AppRoleName } from '../app/ports.js';
import { GraphStoreError } from '../store/graph/errors.js';
import { cachedAppRoles } from './app-roles.js';

/** A hand-written directory: answers from a table, counts questions, fails on demand. */
function fakeDirectory(table: Record<string, readonly AppRoleName[]>) {
  const asked: string[] = [];
  const state = { failing: false };
  const directory: AppRoleDirectory = {
    rolesOf: async (objectId) => {
      asked.push(objectId);
      await Promise.resolve();
      if (state.failing) throw new GraphStoreError('unavailable', 'Graph is down', { status: 503 });
      return table[objectId] ?? [];
    },
  };
  return { directory, asked, state };
}

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';

describe('cachedAppRoles', () => {
  it('asks once per person within the TTL, and again after it', async () => {
    const { directory, asked } = fakeDirectory({ [A]: ['CourseTeam'] });
    const clock = { now: 0 };
    const roles = cachedAppRoles(directory, { logger: memoryLogger(), ttlMs: 1000, now: () => clock.now });
    expect(await roles(A)).toEqual(['CourseTeam']);
    expect(await roles(A.toUpperCase())).toEqual(['CourseTeam']);
    clock.now = 999;
    await roles(A);
    expect(asked).toEqual([A]);
    clock.now = 1000;
    await roles(A);
    expect(asked).toEqual([A, A]);
  });

  it('shares one lookup between activities that arrive together', async () => {
    const { directory, asked } = fakeDirectory({ [A]: ['Admin'] });
    const roles = cachedAppRoles(directory, { logger: memoryLogger() });
    expect(await Promise.all([roles(A), roles(A), roles(A)])).toEqual([['Admin'], ['Admin'], ['Admin']]);
    expect(asked).toEqual([A]);
  });

  it('keeps at most maxEntries people, forgetting the least recently asked about', async () => {
    const { directory, asked } = fakeDirectory({});
    const roles = cachedAppRoles(directory, { logger: memoryLogger(), maxEntries: 2 });
    await roles(A);
    await roles(B);
    await roles(A); // A is now the most recent
    await roles(C); // B goes
    asked.length = 0;
    await roles(A);
    await roles(C);
    expect(asked).toEqual([]);
    await roles(B);
    expect(asked).toEqual([B]);
  });

  it('gives no roles when Graph fails, logs it, and does not remember the failure', async () => {
    const { directory, asked, state } = fakeDirectory({ [A]: ['Admin'] });
    const logger = memoryLogger();
    const roles = cachedAppRoles(directory, { logger });
    state.failing = true;
    expect(await roles(A)).toEqual([]);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]?.level).toBe('warn');
    expect(logger.lines[0]?.fields).toMatchObject({ objectId: A, code: 'service_unavailable' });
    state.failing = false;
    expect(await roles(A)).toEqual(['Admin']);
    expect(asked).toEqual([A, A]);
  });

  it('survives a directory that throws before it awaits anything', async () => {
    const directory: AppRoleDirectory = {
      rolesOf: () => {
        throw new Error('boom');
      },
    };
    const roles = cachedAppRoles(directory, { logger: memoryLogger() });
    expect(await roles(A)).toEqual([]);
    expect(await roles(A)).toEqual([]);
  });
});
