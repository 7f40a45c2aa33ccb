import { z } from 'zod';
import type { CaseQuery, CaseSummary, StoredCase } from '../../domain/ports.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { formPdfName, renderFormPdf } from '../../notify/form-pdf.js';
import { feeLetterPdfName, hasLetter, renderFeeLetterPdf } from '../../notify/fee-letter-pdf.js';
import type { OutboxListing, OutboxPort } from '../../notify/ports.js';
import type { NotificationRecipient } from '../../notify/notification.js';
import { accessTo, isAdmin } from '../access.js';
import { recordRead, type AccessEntry } from '../access-log.js';
import type { Caller } from '../caller.js';
import type { UseCaseDeps } from '../deps.js';
import { InputError, NotAllowedError, UseCaseError } from '../errors.js';
import { caseAtPlanVersion } from '../cases/form-versions.js';
import { findProcedureIn, traineeRolesOf } from '../cases/procedures.js';
import { versionsOf } from '../cases/procedure-versions.js';
import { caseView, eventsFor, redactFor, type ViewAccess } from '../views/case-view.js';

/**
 * Subject access: everything Trellis holds about one person, as files for a zip. A trainee's
 * export holds each case about them (the record as JSON, each form as a PDF), the notifications
 * sent on those cases and who has looked at them; a member of staff's holds, for each case that
 * names them, what Trellis records about them there. The edge only packs the files.
 *
 * Who may ask: an administrator (every provider), the course team (the cases of the programmes
 * they cover: each provider answers for its own records), and a trainee for their own record,
 * in the trainee view, which leaves out review notes and panel deliberations.
 */

export interface ExportFile {
  readonly path: string;
  readonly content: string | Uint8Array;
}

export interface SubjectExport {
  /** The sign-in name the export is about (lower case). */
  readonly subject: string;
  readonly files: readonly ExportFile[];
  readonly cases: number;
}

/** What the export reads besides the cases: the outbox's rows of a case and the access log. */
export interface ExportSources {
  readonly notificationsOf: (caseId: string) => Promise<OutboxListing>;
  readonly accessOfCase: (caseId: string) => Promise<AccessEntry[]>;
  readonly accessBy: (personId: string) => Promise<AccessEntry[]>;
}

/** The sources as the deps provide them: no outbox (notifications off) or no access log reads as none. */
export function exportSourcesOf(deps: UseCaseDeps, outbox: OutboxPort | undefined): ExportSources {
  return {
    notificationsOf: (caseId) => outbox?.listForCase(caseId) ?? Promise.resolve({ records: [], problems: [] }),
    accessOfCase: (caseId) => deps.accessLog?.forCase(caseId) ?? Promise.resolve([]),
    accessBy: (personId) => deps.accessLog?.byPerson(personId) ?? Promise.resolve([]),
  };
}

const subjectSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(3)
  .max(320)
  .regex(/^[^\s@/\\]+@[^\s@/\\]+$/, 'is not a sign-in name (name@organisation)');

function subjectOf(raw: string): string {
  const parsed = subjectSchema.safeParse(raw);
  if (!parsed.success)
    throw new InputError([{ path: 'upn', message: parsed.error.issues[0]?.message ?? 'is not a sign-in name' }]);
  return parsed.data;
}

const NOTHING_YOU_MAY_SEE = 'Trellis holds no record about that person that you may export.';
const PAGE = 500;

async function casesNaming(deps: UseCaseDeps, personId: string): Promise<CaseSummary[]> {
  const out: CaseSummary[] = [];
  let cursor: string | undefined;
  do {
    const query: CaseQuery = { personId, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) };
    const page = await deps.repository.list(query);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

interface ExportedCase {
  readonly stored: StoredCase;
  readonly procedure: Procedure;
  readonly view: ViewAccess;
}

/** The cases naming `subject` (in a trainee role when `traineeOnly`) the caller may export, in the view they get. */
async function exportableCases(
  deps: UseCaseDeps,
  caller: Caller,
  subject: string,
  traineeOnly: boolean,
): Promise<ExportedCase[]> {
  const self = caller.actor.id.toLowerCase() === subject;
  const out: ExportedCase[] = [];
  let seenAsStaff = false;
  for (const summary of await casesNaming(deps, subject)) {
    const traineeRoles = traineeRolesOf(deps.procedures, summary.procedureId);
    const roles = summary.people.filter((p) => p.id.toLowerCase() === subject).map((p) => p.role);
    if (roles.length === 0 || (traineeOnly && !roles.some((r) => traineeRoles.has(r)))) continue;
    if (!findProcedureIn(deps.procedures, summary.procedureId)) continue;
    const stored = await deps.repository.find(summary.id);
    if (!stored) continue;
    // Each case as it is shown: under the version of its procedure it follows.
    const procedure = await versionsOf(deps).of(stored.state);
    const access = accessTo(
      caller,
      { programme: stored.state.placement.programme, people: stored.state.people },
      traineeRoles,
    );
    if (access === 'full') out.push({ stored, procedure, view: 'full' });
    // Your own record: a trainee's in the trainee view; a member of staff's holds only what is about them.
    else if (self) out.push({ stored, procedure, view: traineeOnly || access === 'none' ? 'trainee' : access });
    else if (access !== 'none') seenAsStaff = true;
  }
  if (out.length === 0 && !self) {
    // Someone who sees these cases but is not their course team: refused, not "nothing there".
    if (seenAsStaff)
      throw new NotAllowedError('A data export is made by the course team or an administrator, or by the trainee.');
    throw new UseCaseError('not_found', NOTHING_YOU_MAY_SEE, `No exportable case names ${subject}`);
  }
  return out;
}

function describeRecipient(recipient: NotificationRecipient): string {
  switch (recipient.kind) {
    case 'person':
      return `${recipient.name} <${recipient.email}>`;
    case 'course_mailbox':
      return `The course team's mailbox <${recipient.address}>`;
    case 'course_team_channel':
      return `The course team's Teams channel (${recipient.programme})`;
    case 'office':
      return `${recipient.label} <${recipient.address}>`;
  }
}

/**
 * The notifications of a case, as the export lists them; `to`: only those sent to this person,
 * matched by their identity on the row (the sign-in name the case knows them by), never by an
 * address: an address can change, and a shared mailbox or an office's address can be the same
 * as a person's, so matching addresses would both miss their rows and leak others'.
 */
async function notificationsFile(sources: ExportSources, stored: StoredCase, to?: string) {
  const listing = await sources.notificationsOf(stored.state.id);
  return listing.records
    .filter(
      (record) =>
        to === undefined ||
        (record.notification.recipient.kind === 'person' &&
          record.notification.recipient.personId.toLowerCase() === to),
    )
    .map((record) => ({
      recipient: describeRecipient(record.notification.recipient),
      channel: record.notification.channel,
      kind: record.notification.kind,
      subject: record.notification.subject,
      state: record.state,
      at: record.updatedAt ?? record.claimedAt ?? '',
    }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
/** A folder name from a reference: letters, digits, dot, dash, underscore. */
const folderOf = (reference: string, id: string): string =>
  `${reference.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80) || 'case'}-${id.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40)}`;

async function formPdfs(item: ExportedCase, folder: string): Promise<ExportFile[]> {
  const files: ExportFile[] = [];
  // The course team's letters confirming a fee is waived are forms of the case too.
  const current = redactFor(item.stored.state, item.view);
  for (const [i, waiver] of current.feeWaivers.entries()) {
    if (!hasLetter(waiver)) continue;
    files.push({
      path: `${folder}/${feeLetterPdfName(current.reference, i + 1)}`,
      content: await renderFeeLetterPdf(item.procedure, current, waiver),
    });
  }
  const latest = item.stored.state.plan?.version;
  if (latest === undefined) {
    files.push({
      path: `${folder}/${formPdfName(item.stored.state.reference)}`,
      content: await renderFormPdf(item.procedure, current),
    });
    return files;
  }
  for (let version = 1; version <= latest; version++) {
    const state = caseAtPlanVersion(item.stored, version);
    if (!state) continue;
    files.push({
      path: `${folder}/${formPdfName(state.reference, version)}`,
      content: await renderFormPdf(item.procedure, redactFor(state, item.view)),
    });
  }
  return files;
}

/** GET /api/trainees/{upn}/export: a trainee's record across every case the caller may export. */
export async function traineeExport(
  deps: UseCaseDeps,
  sources: ExportSources,
  caller: Caller,
  rawSubject: string,
): Promise<SubjectExport> {
  const subject = subjectOf(rawSubject);
  const cases = await exportableCases(deps, caller, subject, true);
  const files: ExportFile[] = [];
  const now = deps.clock();
  const index: unknown[] = [];
  for (const item of cases) {
    const { state } = item.stored;
    const folder = `cases/${folderOf(state.reference, state.id)}`;
    const [notifications, looked] = await Promise.all([
      notificationsFile(sources, item.stored),
      sources.accessOfCase(state.id),
    ]);
    files.push(
      {
        path: `${folder}/case.json`,
        content: json({
          case: caseView(item.stored, item.procedure, now, item.view),
          events: eventsFor(item.stored.events, item.view),
        }),
      },
      ...(await formPdfs(item, folder)),
      { path: `${folder}/notifications.json`, content: json(notifications) },
      {
        path: `${folder}/who-looked.json`,
        content: json(looked.map((e) => ({ name: e.personName, signInName: e.personId, how: e.how, at: e.at }))),
      },
    );
    index.push({
      folder,
      reference: state.reference,
      provider: item.procedure.provider.name,
      procedure: item.procedure.name,
      status: state.status,
      view: item.view,
    });
  }
  // The export is a read of each case: recorded once everything is gathered, so the who-looked
  // files are read without first writing these entries, which go with the next batch.
  for (const item of cases) recordRead(deps, caller, item.stored.state.id, 'export');
  const withheld = cases.some((c) => c.view === 'trainee');
  files.unshift(
    { path: 'README.txt', content: traineeReadme(subject, cases.length, withheld, isAdmin(caller), now) },
    { path: 'cases.json', content: json(index) },
  );
  return { subject, files, cases: cases.length };
}

/** GET /api/people/{upn}/export: what Trellis holds about a member of staff named on cases. */
export async function personExport(
  deps: UseCaseDeps,
  sources: ExportSources,
  caller: Caller,
  rawSubject: string,
): Promise<SubjectExport> {
  const subject = subjectOf(rawSubject);
  const cases = await exportableCases(deps, caller, subject, false);
  const now = deps.clock();
  const caseIds = new Set(cases.map((c) => c.stored.state.id));
  const records: unknown[] = [];
  for (const item of cases) {
    const { state, events } = item.stored;
    const mine = await notificationsFile(sources, item.stored, subject);
    records.push({
      caseId: state.id,
      reference: state.reference,
      provider: item.procedure.provider.name,
      procedure: item.procedure.name,
      namedAs: state.people
        .filter((p) => p.id.toLowerCase() === subject)
        .map((p) => ({ role: p.role, name: p.name, email: p.email })),
      signatures: (state.plan?.signatures ?? [])
        .filter((s) => s.personId.toLowerCase() === subject)
        .map((s) => ({ role: s.role, typedName: s.typedName, signedAt: s.at, planVersion: state.plan?.version })),
      stepsRecorded: events.filter((e) => e.actorId.toLowerCase() === subject).map((e) => ({ step: e.type, at: e.at })),
      notificationsToThem: mine,
    });
  }
  const reads = (await sources.accessBy(subject)).filter((e) => caseIds.has(e.caseId));
  for (const item of cases) recordRead(deps, caller, item.stored.state.id, 'export');
  return {
    subject,
    cases: cases.length,
    files: [
      { path: 'README.txt', content: personReadme(subject, cases.length, now) },
      { path: 'cases.json', content: json(records) },
      {
        path: 'cases-they-looked-at.json',
        content: json(reads.map((e) => ({ caseId: e.caseId, how: e.how, at: e.at }))),
      },
    ],
  };
}

const lines = (...parts: readonly string[]): string => `${parts.join('\n')}\n`;

function traineeReadme(subject: string, count: number, withheld: boolean, admin: boolean, now: Date): string {
  return lines(
    `What Trellis holds about ${subject}`,
    `Made on ${now.toISOString().slice(0, 10)}.`,
    '',
    count === 0
      ? 'Trellis holds no support case about you.'
      : `This export holds ${String(count)} support case${count === 1 ? '' : 's'} about you. For each one, in its folder under cases/:`,
    '',
    '  case.json            The case as Trellis records it: the people on it, the placement, the plan with its',
    '                       concerns, targets and actions, the reviews, the signatures, the meetings, and every',
    '                       step taken on the case (the "events"), with who took it and when.',
    '  <reference>-form-vN.pdf  Each version of the form (the plan), as the provider prints it.',
    "  <reference>-fee-letter.pdf  Where a fee was waived: the course team's letter confirming it, as sent.",
    '  notifications.json   Every message Trellis sent about the case: to whom, how (email, Teams card,',
    '                       calendar), what kind, its subject and when.',
    '  who-looked.json      Everyone who opened the case in Trellis or Teams, downloaded its form or exported it,',
    '                       and when.',
    '',
    'cases.json lists the cases with the provider and procedure each belongs to.',
    '',
    ...(withheld
      ? [
          'Some content is withheld: notes written in reviews and meetings, what a panel discussed and who sat on',
          'it, and the evidence written for a second case (such as what a medical certificate says) are left out of',
          'your copy. The law allows a provider to withhold its staff’s deliberations and opinions about you while a',
          'decision is being made, and Trellis does not show these to trainees anywhere.',
          'Everything else about you is here. If you think something is missing, ask your course team.',
          '',
        ]
      : []),
    admin
      ? 'Made by a Trellis administrator: it holds the cases of every provider.'
      : 'Each provider answers for its own records: this export holds the cases of the programmes it was made for.',
  );
}

function personReadme(subject: string, count: number, now: Date): string {
  return lines(
    `What Trellis holds about ${subject}`,
    `Made on ${now.toISOString().slice(0, 10)}.`,
    '',
    `Trellis names this person on ${String(count)} support case${count === 1 ? '' : 's'} about trainees.`,
    '',
    '  cases.json                   For each case: the role and the name and address it gives them, the',
    '                               signatures they gave, the steps they recorded (what and when), and the',
    '                               messages Trellis sent them (how, what kind, subject, when).',
    '  cases-they-looked-at.json    When they opened, downloaded or exported each of those cases.',
    '',
    'The cases themselves are about trainees and are not part of this export: what this person wrote on a case',
    'is in the case record, which the course team can show them.',
  );
}
