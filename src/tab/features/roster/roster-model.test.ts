import { describe, expect, it } from 'vitest';
import { ConflictError, type ApiClient } from '../../api/client';
import type { PlacementImportResult, PlacementRow } from '../../api/types';
import { currentRow, etagOfRow, removeRosterRow, rosterPath, updateRosterRow } from './roster-api';
import {
  canConfirm,
  conflictSentence,
  CSV_HEADER,
  formChanged,
  formOfRow,
  importSummary,
  inputOfForm,
  pageLabel,
  problemsByLine,
  staffLine,
} from './roster-model';

const row = (over: Partial<PlacementRow> = {}): PlacementRow => ({
  id: 'a'.repeat(24),
  key: 'k',
  version: 3,
  trainee: { id: 'nadia@trainee.test', name: 'Nadia Roster' },
  programme: 'PGCE Primary',
  school: 'Oak Primary',
  mentors: [
    { id: 'm1@school.test', name: 'Mentor One' },
    { id: 'm2@school.test', name: 'Mentor Two' },
  ],
  tutor: { id: 't@uni.test', name: 'Tutor Tee' },
  startsOn: '2026-09-07',
  endsOn: '2027-07-16',
  current: true,
  updatedAt: '2026-11-23T10:00:00Z',
  updatedBy: 'lead@uni.test',
  ...over,
});

const result = (over: Partial<PlacementImportResult> = {}): PlacementImportResult => ({
  dryRun: true,
  written: false,
  rows: [{ line: 2, action: 'create', row: row() }],
  errors: [],
  created: 1,
  updated: 0,
  unchanged: 0,
  ...over,
});

describe('the roster import preview', () => {
  it('may be confirmed only after a clean dry run that changes something', () => {
    expect(canConfirm(result())).toBe(true);
    expect(canConfirm(result({ errors: [{ line: 3, message: 'x' }] }))).toBe(false);
    expect(canConfirm(result({ created: 0, unchanged: 1 }))).toBe(false);
    expect(canConfirm(result({ dryRun: false, written: true }))).toBe(false);
    expect(canConfirm(undefined)).toBe(false);
  });

  it('says what would happen, what happened, or why nothing can', () => {
    expect(importSummary(result())).toBe(
      'Checked, nothing written yet: 1 new row, 0 changed, 0 unchanged. Import to write these changes.',
    );
    expect(importSummary(result({ dryRun: false, written: true, created: 2, updated: 1 }))).toBe(
      'Imported: 2 new rows, 1 changed, 0 unchanged.',
    );
    expect(
      importSummary(
        result({
          errors: [
            { line: 4, column: 'term_end', message: 'is before term_start' },
            { line: 4, column: 'school', message: 'is required' },
            { line: 7, message: 'the same trainee, programme and term start as line 2' },
          ],
        }),
      ),
    ).toBe('Nothing can be imported yet: 3 problems on 2 lines. Correct the file and check it again.');
    expect(importSummary(result({ created: 0, unchanged: 5 }))).toBe(
      'Nothing to import: every row is already on the roster as it is (5 rows).',
    );
  });

  it('groups the problems by line, in line order, naming their column', () => {
    expect(
      problemsByLine({
        errors: [
          { line: 7, message: 'a duplicate' },
          { line: 4, column: 'term_end', message: 'is before term_start' },
          { line: 4, column: 'school', message: 'is required' },
        ],
      }),
    ).toEqual([
      { line: 4, messages: ['term_end: is before term_start', 'school: is required'] },
      { line: 7, messages: ['a duplicate'] },
    ]);
  });

  it('offers every column the import reads, the programme lead among them', () => {
    expect(CSV_HEADER.split(',')).toEqual(
      expect.arrayContaining(['trainee_upn', 'programme', 'term_start', 'programme_lead_upn', 'programme_lead_name']),
    );
  });
});

describe('the roster rows', () => {
  it('name the staff a row holds and the page shown', () => {
    expect(staffLine(row())).toBe('Mentors: Mentor One, Mentor Two; Tutor: Tutor Tee');
    expect(staffLine(row({ mentors: [], tutor: undefined, programmeLead: { id: 'l@u.test', name: 'Lead' } }))).toBe(
      'Programme lead: Lead',
    );
    expect(staffLine(row({ mentors: [], tutor: undefined }))).toBe('No staff named');
    expect(pageLabel(25, 25, 120)).toBe('Rows 26–50 of 120');
    expect(pageLabel(0, 0, 0)).toBe('No rows');
  });

  it('edit through a form that keeps the key and sends the CSV fields, blanks left out', () => {
    const form = formOfRow(row());
    expect(formChanged(row(), form)).toBe(false);
    const edited = { ...form, school: ' Elm Primary ', tutorUpn: '', tutorName: '', programmeLeadUpn: 'l@u.test' };
    expect(formChanged(row(), edited)).toBe(true);
    expect(inputOfForm(row(), edited)).toEqual({
      trainee_upn: 'nadia@trainee.test',
      trainee_name: 'Nadia Roster',
      programme: 'PGCE Primary',
      school: 'Elm Primary',
      term_start: '2026-09-07',
      term_end: '2027-07-16',
      mentor_upns: 'm1@school.test; m2@school.test',
      mentor_names: 'Mentor One; Mentor Two',
      programme_lead_upn: 'l@u.test',
    });
  });
});

/** An API that answers the given function for every call, recording what was asked. */
function apiAnswering(answer: (call: string, body: unknown, ifMatch?: string) => unknown): {
  api: ApiClient;
  asked: string[];
} {
  const asked: string[] = [];
  const api: ApiClient = {
    get: <T>(path: string) => {
      asked.push(`GET ${path}`);
      return Promise.resolve(answer(`GET ${path}`, undefined) as T);
    },
    getVersioned: () => Promise.reject(new Error('not used')),
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the shape ApiClient.send declares
    send: <T>(method: string, path: string, body: unknown, opts: { readonly ifMatch: string | undefined }) => {
      asked.push(`${method} ${path} ${opts.ifMatch ?? ''}`);
      return Promise.resolve({ data: answer(`${method} ${path}`, body, opts.ifMatch) as T, etag: '"v4"' });
    },
    remove: (path: string, opts: { readonly ifMatch: string }) => {
      asked.push(`DELETE ${path} ${opts.ifMatch}`);
      answer(`DELETE ${path}`, undefined, opts.ifMatch);
      return Promise.resolve();
    },
    post: () => Promise.reject(new Error('not used')),
    download: () => Promise.reject(new Error('not used')),
  };
  return { api, asked };
}

describe('the roster API calls', () => {
  it('send the version the row was read at as If-Match, and find the row as it now is after a 412', async () => {
    const { api, asked } = apiAnswering((call, _body, ifMatch) => {
      if (call.startsWith('PUT') && ifMatch !== '"v4"')
        throw new ConflictError('The roster row was changed by someone else.', {}, undefined);
      if (call.startsWith('GET')) return { items: [row({ id: 'b'.repeat(24) }), row({ version: 4 })], total: 2 };
      return row({ version: 4 });
    });
    expect(etagOfRow(row())).toBe('"v3"');
    await expect(updateRosterRow(api, row(), inputOfForm(row(), formOfRow(row())))).rejects.toBeInstanceOf(
      ConflictError,
    );
    const now = await currentRow(api, row());
    expect(now?.version).toBe(4);
    await removeRosterRow(api, row({ version: 4 }));
    expect(asked).toEqual([
      `PUT /api/placements/${'a'.repeat(24)} "v3"`,
      'GET /api/placements?limit=500&programme=PGCE+Primary&search=nadia%40trainee.test',
      `DELETE /api/placements/${'a'.repeat(24)} "v4"`,
    ]);
    expect(conflictSentence(row(), now)).toMatch(/^Someone else changed the roster row for Nadia Roster/);
    expect(conflictSentence(row(), undefined)).toMatch(/^Someone else removed the roster row for Nadia Roster/);
  });

  it('build the list address from the filters', () => {
    expect(rosterPath({ limit: 25 })).toBe('/api/placements?limit=25');
    expect(rosterPath({ limit: 25, programme: 'P 1', search: ' ann ', current: true, cursor: 'cA' })).toBe(
      '/api/placements?limit=25&programme=P+1&search=ann&current=true&cursor=cA',
    );
  });
});
