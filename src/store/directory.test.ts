import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphPeopleDirectory, searchableText, searchExpression, toDirectoryPerson } from './directory.js';
import { isGraphStoreError } from './graph/errors.js';
import { startProvisionedEmulator, type ProvisionedEmulator } from '../../test/support/provisioned-emulator.js';

describe('the search text that goes to Graph', () => {
  it.each([
    ['  Jo   Bloggs ', 'Jo Bloggs'],
    ["O'Neill", "O'Neill"],
    ['O’Neill', 'O’Neill'],
    ['jo.bloggs@provider.ac.uk', 'jo.bloggs@provider.ac.uk'],
    ['Zoë Ångström', 'Zoë Ångström'],
    ['jo" OR "mail:a', 'jo OR mail a'],
    ['a\\" OR \\"b', 'a OR b'],
    ['jo&$top=999', 'jo top 999'],
    ['\u0000\u202ejo\u0007', 'jo'],
    ['"&*()', ''],
    ["'--'", ''],
  ])('%j → %j', (text, expected) => {
    expect(searchableText(text)).toBe(expected);
  });

  it('never carries a quote or backslash into a clause', () => {
    for (const text of ['"', '\\', 'a"b\\c', '""" OR """']) {
      const expression = searchExpression(searchableText(text));
      expect(expression.match(/"/g)).toHaveLength(4);
      expect(expression).not.toContain('\\');
    }
    expect(searchExpression('Jo Bloggs')).toBe('"displayName:Jo Bloggs" OR "mail:Jo Bloggs"');
  });

  it('reads a Graph user: lower-case ids, mail falling back to the sign-in name, blank job titles as none', () => {
    expect(
      toDirectoryPerson({
        id: '1',
        displayName: ' Jo Bloggs ',
        mail: 'Jo@Provider.ac.uk',
        userPrincipalName: 'JB@Provider.ac.uk',
        jobTitle: 'Mentor',
      }),
    ).toEqual({
      upn: 'jb@provider.ac.uk',
      name: 'Jo Bloggs',
      email: 'jo@provider.ac.uk',
      jobTitle: 'Mentor',
    });
    expect(
      toDirectoryPerson({ id: '2', displayName: null, mail: null, userPrincipalName: 'X@Y.example', jobTitle: '  ' }),
    ).toEqual({ upn: 'x@y.example', name: 'x@y.example', email: 'x@y.example', jobTitle: undefined });
    expect(toDirectoryPerson({ id: '3', displayName: 'No Sign-in', mail: 'n@y.example' })).toBeUndefined();
    expect(toDirectoryPerson('not a user')).toBeUndefined();
  });
});

describe('GraphPeopleDirectory on the emulator', () => {
  let emulator: ProvisionedEmulator;
  let directory: GraphPeopleDirectory;

  beforeAll(async () => {
    emulator = await startProvisionedEmulator();
    directory = new GraphPeopleDirectory(emulator.client);
    for (const [displayName, upn] of [
      ['Jo Bloggs', 'jo.bloggs@provider.ac.uk'],
      ['Joanna Price', 'joanna.price@provider.ac.uk'],
      ['Sam Jones', 'sam.jones@provider.ac.uk'],
    ] as const) {
      await emulator.client.api('/users').post({
        accountEnabled: true,
        displayName,
        mailNickname: upn.split('@')[0],
        userPrincipalName: upn,
        mail: upn,
        passwordProfile: { password: 'x-1!Local' },
      });
    }
  });

  afterAll(async () => {
    await emulator.close();
  });

  it('searches with ConsistencyLevel: eventual and $top (the emulator refuses $search without it)', async () => {
    const found = await directory.search('jo', 10);
    expect(found.map((p) => p.name).sort()).toEqual(['Jo Bloggs', 'Joanna Price', 'Sam Jones']);
    expect(await directory.search('jo', 2)).toHaveLength(2);
    expect(await directory.search('joanna.price@', 10)).toEqual([
      {
        upn: 'joanna.price@provider.ac.uk',
        name: 'Joanna Price',
        email: 'joanna.price@provider.ac.uk',
        jobTitle: undefined,
      },
    ]);
  });

  it('asks Graph nothing when no searchable text is left', async () => {
    emulator.emulator.resetCounters();
    expect(await directory.search('"&*', 10)).toEqual([]);
    expect(emulator.emulator.recentRequests()).toEqual([]);
  });

  it('throttling surfaces as a classified error the server maps to 503', async () => {
    emulator.emulator.setFaults({ rules: [{ kind: 'fail', status: 429, retryAfterSeconds: 120, path: '/users' }] });
    try {
      const error = await directory.search('jo', 10).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isGraphStoreError(error) && error.code).toBe('throttled');
      expect(isGraphStoreError(error) && error.retryAfterSeconds).toBe(120);
    } finally {
      emulator.emulator.setFaults({});
    }
  });
});
