import { PEOPLE_SEARCH_MAX_CHARS, PEOPLE_SEARCH_MIN_CHARS, type DirectoryPerson } from '../../api/people-api';

/**
 * A person picker's search, as plain data: what was typed, whether the directory is being
 * asked, what it answered and the sentence to announce. The component debounces and cancels
 * requests; this reducer makes sure an answer for text the person has since changed is dropped,
 * whatever order the answers arrive in.
 */
export const SEARCH_DEBOUNCE_MS = 250;

/** Someone already named on a case the caller can see (their id is their sign-in name). */
export interface KnownPerson {
  readonly id: string;
  readonly name: string;
}

/**
 * `chosen`: the box shows the name of the person chosen from it; `cleared`: the row's name or
 * email was then edited by hand, so the box was emptied rather than name someone the row no
 * longer holds.
 */
export type SearchStatus = 'idle' | 'searching' | 'done' | 'failed' | 'chosen' | 'cleared';

export interface PeopleSearchState {
  /** The text as typed. */
  readonly text: string;
  readonly status: SearchStatus;
  /** The directory's answer for `answeredFor` (kept while a newer search runs, so the list does not flicker). */
  readonly people: readonly DirectoryPerson[];
  readonly answeredFor: string | undefined;
  readonly message: string | undefined;
}

export type PeopleSearchEvent =
  | { readonly type: 'typed'; readonly text: string }
  | { readonly type: 'answered'; readonly query: string; readonly people: readonly DirectoryPerson[] }
  | { readonly type: 'failed'; readonly query: string; readonly message: string }
  | { readonly type: 'chosen'; readonly text: string }
  | { readonly type: 'editedByHand' };

export const initialSearch: PeopleSearchState = {
  text: '',
  status: 'idle',
  people: [],
  answeredFor: undefined,
  message: undefined,
};

/** The text to send to the directory, or undefined when it is too short or too long to search. */
export function searchQueryOf(text: string): string | undefined {
  const query = text.trim();
  return query.length >= PEOPLE_SEARCH_MIN_CHARS && query.length <= PEOPLE_SEARCH_MAX_CHARS ? query : undefined;
}

export function peopleSearchReducer(state: PeopleSearchState, event: PeopleSearchEvent): PeopleSearchState {
  switch (event.type) {
    case 'typed': {
      const query = searchQueryOf(event.text);
      if (query === undefined)
        return { text: event.text, status: 'idle', people: [], answeredFor: undefined, message: undefined };
      // Only the spacing changed: the answer already shown still holds.
      if (query === state.answeredFor && state.status === 'done') return { ...state, text: event.text };
      return { ...state, text: event.text, status: 'searching', message: undefined };
    }
    case 'answered':
      // An answer for text that has since changed is stale, and so is one that arrives after a
      // choice (nothing is being asked any more): drop it.
      if (state.status !== 'searching' || event.query !== searchQueryOf(state.text)) return state;
      return { ...state, status: 'done', people: event.people, answeredFor: event.query, message: undefined };
    case 'failed':
      if (state.status !== 'searching' || event.query !== searchQueryOf(state.text)) return state;
      return { ...state, status: 'failed', people: [], answeredFor: undefined, message: event.message };
    case 'chosen':
      // The box now shows the chosen person's name: nothing to search for.
      return { text: event.text, status: 'chosen', people: [], answeredFor: undefined, message: undefined };
    case 'editedByHand':
      // The sign-in name was dropped with the edit, so a chosen name in the box would disagree
      // with the fields below it. Text the person typed to search is theirs: it stays.
      if (state.status !== 'chosen') return state;
      return { ...initialSearch, status: 'cleared' };
  }
}

/** The query the component should send after the pause, or undefined when there is nothing to ask. */
export function pendingQuery(state: PeopleSearchState): string | undefined {
  return state.status === 'searching' ? searchQueryOf(state.text) : undefined;
}

/** What the picker announces about the search (polite live region); undefined when there is nothing to say. */
export function searchSentence(state: PeopleSearchState): string | undefined {
  const query = state.text.trim();
  switch (state.status) {
    case 'idle':
      if (query.length === 0) return undefined;
      if (query.length > PEOPLE_SEARCH_MAX_CHARS)
        return `The directory is searched with up to ${PEOPLE_SEARCH_MAX_CHARS} characters; shorten the text, or type the name and email below.`;
      if (query.length < PEOPLE_SEARCH_MIN_CHARS)
        return `Type at least ${PEOPLE_SEARCH_MIN_CHARS} letters to search the directory.`;
      return undefined;
    case 'searching':
      return 'Searching…';
    case 'done':
      return state.people.length === 0
        ? `No one in the directory matches “${query}”. If they have no account, type their name and email below.`
        : `${state.people.length} ${state.people.length === 1 ? 'person in the directory matches' : 'people in the directory match'} “${query}”.`;
    case 'failed':
      return `The directory could not be searched: ${state.message ?? 'try again.'} You can type the name and email below.`;
    case 'chosen':
      return undefined;
    case 'cleared':
      return 'The name or email was changed by hand, so the choice here was cleared. Search again to choose someone.';
  }
}

/** People already on cases whose name or sign-in name contains the text (all of them for no text), at most `limit`. */
export function matchingKnown(known: readonly KnownPerson[], text: string, limit = 8): KnownPerson[] {
  const needle = text.trim().toLowerCase();
  return known
    .filter((p) => needle === '' || p.name.toLowerCase().includes(needle) || p.id.toLowerCase().includes(needle))
    .slice(0, limit);
}

/** The directory's answer without anyone already offered as known (the same sign-in name or email). */
export function directoryOnly(people: readonly DirectoryPerson[], known: readonly KnownPerson[]): DirectoryPerson[] {
  const ids = new Set(known.map((k) => k.id.toLowerCase()));
  return people.filter((p) => !ids.has(p.upn.toLowerCase()) && !ids.has(p.email.toLowerCase()));
}

/** What choosing a directory person puts in the row: their name, their email (their sign-in name when the directory has none) and their sign-in name. */
export function fromDirectory(person: DirectoryPerson): {
  readonly name: string;
  readonly email: string;
  readonly upn: string;
} {
  const email = person.email.trim() === '' ? person.upn : person.email;
  return { name: person.name, email: email.toLowerCase(), upn: person.upn.toLowerCase() };
}

/**
 * Asks `search` for `query` after SEARCH_DEBOUNCE_MS and reports the answer (or the failure's
 * sentence) through `dispatch`. The returned function cancels: before the pause ends nothing is
 * sent; after, the request is aborted and whatever it settles with is ignored.
 */
export function scheduleSearch(
  query: string,
  search: (query: string, signal: AbortSignal) => Promise<readonly DirectoryPerson[]>,
  dispatch: (event: PeopleSearchEvent) => void,
  delayMs: number = SEARCH_DEBOUNCE_MS,
): () => void {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    search(query, controller.signal).then(
      (people) => {
        if (!controller.signal.aborted) dispatch({ type: 'answered', query, people });
      },
      (error: unknown) => {
        if (!controller.signal.aborted)
          dispatch({
            type: 'failed',
            query,
            message: error instanceof Error ? error.message : 'Try again in a moment.',
          });
      },
    );
  }, delayMs);
  return () => {
    clearTimeout(timer);
    controller.abort();
  };
}
