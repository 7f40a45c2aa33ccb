import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client';
import type { Me } from '../api/types';
import type { SignedInUser } from '../host/session';

export interface TabSession {
  readonly api: ApiClient;
  readonly user: SignedInUser;
  readonly mode: 'local' | 'tenant';
  /** Tell the host something worked (Teams shows nothing; a browser ignores it). */
  readonly inHost: boolean;
  /** GET /api/me once it has answered: what to offer this person (the server still checks every action). */
  readonly me?: Me | undefined;
  /** GET /api/me has answered or failed: role-dependent actions can be laid out without popping in later. */
  readonly meSettled?: boolean;
}

export const SessionContext = createContext<TabSession | undefined>(undefined);

export function useSession(): TabSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionContext');
  return session;
}
