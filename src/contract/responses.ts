import { z } from 'zod';
import { frameworkSchema } from '../domain/frameworks/framework.js';
import { procedureSchema } from '../domain/procedure/schema.js';
import { nextStep } from './cases.js';
import { instant, localDate, personId } from './common.js';

/**
 * Every answer of the REST API besides cases (cases.ts): what the tab's types are inferred
 * from and what the OpenAPI document describes.
 */

const text = z.string();
const count = z.number().int();

/** GET /api/health. */
export const health = z.strictObject({
  status: z.literal('ok'),
  mode: z.enum(['local', 'tenant']),
  /** Local mode only: where the Graph emulator is. */
  graph: z.strictObject({ baseUrl: text, siteId: text }).optional(),
});

/**
 * GET /api/ready: this instance can work now — Graph answers and every Trellis list exists on
 * the site. When it cannot, the answer is a 503 problem whose `checks` says which failed.
 */
export const readinessChecks = z.strictObject({
  graph: z.enum(['ok', 'failed']),
  lists: z.enum(['ok', 'failed', 'not_checked']),
});
export const ready = z.strictObject({ status: z.literal('ready'), checks: readinessChecks });

/** GET /api/client-config: what a browser needs to sign in. */
export const clientConfig = z.strictObject({
  mode: z.enum(['local', 'tenant']),
  msal: z.strictObject({ clientId: text, authority: text, scopes: z.array(text) }).optional(),
});

/** GET /api/me: who is signed in and what the tab should offer them (the server still checks). */
export const me = z.strictObject({
  upn: personId,
  name: text,
  /** App roles as the domain names them: `course_team`, `admin`. */
  roles: z.array(text),
  /** Programmes whose cases they see as course team: `all`, a list, or none. */
  programmes: z.union([z.literal('all'), z.array(text)]),
  can: z.strictObject({
    /** Open a case from the tab (the course team; named mentors and tutors raise concerns in Teams). */
    openCases: z.boolean(),
    seeReports: z.boolean(),
    /** Configure the course team's channel tab. */
    configureChannelTab: z.boolean(),
    /** Keep the placement roster (import, view, edit): the course team and admins. */
    keepRoster: z.boolean(),
  }),
  /** Today in England (the dev clock's in local mode), so "due this week" matches the server. */
  today: localDate,
  /**
   * A trainee on the current placement roster whom a procedure lets raise a concern about
   * themselves: those procedures, and the placement (from the roster) such a case is about.
   */
  ownConcern: z.strictObject({ procedureIds: z.array(text), programme: text, school: text }).optional(),
});

/** GET /api/me/todo: what the caller needs to do, soonest first, each naming its case and form. */
export const todo = z.strictObject({
  today: localDate,
  items: z.array(
    z.strictObject({
      caseId: text,
      reference: text,
      traineeName: text,
      procedureName: text,
      /** `you`: awaited from you; `course_team`: waiting on the course team of the case's programme. */
      awaitedFrom: z.enum(['you', 'course_team']),
      step: nextStep,
    }),
  ),
  /** References of cases that could not be read just now; the others are listed. */
  unreadable: z.array(text),
});

/** GET /api/procedures: one entry per procedure this server runs. */
export const procedureSummary = z.strictObject({
  id: text,
  /** The procedure's version: a number, or a label such as "2026-27". */
  version: z.union([count, text]),
  name: text,
  provider: z.strictObject({ id: text, name: text, shortName: text }),
  confidential: z.boolean(),
  frameworks: z.array(z.strictObject({ id: text, name: text })),
  stages: z.array(z.strictObject({ id: text, title: text, formality: text, openable: z.boolean() })),
});

/** GET /api/procedures/{id}: the definition in full, as the procedure schema describes it. */
export const procedure = procedureSchema;

/** GET /api/frameworks: the standards catalogues the procedures cite. */
export const frameworkSummary = z.strictObject({ id: text, name: text, configurable: z.boolean() });

/** GET /api/frameworks/{id}. */
export const framework = frameworkSchema;

/** GET /api/people: people in the directory, for the new-case wizard's pickers. */
export const people = z.strictObject({
  people: z.array(
    z.strictObject({
      /** Sign-in name, lower case: the id a case records for the person. */
      upn: personId,
      name: text,
      /** Their mail address (the sign-in name when they have none), lower case. */
      email: text,
      jobTitle: z.string().nullable(),
    }),
  ),
});

/** GET /api/reports (JSON): cohort figures over the cases the caller may see. */
export const report = z.strictObject({
  period: z.strictObject({ from: localDate.optional(), to: localDate.optional() }),
  today: localDate,
  /** `removed`: cases removed by the retention policy or erased, counted in `cases` and `closed` through their tombstones. */
  totals: z.strictObject({ cases: count, open: count, closed: count, removed: count }),
  openedByMonth: z.array(z.strictObject({ month: text, count })),
  closedByMonth: z.array(z.strictObject({ month: text, count })),
  openByStage: z.array(z.strictObject({ procedureId: text, stageId: text, title: text, count })),
  byReason: z.array(z.strictObject({ procedureId: text, reasonId: text, label: text, count })),
  byStandard: z.array(z.strictObject({ frameworkId: text, code: text, label: text, count })).optional(),
  byStandardNote: text.optional(),
  timeToResolution: z.strictObject({
    closedCases: count,
    medianDays: z.number().optional(),
    p90Days: z.number().optional(),
    meanDays: z.number().optional(),
  }),
  outcomes: z.array(
    z.strictObject({ procedureId: text, resolution: text, outcomeId: text.optional(), label: text, count }),
  ),
  overdueReviewsByTutor: z.array(z.strictObject({ personId, name: text, count, references: z.array(text) })),
});

/** GET /api/notifications?state=failed: what could not be delivered, on cases the caller's course team covers. */
export const failedNotifications = z.strictObject({
  items: z.array(
    z.strictObject({
      key: text,
      caseId: text,
      reference: text,
      kind: text,
      channel: text,
      recipient: text,
      attempts: count,
      lastError: text,
      updatedAt: instant.optional(),
      /** False for a row edited by hand into a shape Trellis cannot read: mend it in Lists first. */
      retryable: z.boolean(),
    }),
  ),
  /** The days shown (UTC), oldest and newest: a week of failures a page. */
  from: localDate,
  to: localDate,
  /** `?before=` for the week before; absent when nothing older can be listed. */
  earlier: localDate.optional(),
  /** Notifications (on your programmes' cases) waiting for their next automatic try; absent when it could not be counted. */
  retrying: count.optional(),
});

/** GET /api/cases/{caseId}/sent-notifications: what was sent on one case, to whom and when (newest first, paged). */
export const caseNotifications = z.strictObject({
  caseId: text,
  reference: text,
  items: z.array(
    z.strictObject({
      key: text,
      kind: text,
      channel: text,
      recipient: text,
      subject: text,
      /** `waiting`: planned, or failed for now and to be tried again; `failed`: given up, listed for a retry. */
      state: z.enum(['sent', 'waiting', 'sending', 'failed']),
      attempts: count,
      /** When it was sent; for other states when the row last changed. */
      at: instant.optional(),
      problem: text.optional(),
      withForm: z.boolean(),
    }),
  ),
  page: count,
  pages: count,
  /** Rows matching the search. */
  total: count,
  /** Of all the case's rows. */
  sent: count,
  failed: count,
  waiting: count,
});

/** POST /api/notifications/{key}/retry. */
export const notificationRetried = z.strictObject({ key: text, state: z.literal('pending') });

/** What one pass over the outbox did. */
export const sweepReport = z.strictObject({
  planned: count,
  sent: count,
  already: count,
  retryScheduled: count,
  failed: count,
  possiblySent: count,
  resent: count,
  badRows: count,
});

/** POST /api/jobs/review-sweep: what the review sweep did. */
export const reviewSweepResult = sweepReport.extend({
  today: localDate,
  /** Open cases with a review inside the lead time or overdue. */
  dueCases: count,
  /** Cases changed recently, re-planned. */
  recentCases: count,
  /** Notifications the re-plan found missing from the outbox. */
  recovered: count,
  /** Cases that could not be read (named, so someone can look): the rest still ran. */
  caseProblems: z.array(z.strictObject({ caseId: text, message: text })),
});

/**
 * POST /api/jobs/review-sweep (202) and GET /api/jobs/{jobId}: a review sweep run in the
 * background, its state and, once it has finished, what it did or why it failed.
 */
export const reviewSweepJob = z.strictObject({
  id: text,
  kind: z.literal('review-sweep'),
  state: z.enum(['running', 'succeeded', 'failed']),
  startedAt: instant,
  finishedAt: instant.optional(),
  result: reviewSweepResult.optional(),
  /** Why it failed, in words for the person who started it. */
  error: text.optional(),
  /** Where to ask how it is going (GET). */
  href: text,
});

/** GET /api/cases/{caseId}/access-log: who looked at the case, newest first (course team and admins). */
export const caseAccessLog = z.strictObject({
  caseId: text,
  reference: text,
  entries: z.array(
    z.strictObject({
      personId,
      /** The name the case knows them by, else the name they signed in with. */
      name: text,
      /** Their role on the case, when they are named on it. */
      role: text.optional(),
      /**
       * How they looked: the API or the tab (`api`), a form PDF, a Teams card, a subject access
       * export, or a list that showed the case (the case list, the to-do list, search results).
       */
      how: z.enum(['api', 'pdf', 'card', 'export', 'list']),
      at: instant,
    }),
  ),
});
