import type { ApiClient } from './client';

/**
 * GET /api/people?search=: people in the organisation's directory whose name or email matches,
 * for the new-case wizard's people pickers. The server trims the text and wants 2 to 100
 * characters (else 400), answers at most 10 people sorted by name, 403 to callers who may not
 * open cases, and 503 with Retry-After while Graph is busy.
 */
export interface DirectoryPerson {
  /** Their sign-in name: what a case records as the person's id. */
  readonly upn: string;
  readonly name: string;
  readonly email: string;
  readonly jobTitle: string | null;
}

export interface PeopleSearchResult {
  readonly people: readonly DirectoryPerson[];
}

export const PEOPLE_SEARCH_MIN_CHARS = 2;
export const PEOPLE_SEARCH_MAX_CHARS = 100;

/** `text` is sent trimmed; `signal` cancels a search that newer typing has made stale. */
export const searchPeople = async (
  api: ApiClient,
  text: string,
  signal?: AbortSignal,
): Promise<readonly DirectoryPerson[]> => {
  const query = new URLSearchParams({ search: text.trim() });
  const result = await api.get<PeopleSearchResult>(
    `/api/people?${query.toString()}`,
    signal === undefined ? undefined : { signal },
  );
  return result.people;
};
