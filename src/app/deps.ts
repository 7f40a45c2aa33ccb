import type { Procedure } from '../domain/procedure/schema.js';
import type { CaseRepository } from '../domain/ports.js';
import type { Logger } from './logger.js';
import type { PlacementRoster } from './placements/roster.js';
import type { CaseRecords } from './ports.js';
import type { CommandNotifier } from './notifications/after-command.js';
import type { AccessRecorder } from './access-log.js';
import type { ProcedureVersions } from './cases/procedure-versions.js';

/** What every use case needs: the ports, the procedures and the clock. Built once by the composition root. */
export interface UseCaseDeps {
  readonly repository: CaseRepository;
  /** Who mentors and tutors whom: who may open a case, and who is on a case staff open. */
  readonly placements: PlacementRoster;
  /** The procedures that run: new cases open under these versions. */
  readonly procedures: readonly Procedure[];
  /** The versions cases follow, kept in the store (cases/procedure-versions.ts); absent: every case follows the running version. */
  readonly procedureVersions?: ProcedureVersions;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** Plans and delivers what a stored command owes, in the background (notify-after-command.ts); absent: nothing is sent. */
  readonly notify?: CommandNotifier;
  /** Who looked: reads of a case are recorded here (access-log.ts); absent: not recorded. */
  readonly accessLog?: AccessRecorder;
  /** Tombstones of removed cases, which the reports count; absent: reports count only the cases there are. */
  readonly records?: CaseRecords;
}
