import {
  addWorkingDays,
  isAfter,
  isWorkingDay,
  nextWorkingDay,
  parseLocalDate,
  type LocalDate,
} from '../../src/domain/calendar/index.js';
import {
  calendarFor,
  currentReviewWindow,
  editPlan,
  openCase,
  outstandingSignatories,
  planRulesOf,
  recordReview,
  recordTraineePerceptions,
  signPlan,
  suspendPlacement,
  type CaseState,
  type CommandContext,
  type CommandResult,
  type Person,
  type ProgressRating,
} from '../../src/domain/case/index.js';
import { actorFor, Clock, courseTeam } from '../../src/domain/case/testing.js';
import type { Outcome, Procedure } from '../../src/domain/procedure/schema.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';
import {
  buildCaseClosedCard,
  buildNoticeCard,
  noticeCardView,
  buildCaseSummaryCard,
  buildConcernRaisedCard,
  buildOutcomeRecordedCard,
  buildOverdueEscalationCard,
  buildPlacementSuspendedCard,
  buildPlanAgreedCard,
  buildReviewDueCard,
  buildReviewFormCard,
  buildSignatureRequestCard,
  buildStageChangedCard,
  caseClosedView,
  caseSummaryView,
  concernRaisedView,
  outcomeRecordedView,
  overdueEscalationView,
  placementSuspendedView,
  planAgreedView,
  reviewDueView,
  reviewFormView,
  signatureRequestView,
  stageChangedView,
  type AdaptiveCardJson,
  type CardLinks,
  type CardSource,
  type CardTemplateName,
  type Suspension,
} from '../../src/cards/index.js';

/**
 * Realistic cases for each seed procedure, driven through the real domain commands: a plan
 * drafted and signed, reviewed to a stage change, and (on a second branch) reviewed to a close.
 * Each stage of the walk is kept, so every card can be bound from the state it is sent in.
 */

export const LINKS: CardLinks = {
  appId: '6f1c2a9e-3b7d-4c1a-9e2f-8d5b4a3c2e10',
  tabEntityId: 'my-cases',
  publicUrl: 'https://trellis.example.ac.uk',
};

/** A stand-in Teams user id (MRI) per person, as the bot would hold from conversation references. */
export function teamsUserIdOf(person: Person): string {
  let hash = 0;
  for (const ch of person.id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `8:orgid:00000000-0000-4000-8000-${hash.toString(16).padStart(12, '0')}`;
}

const person = (role: string, name: string, domain: string): Person => {
  const id = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@${domain}`;
  return { role, id, name, email: id };
};

interface ProcedureSample {
  readonly people: readonly Person[];
  readonly school: string;
  readonly programme: string;
  readonly concern: string;
  /** Framework group codes the targets cite, in order. */
  readonly codes: readonly string[];
  readonly targets: readonly string[];
}

const TARGETS = [
  'Establish a consistent entry and settling routine so that learning starts within three minutes of the bell.',
  'Adapt tasks for the lower attaining group so that they can complete the core task.',
  'Use mini-whiteboard checks at two points in each lesson and adjust the teaching in response.',
];

const SAMPLES: Record<string, ProcedureSample> = {
  'bcu-rapid-improvement-targets': {
    people: [
      person('trainee', 'Priya Sharma', 'mail.bcu.ac.uk'),
      person('mentor', 'Gareth Evans', 'hollybank.bham.sch.uk'),
      person('tutor', 'Helen Okafor', 'bcu.ac.uk'),
      person('senior_school_leader', 'Rachel Donnelly', 'hollybank.bham.sch.uk'),
      person('course_leader', 'Mark Whitfield', 'bcu.ac.uk'),
    ],
    school: 'Hollybank Primary School, Birmingham',
    programme: 'PGCE Primary and Early Years 2026/27',
    concern:
      'Pupils in Year 4 are not making the expected progress in maths: lessons start slowly and tasks are not adapted.',
    codes: ['FAT7', 'FAT5', 'FAT6'],
    targets: TARGETS,
  },
  'rcttp-concern-procedures': {
    people: [
      person('trainee', 'Tom Hughes', 'rcttp.org.uk'),
      person('mentor', 'Aisha Rahman', 'valleyhigh.sch.uk'),
      person('partnership_tutor', 'David Price', 'rcttp.org.uk'),
      person('course_leader', 'Claire Morgan', 'rcttp.org.uk'),
      person('programme_manager', 'Siân Jones', 'rcttp.org.uk'),
    ],
    school: 'Valley High School',
    programme: 'School Direct Secondary Science 2026/27',
    concern:
      'Progress towards Teachers’ Standards 4 and 7 is below the expected level for this point in the placement.',
    codes: ['TS7', 'TS4', 'TS6'],
    targets: TARGETS,
  },
  'enhanced-support': {
    people: [
      person('trainee', 'Emily Clarke', 'students.example.ac.uk'),
      person('mentor', 'Joseph Adeyemi', 'riverside.sch.uk'),
      person('tutor', 'Fiona Grant', 'example.ac.uk'),
      person('professional_mentor', 'Laura Benson', 'riverside.sch.uk'),
      person('course_leader', 'Neil Patterson', 'example.ac.uk'),
    ],
    school: 'Riverside Academy',
    programme: 'PGCE Secondary English 2026/27',
    concern: 'Planning does not yet build on pupils’ prior learning, and behaviour routines are inconsistent.',
    codes: ['TS7', 'TS4', 'TS5'],
    targets: TARGETS,
  },
  'bright-futures-support': {
    people: [
      person('trainee', "Oliver O'Neill-Bennett", 'brightfutures.org.uk'),
      person('lead', 'Hannah Lewis', 'brightfutures.org.uk'),
      person('mentor', 'Samuel Wright', 'oakfield.sch.uk'),
      person('professional_mentor', 'Grace Thompson', 'oakfield.sch.uk'),
      person('director', 'Michael Carter', 'brightfutures.org.uk'),
    ],
    school: 'Oakfield Primary School',
    programme: 'SCITT Primary 2026/27',
    concern: 'Subject knowledge in phonics and the pace of lessons are holding back progress.',
    codes: ['TS3', 'TS4', 'TS7'],
    targets: TARGETS,
  },
  'mid-essex-early-support': {
    people: [
      person('trainee', 'Chloe Dawson', 'midessexitt.co.uk'),
      person('course_tutor', 'Robert Hall', 'midessexitt.co.uk'),
      person('director', 'Margaret Ellis', 'midessexitt.co.uk'),
      person('professional_mentor', 'Paul Richardson', 'chelmer.sch.uk'),
      person('mentor', 'Nadia Hussain', 'chelmer.sch.uk'),
    ],
    school: 'Chelmer Valley High School',
    programme: 'SCITT Secondary Mathematics 2026/27',
    concern: 'Assessment for learning is not yet used to adapt teaching during lessons.',
    codes: ['TS6', 'TS5', 'TS7'],
    targets: TARGETS,
  },
};

export interface Scenario {
  readonly procedure: Procedure;
  /** Opened, plan drafted, nobody has signed. */
  readonly drafted: CaseState;
  /** At least one signature in, at least one to go; `nextSigner` is still to sign. */
  readonly partlySigned: CaseState;
  readonly nextSigner: Person;
  readonly trainee: Person;
  /** Plan agreed: the case waits for its review. */
  readonly agreed: CaseState;
  readonly dueOn: LocalDate;
  /** Reviewed with an outcome that moves the case to another stage. */
  readonly moved: CaseState;
  readonly movedOn: LocalDate;
  /** Reviewed with an outcome that closes the case. */
  readonly closed: CaseState;
  /** Walked on from `moved` to a stage that allows it, and the placement suspended there (Enhanced Support step 5). */
  readonly suspended: { readonly state: CaseState; readonly suspension: Suspension } | undefined;
  /** Every state the walks above passed through, in order (the branch to `closed` after the main walk's). */
  readonly states: readonly CaseState[];
}

function workdayFrom(procedure: Procedure, date: string): LocalDate {
  const day = parseLocalDate(date);
  const calendar = calendarFor(procedure);
  return isWorkingDay(calendar, day) ? day : nextWorkingDay(calendar, day);
}

class Walk {
  constructor(
    readonly procedure: Procedure,
    readonly clock: Clock,
    public state: CaseState,
    /** Where each state the walk reaches is recorded. */
    readonly seen: CaseState[] = [state],
  ) {}

  run<I>(
    actor: CommandContext['actor'],
    command: (ctx: CommandContext, state: CaseState, input: I) => CommandResult,
    input: I,
  ): void {
    const ctx: CommandContext = {
      procedure: this.procedure,
      calendar: calendarFor(this.procedure),
      now: this.clock.now,
      actor,
    };
    this.state = command(ctx, this.state, input).state;
    this.seen.push(this.state);
  }

  holder(role: string): Person {
    const found = this.state.people.find((p) => p.role === role);
    if (!found) throw new Error(`${this.procedure.id}: nobody holds ${role}`);
    return found;
  }
}

function draftFor(procedure: Procedure, state: CaseState, sample: ProcedureSample, today: LocalDate) {
  const plan = state.plan;
  if (!plan) throw new Error(`${procedure.id}: no plan at ${state.stageId}`);
  const rules = planRulesOf(procedure, plan);
  const frameworkId = rules.frameworks[0] ?? '';
  const parties = [...rules.actionParties, ...rules.responsibilities.map((r) => r.code)];
  const traineeParty = parties.includes('trainee') ? 'trainee' : (parties[0] ?? 'trainee');
  const count = Math.min(3, rules.maxTargets ?? 3);
  const window = currentReviewWindow(procedure, state, calendarFor(procedure), today);
  const proposed = addWorkingDays(calendarFor(procedure), today, 7);
  const reviewDate = window?.latest && isAfter(proposed, window.latest) ? window.latest : proposed;
  return {
    concernStatement: sample.concern,
    concerns: [{ text: sample.concern, links: [{ frameworkId, code: sample.codes[0] ?? '' }] }],
    targets: sample.targets.slice(0, count).map((text, i) => ({
      text,
      links: [{ frameworkId, code: sample.codes[i] ?? '' }],
      actions: [
        { party: traineeParty, text: 'Plan the routine, rehearse it and use it in every lesson.' },
        // Forms that want actions from everyone working with the trainee get one per supporter on the case.
        ...parties
          .filter(
            (p) =>
              p !== traineeParty && (!rules.actionsForEveryParty || state.people.some((person) => person.role === p)),
          )
          .slice(0, rules.actionsForEveryParty ? undefined : 2)
          .map((party) => ({ party, text: 'Observe weekly and give same-day feedback on this target.' })),
      ],
      successCriteria: 'Seen in two consecutive observed lessons.',
      timescale: 'By the review date',
      observationFocus: i === 0,
    })),
    trainingNeeds: 'Central session on behaviour routines.',
    supportMeasures: rules.supportMeasureOptions.slice(0, 1),
    reviewDate,
    meeting: {
      heldOn: today,
      mode: rules.meeting?.mode === 'online' ? ('online' as const) : ('in_person' as const),
      attendees: [...new Set(state.people.map((p) => p.role))].filter((r) => r !== 'course_leader'),
      placementConcern: true,
    },
  };
}

function signAll(walk: Walk, stopAfterFirst: boolean): Person | undefined {
  for (let guard = 0; guard < 12; guard += 1) {
    const plan = walk.state.plan;
    if (!plan || plan.agreedOn !== undefined) return undefined;
    const outstanding = outstandingSignatories(walk.procedure, walk.state);
    // A form without named signatories is agreed by a member of staff on the case.
    const signer = outstanding[0]?.people[0] ?? walk.state.people.find((p) => p.role !== 'trainee');
    if (!signer) throw new Error(`${walk.procedure.id}: nobody can sign`);
    if (stopAfterFirst && plan.signatures.length > 0) return signer;
    walk.run(actorFor(signer), signPlan, { role: signer.role, typedName: signer.name });
  }
  throw new Error(`${walk.procedure.id}: the plan was never agreed`);
}

function ratingsFor(outcome: Outcome, count: number): ProgressRating[] {
  if (outcome.condition === 'all_targets_met' || (outcome.effect.type === 'close' && outcome.condition === undefined)) {
    return Array.from({ length: count }, () => 'met' as const);
  }
  return Array.from({ length: count }, (_, i) => (['partly_met', 'not_met', 'met'] as const)[i % 3] ?? 'not_met');
}

function review(walk: Walk, pick: (o: Outcome) => boolean): void {
  const stage = walk.procedure.stages.find((s) => s.id === walk.state.stageId);
  const outcome = stage?.review?.outcomes.find(pick);
  if (!stage?.review || !outcome) throw new Error(`${walk.procedure.id}: no matching outcome at ${walk.state.stageId}`);
  // An outcome some roles decide is recorded by one of them; a review agreed with the course team by those who speak for it.
  const recorders =
    outcome.by.length > 0
      ? outcome.by
      : stage.review.agreedWithCourseTeam
        ? stage.review.courseTeamRoles
        : stage.review.reviewers;
  const reviewer = recorders.map((r) => walk.state.people.find((p) => p.role === r)).find((p) => p !== undefined);
  if (!reviewer) throw new Error(`${walk.procedure.id}: no reviewer on the case`);
  const targets = walk.state.plan?.content.targets ?? [];
  const ratings = ratingsFor(outcome, targets.length);
  walk.run(actorFor(reviewer), recordReview, {
    progress: stage.review.perTarget
      ? targets.map((t, i) => ({
          targetId: t.id,
          rating: ratings[i] ?? 'not_met',
          comment: 'Seen in two observed lessons and in planning.',
        }))
      : [],
    evidence: 'Two observed lessons, weekly planning, pupils’ books and the tutor’s visit notes.',
    attendees: stage.review.reviewers,
    outcomeId: outcome.id,
    nextSteps: 'Agree revised targets at the next meeting.',
  });
}

export function scenarioFor(procedure: Procedure): Scenario {
  const sample = SAMPLES[procedure.id];
  if (!sample) throw new Error(`no sample for ${procedure.id}`);
  const clock = new Clock(workdayFrom(procedure, '2026-11-16'));
  const opened = openCase(
    { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam },
    { caseId: `case-${procedure.provider.id}`, previousCases: 0 },
    {
      reference: `${procedure.provider.shortName.toUpperCase().replace(/[^A-Z]+/g, '')}-2026-017`,
      reasons: [procedure.reasons[0]?.id ?? 'progress'],
      people: [...sample.people],
      placement: {
        school: sample.school,
        subject: undefined,
        phase: undefined,
        programme: sample.programme,
        startsOn: undefined,
        endsOn: undefined,
      },
    },
  );
  const walk = new Walk(procedure, clock, opened.state);
  walk.run(courseTeam, editPlan, {
    plan: draftFor(procedure, walk.state, sample, clock.today),
    withdrawSignatures: false,
  });
  const trainee = walk.holder('trainee');
  const drafted = walk.state;
  const rules = walk.state.plan ? planRulesOf(procedure, walk.state.plan) : undefined;
  if (rules?.fields.includes('trainee_perceptions')) {
    walk.run(actorFor(trainee), recordTraineePerceptions, {
      text: 'I agree the start of lessons is slow; I would like to see the routine modelled.',
    });
  }
  walk.run(...firstSignature(walk));
  const nextSigner = signAll(walk, true) ?? trainee;
  const partlySigned = walk.state;
  signAll(walk, false);
  const agreed = walk.state;
  const dueOn = agreed.plan?.content.reviewDate;
  if (!dueOn) throw new Error(`${procedure.id}: no review date`);

  clock.set(dueOn);
  const branchSeen: CaseState[] = [];
  const branch = new Walk(procedure, clock, agreed, branchSeen);
  // Mid-Essex has one stage: its other outcome hands the case on to the Cause for Concern procedure.
  review(walk, (o) => o.effect.type === 'go_to_stage' || o.effect.type === 'revise' || o.effect.type === 'hand_off');
  review(branch, (o) => o.effect.type === 'close');
  const moved = walk.state;
  return {
    procedure,
    drafted,
    partlySigned,
    nextSigner,
    trainee,
    agreed,
    dueOn,
    moved,
    movedOn: dueOn,
    closed: branch.state,
    suspended: walkToSuspension(walk, sample),
    states: [...walk.seen, ...branchSeen],
  };
}

const SUSPENSION_REASON = 'To avoid negative impact on pupils’ progress while the decision is made.';

/**
 * Walks on (plan agreed, reviewed to the next stage) until a stage allows the placement to be
 * suspended, and suspends it there as the course leader on the case would. Undefined for
 * procedures that never allow it.
 */
function walkToSuspension(walk: Walk, sample: ProcedureSample): Scenario['suspended'] {
  const { procedure, clock } = walk;
  if (!procedure.stages.some((s) => s.allowsSuspension)) return undefined;
  for (let guard = 0; guard < 8; guard += 1) {
    const stage = procedure.stages.find((s) => s.id === walk.state.stageId);
    if (!stage) break;
    if (stage.allowsSuspension) {
      const leader = walk.holder('course_leader');
      walk.run({ id: leader.id, name: leader.name, appRoles: ['course_team'] }, suspendPlacement, {
        reason: SUSPENSION_REASON,
      });
      return {
        state: walk.state,
        suspension: { on: clock.today, by: leader.id, byName: leader.name, reason: SUSPENSION_REASON },
      };
    }
    const plan = walk.state.plan;
    if (plan && plan.agreedOn === undefined) {
      walk.run(courseTeam, editPlan, {
        plan: draftFor(procedure, walk.state, sample, clock.today),
        withdrawSignatures: false,
      });
      signAll(walk, false);
      const due = walk.state.plan?.content.reviewDate;
      if (due) clock.set(due);
      continue;
    }
    if (!stage.review) break;
    review(walk, (o) => o.effect.type === 'go_to_stage');
  }
  throw new Error(`${procedure.id}: the walk never reached a stage that allows suspension`);
}

/** The first signature: the trainee's where they sign, otherwise the first signatory's. */
function firstSignature(walk: Walk): [CommandContext['actor'], typeof signPlan, { role: string; typedName: string }] {
  const outstanding = outstandingSignatories(walk.procedure, walk.state);
  const signer =
    outstanding.flatMap((o) => o.people).find((p) => p.role === 'trainee') ??
    outstanding[0]?.people[0] ??
    walk.state.people.find((p) => p.role !== 'trainee');
  if (!signer) throw new Error('nobody signs');
  return [actorFor(signer), signPlan, { role: signer.role, typedName: signer.name }];
}

export const SCENARIOS: readonly Scenario[] = SEED_PROCEDURES.map(scenarioFor);

export function sourceOf(scenario: Scenario, state: CaseState, today: LocalDate): CardSource {
  return { procedure: scenario.procedure, state, links: LINKS, today };
}

export interface BoundCard {
  readonly template: CardTemplateName;
  /** A second rendering of the same template (the review form's read-only view). */
  readonly variant: string;
  readonly card: AdaptiveCardJson;
}

/** Every template bound from the scenario's states, as the notifier would send them. */
export function cardsFor(s: Scenario): BoundCard[] {
  const on = (state: CaseState, today: LocalDate) => sourceOf(s, state, today);
  const agreedOn = s.agreed.plan?.agreedOn ?? s.dueOn;
  const overdueOn = addWorkingDays(calendarFor(s.procedure), s.dueOn, 3);
  const draftedOn = s.drafted.openedOn;
  return [
    {
      template: 'concern_raised',
      variant: 'default',
      card: buildConcernRaisedCard(concernRaisedView(on(s.drafted, draftedOn))),
    },
    {
      template: 'signature_request',
      variant: 'trainee',
      card: buildSignatureRequestCard(signatureRequestView(on(s.drafted, draftedOn), s.trainee)),
    },
    {
      template: 'signature_request',
      variant: 'default',
      card: buildSignatureRequestCard(signatureRequestView(on(s.partlySigned, draftedOn), s.nextSigner)),
    },
    { template: 'plan_agreed', variant: 'default', card: buildPlanAgreedCard(planAgreedView(on(s.agreed, agreedOn))) },
    {
      template: 'review_due',
      variant: 'default',
      card: buildReviewDueCard(reviewDueView(on(s.agreed, addWorkingDays(calendarFor(s.procedure), agreedOn, 2)))),
    },
    {
      template: 'review_form',
      variant: 'default',
      card: buildReviewFormCard(reviewFormView(on(s.agreed, s.dueOn), { editable: true, teamsUserIdOf })),
    },
    {
      template: 'review_form',
      variant: 'read-only',
      card: buildReviewFormCard(reviewFormView(on(s.agreed, s.dueOn), { editable: false, teamsUserIdOf })),
    },
    {
      template: 'overdue_escalation',
      variant: 'default',
      card: buildOverdueEscalationCard(overdueEscalationView(on(s.agreed, overdueOn))),
    },
    {
      template: 'case_summary',
      variant: 'default',
      card: buildCaseSummaryCard(caseSummaryView(on(s.agreed, s.dueOn))),
    },
    {
      template: 'outcome_recorded',
      variant: 'default',
      card: buildOutcomeRecordedCard(outcomeRecordedView(on(s.moved, s.movedOn))),
    },
    {
      template: 'stage_changed',
      variant: 'default',
      card: buildStageChangedCard(stageChangedView(on(s.moved, s.movedOn))),
    },
    { template: 'case_closed', variant: 'default', card: buildCaseClosedCard(caseClosedView(on(s.closed, s.dueOn))) },
    {
      template: 'notice_card',
      variant: 'default',
      card: buildNoticeCard(
        noticeCardView(on(s.moved, s.movedOn), {
          kicker: 'DECISION',
          title: `Decision (${s.procedure.stages.find((st) => st.id === s.moved.stageId)?.title ?? s.moved.stageId})`,
          lines: [
            'The decision: the trainee continues with a further support plan.',
            `Decided by the panel on ${s.movedOn}, chaired by Dr <b>Ruth</b> Evans.`,
            'What happens next: a new support plan is agreed and signed.',
          ],
          passOn: 'Please pass this on to The school, with the form: Trellis has no email address for them.',
          because: 'An email is sent to the school to confirm the decision.',
        }),
      ),
    },
    ...(['staff', 'trainee'] as const).map((audience) => {
      // Where the procedure allows it, the case as really suspended; elsewhere the same card bound from the moved case.
      const { state, suspension } = s.suspended ?? { state: s.moved, suspension: suspensionOf(s) };
      return {
        template: 'placement_suspended' as const,
        variant: audience === 'staff' ? 'default' : audience,
        card: buildPlacementSuspendedCard(placementSuspendedView(on(state, suspension.on), suspension, audience)),
      };
    }),
  ];
}

/** A suspension for the sample card of a procedure that has no stage allowing it: by the course team, on the day the case moved. */
export function suspensionOf(s: Scenario): Suspension {
  return s.suspended?.suspension ?? { on: s.movedOn, by: courseTeam.id, reason: SUSPENSION_REASON };
}

/** Text people could type into a name, a school, a target or evidence, meaning harm. */
export const HOSTILE = {
  name: '[Click to verify](https://evil.example/login) **URGENT**',
  school: '# www.phish.example\n- <img src=x onerror=alert(1)>',
  target: '1. ![x](http://tracker.example/p.png) ${header.caseId} @{caseId} _x_',
  evidence: '> quoted\n+ list\n`code` \\ backslash | pipe ~~strike~~ mailto:a@b.example',
};

export function hostileCase(state: CaseState): CaseState {
  const people: Person[] = state.people.map((p) => (p.role === 'trainee' ? { ...p, name: HOSTILE.name } : p));
  const plan = state.plan && {
    ...state.plan,
    content: {
      ...state.plan.content,
      concernStatement: HOSTILE.evidence,
      targets: state.plan.content.targets.map((t) => ({
        ...t,
        text: HOSTILE.target,
        successCriteria: HOSTILE.evidence,
      })),
    },
  };
  const reviews = state.reviews.map((r) => ({ ...r, evidence: HOSTILE.evidence, nextSteps: HOSTILE.target }));
  return { ...state, people, plan, reviews, placement: { ...state.placement, school: HOSTILE.school } };
}
