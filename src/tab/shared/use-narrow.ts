import { useEffect, useState } from 'react';

/**
 * Whether the tab is narrow: the Teams mobile app, Outlook's side panel, a phone (320–600 px).
 * Layouts that cannot reflow (the dashboard's table, the header's links) switch on it.
 */
export const NARROW_QUERY = '(max-width: 600px)';

export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => window.matchMedia(NARROW_QUERY).matches);
  useEffect(() => {
    const query = window.matchMedia(NARROW_QUERY);
    const update = (): void => {
      setNarrow(query.matches);
    };
    update();
    query.addEventListener('change', update);
    return () => {
      query.removeEventListener('change', update);
    };
  }, []);
  return narrow;
}
