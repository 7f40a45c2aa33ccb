import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearch, SEARCH_NEEDS_CONSISTENCY_MESSAGE, searchWords } from './directory.js';
import { GraphHttpError } from './errors.js';
import { asArray, asRecord, errorBody, graphError, rawFetch, startTestEmulator, tempDir } from './test-support.js';
import type { TestEmulator } from './test-support.js';

let t: TestEmulator;

const newUser = (displayName: string, upn: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  accountEnabled: true,
  displayName,
  mailNickname: upn.split('@')[0],
  userPrincipalName: upn,
  passwordProfile: { password: 'Local-only-1!', forceChangePasswordNextSignIn: true },
  ...extra,
});

const PEOPLE = [
  newUser('Jo Bloggs', 'jo.bloggs@provider.ac.uk', {
    mail: 'jo.bloggs@provider.ac.uk',
    jobTitle: 'Mentor',
    givenName: 'Jo',
    surname: 'Bloggs',
  }),
  newUser('Joanna Price', 'jprice@provider.ac.uk', { mail: 'joanna.price@provider.ac.uk', jobTitle: 'Course leader' }),
  newUser("Siobhan O'Neill", 'soneill@school.example', { mail: 'siobhan.oneill@school.example' }),
  newUser('Ronan McDonald', 'ronan.mcdonald@school.example'),
  newUser('Amy Jones', 'amy.jones@trainees.example', { mail: 'aj@trainees.example', surname: 'Jones' }),
  newUser('Zed "Quotes" Smith', 'zed.smith@school.example'),
];

/** GET /users with `$search` (percent-encoded here, as a client must) and the header Graph requires. */
async function search(expression: string, rest = ''): Promise<Record<string, unknown>[]> {
  const body = asRecord(
    await t.client
      .api(`/users?$search=${encodeURIComponent(expression)}${rest}`)
      .header('ConsistencyLevel', 'eventual')
      .get(),
  );
  return asArray(body.value).map(asRecord);
}

const names = (users: readonly Record<string, unknown>[]): unknown[] => users.map((u) => u.displayName).sort();

beforeAll(async () => {
  t = await startTestEmulator();
  for (const person of PEOPLE) await t.client.api('/users').post(person);
});
afterAll(async () => {
  await t.close();
});

describe('create user (POST /users)', () => {
  it('201 with a GUID id and the default properties; the password is never returned', async () => {
    const created = asRecord(
      await t.client
        .api('/users')
        .post(newUser('Priya Sharma', 'Priya.Sharma@Students.example', { jobTitle: 'Trainee teacher' })),
    );
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created).toMatchObject({
      displayName: 'Priya Sharma',
      userPrincipalName: 'Priya.Sharma@Students.example',
      jobTitle: 'Trainee teacher',
      mail: null,
      businessPhones: [],
    });
    expect(created).not.toHaveProperty('passwordProfile');
    expect(String(created['@odata.context'])).toMatch(/\$metadata#users\/\$entity$/);
  });

  it.each(['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile'])(
    '400 without %s, naming it',
    async (property) => {
      const { [property]: _left, ...body } = newUser('Missing Field', `missing.${property}@provider.ac.uk`);
      const error = await graphError(() => t.client.api('/users').post(body));
      expect(error.statusCode).toBe(400);
      expect(errorBody(error)).toMatchObject({
        code: 'Request_BadRequest',
        message: `Invalid value specified for property '${property}' of resource 'User'.`,
      });
    },
  );

  it('400 for a sign-in name that is taken, whatever its case; nothing is added', async () => {
    const before = asArray(asRecord(await t.client.api('/users').get()).value).length;
    const error = await graphError(() =>
      t.client.api('/users').post(newUser('Someone Else', 'JO.BLOGGS@provider.ac.uk')),
    );
    expect(error.statusCode).toBe(400);
    expect(errorBody(error)).toMatchObject({
      code: 'Request_BadRequest',
      message: 'Another object with the same value for property userPrincipalName already exists.',
    });
    expect(asArray(asRecord(await t.client.api('/users').get()).value)).toHaveLength(before);
  });

  it('400 for a sign-in name that is not alias@domain', async () => {
    const error = await graphError(() => t.client.api('/users').post(newUser('No Domain', 'no-domain')));
    expect(error.statusCode).toBe(400);
  });
});

describe('GET /users/{id | userPrincipalName}', () => {
  it('finds a user by id and by sign-in name (any case), with $select', async () => {
    const byUpn = asRecord(await t.client.api('/users/JO.BLOGGS@provider.ac.uk').get());
    expect(byUpn).toMatchObject({ displayName: 'Jo Bloggs', jobTitle: 'Mentor' });
    const byId = asRecord(
      await t.client
        .api(`/users/${String(byUpn.id)}`)
        .select(['displayName', 'mail'])
        .get(),
    );
    expect(Object.keys(byId).filter((k) => !k.startsWith('@'))).toEqual(['displayName', 'mail']);
  });

  it('404 Request_ResourceNotFound for nobody', async () => {
    const error = await graphError(() => t.client.api('/users/nobody@provider.ac.uk').get());
    expect(error.statusCode).toBe(404);
    expect(errorBody(error)).toMatchObject({ code: 'Request_ResourceNotFound' });
  });
});

describe('$search on users', () => {
  it('needs ConsistencyLevel: eventual, else 400 with Graph’s message', async () => {
    const error = await graphError(() =>
      t.client.api(`/users?$search=${encodeURIComponent('"displayName:jo"')}`).get(),
    );
    expect(error.statusCode).toBe(400);
    expect(errorBody(error)).toMatchObject({
      code: 'Request_UnsupportedQuery',
      message: SEARCH_NEEDS_CONSISTENCY_MESSAGE,
    });
  });

  it('matches words of displayName by prefix, any order, ignoring case', async () => {
    expect(names(await search('"displayName:jo"'))).toEqual(['Jo Bloggs', 'Joanna Price', 'Amy Jones'].sort());
    expect(names(await search('"displayName:BLOGGS jo"'))).toEqual(['Jo Bloggs']);
    expect(names(await search('"displayName:loggs"'))).toEqual([]);
    // Camel case splits a word: McDonald is "mc" and "donald".
    expect(names(await search('"displayName:donald"'))).toEqual(['Ronan McDonald']);
  });

  it("O'Neill: the parts and the joined word all match", async () => {
    for (const text of ["O'Neill", 'oneill', 'neill', "o'n"])
      expect(names(await search(`"displayName:${text}"`)), text).toEqual(["Siobhan O'Neill"]);
  });

  it('mail and userPrincipalName match by "starts with"; OR, AND and parentheses combine clauses', async () => {
    expect(names(await search('"mail:joanna"'))).toEqual(['Joanna Price']);
    expect(names(await search('"mail:price"'))).toEqual([]);
    expect(names(await search('"displayName:amy" OR "mail:joanna"'))).toEqual(['Amy Jones', 'Joanna Price']);
    expect(names(await search('"displayName:jo" AND "userPrincipalName:jp"'))).toEqual(['Joanna Price']);
    expect(names(await search('("displayName:ronan" OR "displayName:amy") AND "mail:aj"'))).toEqual(['Amy Jones']);
  });

  it('escaped quotes and backslashes inside a clause are text', async () => {
    expect(names(await search('"displayName:\\"Quotes\\""'))).toEqual(['Zed "Quotes" Smith']);
    expect(names(await search('"displayName:a\\\\b"'))).toEqual([]);
  });

  it('400 for malformed expressions and properties it cannot search', async () => {
    for (const bad of [
      'displayName:jo',
      '"displayName:jo',
      '"displayName:jo" or "mail:jo"',
      '"displayName:jo" OR',
      '("displayName:jo"',
      '"jo"',
      '"displayName:a\\b"',
      '"passwordProfile:x"',
    ]) {
      const error = await graphError(() =>
        t.client
          .api(`/users?$search=${encodeURIComponent(bad)}`)
          .header('ConsistencyLevel', 'eventual')
          .get(),
      );
      expect(error.statusCode, bad).toBe(400);
      expect(errorBody(error).code, bad).toBe('Request_UnsupportedQuery');
    }
  });

  it('$select, $top (1..999) and $count', async () => {
    const selected = await search('"displayName:jo"', '&$select=id,displayName,mail,userPrincipalName,jobTitle&$top=2');
    expect(selected).toHaveLength(2);
    for (const user of selected)
      expect(Object.keys(user).sort()).toEqual(['displayName', 'id', 'jobTitle', 'mail', 'userPrincipalName']);
    const counted = asRecord(
      await t.client
        .api(`/users?$search=${encodeURIComponent('"displayName:jo"')}&$count=true&$top=1`)
        .header('ConsistencyLevel', 'eventual')
        .get(),
    );
    expect(counted['@odata.count']).toBe(3);
    for (const top of ['0', '1000', 'x']) {
      const error = await graphError(() => t.client.api(`/users?$top=${top}`).get());
      expect(error.statusCode, top).toBe(400);
    }
    const unknown = await graphError(() => t.client.api('/users?$select=displayName,shoeSize').get());
    expect(errorBody(unknown).message).toBe(
      "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.",
    );
  });

  it('$filter=startswith(displayName, …) without a search', async () => {
    const body = asRecord(await t.client.api('/users').filter("startswith(displayName,'jo')").get());
    expect(names(asArray(body.value).map(asRecord))).toEqual(['Jo Bloggs', 'Joanna Price']);
  });

  it('any text in a clause is searched, never executed', async () => {
    for (const hostile of ["'; DROP TABLE users; --", '<script>alert(1)</script>', '%00', '\u202e', '*']) {
      const escaped = hostile.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      expect(await search(`"displayName:${escaped}" OR "mail:${escaped}"`), hostile).toEqual([]);
    }
  });

  it('a raw request gets Graph’s JSON error envelope', async () => {
    const raw = await rawFetch(t.emu, `/v1.0/users?$search=${encodeURIComponent('"displayName:jo"')}`);
    expect(raw.status).toBe(400);
    expect(raw.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(raw.text)).toMatchObject({
      error: { code: 'Request_UnsupportedQuery', innerError: { 'request-id': expect.any(String) as unknown } },
    });
  });
});

describe('the directory persists', () => {
  it('users survive a restart and go with a reset', async () => {
    const dir = await tempDir();
    const first = await startTestEmulator({}, dir);
    await first.client.api('/users').post(newUser('Kept Person', 'kept.person@provider.ac.uk'));
    await first.close();
    const second = await startTestEmulator({}, dir);
    try {
      expect(asRecord(await second.client.api('/users/kept.person@provider.ac.uk').get()).displayName).toBe(
        'Kept Person',
      );
      await second.emu.reset();
      expect((await graphError(() => second.client.api('/users/kept.person@provider.ac.uk').get())).statusCode).toBe(
        404,
      );
    } finally {
      await second.close();
    }
  });
});

describe('the search parser and Graph’s word splitting', () => {
  it.each([
    ['Jo Bloggs', ['jo', 'bloggs']],
    ['HelloWorld', ['hello', 'world']],
    ['HELLOworld', ['helloworld']],
    ['hello.world', ['hello', 'world', 'helloworld']],
    ['hello123world', ['hello', '123', 'world']],
    ["Siobhan O'Neill", ['siobhan', 'o', 'neill', 'oneill']],
    ['Zoë Ångström', ['zoë', 'ångström']],
  ])('%s → %j', (text, words) => {
    expect(searchWords(text)).toEqual(words);
  });

  it('AND binds tighter than OR', () => {
    expect(parseSearch('"displayName:a" OR "mail:b" AND "mail:c"')).toEqual({
      k: 'or',
      left: { k: 'clause', property: 'displayName', text: 'a' },
      right: {
        k: 'and',
        left: { k: 'clause', property: 'mail', text: 'b' },
        right: { k: 'clause', property: 'mail', text: 'c' },
      },
    });
    expect(() => parseSearch('"displayName:a" "mail:b"')).toThrow(GraphHttpError);
  });
});
