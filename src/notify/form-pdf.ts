import { formatLongDate, type LocalDate } from '../domain/calendar/index.js';
import { findOutcome, planRulesOf, roleLabel } from '../domain/case/command-kit.js';
import type { CaseState, Plan, Review, Target } from '../domain/case/types.js';
import { findFrameworkEntry } from '../domain/frameworks/framework.js';
import type { Procedure } from '../domain/procedure/schema.js';
import { createDoc, detailsTable, finish, grid, heading, paragraph, title, type Doc } from './pdf/pdf-kit.js';

/**
 * The completed form as a PDF, laid out like each provider's own paperwork (the seeds' forms):
 *  - BCU: the Rapid Improvement Target Form (concerns against the Formative Assessment Tracker,
 *    at most three targets with intervention actions for the trainee and for the mentor/tutor);
 *  - RCTTP: the Progress Support Plan tables (trainee details, discussion, key dates, and the
 *    Standards | Target | Strategies/Action (T/S/RCTTP) | Monitoring | Success Criteria | Record table);
 *  - the university partnership: the Enhanced Support Action Plan (Step 1 Part 1/Part 2, targets
 *    and review date, Step 2 progress and outcome, "return this form to the course leader");
 *  - Bright Futures: the support plan (SMART targets with action steps, support measures,
 *    signed by all partners);
 *  - Mid-Essex: the CONFIDENTIAL Early Support Plan with its Target | Specific Task(s) | Support
 *    required | Time Scale | Success Criteria table and the six-role signature table.
 * Any other provider gets the plain layout. The caller passes the state the reader may see
 * (the trainee view hides review notes and panel deliberations).
 */

export async function renderFormPdf(
  procedure: Procedure,
  state: CaseState,
  options: { readonly compress?: boolean } = {},
): Promise<Uint8Array> {
  const ctx = contextOf(procedure, state);
  const layout = LAYOUTS[procedure.provider.id] ?? plainLayout;
  const { doc, done } = createDoc({
    title: `${state.reference}: ${ctx.formTitle}`,
    compress: options.compress ?? true,
    ...(procedure.confidential ? { runningHeader: `CONFIDENTIAL: ${ctx.formTitle}` } : {}),
  });
  layout(doc, ctx);
  // The footer names the form's version, so a printed copy says which of the case's forms it is.
  const version = state.plan === undefined ? '' : ` · Form version ${String(state.plan.version)}`;
  finish(doc, `${procedure.provider.name} · ${state.reference} · ${ctx.formTitle}${version}`);
  return done;
}

/**
 * "BCU-2026-014" → "BCU-2026-014-form.pdf", with the plan version when there is one
 * ("BCU-2026-014-form-v2.pdf"), so copies of successive forms do not overwrite each other in
 * a mailbox's downloads; anything unusual in a reference becomes "-".
 */
export function formPdfName(reference: string, planVersion?: number): string {
  const safe = reference
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${safe === '' ? 'case' : safe}-form${planVersion === undefined ? '' : `-v${String(planVersion)}`}.pdf`;
}

interface FormContext {
  readonly procedure: Procedure;
  readonly state: CaseState;
  readonly plan: Plan | undefined;
  readonly formTitle: string;
  readonly stageTitle: string;
  /** Names of the people in a role, joined. */
  name(role: string): string;
  label(role: string): string;
  date(d: LocalDate | undefined): string;
  links(target: { readonly links: Target['links'] }): string;
  actions(target: Target, parties: (party: string) => boolean): string;
  outcomeLabel(review: Review): string;
}

function contextOf(procedure: Procedure, state: CaseState): FormContext {
  const plan = state.plan;
  const rules = plan ? planRulesOf(procedure, plan) : undefined;
  const responsibilities = rules?.responsibilities ?? [];
  const label = (role: string): string =>
    responsibilities.find((r) => r.code === role)?.label ?? roleLabel(procedure, role);
  return {
    procedure,
    state,
    plan,
    formTitle: rules?.title ?? procedure.name,
    stageTitle: procedure.stages.find((s) => s.id === state.stageId)?.title ?? state.stageId,
    name: (role) =>
      state.people
        .filter((p) => p.role === role)
        .map((p) => p.name)
        .join(', '),
    label,
    date: (d) => (d === undefined ? '' : formatLongDate(d)),
    links: (target) =>
      target.links
        .map((l) => {
          const framework = procedure.frameworks.find((f) => f.id === l.frameworkId);
          const entry = framework ? findFrameworkEntry(framework, l.code) : undefined;
          return entry ? `${l.code} ${entry.label}` : l.code;
        })
        .join('\n'),
    actions: (target, parties) =>
      target.actions
        .filter((a) => parties(a.party))
        .map((a) => `${label(a.party)}: ${a.text}`)
        .join('\n'),
    outcomeLabel: (review) => findOutcome(procedure, review.stageId, review.outcomeId)?.label ?? review.outcomeId,
  };
}

type Layout = (doc: Doc, ctx: FormContext) => void;

const isTrainee = (ctx: FormContext) => (party: string) =>
  ctx.procedure.roles.find((r) => r.id === party)?.side === 'trainee' || party === 'T';
const notTrainee = (ctx: FormContext) => (party: string) => !isTrainee(ctx)(party);
const trainee = (ctx: FormContext): string =>
  ctx.state.people.find((p) => ctx.procedure.roles.find((r) => r.id === p.role)?.side === 'trainee')?.name ?? '';

/** " (graded: Requires improvement)": the grade given against the grade descriptors, where the form grades concerns. */
function gradeText(ctx: FormContext, grade: string | undefined): string {
  if (grade === undefined) return '';
  const rules = ctx.plan === undefined ? undefined : planRulesOf(ctx.procedure, ctx.plan);
  return ` (graded: ${rules?.grades?.scale.find((g) => g.id === grade)?.label ?? grade})`;
}

function concernsText(ctx: FormContext): string {
  const c = ctx.plan?.content;
  if (!c) return '';
  return [
    c.concernStatement ?? '',
    ...c.concerns.map(
      (x) =>
        `${x.links.map((l) => l.code).join(', ')}${x.links.length > 0 ? ': ' : ''}${x.text}${gradeText(ctx, x.grade)}`,
    ),
  ]
    .filter((s) => s !== '')
    .join('\n');
}

/** The signature table: one row per signature requirement's roles, names typed and dated. */
function signatures(
  doc: Doc,
  ctx: FormContext,
  headers: readonly [string, string, string, string],
  rolesInOrder?: readonly string[],
): void {
  const plan = ctx.plan;
  const signed = plan?.signatures ?? [];
  const roles = rolesInOrder ?? [
    ...new Set([
      ...(plan ? planRulesOf(ctx.procedure, plan).signatures.required.flatMap((r) => r.anyOf) : []),
      ...signed.map((s) => s.role),
    ]),
  ];
  // Full Name is the name on record (of the person who signed, else of whoever holds the role);
  // what they typed as their signature is its own column, as written.
  const nameOnRecord = (s: { readonly personId: string; readonly role: string }): string =>
    ctx.state.people.find((p) => p.id === s.personId && p.role === s.role)?.name ??
    ctx.state.people.find((p) => p.id === s.personId)?.name ??
    ctx.name(s.role);
  const rows = roles.map((role) => {
    const s = signed.filter((x) => x.role === role);
    return [
      ctx.label(role),
      s.length > 0 ? s.map(nameOnRecord).join('\n') : ctx.name(role),
      s.map((x) => x.typedName).join('\n'),
      s.map((x) => ctx.date(x.signedOn)).join('\n'),
    ];
  });
  grid(
    doc,
    [
      { header: headers[0], weight: 2 },
      { header: headers[1], weight: 2.4 },
      { header: headers[2], weight: 2.4 },
      { header: headers[3], weight: 1.6 },
    ],
    rows,
  );
}

function reviewsTable(
  doc: Doc,
  ctx: FormContext,
  captions: { readonly heading: string; readonly progress: string },
): void {
  const plan = ctx.plan;
  for (const review of ctx.state.reviews) {
    heading(doc, `${captions.heading}: ${ctx.date(review.reviewedOn)}`);
    const targets = plan?.content.targets ?? [];
    const rows = review.progress.map((p, i) => {
      const target = targets.find((t) => t.id === p.targetId);
      return [target?.text ?? `Target ${i + 1}`, RATING[p.rating], p.comment ?? ''];
    });
    if (rows.length > 0)
      grid(
        doc,
        [
          { header: 'Target', weight: 3 },
          { header: 'Met?', weight: 1 },
          { header: captions.progress, weight: 4 },
        ],
        rows,
      );
    detailsTable(doc, [
      ['Evidence', review.evidence ?? ''],
      ...(review.notes === undefined ? [] : [['Notes from review meeting', review.notes] as const]),
      ['Outcome', ctx.outcomeLabel(review)],
      ...(review.nextSteps === undefined ? [] : [['Next steps', review.nextSteps] as const]),
    ]);
  }
}

const RATING = { met: 'Met', partly_met: 'Partly met', not_met: 'Not met' } as const;

function panelsAndClosure(doc: Doc, ctx: FormContext): void {
  for (const panel of ctx.state.panels) {
    const def = ctx.procedure.panels.find((p) => p.id === panel.panelId);
    const decision = def?.decisions.find((d) => d.id === panel.decisionId);
    heading(doc, def?.title ?? 'Panel');
    detailsTable(doc, [
      ['Convened', ctx.date(panel.convenedOn)],
      ...panel.meetings.map(
        (m) =>
          [
            `Met ${ctx.date(m.heldOn)}`,
            [
              m.decisionId
                ? `Decision: ${def?.decisions.find((d) => d.id === m.decisionId)?.label ?? m.decisionId}`
                : '',
              m.rationale ?? '',
            ]
              .filter((s) => s !== '')
              .join('\n'),
          ] as const,
      ),
      ...(decision ? [['Decision', decision.label] as const] : []),
    ]);
  }
  const closure = ctx.state.closure;
  if (closure) {
    heading(doc, 'Case closed');
    detailsTable(doc, [
      ['Closed on', ctx.date(closure.on)],
      ['Resolution', closure.resolution.replace(/_/g, ' ')],
      ...(closure.reason === undefined ? [] : [['Reason', closure.reason] as const]),
    ]);
  }
}

const bcuLayout: Layout = (doc, ctx) => {
  const c = ctx.plan?.content;
  title(doc, ctx.formTitle, `${ctx.procedure.provider.name} · ${ctx.stageTitle}`);
  detailsTable(doc, [
    ['Trainee', trainee(ctx)],
    ['School', ctx.state.placement.school],
    ['Programme', ctx.state.placement.programme],
    ['Class teacher/mentor', ctx.name('mentor')],
    ['University tutor', ctx.name('tutor')],
    ['Date of discussion', ctx.date(c?.meeting.heldOn)],
    ['Reference', ctx.state.reference],
  ]);
  heading(doc, 'Issue(s) which give cause for concern (BCU ITE Formative Assessment Tracker)');
  paragraph(doc, concernsText(ctx) || ' ');
  grid(
    doc,
    [
      { header: 'Rapid Improvement Target', weight: 3 },
      { header: 'Tracker', weight: 2 },
      { header: 'Intervention actions for the trainee', weight: 3 },
      { header: 'Intervention strategies: class teacher/mentor/university tutor', weight: 3 },
    ],
    (c?.targets ?? []).map((t, i) => [
      `${i + 1}. ${t.text}${t.successCriteria ? `\nSuccess criteria: ${t.successCriteria}` : ''}`,
      ctx.links(t),
      ctx.actions(t, isTrainee(ctx)),
      ctx.actions(t, notTrainee(ctx)),
    ]),
    { caption: 'Targets (a maximum of three)' },
  );
  if (c?.trainingNeeds) detailsTable(doc, [['Training needs', c.trainingNeeds]]);
  if (ctx.plan?.perceptions) detailsTable(doc, [["Trainee's perceptions of the concerns", ctx.plan.perceptions.text]]);
  detailsTable(doc, [['Date to review outcomes', ctx.date(c?.reviewDate)]]);
  signatures(doc, ctx, ['Role', 'Full Name', 'Signature (typed)', 'Date']);
  paragraph(doc, 'A copy is sent to the course team.', { size: 8 });
  reviewsTable(doc, ctx, { heading: 'Review of the Rapid Improvement Targets', progress: 'Evidence of progress' });
  panelsAndClosure(doc, ctx);
};

const rcttpLayout: Layout = (doc, ctx) => {
  const c = ctx.plan?.content;
  title(doc, ctx.formTitle, `${ctx.procedure.provider.name} · ${ctx.stageTitle}`);
  grid(
    doc,
    [
      { header: 'Trainee', weight: 1 },
      { header: 'School', weight: 1 },
      { header: 'Mentor(s)', weight: 1 },
      { header: 'Partnership Tutor', weight: 1 },
    ],
    [[trainee(ctx), ctx.state.placement.school, ctx.name('mentor'), ctx.name('partnership_tutor')]],
    { caption: 'Table 1. Trainee details' },
  );
  detailsTable(
    doc,
    [
      [
        `${ctx.formTitle} targets discussed with (add date)`,
        [c?.meeting.attendees.map((r) => ctx.name(r) || ctx.label(r)).join(', ') ?? '', ctx.date(c?.meeting.heldOn)]
          .filter((s) => s !== '')
          .join(' · '),
      ],
    ],
    0.45,
  );
  paragraph(doc, 'Table 2. Discussion of the plan', { size: 8 });
  detailsTable(
    doc,
    [
      [`Date ${ctx.formTitle} started`, ctx.date(ctx.plan?.agreedOn ?? c?.meeting.heldOn)],
      [`Date of ${ctx.formTitle} Review`, ctx.date(c?.reviewDate)],
    ],
    0.45,
  );
  paragraph(doc, 'Table 3. Key dates', { size: 8 });
  grid(
    doc,
    [
      { header: "Teachers' Standards", weight: 1.6 },
      { header: 'Target', weight: 2.4 },
      { header: 'Strategies/Action (Responsibility: T Trainee, S School, RCTTP)', weight: 3 },
      { header: 'Monitoring', weight: 1.8 },
      { header: 'Success Criteria', weight: 2 },
      { header: 'Record of Action / Supporting Evidence', weight: 2 },
    ],
    (c?.targets ?? []).map((t) => {
      const progress = ctx.state.reviews.flatMap((r) =>
        r.progress
          .filter((p) => p.targetId === t.id)
          .map((p) => `${ctx.date(r.reviewedOn)}: ${RATING[p.rating]}${p.comment ? `. ${p.comment}` : ''}`),
      );
      return [
        t.links.map((l) => l.code).join(', '),
        t.text,
        t.actions.map((a) => `${a.party}: ${a.text}`).join('\n'),
        t.monitoring ?? '',
        t.successCriteria ?? '',
        progress.join('\n'),
      ];
    }),
    { caption: ctx.formTitle },
  );
  signatures(doc, ctx, ['Role', 'Name', 'Signature (typed)', 'Date']);
  reviewsTable(doc, ctx, { heading: 'Review', progress: 'Record of action / supporting evidence' });
  panelsAndClosure(doc, ctx);
};

const enhancedSupportLayout: Layout = (doc, ctx) => {
  const c = ctx.plan?.content;
  title(doc, ctx.formTitle, `${ctx.procedure.provider.name} · ${ctx.stageTitle}`);
  detailsTable(doc, [
    ['Trainee Name', trainee(ctx)],
    ['Subject', ctx.state.placement.subject ?? ''],
    ['School', ctx.state.placement.school],
    ['Date', ctx.date(c?.meeting.heldOn ?? ctx.plan?.agreedOn)],
    ['Professional/Senior Mentor', ctx.name('professional_mentor')],
    ['Subject/Class Mentor', ctx.name('subject_mentor') || ctx.name('mentor')],
    ['University Tutor', ctx.name('tutor')],
  ]);
  const links = (c?.targets ?? []).flatMap((t) => t.links).concat((c?.concerns ?? []).flatMap((x) => x.links));
  const partOf = (code: string): 'part_1' | 'part_2' | undefined => {
    for (const f of ctx.procedure.frameworks) {
      const entry = findFrameworkEntry(f, code);
      if (entry) return entry.part;
    }
    return undefined;
  };
  heading(doc, 'Step 1');
  paragraph(doc, 'Please identify the Standards that the trainee is failing to make satisfactory progress in:');
  detailsTable(doc, [
    ['PART 1:', [...new Set(links.filter((l) => partOf(l.code) !== 'part_2').map((l) => l.code))].join(', ')],
    [
      'PART 2: Personal and Professional Conduct',
      [...new Set(links.filter((l) => partOf(l.code) === 'part_2').map((l) => l.code))].join(', '),
    ],
  ]);
  detailsTable(
    doc,
    [
      [
        'Please provide an explanation of the concerns (these should be linked to the standards) and targets to address these concerns',
        concernsText(ctx),
      ],
    ],
    0.4,
  );
  grid(
    doc,
    [
      { header: 'Targets', weight: 3 },
      { header: 'Actions', weight: 3 },
      { header: 'Success criteria', weight: 2 },
    ],
    (c?.targets ?? []).map((t, i) => [
      `${i + 1}. ${t.text}`,
      t.actions.map((a) => `${ctx.label(a.party)}: ${a.text}`).join('\n'),
      t.successCriteria ?? '',
    ]),
    { caption: 'Targets and Review Date' },
  );
  detailsTable(doc, [['Review date:', ctx.date(c?.reviewDate)]]);
  signatures(doc, ctx, ['Role', 'Name', 'Signature (typed)', 'Date']);
  if (ctx.state.reviews.length > 0) {
    heading(doc, 'Step 2');
    paragraph(doc, 'Please record the progress with the targets');
  }
  reviewsTable(doc, ctx, { heading: 'Progress against targets', progress: 'Progress against targets' });
  panelsAndClosure(doc, ctx);
  paragraph(doc, 'Please return this form to the course leader.', { bold: true });
};

const brightFuturesLayout: Layout = (doc, ctx) => {
  const c = ctx.plan?.content;
  title(doc, `Bright Futures SCITT: ${ctx.formTitle}`, `${ctx.procedure.name} · ${ctx.stageTitle}`);
  detailsTable(doc, [
    ['Trainee', trainee(ctx)],
    ['School', ctx.state.placement.school],
    ['Programme Lead', ctx.name('lead')],
    ['Mentor team', [ctx.name('mentor'), ctx.name('professional_mentor')].filter((s) => s !== '').join(', ')],
    [
      'Meeting',
      [
        ctx.date(c?.meeting.heldOn),
        c?.meeting.mode === 'online' ? 'ONLINE meeting' : c?.meeting.mode === 'in_person' ? 'in person' : '',
      ]
        .filter((s) => s !== '')
        .join(' · '),
    ],
  ]);
  heading(doc, 'Concerns raised');
  paragraph(doc, concernsText(ctx) || ' ');
  if ((c?.supportMeasures.length ?? 0) > 0)
    detailsTable(doc, [['Support measures', (c?.supportMeasures ?? []).join('\n')]]);
  grid(
    doc,
    [
      { header: 'SMART target', weight: 3 },
      { header: "Teachers' Standards", weight: 1.4 },
      { header: 'Action steps', weight: 3.4 },
      { header: 'Success criteria', weight: 2 },
    ],
    (c?.targets ?? []).map((t, i) => [
      `${i + 1}. ${t.text}`,
      t.links.map((l) => l.code).join(', '),
      t.actions.map((a) => `${ctx.label(a.party)}: ${a.text}`).join('\n'),
      t.successCriteria ?? '',
    ]),
    { caption: 'SMART targets and action steps' },
  );
  detailsTable(doc, [['Review date', ctx.date(c?.reviewDate)]]);
  const notice = ctx.plan ? planRulesOf(ctx.procedure, ctx.plan).noticeToTrainee : undefined;
  if (notice) paragraph(doc, notice, { bold: true });
  heading(doc, 'Signed by all partners');
  signatures(doc, ctx, ['Partner', 'Name', 'Signature (typed)', 'Date']);
  reviewsTable(doc, ctx, { heading: 'Review', progress: 'Review of lesson, actions and targets' });
  panelsAndClosure(doc, ctx);
};

/** The Mid-Essex paperwork's signature rows, in its own order. */
const MID_ESSEX_SIGNATORIES = [
  'trainee',
  'course_tutor',
  'director',
  'professional_mentor',
  'mentor',
  'lead_subject_mentor',
] as const;

const midEssexLayout: Layout = (doc, ctx) => {
  const c = ctx.plan?.content;
  title(doc, `CONFIDENTIAL: ${ctx.formTitle}`, `${ctx.procedure.provider.name} · ${ctx.stageTitle}`);
  detailsTable(doc, [
    ['Support Plan start date:', ctx.date(ctx.plan?.agreedOn ?? c?.meeting.heldOn)],
    ['Trainee:', trainee(ctx)],
    ['Subject:', ctx.state.placement.subject ?? ''],
    ['School:', ctx.state.placement.school],
    ['Initial statement of concern:', concernsText(ctx)],
    [
      'Staff members:',
      ctx.state.people
        .filter((p) => ctx.procedure.roles.find((r) => r.id === p.role)?.side !== 'trainee')
        .map((p) => `${p.name} (${ctx.label(p.role)})`)
        .join(', '),
    ],
  ]);
  grid(
    doc,
    [
      { header: 'Target or Objective', weight: 2.4 },
      { header: 'Specific Task(s)', weight: 2.6 },
      { header: 'Support required', weight: 2 },
      { header: 'Time Scale', weight: 1.2 },
      { header: 'Success Criteria', weight: 2 },
    ],
    (c?.targets ?? []).map((t) => [
      `${t.text}${t.links.length > 0 ? `\n(${t.links.map((l) => l.code).join(', ')})` : ''}${t.observationFocus ? '\nFocus of the next observation' : ''}`,
      t.actions.map((a) => `${ctx.label(a.party)}: ${a.text}`).join('\n'),
      t.supportRequired ?? '',
      t.timescale ?? '',
      t.successCriteria ?? '',
    ]),
  );
  detailsTable(doc, [['Date to be reviewed:', ctx.date(c?.reviewDate)]]);
  signatures(
    doc,
    ctx,
    ['Staff (if applicable)', 'Full Name', 'Signature (typed if completing by email)', 'Date'],
    MID_ESSEX_SIGNATORIES.filter((r) => ctx.procedure.roles.some((x) => x.id === r)),
  );
  for (const review of ctx.state.reviews) {
    doc.addPage();
    title(doc, `CONFIDENTIAL: ${ctx.formTitle} review`);
    detailsTable(doc, [
      ['Support Plan review date:', ctx.date(review.reviewedOn)],
      ['Notes from review meeting', [review.evidence ?? '', review.notes ?? ''].filter((s) => s !== '').join('\n')],
    ]);
    grid(
      doc,
      [
        { header: 'Target or Objective', weight: 3 },
        { header: 'Comments on targets from Mentor & PM (were they met/not met? Evidence):', weight: 5 },
      ],
      review.progress.map((p, i) => [
        (c?.targets ?? []).find((t) => t.id === p.targetId)?.text ?? `Target ${i + 1}`,
        `${RATING[p.rating]}${p.comment ? `. ${p.comment}` : ''}`,
      ]),
    );
    detailsTable(doc, [
      [
        'Final outcome from Support Plan procedure:',
        [ctx.outcomeLabel(review), review.nextSteps ?? ''].filter((s) => s !== '').join('\n'),
      ],
    ]);
  }
  panelsAndClosure(doc, ctx);
};

const plainLayout: Layout = (doc, ctx) => {
  const c = ctx.plan?.content;
  title(doc, ctx.formTitle, `${ctx.procedure.provider.name} · ${ctx.stageTitle}`);
  detailsTable(doc, [
    ['Trainee', trainee(ctx)],
    ['School', ctx.state.placement.school],
    ['Reference', ctx.state.reference],
  ]);
  heading(doc, 'Concerns');
  paragraph(doc, concernsText(ctx) || ' ');
  grid(
    doc,
    [
      { header: 'Target', weight: 3 },
      { header: 'Linked to', weight: 1.5 },
      { header: 'Actions', weight: 3 },
      { header: 'Success criteria', weight: 2 },
    ],
    (c?.targets ?? []).map((t, i) => [
      `${i + 1}. ${t.text}`,
      t.links.map((l) => l.code).join(', '),
      t.actions.map((a) => `${ctx.label(a.party)}: ${a.text}`).join('\n'),
      t.successCriteria ?? '',
    ]),
  );
  detailsTable(doc, [['Review date', ctx.date(c?.reviewDate)]]);
  signatures(doc, ctx, ['Role', 'Full Name', 'Signature (typed)', 'Date']);
  reviewsTable(doc, ctx, { heading: 'Review', progress: 'Comments' });
  panelsAndClosure(doc, ctx);
};

const LAYOUTS: Readonly<Record<string, Layout>> = {
  bcu: bcuLayout,
  rcttp: rcttpLayout,
  university_partnership: enhancedSupportLayout,
  bright_futures_scitt: brightFuturesLayout,
  mid_essex_itt: midEssexLayout,
};
