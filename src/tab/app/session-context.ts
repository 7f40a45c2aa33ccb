import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client';
import type { SignedInUser } from '../host/session';

export interface TabSession {
  readonly api: ApiClient;
  readonly user: SignedInUser;
  readonly mode: 'local' | 'tenant';
  /** Tell the host something worked (Teams shows nothing; a browser ignores it). */
  readonly inHost: boolean;
}

export const SessionContext = createContext<TabSession | undefined>(undefined);

export function useSession(): TabSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionContext');
  return session;
}
