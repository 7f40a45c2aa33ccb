import {
  addDays,
  addWorkingDays,
  isAfter,
  isWorkingDay,
  londonDateOf,
  londonInstantAt,
  type LocalDate,
  type WorkingCalendar,
} from '../../domain/calendar/index.js';
import {
  applicableRequirements,
  calendarFor,
  convenePanel,
  currentReviewWindow,
  editPlan,
  escalateCase,
  openCase,
  pauseCase,
  planRulesOf,
  recordPanelMeeting,
  recordReview,
  recordTraineePerceptions,
  signPlan,
  suspendPlacement,
  type CommandContext,
  type CommandResult,
} from '../../domain/case/index.js';
import type { PlanDraft } from '../../domain/case/commands/edit-plan.js';
import type { Actor, CaseState, Person, ProgressRating } from '../../domain/case/types.js';
import type { CaseRepository, StoredCase } from '../../domain/ports.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { DEMO_PROVIDERS, type DemoPerson, type DemoProvider } from './personas.js';

/**
 * Demo cases for local mode, built the way real ones are: the real domain commands, run with a
 * clock in the past, stored through the real repository. Each provider gets cases at different
 * points: being drafted, awaiting signatures, review due this week, review overdue, escalated
 * or at a formal stage, at a panel or decision, closed. Dates count back from "today", so the
 * picture is right whenever the demo is loaded.
 */

/** Working days before (negative) or after today. */
function workingDay(calendar: WorkingCalendar, today: LocalDate, n: number): LocalDate {
  if (n >= 0) {
    let day = today;
    while (!isWorkingDay(calendar, day)) day = addDays(day, 1);
    return addWorkingDays(calendar, day, n);
  }
  let day = today;
  let left = -n;
  while (left > 0) {
    day = addDays(day, -1);
    if (isWorkingDay(calendar, day)) left -= 1;
  }
  return day;
}

/** What each supporting party typically agrees to do for a target. */
const SUPPORT_ACTIONS: Readonly<Record<string, string>> = {
  mentor: 'Observe a lesson each week focused on this target and give same-day feedback.',
  professional_mentor: 'Arrange a joint observation with the mentor and check the weekly plans.',
  tutor: 'Review progress against the target with the trainee and mentor at the weekly check-in.',
  course_tutor: 'Review progress against the target with the trainee and mentor at the weekly check-in.',
  partnership_tutor: 'Visit the school to review progress against the target with the trainee and mentor.',
};

const TARGET_LIBRARY: Readonly<Record<string, readonly { code: string; text: string; criteria: string }[]>> = {
  'teachers-standards': [
    {
      code: 'TS7',
      text: 'Establish a consistent entry and settling routine so that learning starts within three minutes.',
      criteria: 'In observed lessons, all pupils are engaged in the starter within three minutes.',
    },
    {
      code: 'TS5',
      text: 'Adapt tasks for the lower attaining group so that they can complete the core task.',
      criteria: 'Pupils’ books show the lower attaining group completing the core task.',
    },
    {
      code: 'TS6',
      text: 'Use mini-whiteboard checks at two points in each lesson and adjust the teaching in response.',
      criteria: 'Observed lessons show the plan changing after a whiteboard check.',
    },
  ],
  'bcu-ite-formative-assessment-tracker': [
    {
      code: 'FAT7',
      text: 'Establish a consistent entry and settling routine so that learning starts within three minutes of the bell.',
      criteria: 'In observed lessons, all pupils are engaged in the starter within three minutes.',
    },
    {
      code: 'FAT5',
      text: 'Adapt maths tasks for the lower attaining group so that they can complete the core task.',
      criteria: 'Pupils’ books show the lower attaining group completing the core task.',
    },
    {
      code: 'FAT6',
      text: 'Use hinge questions at two points in each lesson and adjust the teaching in response.',
      criteria: 'Observed lessons show the trainee changing the plan after a hinge question.',
    },
  ],
};

const asPerson = (role: string, person: DemoPerson): Person => ({
  role,
  id: person.upn,
  name: person.name,
  email: person.upn,
});
const actorOf = (person: Pick<Person, 'id' | 'name'>): Actor => ({ id: person.id, name: person.name, appRoles: [] });

/** One demo case being driven: each command runs at `day`, and its events go through the repository. */
class DemoCase {
  private stored: StoredCase | undefined;
  day: LocalDate;

  constructor(
    private readonly repository: CaseRepository,
    readonly procedure: Procedure,
    readonly provider: DemoProvider,
    readonly courseTeam: Actor,
    day: LocalDate,
  ) {
    this.day = day;
  }

  get state(): CaseState {
    if (!this.stored) throw new Error('the demo case has not been opened');
    return this.stored.state;
  }

  private ctx(actor: Actor): CommandContext {
    return {
      procedure: this.procedure,
      calendar: calendarFor(this.procedure),
      now: londonInstantAt(this.day, 10, 0),
      actor,
    };
  }

  person(role: string): Person {
    const person = this.state.people.find((p) => p.role === role);
    if (!person) throw new Error(`no ${role} on demo case ${this.state.reference}`);
    return person;
  }

  /** The first person on the case holding one of the roles, else the course team. */
  actorIn(roles: readonly string[]): Actor {
    const person = this.state.people.find((p) => roles.includes(p.role));
    return person ? actorOf(person) : this.courseTeam;
  }

  async open(
    caseId: string,
    reference: string,
    trainee: DemoPerson,
    reasons: readonly string[],
    staffIndex: number,
  ): Promise<void> {
    const people: Person[] = [asPerson('trainee', trainee)];
    for (const [role, holders] of Object.entries(this.provider.staff)) {
      const holder = holders[staffIndex % holders.length] ?? holders[0];
      if (holder) people.push(asPerson(role, holder));
    }
    const result = openCase(
      this.ctx(this.courseTeam),
      { caseId, previousCases: 0 },
      {
        reference,
        reasons: [...reasons],
        people,
        placement: {
          school: this.provider.school,
          subject: this.provider.subject,
          phase: this.provider.phase,
          programme: this.provider.programme,
          startsOn: addDays(this.day, -28),
          endsOn: addDays(this.day, 70),
        },
      },
    );
    this.stored = await this.repository.create(result);
  }

  async run<I>(
    actor: Actor,
    command: (ctx: CommandContext, state: CaseState, input: I) => CommandResult,
    input: I,
  ): Promise<void> {
    const result = command(this.ctx(actor), this.state, input);
    if (!this.stored) throw new Error('not opened');
    this.stored = await this.repository.append(this.stored, result);
  }

  /** A complete form under the current plan's rules, reviewed on `reviewDate`. */
  draft(reviewDate: LocalDate | undefined, targets = 2): PlanDraft {
    const plan = this.state.plan;
    if (!plan) throw new Error('no plan to draft');
    const rules = planRulesOf(this.procedure, plan);
    const frameworkId = rules.frameworks[0] ?? 'teachers-standards';
    const library = TARGET_LIBRARY[frameworkId] ?? TARGET_LIBRARY['teachers-standards'] ?? [];
    const parties = rules.actionParties.length > 0 ? rules.actionParties : rules.responsibilities.map((r) => r.code);
    const traineeParty = parties.includes('trainee') ? 'trainee' : parties.includes('T') ? 'T' : parties[0];
    const count = Math.min(targets, rules.maxTargets ?? targets);
    const onCase = new Set(this.state.people.map((p) => p.role));
    // Where the form asks for actions from everyone working with the trainee, each of them gets one; otherwise the first supporter.
    const supporters = parties.filter((party) => party !== traineeParty);
    const supportParties = rules.actionsForEveryParty
      ? supporters.filter((party) => onCase.has(party))
      : supporters.slice(0, 1);
    const meetingRoles = (rules.meeting?.attendees ?? []).filter((r) => onCase.has(r));
    return {
      concernStatement:
        'Lessons start slowly and low-level disruption is not addressed, so pupils are not making the expected progress.',
      concerns: [
        {
          text: 'Low-level disruption is not addressed at the start of lessons.',
          links: library[0] ? [{ frameworkId, code: library[0].code }] : [],
        },
      ],
      targets: library.slice(0, count).map((item, index) => ({
        text: item.text,
        links: [{ frameworkId, code: item.code }],
        actions: [
          ...(traineeParty
            ? [
                {
                  party: traineeParty,
                  text: 'Plan for the target in every lesson and reflect on it weekly with the mentor.',
                },
              ]
            : []),
          ...supportParties.map((party) => ({
            party,
            text:
              SUPPORT_ACTIONS[party] ?? 'Observe a lesson each week focused on this target and give same-day feedback.',
          })),
        ],
        successCriteria: item.criteria,
        timescale: 'By the review date',
        supportRequired: 'Weekly mentor meeting',
        monitoring: 'Weekly observation notes',
        observationFocus: index === 0,
      })),
      trainingNeeds: 'Central training session on behaviour routines and adaptive teaching.',
      supportMeasures: rules.fields.includes('support_measures')
        ? rules.supportMeasureOptions.length > 0
          ? rules.supportMeasureOptions.slice(0, 2)
          : ['Weekly mentor meeting focused on the targets']
        : [],
      ...(reviewDate === undefined ? {} : { reviewDate }),
      meeting: {
        heldOn: this.day,
        mode: rules.meeting?.mode === 'online' ? 'online' : 'in_person',
        attendees:
          meetingRoles.length > 0
            ? meetingRoles
            : ['trainee', ...parties.filter((r) => onCase.has(r) && r !== 'trainee').slice(0, 1)],
        placementConcern: true,
      },
    };
  }

  async saveDraft(reviewDate: LocalDate | undefined): Promise<void> {
    const staffRoles = this.procedure.roles.filter((r) => r.side !== 'trainee').map((r) => r.id);
    const draft = this.draft(reviewDate === undefined ? undefined : this.inWindow(reviewDate));
    await this.run(this.actorIn(staffRoles), editPlan, { plan: draft, withdrawSignatures: false });
    const plan = this.state.plan;
    if (plan && planRulesOf(this.procedure, plan).fields.includes('trainee_perceptions')) {
      await this.run(actorOf(this.person('trainee')), recordTraineePerceptions, {
        text: 'I know the start of lessons has been difficult. I would like to see the routine modelled and to have feedback on it each week.',
      });
    }
  }

  /**
   * `reviewDate`, or the window's last working day when it falls later. Scenarios count in working days;
   * a window in calendar days (Mid-Essex: 14) is shorter than that around Christmas, when bank
   * holidays stretch the working days apart.
   */
  private inWindow(reviewDate: LocalDate): LocalDate {
    const calendar = calendarFor(this.procedure);
    const latest = currentReviewWindow(this.procedure, this.state, calendar, this.day)?.latest;
    if (latest === undefined || !isAfter(reviewDate, latest)) return reviewDate;
    // A review is held on a working day: the window's last one.
    let day = latest;
    while (!isWorkingDay(calendar, day)) day = addDays(day, -1);
    return day;
  }

  /** Signs as the first holder of each required role; `leave` requirements are left unsigned. */
  async sign(leave = 0): Promise<void> {
    const plan = this.state.plan;
    if (!plan) throw new Error('no plan to sign');
    const requirements = applicableRequirements(planRulesOf(this.procedure, plan), this.state);
    const toSign =
      requirements.length > 0
        ? requirements.map((r) => r.anyOf)
        : [this.procedure.roles.filter((r) => r.side === 'provider').map((r) => r.id)];
    for (const anyOf of toSign.slice(0, toSign.length - leave)) {
      const person = this.state.people.find((p) => anyOf.includes(p.role));
      if (!person) continue;
      await this.run(actorOf(person), signPlan, { role: person.role, typedName: person.name });
    }
  }

  async agree(reviewDate: LocalDate): Promise<void> {
    await this.saveDraft(reviewDate);
    await this.sign();
  }

  async review(outcomeId: string, ratings: ProgressRating | readonly ProgressRating[], notes?: string): Promise<void> {
    const stage = this.procedure.stages.find((s) => s.id === this.state.stageId);
    const review = stage?.review;
    if (!review) throw new Error(`stage ${this.state.stageId} has no review`);
    const targets = review.perTarget ? (this.state.plan?.content.targets ?? []) : [];
    // An outcome some roles decide (Bright Futures' Lead initiates Stage 2) is recorded by one of them.
    const outcome = review.outcomes.find((o) => o.id === outcomeId);
    const recorders =
      outcome !== undefined && outcome.by.length > 0
        ? outcome.by
        : review.agreedWithCourseTeam
          ? review.courseTeamRoles
          : review.reviewers;
    await this.run(this.actorIn(recorders), recordReview, {
      progress: targets.map((t, i) => ({
        targetId: t.id,
        rating: typeof ratings === 'string' ? ratings : (ratings[i] ?? 'not_met'),
        comment: 'Seen in observed lessons and planning.',
      })),
      evidence: 'Lesson observations, planning folder and pupils’ books.',
      ...(notes === undefined ? {} : { notes }),
      attendees: review.reviewers.filter((r) => this.state.people.some((p) => p.role === r)).slice(0, 2),
      outcomeId,
      nextSteps: 'Continue with the agreed support; the course team is kept informed.',
      // A group's decision records its members and who attended.
      ...(review.membersRecorded
        ? {
            members: this.state.people
              .filter((p) => this.procedure.roles.find((r) => r.id === p.role)?.side === 'provider')
              .map((p) => ({
                name: p.name,
                role: this.procedure.roles.find((r) => r.id === p.role)?.label ?? p.role,
                attended: true,
              })),
          }
        : {}),
    });
  }
}

export interface DemoLoadResult {
  readonly created: number;
  readonly skipped: number;
  readonly failures: readonly { readonly caseId: string; readonly message: string }[];
}

interface Scenario {
  readonly id: string;
  readonly reasons: readonly string[];
  /** Working days before today the case is opened. */
  readonly openedAgo: number;
  readonly play: (c: DemoCase, at: (n: number) => LocalDate) => Promise<void>;
}

const SCENARIOS: Readonly<Record<string, readonly Scenario[]>> = {
  'bcu-rapid-improvement-targets': [
    {
      id: 'drafting',
      reasons: ['not_expected_progress'],
      openedAgo: 2,
      play: async (c, at) => {
        c.day = at(-1);
        await c.saveDraft(undefined);
      },
    },
    {
      id: 'awaiting-signatures',
      reasons: ['teaching_pupil_progress'],
      openedAgo: 4,
      play: async (c, at) => {
        c.day = at(-3);
        await c.saveDraft(at(7));
        await c.sign(1);
      },
    },
    {
      id: 'due-this-week',
      reasons: ['not_expected_progress', 'teaching_pupil_progress'],
      openedAgo: 9,
      play: async (c, at) => {
        c.day = at(-8);
        await c.agree(at(2));
      },
    },
    {
      id: 'overdue',
      reasons: ['plateau'],
      openedAgo: 14,
      play: async (c, at) => {
        c.day = at(-13);
        await c.agree(at(-2));
      },
    },
    {
      id: 'formal-stage-3',
      reasons: ['not_expected_progress'],
      openedAgo: 26,
      play: async (c, at) => {
        c.day = at(-25);
        await c.agree(at(-16));
        c.day = at(-16);
        await c.review('insufficient_progress', 'not_met', 'Mentor reports the trainee is anxious about observations.');
        c.day = at(-5);
        await c.agree(at(4));
      },
    },
    {
      id: 'at-panel',
      reasons: ['not_expected_progress', 'engagement_attendance'],
      openedAgo: 45,
      play: async (c, at) => {
        c.day = at(-44);
        await c.agree(at(-35));
        c.day = at(-35);
        await c.review('insufficient_progress', 'not_met');
        c.day = at(-33);
        await c.agree(at(-24));
        c.day = at(-24);
        await c.review('insufficient_progress', 'not_met');
        c.day = at(-20);
        await c.review('failed_placement', 'not_met', 'Consultation held with the senior school leader.');
        c.day = at(-10);
        await c.run(c.actorIn(['course_leader']), convenePanel, {
          panelId: 'placement_review_panel',
          members: [
            { id: c.person('course_leader').id, name: c.person('course_leader').name, role: 'Course leader' },
            { id: 'k.osborne@bcu.example', name: 'Dr Karen Osborne', role: 'Head of Department' },
            { id: 'j.singh@bcu.example', name: 'Jaspreet Singh', role: 'Partnership lead' },
          ],
          evidence: [],
        });
      },
    },
    {
      id: 'closed',
      reasons: ['plateau'],
      openedAgo: 30,
      play: async (c, at) => {
        c.day = at(-29);
        await c.agree(at(-20));
        c.day = at(-20);
        await c.review('sufficient_progress', 'met');
      },
    },
  ],
  'rcttp-concern-procedures': [
    {
      id: 'drafting',
      reasons: ['progress_towards_standards'],
      openedAgo: 1,
      play: async (c, at) => {
        c.day = at(0);
        await c.saveDraft(at(15));
      },
    },
    {
      id: 'due-this-week',
      reasons: ['progress_towards_standards'],
      openedAgo: 12,
      play: async (c, at) => {
        c.day = at(-11);
        await c.agree(at(3));
      },
    },
    {
      id: 'overdue',
      reasons: ['progress_towards_standards'],
      openedAgo: 18,
      play: async (c, at) => {
        c.day = at(-17);
        await c.agree(at(-3));
      },
    },
    {
      id: 'escalated',
      reasons: ['progress_towards_standards'],
      openedAgo: 15,
      play: async (c, at) => {
        c.day = at(-14);
        await c.agree(at(1));
        c.day = at(-3);
        await c.run(c.courseTeam, escalateCase, {
          toStageId: 'executive_group',
          reason:
            'A safeguarding concern about conduct was raised by the school; the Executive Group considers it at once.',
        });
      },
    },
    {
      id: 'exceptional-circumstances-panel',
      reasons: ['progress_towards_standards'],
      openedAgo: 40,
      play: async (c, at) => {
        c.day = at(-39);
        await c.agree(at(-21));
        c.day = at(-21);
        await c.review('targets_not_met', ['not_met', 'partly_met']);
        c.day = at(-19);
        await c.agree(at(-1));
        c.day = at(-6);
        const pm = c.person('programme_manager');
        const chair = c.person('executive_group_chair');
        await c.run(actorOf(pm), convenePanel, {
          panelId: 'exceptional_circumstances',
          members: [
            { id: pm.id, name: pm.name, role: 'Programme manager' },
            { id: chair.id, name: chair.name, role: 'Executive Group chair' },
            { id: c.person('course_leader').id, name: c.person('course_leader').name, role: 'Course leader' },
            { id: 'l.francis@rcttp.example', name: 'Lorraine Francis', role: 'Headteacher, partnership school' },
          ],
          evidence: ['Medical certificate', 'Mentor and tutor reports'],
        });
        c.day = at(-4);
        await c.run(actorOf(pm), recordPanelMeeting, {
          panelId: 'exceptional_circumstances',
          attendees: [pm.id, chair.id, c.person('course_leader').id],
          chair: chair.id,
          rationale:
            'First meeting: the panel agreed its chair and asked for an occupational health report before deciding.',
        });
      },
    },
    {
      id: 'closed',
      reasons: ['progress_towards_standards'],
      openedAgo: 35,
      play: async (c, at) => {
        c.day = at(-34);
        await c.agree(at(-16));
        c.day = at(-16);
        await c.review('targets_met', 'met');
      },
    },
  ],
  'enhanced-support': [
    {
      id: 'drafting',
      reasons: ['not_expected_progress'],
      openedAgo: 3,
      play: async (c, at) => {
        c.day = at(-2);
        await c.saveDraft(undefined);
      },
    },
    {
      id: 'due-this-week',
      reasons: ['struggles_part_one'],
      openedAgo: 8,
      play: async (c, at) => {
        c.day = at(-7);
        await c.agree(at(1));
      },
    },
    {
      id: 'formal-step-4',
      reasons: ['not_expected_progress'],
      openedAgo: 25,
      play: async (c, at) => {
        c.day = at(-24);
        await c.agree(at(-14));
        c.day = at(-14);
        await c.review('insufficient_progress', ['partly_met', 'not_met']);
        c.day = at(-12);
        await c.agree(at(-2));
      },
    },
    {
      id: 'decision-step-5',
      reasons: ['conduct'],
      openedAgo: 40,
      play: async (c, at) => {
        c.day = at(-39);
        await c.agree(at(-30));
        c.day = at(-30);
        await c.review('insufficient_progress', 'not_met');
        c.day = at(-28);
        await c.agree(at(-15));
        c.day = at(-15);
        await c.review('no_progress', 'not_met', 'Formal review with the course leader present.');
        c.day = at(-12);
        await c.run(c.courseTeam, suspendPlacement, {
          reason: 'To avoid negative impact on pupils’ progress while the decision is made.',
        });
      },
    },
    {
      id: 'closed',
      reasons: ['plateau'],
      openedAgo: 28,
      play: async (c, at) => {
        c.day = at(-27);
        await c.agree(at(-18));
        c.day = at(-18);
        await c.review('sufficient_progress', 'met');
      },
    },
  ],
  'bright-futures-support': [
    {
      id: 'awaiting-signatures',
      reasons: ['concern_raised'],
      openedAgo: 3,
      play: async (c, at) => {
        c.day = at(-2);
        await c.saveDraft(at(8));
        await c.sign(2);
      },
    },
    {
      id: 'overdue',
      reasons: ['concern_raised'],
      openedAgo: 16,
      play: async (c, at) => {
        c.day = at(-15);
        await c.agree(at(-4));
      },
    },
    {
      id: 'formal-stage-2',
      reasons: ['concern_raised'],
      openedAgo: 22,
      play: async (c, at) => {
        c.day = at(-21);
        await c.agree(at(-11));
        c.day = at(-11);
        await c.review('concerns_ongoing', ['not_met', 'partly_met']);
        c.day = at(-9);
        await c.agree(at(3));
      },
    },
    {
      id: 'director-meeting',
      reasons: ['concern_raised'],
      openedAgo: 45,
      play: async (c, at) => {
        c.day = at(-44);
        await c.agree(at(-34));
        c.day = at(-34);
        await c.review('concerns_ongoing', 'not_met');
        c.day = at(-32);
        await c.agree(at(-20));
        c.day = at(-20);
        await c.review('no_progress', 'not_met');
        c.day = at(-8);
        await c.review('progress_not_demonstrated', 'not_met', 'Lead observation confirmed the concerns.');
      },
    },
    {
      id: 'closed',
      reasons: ['concern_raised'],
      openedAgo: 30,
      play: async (c, at) => {
        c.day = at(-29);
        await c.agree(at(-19));
        c.day = at(-19);
        await c.review('concerns_addressed', 'met');
      },
    },
  ],
  'mid-essex-early-support': [
    {
      id: 'drafting',
      reasons: ['plateau'],
      openedAgo: 1,
      play: async (c, at) => {
        c.day = at(0);
        await c.saveDraft(undefined);
      },
    },
    {
      id: 'awaiting-signatures',
      reasons: ['struggles_to_progress'],
      openedAgo: 3,
      play: async (c, at) => {
        c.day = at(-2);
        await c.saveDraft(at(6));
        await c.sign(3);
      },
    },
    {
      id: 'due-this-week',
      reasons: ['plateau'],
      openedAgo: 6,
      play: async (c, at) => {
        c.day = at(-5);
        await c.agree(at(1));
      },
    },
    {
      id: 'paused',
      reasons: ['struggles_to_progress'],
      openedAgo: 6,
      play: async (c, at) => {
        c.day = at(-5);
        await c.agree(at(3));
        c.day = at(-1);
        await c.run(c.courseTeam, pauseCase, { reason: 'health' });
      },
    },
    {
      id: 'handed-off',
      reasons: ['conduct'],
      openedAgo: 20,
      play: async (c, at) => {
        c.day = at(-19);
        await c.agree(at(-10));
        c.day = at(-10);
        await c.review('insufficient_progress', 'not_met');
      },
    },
    {
      id: 'closed',
      reasons: ['plateau'],
      openedAgo: 22,
      play: async (c, at) => {
        c.day = at(-21);
        await c.agree(at(-12));
        c.day = at(-12);
        await c.review('sufficient_progress', 'met');
      },
    },
  ],
};

/** Loads the demo cases that are not there yet (idempotent per case id: a half-finished load completes). */
export async function loadDemoData(options: {
  readonly repository: CaseRepository;
  readonly procedures: readonly Procedure[];
  readonly now: Date;
}): Promise<DemoLoadResult> {
  const today = londonDateOf(options.now);
  let created = 0;
  let skipped = 0;
  const failures: { caseId: string; message: string }[] = [];
  for (const provider of DEMO_PROVIDERS) {
    const procedure = options.procedures.find((p) => p.id === provider.procedureId);
    if (!procedure) continue;
    const calendar = calendarFor(procedure);
    const at = (n: number): LocalDate => workingDay(calendar, today, n);
    const courseTeam: Actor = {
      id: provider.courseTeam.upn,
      name: provider.courseTeam.name,
      appRoles: ['course_team'],
    };
    const scenarios = SCENARIOS[procedure.id] ?? [];
    for (const [index, scenario] of scenarios.entries()) {
      const caseId = `demo-${provider.key}-${scenario.id}`;
      if (await options.repository.find(caseId)) {
        skipped += 1;
        continue;
      }
      const trainee = provider.trainees[index % provider.trainees.length];
      if (!trainee) continue;
      const demo = new DemoCase(options.repository, procedure, provider, courseTeam, at(-scenario.openedAgo));
      try {
        await demo.open(
          caseId,
          `${provider.referencePrefix}-${today.slice(0, 4)}-${String(101 + index)}`,
          trainee,
          scenario.reasons,
          index,
        );
        await scenario.play(demo, at);
        created += 1;
      } catch (error) {
        failures.push({ caseId, message: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return { created, skipped, failures };
}
