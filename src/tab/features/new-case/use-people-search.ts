import { useEffect, useReducer } from 'react';
import type { ApiClient } from '../../api/client';
import { searchPeople } from '../../api/people-api';
import {
  initialSearch,
  peopleSearchReducer,
  pendingQuery,
  scheduleSearch,
  type PeopleSearchState,
} from './people-search-model';

/**
 * The directory search behind a person picker: asks GET /api/people once the typing pauses,
 * from two characters, and cancels the request when the text changes again or the picker goes
 * away (scheduleSearch). The reducer drops any answer for text that has since changed.
 * `holdsChoice` says whether the row still holds the person chosen here: when a hand edit of
 * the name or email drops it, the chosen name is cleared from the box.
 */
export function usePeopleSearch(
  api: ApiClient,
  holdsChoice: boolean,
): {
  readonly state: PeopleSearchState;
  readonly type: (text: string) => void;
  readonly choose: (text: string) => void;
} {
  const [state, dispatch] = useReducer(peopleSearchReducer, initialSearch);
  const query = pendingQuery(state);

  useEffect(() => {
    if (query === undefined) return;
    return scheduleSearch(query, (text, signal) => searchPeople(api, text, signal), dispatch);
  }, [api, query]);

  useEffect(() => {
    if (!holdsChoice) dispatch({ type: 'editedByHand' });
  }, [holdsChoice]);

  return {
    state,
    type: (text) => {
      dispatch({ type: 'typed', text });
    },
    choose: (text) => {
      dispatch({ type: 'chosen', text });
    },
  };
}
