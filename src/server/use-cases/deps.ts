import type { Procedure } from '../../domain/procedure/schema.js';
import type { CaseRepository } from '../../domain/ports.js';
import type { Logger } from '../logger.js';

/** What every use case needs: the ports, the procedures and the clock. Built once by the composition root. */
export interface UseCaseDeps {
  readonly repository: CaseRepository;
  readonly procedures: readonly Procedure[];
  readonly clock: () => Date;
  readonly logger: Logger;
}
