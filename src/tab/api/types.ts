/**
 * The shapes the REST API returns, as the tab reads them (GET /api/openapi.json describes
 * them in full). Only the fields the tab uses are listed; the server may send more.
 */
export type LocalDate = string;

export const CASE_STATUSES = ['planning', 'awaiting_signatures', 'active', 'awaiting_decision', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface CaseSummary {
  readonly id: string;
  readonly reference: string;
  readonly procedureId: string;
  readonly stageId: string;
  readonly status: CaseStatus;
  readonly paused: boolean;
  readonly programme: string;
  readonly school: string;
  readonly traineeId: string;
  readonly traineeName: string;
  readonly people: readonly { readonly role: string; readonly id: string; readonly name: string }[];
  readonly reasons: readonly string[];
  readonly openedOn: LocalDate;
  readonly nextReviewDate?: LocalDate | undefined;
  readonly awaitingSignatures: boolean;
  readonly closedOn?: LocalDate | undefined;
  readonly version: number;
  readonly updatedAt: string;
}

export interface CaseListPage {
  readonly items: readonly CaseSummary[];
  readonly nextCursor?: string | undefined;
  readonly total: number;
  /** The server's "today" (Europe/London, dev clock in local mode), when it sends it. */
  readonly today?: LocalDate;
}

export interface ProcedureSummary {
  readonly id: string;
  readonly name: string;
  readonly provider: { readonly id: string; readonly name: string; readonly shortName?: string };
  readonly stages: readonly { readonly id: string; readonly title: string; readonly formality: string }[];
}

export interface FrameworkLink {
  readonly frameworkId: string;
  readonly code: string;
}

export interface Target {
  readonly id: string;
  readonly text: string;
  readonly links: readonly FrameworkLink[];
  readonly actions: readonly { readonly party: string; readonly text: string }[];
  readonly successCriteria?: string;
  readonly timescale?: string;
  readonly supportRequired?: string;
  readonly monitoring?: string;
  readonly observationFocus: boolean;
}

export interface Signature {
  readonly role: string;
  readonly personId: string;
  readonly typedName: string;
  readonly signedOn: LocalDate;
  readonly at: string;
}

export interface Plan {
  readonly version: number;
  readonly stageId: string;
  readonly reviewAt: string;
  readonly content: {
    readonly concernStatement?: string;
    readonly concerns: readonly { readonly text: string; readonly links: readonly FrameworkLink[] }[];
    readonly targets: readonly Target[];
    readonly trainingNeeds?: string;
    readonly supportMeasures: readonly string[];
    readonly reviewDate?: LocalDate;
    readonly meeting: {
      readonly heldOn?: LocalDate;
      readonly mode?: 'online' | 'in_person';
      readonly attendees: readonly string[];
    };
  };
  readonly perceptions?: { readonly text: string; readonly recordedBy: string; readonly recordedOn: LocalDate };
  readonly signatures: readonly Signature[];
  readonly agreedOn?: LocalDate;
  readonly extensions: readonly { readonly from: LocalDate; readonly to: LocalDate; readonly reason: string }[];
  /** Working days a health pause stopped the clock: the cap moves on by as many. */
  readonly pausedWorkingDays?: number;
  /** Whose form rules the plan follows: its stage's, or a "revise" outcome's own. */
  readonly rulesFrom?: {
    readonly stageId: string;
    readonly outcome?: { readonly stageId: string; readonly outcomeId: string; readonly panelId?: string } | undefined;
  };
}

export interface PanelView {
  readonly panelId: string;
  readonly title: string;
  readonly stageId: string;
  readonly convenedOn: LocalDate;
  readonly members: readonly { readonly id: string; readonly name: string; readonly role?: string }[];
  readonly evidence: readonly string[];
  readonly chair?: string;
  readonly meetings: readonly {
    readonly heldOn: LocalDate;
    readonly attendees: readonly string[];
    readonly decisionId?: string;
    readonly rationale?: string;
  }[];
  readonly decisionId?: string;
  readonly decisionLabel?: string;
}

export interface AvailablePanel {
  readonly id: string;
  readonly title: string;
  readonly maxMembers?: number;
  readonly quorum?: number;
  readonly decisions: readonly OutcomeView[];
}

export const PROGRESS_RATINGS = ['met', 'partly_met', 'not_met'] as const;
export type ProgressRating = (typeof PROGRESS_RATINGS)[number];

export interface Review {
  readonly id: string;
  readonly stageId: string;
  readonly planVersion?: number;
  readonly reviewedOn: LocalDate;
  readonly progress: readonly {
    readonly targetId: string;
    readonly rating: ProgressRating;
    readonly comment?: string;
  }[];
  readonly evidence?: string;
  readonly notes?: string;
  readonly attendees: readonly string[];
  readonly outcomeId: string;
  readonly outcomeLabel: string;
  readonly nextSteps?: string;
  readonly recordedBy: string;
}

export interface OutcomeView {
  readonly id: string;
  readonly label: string;
  readonly explanation?: string;
  readonly effect: { readonly type: string; readonly description: string };
  readonly condition?: unknown;
  readonly traineeNotice?: string;
}

export interface RoleRef {
  readonly id: string;
  readonly label: string;
}

export interface CaseView {
  readonly view: 'full' | 'trainee';
  readonly id: string;
  readonly reference: string;
  readonly version: number;
  readonly procedure: { readonly id: string; readonly name: string; readonly provider: { readonly name: string } };
  readonly status: CaseStatus;
  readonly paused?: { readonly reason: string; readonly from: LocalDate } | undefined;
  /** `startsOn`: when the stage began, or the start the course team scheduled; its milestones count from it. */
  readonly stage: {
    readonly id: string;
    readonly title: string;
    readonly formality?: string;
    readonly description?: string;
    readonly startsOn?: LocalDate;
  };
  readonly people: readonly {
    readonly role: string;
    readonly id: string;
    readonly name: string;
    readonly roleLabel: string;
  }[];
  readonly placement: {
    readonly school: string;
    readonly subject?: string;
    readonly phase?: string;
    readonly programme: string;
    readonly startsOn?: LocalDate;
    readonly endsOn?: LocalDate;
  };
  readonly reasons: readonly RoleRef[];
  readonly openedOn: LocalDate;
  readonly stageHistory: readonly {
    readonly stageId: string;
    readonly enteredOn: LocalDate;
    readonly via: string;
    readonly title: string;
  }[];
  readonly plan?: Plan;
  readonly previousPlans: readonly Plan[];
  readonly reviews: readonly Review[];
  readonly closure?: {
    readonly on: LocalDate;
    readonly resolution: string;
    readonly outcomeId?: string;
    readonly reason?: string;
  };
  readonly panels?: readonly PanelView[];
  /** Enhanced Support step 5: when, by whom (sign-in name; `byName` unless stored before it was kept) and why the placement was suspended. */
  readonly placementSuspended?:
    { readonly on: LocalDate; readonly by: string; readonly byName?: string; readonly reason?: string } | undefined;
  readonly updatedAt: string;
  readonly derived: {
    readonly today: LocalDate;
    readonly nextReviewDate?: LocalDate;
    readonly reviewOverdue: boolean;
    readonly reviewWindow?: { readonly earliest?: LocalDate; readonly latest?: LocalDate };
    readonly outstandingSignatories: readonly {
      readonly roles: readonly RoleRef[];
      readonly people: readonly { readonly id: string; readonly name: string; readonly role: string }[];
    }[];
    readonly outcomes: readonly OutcomeView[];
    readonly reviewers?: readonly RoleRef[];
    readonly escalateTo?: readonly { readonly id: string; readonly title: string }[];
    readonly panels?: readonly AvailablePanel[];
    readonly tasks?: readonly { readonly id: string; readonly label: string; readonly done: boolean }[];
  };
}

export interface CaseEvent {
  readonly seq: number;
  readonly at: string;
  readonly on: LocalDate;
  readonly actorId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

export interface CaseEventsPage {
  readonly caseId: string;
  readonly version: number;
  readonly events: readonly CaseEvent[];
}

export interface FrameworkDetail {
  readonly id: string;
  readonly name: string;
  readonly groups: readonly {
    readonly code: string;
    readonly title: string;
    readonly items: readonly { readonly code: string; readonly text: string }[];
  }[];
}

/** What the server tells a browser about signing in (GET /api/client-config). */
export interface ClientConfig {
  readonly mode: 'local' | 'tenant';
  readonly msal?: { readonly clientId: string; readonly authority: string; readonly scopes: readonly string[] };
}

/** GET /api/me: who is signed in and what the tab should offer them (the server still checks). */
export interface Me {
  readonly upn: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly programmes: 'all' | readonly string[];
  readonly can: { readonly openCases: boolean; readonly seeReports: boolean; readonly configureChannelTab: boolean };
  readonly today: LocalDate;
}

/** GET /api/reports (see src/server/views/reports.ts for how each figure is counted). */
export interface Report {
  readonly period: { readonly from?: LocalDate; readonly to?: LocalDate };
  readonly today: LocalDate;
  readonly totals: { readonly cases: number; readonly open: number; readonly closed: number };
  readonly openedByMonth: readonly { readonly month: string; readonly count: number }[];
  readonly closedByMonth: readonly { readonly month: string; readonly count: number }[];
  readonly openByStage: readonly {
    readonly procedureId: string;
    readonly stageId: string;
    readonly title: string;
    readonly count: number;
  }[];
  readonly byReason: readonly {
    readonly procedureId: string;
    readonly reasonId: string;
    readonly label: string;
    readonly count: number;
  }[];
  readonly byStandard?: readonly {
    readonly frameworkId: string;
    readonly code: string;
    readonly label: string;
    readonly count: number;
  }[];
  readonly byStandardNote?: string;
  readonly timeToResolution: {
    readonly closedCases: number;
    readonly medianDays?: number;
    readonly p90Days?: number;
    readonly meanDays?: number;
  };
  readonly outcomes: readonly {
    readonly procedureId: string;
    readonly resolution: string;
    readonly outcomeId?: string;
    readonly label: string;
    readonly count: number;
  }[];
  readonly overdueReviewsByTutor: readonly {
    readonly personId: string;
    readonly name: string;
    readonly count: number;
    readonly references: readonly string[];
  }[];
}
