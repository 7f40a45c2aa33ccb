import type { MessagingExtensionAttachment, MessagingExtensionResponse } from '@microsoft/teams.api';
import { versionsOf } from '../app/cases/procedure-versions.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { escapeHtml } from '../text/html.js';
import type { CaseSummary } from '../domain/ports.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { cardText, plainCardText, type AdaptiveCardJson } from '../cards/index.js';
import { accessTo } from '../app/access.js';
import type { Caller } from '../app/caller.js';
import type { UseCaseDeps } from '../app/deps.js';
import { failureOf, InputError, StaleCaseError } from '../app/errors.js';
import { listCases } from '../app/cases/list-cases.js';
import { recordReads } from '../app/access-log.js';
import { openCase } from '../app/cases/open-case.js';
import { traineeRolesOf } from '../app/cases/procedures.js';
import { runCaseCommand } from '../app/cases/run-case-command.js';
import { summaryCardFor, type CaseCardContext } from './case-cards.js';
import { TEAMS_ANSWER } from './errors.js';

/**
 * The message extension (manifest composeExtensions): "Search cases" finds cases the caller
 * may see, by trainee name or reference; "Raise a concern" opens a dialog from a message,
 * prefilled from it, and opens a draft case through the same use case as the tab.
 */

export const SEARCH_COMMAND_ID = 'searchCases';
export const RAISE_CONCERN_COMMAND_ID = 'raiseConcern';
/** Search results with their full case card: each needs the case read, so keep the page small. */
const SEARCH_RESULTS = 10;

export interface MessageExtensionDeps extends CaseCardContext {
  readonly useCases: UseCaseDeps;
}

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const THUMBNAIL = 'application/vnd.microsoft.card.thumbnail';

/** The Teams SDK's answer to a search: a list of case cards, or a message. */
export type ComposeResponse = MessagingExtensionResponse;

export type TaskResponse =
  | {
      readonly task: {
        readonly type: 'continue';
        readonly value: {
          readonly title: string;
          readonly height: 'large' | 'medium';
          readonly width: 'medium' | 'large';
          readonly card: { readonly contentType: typeof ADAPTIVE; readonly content: AdaptiveCardJson };
        };
      };
    }
  | { readonly task: { readonly type: 'message'; readonly value: string } };

/** The dialog's "Your role" choice for the course team, who need not be named on the case (a choice value cannot be empty). */
const NOT_ON_CASE = '(course team)';

const message = (text: string): ComposeResponse => ({ composeExtension: { type: 'message', text } });
const taskMessage = (text: string): TaskResponse => ({ task: { type: 'message', value: text } });

const queryValueSchema = z
  .object({
    commandId: z.string().max(100).optional(),
    parameters: z
      .array(z.object({ name: z.string().max(100), value: z.unknown() }).loose())
      .max(10)
      .optional(),
  })
  .loose();

/** composeExtension/query: cases the caller may see whose trainee or reference matches. */
export async function searchCases(
  deps: MessageExtensionDeps,
  caller: Caller | undefined,
  value: unknown,
): Promise<ComposeResponse> {
  const parsed = queryValueSchema.safeParse(value);
  if (!parsed.success || (parsed.data.commandId !== undefined && parsed.data.commandId !== SEARCH_COMMAND_ID)) {
    return message('Trellis could not read this search. Type part of a trainee’s name or a case reference.');
  }
  if (!caller) return message('Trellis does not know who you are in Teams yet, so it has no cases to show you.');
  const params = parsed.data.parameters ?? [];
  const initialRun = params.some((p) => p.name === 'initialRun');
  const raw = params.find((p) => p.name !== 'initialRun')?.value;
  const text = typeof raw === 'string' ? raw.trim().slice(0, 200) : '';
  const page = await listCases(deps.useCases, caller, {
    ...(text === '' ? {} : { search: text }),
    ...(initialRun || text === '' ? { mine: 'true', status: 'open' } : {}),
    limit: String(SEARCH_RESULTS),
  });
  const attachments = await Promise.all(page.items.map((summary) => resultFor(deps, summary)));
  // Each result carries the case's summary card: a read of each case shown.
  recordReads(
    deps.useCases,
    caller,
    page.items.filter((_, i) => attachments[i] !== undefined).map((summary) => summary.id),
    'list',
  );
  return {
    composeExtension: {
      type: 'result',
      attachmentLayout: 'list',
      attachments: attachments.filter((a) => a !== undefined),
    },
  };
}

async function resultFor(
  deps: MessageExtensionDeps,
  summary: CaseSummary,
): Promise<MessagingExtensionAttachment | undefined> {
  const stored = await deps.useCases.repository.find(summary.id);
  const procedure = stored
    ? await versionsOf(deps.useCases)
        .of(stored.state)
        .catch(() => undefined)
    : undefined;
  if (!stored || !procedure) return undefined;
  return {
    contentType: ADAPTIVE,
    content: await summaryCardFor(deps, stored, procedure),
    preview: {
      contentType: THUMBNAIL,
      // Thumbnail cards render text as plain text with limited HTML: names are made plain and HTML-escaped.
      content: {
        title: htmlText(`${summary.traineeName} · ${summary.reference}`),
        text: htmlText(`${summary.school} · ${procedure.provider.shortName}`),
      },
    },
  };
}

function htmlText(text: string): string {
  return escapeHtml(plainCardText(text).slice(0, 300));
}

// ---- Raise a concern --------------------------------------------------------------------

const fetchValueSchema = z
  .object({
    commandId: z.string().max(100).optional(),
    messagePayload: z
      .object({
        id: z.string().max(200).optional(),
        body: z
          .object({ content: z.string().max(100_000).optional(), contentType: z.string().max(40).optional() })
          .loose()
          .optional(),
        from: z
          .object({
            user: z
              .object({
                id: z.string().max(200).optional(),
                displayName: z.string().max(300).optional(),
                aadObjectId: z.string().max(100).optional(),
              })
              .loose()
              .optional(),
          })
          .loose()
          .nullish(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** The message's author, resolved to a sign-in name where Trellis knows them. */
export type AuthorLookup = (author: {
  readonly id: string | undefined;
  readonly aadObjectId: string | undefined;
  readonly name: string | undefined;
}) => Promise<string | undefined>;

export interface ConcernDraft {
  readonly procedureId: string;
  readonly reference: string;
  readonly traineeName: string;
  readonly traineeEmail: string;
  readonly programme: string;
  readonly school: string;
  readonly concern: string;
  readonly messageId: string;
}

/** Message HTML to plain text: tags dropped, entities for the common characters decoded. */
export function messageText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .slice(0, 4000);
}

/** composeExtension/fetchTask for "Raise a concern": the dialog, prefilled. */
export async function openConcernDialog(
  deps: MessageExtensionDeps,
  caller: Caller | undefined,
  value: unknown,
  authorUpn: AuthorLookup,
): Promise<TaskResponse> {
  const parsed = fetchValueSchema.safeParse(value);
  if (!parsed.success || (parsed.data.commandId !== undefined && parsed.data.commandId !== RAISE_CONCERN_COMMAND_ID)) {
    return taskMessage('Trellis could not read this message. Open Trellis and raise the concern there.');
  }
  if (!caller)
    return taskMessage('Trellis does not know who you are in Teams yet, so it cannot raise a concern for you.');
  const payload = parsed.data.messagePayload;
  const concern = messageText(payload?.body?.content ?? '');
  const author = payload?.from?.user;
  const draft: ConcernDraft = {
    procedureId: deps.useCases.procedures[0]?.id ?? '',
    reference: '',
    traineeName: '',
    traineeEmail: '',
    programme: caller.programmes !== 'all' && caller.programmes.length === 1 ? (caller.programmes[0] ?? '') : '',
    school: '',
    concern,
    messageId: payload?.id ?? '',
  };
  const upn = author
    ? await authorUpn({ id: author.id, aadObjectId: author.aadObjectId, name: author.displayName })
    : undefined;
  const prefilled = upn ? await traineeDraft(deps, caller, upn, author?.displayName) : undefined;
  return concernDialog(deps.useCases.procedures, { ...draft, ...prefilled });
}

/** Where the author is a trainee on a case the caller can see: their name, programme and school. */
async function traineeDraft(
  deps: MessageExtensionDeps,
  caller: Caller,
  upn: string,
  displayName: string | undefined,
): Promise<Partial<ConcernDraft> | undefined> {
  const page = await deps.useCases.repository.list({ personId: upn, limit: 20 });
  const theirs = page.items.find(
    (s) =>
      s.traineeId.toLowerCase() === upn &&
      accessTo(caller, s, traineeRolesOf(deps.useCases.procedures, s.procedureId)) !== 'none',
  );
  if (!theirs) return undefined;
  return {
    procedureId: theirs.procedureId,
    traineeName: theirs.traineeName || displayName || '',
    traineeEmail: upn,
    programme: theirs.programme,
    school: theirs.school,
  };
}

const textInput = (
  id: string,
  label: string,
  value: string,
  options: {
    readonly required?: boolean;
    readonly multiline?: boolean;
    readonly max?: number;
    readonly placeholder?: string;
  } = {},
) => ({
  type: 'Input.Text',
  id,
  label,
  value: plainCardText(value),
  isRequired: options.required ?? false,
  isMultiline: options.multiline ?? false,
  maxLength: options.max ?? 200,
  ...(options.required ? { errorMessage: `${label} is needed.` } : {}),
  ...(options.placeholder ? { placeholder: options.placeholder } : {}),
});

/**
 * The dialog: the procedure, the trainee, the placement, the reasons, the caller's own role
 * and the other people each procedure requires on a case, with the message as the concern.
 * Every procedure's fields are present; the ones of the chosen procedure are what count.
 */
export function concernDialog(procedures: readonly Procedure[], draft: ConcernDraft, problem?: string): TaskResponse {
  const procedure = procedures.find((p) => p.id === draft.procedureId) ?? procedures[0];
  const body: unknown[] = [
    { type: 'TextBlock', text: 'Raise a concern', weight: 'Bolder', size: 'Medium', wrap: true },
    {
      type: 'TextBlock',
      text: 'This opens a draft case. The plan is completed and signed in Trellis.',
      wrap: true,
      isSubtle: true,
    },
  ];
  if (problem) {
    body.push({
      type: 'Container',
      style: 'attention',
      items: [{ type: 'TextBlock', text: cardText(problem, 600), wrap: true, weight: 'Bolder' }],
    });
  }
  body.push(
    {
      type: 'Input.ChoiceSet',
      id: 'procedureId',
      label: 'Procedure',
      isRequired: true,
      errorMessage: 'Choose a procedure.',
      value: procedure?.id ?? '',
      choices: procedures.map((p) => ({ title: plainCardText(`${p.name} (${p.provider.shortName})`), value: p.id })),
    },
    textInput('reference', 'Case reference', draft.reference, {
      required: true,
      max: 60,
      placeholder: 'e.g. BCU-RIT-2027-031',
    }),
    textInput('traineeName', 'Trainee’s name', draft.traineeName, { required: true }),
    textInput('traineeEmail', 'Trainee’s sign-in (email)', draft.traineeEmail, { required: true, max: 320 }),
    textInput('programme', 'Programme', draft.programme, { required: true }),
    textInput('school', 'Placement school', draft.school, { required: true }),
    textInput('concern', 'The concern', draft.concern, { multiline: true, max: 4000 }),
  );
  for (const p of procedures) {
    const staff = p.roles.filter((r) => r.side !== 'trainee');
    body.push({
      type: 'Container',
      separator: true,
      items: [
        { type: 'TextBlock', text: cardText(`For ${p.name}`, 200), weight: 'Bolder', wrap: true },
        {
          type: 'Input.ChoiceSet',
          id: `reasons_${p.id}`,
          label: 'Reasons',
          isMultiSelect: true,
          choices: p.reasons.map((r) => ({ title: plainCardText(r.label), value: r.id })),
        },
        {
          type: 'Input.ChoiceSet',
          id: `myRole_${p.id}`,
          label: 'Your role on the case',
          choices: [
            { title: 'Course team (not on the case)', value: NOT_ON_CASE },
            ...staff.map((r) => ({ title: plainCardText(r.label), value: r.id })),
          ],
          value: NOT_ON_CASE,
        },
        ...staff
          .filter((r) => r.requiredOnCase)
          .flatMap((r) => [
            textInput(`name_${p.id}_${r.id}`, `${r.label}: name (unless it is you)`, ''),
            textInput(`email_${p.id}_${r.id}`, `${r.label}: sign-in (email)`, '', { max: 320 }),
          ]),
      ],
    });
  }
  const card: AdaptiveCardJson = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    actions: [{ type: 'Action.Submit', title: 'Open draft case', data: { messageId: draft.messageId } }],
  };
  return {
    task: {
      type: 'continue',
      value: {
        title: 'Raise a concern',
        height: 'large',
        width: 'medium',
        card: { contentType: ADAPTIVE, content: card },
      },
    },
  };
}

const submitSchema = z
  .object({
    commandId: z.string().max(100).optional(),
    data: z.record(z.string(), z.unknown()),
  })
  .loose();

const str = (data: Readonly<Record<string, unknown>>, key: string, max = 4000): string => {
  const v = data[key];
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
};

/** A stable case id per message and person: submitting the same dialog twice opens one case. */
function caseIdFor(caller: Caller, messageId: string, reference: string): string | undefined {
  if (messageId === '') return undefined;
  const hex = createHash('sha256').update(`${caller.actor.id}\n${messageId}\n${reference.toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** composeExtension/submitAction: opens the draft case; problems come back in the dialog. */
export async function submitConcern(
  deps: MessageExtensionDeps,
  caller: Caller | undefined,
  value: unknown,
): Promise<TaskResponse> {
  const parsed = submitSchema.safeParse(value);
  if (!parsed.success || (parsed.data.commandId !== undefined && parsed.data.commandId !== RAISE_CONCERN_COMMAND_ID)) {
    return taskMessage('Trellis could not read this form. Open Trellis and raise the concern there.');
  }
  if (!caller)
    return taskMessage('Trellis does not know who you are in Teams yet, so it cannot raise a concern for you.');
  const data = parsed.data.data;
  const procedures = deps.useCases.procedures;
  const draft: ConcernDraft = {
    procedureId: str(data, 'procedureId', 80),
    reference: str(data, 'reference', 60),
    traineeName: str(data, 'traineeName', 200),
    traineeEmail: str(data, 'traineeEmail', 320),
    programme: str(data, 'programme', 200),
    school: str(data, 'school', 200),
    concern: str(data, 'concern', 4000),
    messageId: str(data, 'messageId', 200),
  };
  const procedure = procedures.find((p) => p.id === draft.procedureId);
  if (!procedure) return concernDialog(procedures, draft, 'Choose one of the procedures.');
  const traineeRole = procedure.roles.find((r) => r.side === 'trainee');
  const chosenRole = str(data, `myRole_${procedure.id}`, 60);
  const myRole = chosenRole === NOT_ON_CASE ? '' : chosenRole;
  const people: { role: string; id: string; name: string; email: string }[] = [
    {
      role: traineeRole?.id ?? 'trainee',
      id: draft.traineeEmail.toLowerCase(),
      name: draft.traineeName,
      email: draft.traineeEmail,
    },
  ];
  if (myRole !== '')
    people.push({ role: myRole, id: caller.actor.id, name: caller.actor.name, email: caller.actor.id });
  for (const role of procedure.roles.filter((r) => r.side !== 'trainee' && r.requiredOnCase && r.id !== myRole)) {
    const email = str(data, `email_${procedure.id}_${role.id}`, 320);
    if (email === '') continue;
    people.push({
      role: role.id,
      id: email.toLowerCase(),
      name: str(data, `name_${procedure.id}_${role.id}`, 200) || email,
      email,
    });
  }
  const reasons = str(data, `reasons_${procedure.id}`, 1000)
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const body = {
    procedureId: procedure.id,
    reference: draft.reference,
    reasons,
    people,
    placement: { school: draft.school, programme: draft.programme },
  };
  try {
    const caseId = caseIdFor(caller, draft.messageId, draft.reference);
    const opened = await openCase(deps.useCases, caller, body, ...(caseId === undefined ? [] : [caseId]));
    let statementSaved =
      draft.concern === '' ||
      (opened.repeated === true && opened.stored.state.plan?.content.concernStatement === draft.concern);
    if (!statementSaved) {
      try {
        await runCaseCommand(deps.useCases, {
          caller,
          caseId: opened.stored.state.id,
          expectedVersion: opened.stored.state.version,
          command: 'edit_plan',
          input: { plan: { concernStatement: draft.concern } },
        });
        statementSaved = true;
      } catch (error) {
        // A repeated submission: the case is already past the draft this dialog made.
        if (error instanceof StaleCaseError && error.current.state.plan?.content.concernStatement === draft.concern)
          statementSaved = true;
        else
          deps.useCases.logger.warn('concern statement not saved', {
            caseId: opened.stored.state.id,
            error: error instanceof Error ? error.message : String(error),
          });
      }
    }
    return taskMessage(
      `Draft case ${plainCardText(opened.stored.state.reference)} is open for ${plainCardText(draft.traineeName)}. ${statementSaved ? 'The message is its concern statement. ' : 'Add the concern statement in Trellis. '}Open it in Trellis to complete the plan.`,
    );
  } catch (error) {
    if (error instanceof InputError) {
      return concernDialog(
        procedures,
        draft,
        `Not opened: ${error.issues
          .slice(0, 3)
          .map((i) => `${fieldName(i.path)} ${i.message}`)
          .join('; ')}.`,
      );
    }
    // A rule of the procedure or a refusal: the dialog again, saying why, so nothing typed is lost.
    const failure = failureOf(error);
    const answer = TEAMS_ANSWER[failure.code];
    if (answer === 'show_card' || answer === 'refused') {
      return concernDialog(procedures, draft, `Not opened: ${failure.userMessage}`);
    }
    throw error;
  }
}

function fieldName(path: string): string {
  if (path.startsWith('people')) return 'a person’s sign-in or name:';
  if (path.startsWith('placement.')) return `${path.slice('placement.'.length)}:`;
  return path === '' ? '' : `${path}:`;
}
