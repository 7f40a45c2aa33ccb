import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient } from '../../api/client';
import { searchPeople, type DirectoryPerson } from '../../api/people-api';
import {
  directoryOnly,
  fromDirectory,
  initialSearch,
  matchingKnown,
  peopleSearchReducer,
  pendingQuery,
  scheduleSearch,
  SEARCH_DEBOUNCE_MS,
  searchSentence,
  type PeopleSearchEvent,
  type PeopleSearchState,
} from './people-search-model';

/** The person pickers' directory search: typing, answers in any order, cancelling, and the sentences announced. */

const person = (name: string, upn: string, over: Partial<DirectoryPerson> = {}): DirectoryPerson => ({
  upn,
  name,
  email: upn,
  jobTitle: null,
  ...over,
});
const HANNAH = person('Hannah Reid', 'hannah.reid@bcu.example', { jobTitle: 'Senior lecturer' });
const HARRY = person('Harry Cole', 'harry.cole@school.example');

const run = (...events: PeopleSearchEvent[]): PeopleSearchState => events.reduce(peopleSearchReducer, initialSearch);

describe('the search state', () => {
  it('searches from two characters (trimmed) and says so; shorter text asks for more', () => {
    const one = run({ type: 'typed', text: 'H' });
    expect(one.status).toBe('idle');
    expect(pendingQuery(one)).toBeUndefined();
    expect(searchSentence(one)).toBe('Type at least 2 letters to search the directory.');
    expect(searchSentence(run({ type: 'typed', text: '' }))).toBeUndefined();

    const two = run({ type: 'typed', text: ' Ha ' });
    expect(two.status).toBe('searching');
    expect(pendingQuery(two)).toBe('Ha');
    expect(searchSentence(two)).toBe('Searching…');
  });

  it('does not search more than 100 characters, and says why', () => {
    const long = run({ type: 'typed', text: 'x'.repeat(101) });
    expect(long.status).toBe('idle');
    expect(pendingQuery(long)).toBeUndefined();
    expect(searchSentence(long)).toMatch(/up to 100 characters/);
    expect(pendingQuery(run({ type: 'typed', text: 'x'.repeat(100) }))).toBe('x'.repeat(100));
  });

  it('shows the answer for the text as it is now, and announces how many matched', () => {
    const done = run({ type: 'typed', text: 'Ha' }, { type: 'answered', query: 'Ha', people: [HANNAH, HARRY] });
    expect(done.status).toBe('done');
    expect(done.people).toEqual([HANNAH, HARRY]);
    expect(pendingQuery(done)).toBeUndefined();
    expect(searchSentence(done)).toBe('2 people in the directory match “Ha”.');
    expect(
      searchSentence(run({ type: 'typed', text: 'Hann' }, { type: 'answered', query: 'Hann', people: [HANNAH] })),
    ).toBe('1 person in the directory matches “Hann”.');
  });

  it('says when no one matches, and that the name can be typed by hand', () => {
    const none = run({ type: 'typed', text: 'Zz' }, { type: 'answered', query: 'Zz', people: [] });
    expect(searchSentence(none)).toBe(
      'No one in the directory matches “Zz”. If they have no account, type their name and email below.',
    );
  });

  it('drops an answer for text that has since changed, whichever order the answers arrive in', () => {
    const typedOn = run({ type: 'typed', text: 'Ha' }, { type: 'typed', text: 'Han' });
    // The answer for "Ha" arrives after "Han" was typed: it is stale.
    const stale = peopleSearchReducer(typedOn, { type: 'answered', query: 'Ha', people: [HARRY] });
    expect(stale).toBe(typedOn);
    expect(stale.status).toBe('searching');
    const fresh = peopleSearchReducer(stale, { type: 'answered', query: 'Han', people: [HANNAH] });
    expect(fresh.people).toEqual([HANNAH]);
    // …and a failure for the old text does not hide the fresh answer either.
    expect(peopleSearchReducer(fresh, { type: 'failed', query: 'Ha', message: 'busy' })).toBe(fresh);
  });

  it('keeps the last answer on screen while a newer search runs, and an answer still holds when only spacing changed', () => {
    const done = run({ type: 'typed', text: 'Ha' }, { type: 'answered', query: 'Ha', people: [HANNAH, HARRY] });
    const more = peopleSearchReducer(done, { type: 'typed', text: 'Han' });
    expect(more.status).toBe('searching');
    expect(more.people).toEqual([HANNAH, HARRY]);
    const spaced = peopleSearchReducer(done, { type: 'typed', text: 'Ha ' });
    expect(spaced.status).toBe('done');
    expect(pendingQuery(spaced)).toBeUndefined();
  });

  it('says what went wrong when the directory cannot be searched, and that typing by hand still works', () => {
    const failed = run(
      { type: 'typed', text: 'Ha' },
      { type: 'failed', query: 'Ha', message: 'Trellis is busy. Wait a moment and try again; nothing was lost.' },
    );
    expect(failed.status).toBe('failed');
    expect(failed.people).toEqual([]);
    expect(searchSentence(failed)).toBe(
      'The directory could not be searched: Trellis is busy. Wait a moment and try again; nothing was lost. You can type the name and email below.',
    );
    // Typing again searches again.
    expect(pendingQuery(peopleSearchReducer(failed, { type: 'typed', text: 'Han' }))).toBe('Han');
  });

  it('stops searching once someone is chosen (the box shows their name)', () => {
    const chosen = run(
      { type: 'typed', text: 'Ha' },
      { type: 'answered', query: 'Ha', people: [HANNAH] },
      { type: 'chosen', text: 'Hannah Reid' },
    );
    expect(chosen).toEqual({ ...initialSearch, text: 'Hannah Reid', status: 'chosen' });
    expect(pendingQuery(chosen)).toBeUndefined();
    expect(searchSentence(chosen)).toBeUndefined();
    // An answer still on its way for the text typed before the choice changes nothing.
    expect(
      peopleSearchReducer(run({ type: 'chosen', text: 'Hannah Reid' }), {
        type: 'answered',
        query: 'Hannah Reid',
        people: [HANNAH],
      }).status,
    ).toBe('chosen');
  });

  it('clears the chosen name when the row is then edited by hand, says why, and searches again as they type', () => {
    const chosen = run(
      { type: 'typed', text: 'Ha' },
      { type: 'answered', query: 'Ha', people: [HANNAH] },
      { type: 'chosen', text: 'Hannah Reid' },
    );
    const edited = peopleSearchReducer(chosen, { type: 'editedByHand' });
    expect(edited).toEqual({ ...initialSearch, status: 'cleared' });
    expect(pendingQuery(edited)).toBeUndefined();
    expect(searchSentence(edited)).toBe(
      'The name or email was changed by hand, so the choice here was cleared. Search again to choose someone.',
    );
    // Further edits change nothing more; typing in the box searches as before.
    expect(peopleSearchReducer(edited, { type: 'editedByHand' })).toBe(edited);
    expect(pendingQuery(peopleSearchReducer(edited, { type: 'typed', text: 'Harr' }))).toBe('Harr');
    expect(searchSentence(peopleSearchReducer(edited, { type: 'typed', text: '' }))).toBeUndefined();
  });

  it('keeps text the person typed to search when the row is edited by hand (it names no one)', () => {
    const typed = run({ type: 'typed', text: 'Qxz' }, { type: 'answered', query: 'Qxz', people: [] });
    expect(peopleSearchReducer(typed, { type: 'editedByHand' })).toBe(typed);
    // …and after a choice they typed over, their text stays too.
    const typedOver = run({ type: 'chosen', text: 'Hannah Reid' }, { type: 'typed', text: 'Harr' });
    expect(peopleSearchReducer(typedOver, { type: 'editedByHand' })).toBe(typedOver);
  });
});

describe('scheduling a search', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const recorder = () => {
    const events: PeopleSearchEvent[] = [];
    const calls: { query: string; signal: AbortSignal }[] = [];
    return { events, calls, dispatch: (e: PeopleSearchEvent) => events.push(e) };
  };

  it('asks only after the pause, and reports the answer', async () => {
    const r = recorder();
    scheduleSearch(
      'Ha',
      (query, signal) => {
        r.calls.push({ query, signal });
        return Promise.resolve([HANNAH]);
      },
      r.dispatch,
    );
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 1);
    expect(r.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.calls.map((c) => c.query)).toEqual(['Ha']);
    expect(r.events).toEqual([{ type: 'answered', query: 'Ha', people: [HANNAH] }]);
  });

  it('sends nothing when cancelled during the pause (the person kept typing)', async () => {
    const r = recorder();
    const cancel = scheduleSearch(
      'Ha',
      (query, signal) => {
        r.calls.push({ query, signal });
        return Promise.resolve([]);
      },
      r.dispatch,
    );
    await vi.advanceTimersByTimeAsync(100);
    cancel();
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS * 4);
    expect(r.calls).toEqual([]);
    expect(r.events).toEqual([]);
  });

  it('aborts a request already sent, and ignores how it ends', async () => {
    const r = recorder();
    let settle: (people: readonly DirectoryPerson[]) => void = () => undefined;
    const cancel = scheduleSearch(
      'Ha',
      (query, signal) => {
        r.calls.push({ query, signal });
        return new Promise((resolve) => {
          settle = resolve;
        });
      },
      r.dispatch,
    );
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(r.calls[0]?.signal.aborted).toBe(false);
    cancel();
    expect(r.calls[0]?.signal.aborted).toBe(true);
    settle([HARRY]);
    await vi.advanceTimersByTimeAsync(0);
    expect(r.events).toEqual([]);
  });

  it('reports a failure with its sentence', async () => {
    const r = recorder();
    scheduleSearch(
      'Ha',
      () => Promise.reject(new ApiError(503, 'graph_unavailable', 'Trellis is busy.', undefined)),
      r.dispatch,
    );
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(r.events).toEqual([{ type: 'failed', query: 'Ha', message: 'Trellis is busy.' }]);
  });
});

describe('GET /api/people through the API client', () => {
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': status < 300 ? 'application/json' : 'application/problem+json', ...headers },
    });

  it('sends the trimmed text encoded, with the token, and reads the people', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const api = createApiClient({
      token: () => Promise.resolve('t0k'),
      fetch: (input, init) => {
        seen.push({
          url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
          auth: new Headers(init?.headers).get('authorization'),
        });
        return Promise.resolve(reply(200, { people: [HANNAH] }));
      },
    });
    expect(await searchPeople(api, '  O’Neill & co ')).toEqual([HANNAH]);
    expect(seen).toEqual([{ url: '/api/people?search=O%E2%80%99Neill+%26+co', auth: 'Bearer t0k' }]);
  });

  it('turns 403 and 503 into the server’s sentence, and a cancelled search into code "aborted"', async () => {
    const forbidden = createApiClient({
      token: () => Promise.resolve(undefined),
      fetch: () =>
        Promise.resolve(reply(403, { status: 403, detail: 'Looking people up is for those who open cases.' })),
    });
    await expect(searchPeople(forbidden, 'Ha')).rejects.toMatchObject({
      status: 403,
      message: 'Looking people up is for those who open cases.',
    });
    const busy = createApiClient({
      token: () => Promise.resolve(undefined),
      fetch: () => Promise.resolve(reply(503, { status: 503 }, { 'retry-after': '2' })),
    });
    await expect(searchPeople(busy, 'Ha')).rejects.toMatchObject({
      status: 503,
      message: 'Trellis is busy. Wait a moment and try again; nothing was lost.',
    });

    const controller = new AbortController();
    const hanging = createApiClient({
      token: () => Promise.resolve(undefined),
      fetch: (_input, init) =>
        // As fetch does: rejects at once for a signal already aborted, else when it is.
        new Promise((_resolve, reject) => {
          const abort = (): void => {
            reject(new DOMException('aborted', 'AbortError'));
          };
          if (init?.signal?.aborted === true) abort();
          init?.signal?.addEventListener('abort', abort);
        }),
    });
    const pending = searchPeople(hanging, 'Ha', controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('the picker’s options', () => {
  const known = [
    { id: 'laura.bennett@stannes-primary.example', name: 'Laura Bennett' },
    { id: 'hannah.reid@bcu.example', name: 'Hannah Reid' },
  ];

  it('offers people already on cases first, filtered by name or sign-in name', () => {
    expect(matchingKnown(known, '')).toEqual(known);
    expect(matchingKnown(known, 'benn')).toEqual([known[0]]);
    expect(matchingKnown(known, 'BCU.EX')).toEqual([known[1]]);
    expect(matchingKnown(known, 'nobody')).toEqual([]);
    expect(matchingKnown(known, '', 1)).toHaveLength(1);
  });

  it('leaves out of the directory list anyone already offered from a case', () => {
    expect(directoryOnly([HANNAH, HARRY], known)).toEqual([HARRY]);
    expect(
      directoryOnly([person('Hannah Reid', 'hr@bcu.example', { email: 'HANNAH.REID@bcu.example' })], known),
    ).toEqual([]);
  });

  it('fills the email from the directory, or the sign-in name when the directory has no email', () => {
    expect(fromDirectory(person('Jo Bloggs', 'Jo.Bloggs@bcu.example', { email: 'jo@bcu.example' }))).toEqual({
      name: 'Jo Bloggs',
      email: 'jo@bcu.example',
      upn: 'jo.bloggs@bcu.example',
    });
    expect(fromDirectory(person('Jo Bloggs', 'jo.bloggs@bcu.example', { email: '' }))).toEqual({
      name: 'Jo Bloggs',
      email: 'jo.bloggs@bcu.example',
      upn: 'jo.bloggs@bcu.example',
    });
  });
});
