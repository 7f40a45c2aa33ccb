import { describe, expect, it } from 'vitest';
import { londonInstantAt, parseLocalDate } from '../../src/domain/calendar/index.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import { loadDemoData } from '../../src/dev/local-mode/demo-data.js';
import { GraphCaseRepository } from '../../src/store/case-repository.js';
import { roleSidesOf } from '../../src/store/case-rows.js';
import { startProvisionedEmulator } from '../support/provisioned-emulator.js';

/**
 * The demo cases are dated back and forward from "today" in working days, and each must still be
 * a case the procedures accept on whatever day local mode is first started: around Christmas and
 * New Year the bank holidays stretch working days past windows counted in calendar days
 * (Mid-Essex's review within 14 days of the plan).
 */
const AWKWARD_DAYS = ['2026-12-25', '2027-01-01'];

describe('demo data', () => {
  it.each(AWKWARD_DAYS)(
    'loads every demo case when today is %s',
    async (day) => {
      const env = await startProvisionedEmulator();
      try {
        const result = await loadDemoData({
          repository: new GraphCaseRepository(env.client, env.site, { roleSides: roleSidesOf(SEED_PROCEDURES) }),
          procedures: SEED_PROCEDURES,
          now: londonInstantAt(parseLocalDate(day), 9, 0),
        });
        expect(result.failures).toEqual([]);
        expect(result.created).toBeGreaterThan(25);
      } finally {
        await env.close();
      }
    },
    60_000,
  );
});
