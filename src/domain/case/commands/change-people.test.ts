import { describe, expect, it } from 'vitest';
import { addDays, parseLocalDate as d, type LocalDate } from '../../calendar/index.js';
import { DomainError } from '../../errors.js';
import type { Procedure } from '../../procedure/schema.js';
import {
  bcuRapidImprovementTargets,
  brightFuturesSupport,
  enhancedSupport,
  midEssexEarlySupport,
  rcttpConcernProcedures,
} from '../../procedures/index.js';
import { replay } from '../apply-event.js';
import { calendarFor, planRulesOf, rolesOnCase } from '../command-kit.js';
import { caseEventSchema } from '../events.js';
import { reviewWindow } from '../plan-rules.js';
import { outstandingSignatories } from '../queries.js';
import { actorFor, aDraft, CaseDriver, Clock, courseTeam, openInput, personFor } from '../testing.js';
import type { Person } from '../types.js';
import { changePerson, changePlacement } from './change-people.js';
import { closeCase } from './close-case.js';
import { editPlan, type PlanDraft } from './edit-plan.js';
import { openCase } from './open-case.js';
import { signPlan } from './sign-plan.js';

/** A Tuesday in term, for every procedure's calendar. */
const START = d('2026-11-24');

function opened(procedure: Procedure, people?: readonly Person[]): CaseDriver {
  const clock = new Clock(START);
  const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
  const input = openInput(procedure, people ? { people: [...people] } : {});
  return new CaseDriver(procedure, clock, openCase(ctx, { caseId: 'case-1', previousCases: 0 }, input));
}

function refusal(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

/** A complete draft of the case's current plan form, whatever the procedure asks of it. */
function completeDraft(c: CaseDriver): PlanDraft {
  const plan = c.state.plan;
  if (!plan) throw new Error('no plan');
  const rules = planRulesOf(c.procedure, plan);
  const framework = c.procedure.frameworks.find((f) => f.id === rules.frameworks[0]);
  const group = framework?.groups[0];
  const links = framework && group ? [{ frameworkId: framework.id, code: group.code }] : [];
  const parties = rules.actionParties.length > 0 ? rules.actionParties : rules.responsibilities.map((r) => r.code);
  const window = reviewWindow(rules, c.clock.today, calendarFor(c.procedure));
  return {
    ...aDraft(c.procedure),
    concerns: [{ text: 'Low-level disruption goes unchallenged.', links }],
    targets: [
      {
        text: 'Establish routines for entering the classroom',
        links,
        actions: parties.map((party) => ({ party, text: 'Agreed action.' })),
        successCriteria: 'Lessons start promptly.',
        timescale: 'Two weeks',
        supportRequired: 'Weekly coaching.',
        monitoring: 'Weekly observation.',
        observationFocus: false,
      },
    ],
    trainingNeeds: 'Behaviour management training.',
    supportMeasures: rules.supportMeasureOptions.slice(0, 1),
    reviewDate: window.latest ?? addDays(window.earliest, 10),
    meeting: {
      attendees: [],
      placementConcern: false,
      ...(rules.meeting?.mode === 'online' ? { mode: 'online' as const } : {}),
    },
  };
}

function signAs(c: CaseDriver, person: Person): void {
  const result = signPlan(c.context(actorFor(person)), c.state, { role: person.role, typedName: person.name });
  c.state = result.state;
  c.events.push(...result.events);
}

const newMentor = personFor('mentor', { id: 'new.mentor@school.test', name: 'Priya Natarajan' });

/**
 * Each procedure's mentor changes while its plan is being signed: whoever signed stays signed
 * under their own name, the new mentor takes the place of the old one in what is outstanding,
 * and the plan is agreed once the procedure's signatures are in.
 */
const SIGNING_WORDS: readonly (readonly [Procedure, string])[] = [
  [bcuRapidImprovementTargets, 'The trainee and the class teacher/mentor/university tutor sign the form'],
  [rcttpConcernProcedures, 'an individual Progress Support Plan designed to assist the trainee'],
  [enhancedSupport, 'The Enhanced Support Action Plan is completed with input from school based mentors'],
  [brightFuturesSupport, 'Copy of support plan to be shared with Mentor team and Trainee and signed by all partners'],
  [midEssexEarlySupport, 'Staff (if applicable) Full Name Signature (typed if completing by email) Date'],
];

describe('a mentor changes mid-plan, in every procedure', () => {
  it.each(SIGNING_WORDS.map(([procedure, words]) => ({ name: procedure.provider.shortName, words, procedure })))(
    '$name: “$words”',
    ({ procedure }) => {
      const c = opened(procedure);
      if (!c.state.people.some((p) => p.role === 'mentor')) {
        c.run('course_team', changePerson, {
          role: 'mentor',
          add: { id: 'first.mentor@school.test', name: 'First Mentor', email: 'first.mentor@school.test' },
          reason: 'The subject mentor joins: the concern relates to the school placement.',
        });
      }
      const oldMentor = c.person('mentor');
      const provider = c.state.people.find((p) => !['trainee', 'mentor'].includes(p.role)) ?? c.person('trainee');
      c.run(provider.role, editPlan, { plan: aDraft(procedure, { targets: [] }), withdrawSignatures: false });
      c.run(provider.role, editPlan, { plan: completeDraft(c), withdrawSignatures: false });
      // Everyone but the mentors signs first.
      for (const person of outstandingSignatories(procedure, c.state).flatMap((o) => o.people)) {
        if (person.role !== 'mentor' && c.state.plan?.agreedOn === undefined) signAs(c, person);
      }
      const signedBefore = c.state.plan?.signatures ?? [];

      c.clock.advance(1);
      c.run('course_team', changePerson, {
        role: 'mentor',
        removeId: oldMentor.id,
        add: { id: newMentor.id, name: newMentor.name, email: newMentor.email },
        reason: 'The class teacher has left the school.',
      });
      expect(c.state.people.filter((p) => p.role === 'mentor').map((p) => p.id)).toEqual([newMentor.id]);
      expect(c.state.formerPeople).toEqual([
        { person: oldMentor, until: c.clock.today, reason: 'The class teacher has left the school.' },
      ]);
      // Signatures already given stay, and say who gave them.
      expect(c.state.plan?.signatures).toEqual(signedBefore);
      // The old mentor no longer acts on the case; the new one does.
      expect(rolesOnCase(c.state, actorFor(oldMentor))).toEqual([]);
      expect(rolesOnCase(c.state, actorFor(newMentor))).toEqual(['mentor']);
      const outstanding = outstandingSignatories(procedure, c.state).flatMap((o) => o.people);
      expect(outstanding.some((p) => p.id === oldMentor.id)).toBe(false);
      for (const person of outstanding) if (c.state.plan?.agreedOn === undefined) signAs(c, person);
      // A form that names no signatories (RCTTP records the date the targets were discussed) is agreed by the staff who drew it up.
      if (c.state.plan?.agreedOn === undefined) signAs(c, provider);
      expect(c.state.plan?.agreedOn).toBeDefined();
      expect(replay(c.events)).toEqual(c.state);
      for (const event of c.events) expect(caseEventSchema.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
    },
  );
});

describe('who may change people, and what a change may not do', () => {
  const procedure = bcuRapidImprovementTargets;

  it('only the course team changes who is named on a case', () => {
    const c = opened(procedure);
    for (const role of ['tutor', 'mentor', 'trainee']) {
      const refused = refusal(() =>
        c.run(role, changePerson, { role: 'mentor', add: { ...newMentor }, reason: 'Cover' }),
      );
      expect(refused.code).toBe('not_permitted');
      expect(refused.userMessage).toBe('Only the course team can change who is named on a case.');
    }
  });

  it('the trainee a case is about never changes', () => {
    const c = opened(procedure);
    const refused = refusal(() =>
      c.run('course_team', changePerson, {
        role: 'trainee',
        removeId: c.person('trainee').id,
        add: { id: 'other@trainee.test', name: 'Other', email: 'other@trainee.test' },
        reason: 'Wrong trainee',
      }),
    );
    expect(refused.code).toBe('not_permitted');
    expect(refused.userMessage).toContain('Close this case and open one for the other trainee');
  });

  it('“The trainee and the class teacher/mentor/university tutor sign the form”: a case keeps its mentor, so removing them needs a replacement', () => {
    const c = opened(procedure);
    const refused = refusal(() =>
      c.run('course_team', changePerson, { role: 'mentor', removeId: c.person('mentor').id, reason: 'Left' }),
    );
    expect(refused.code).toBe('missing_field');
    expect(refused.userMessage).toBe(
      'A case needs a Class teacher/mentor: replace Mentor with someone rather than removing them.',
    );
  });

  it('a role held by one person is replaced, not doubled', () => {
    const c = opened(procedure);
    const refused = refusal(() =>
      c.run('course_team', changePerson, { role: 'tutor', add: { ...newMentor }, reason: 'Second tutor' }),
    );
    expect(refused.code).toBe('person_already_on_case');
    expect(refused.userMessage).toBe(
      'A case has one University tutor: replace Tutor rather than adding Priya Natarajan.',
    );
  });

  it('RCTTP “School Mentor(s)”: a second mentor is added alongside the first, and an added one can be removed again', () => {
    const c = opened(rcttpConcernProcedures);
    const first = c.person('mentor');
    c.run('course_team', changePerson, { role: 'mentor', add: { ...newMentor }, reason: 'Joint placement' });
    expect(c.state.people.filter((p) => p.role === 'mentor').map((p) => p.name)).toEqual([first.name, newMentor.name]);
    const twice = refusal(() =>
      c.run('course_team', changePerson, { role: 'mentor', add: { ...newMentor }, reason: 'Again' }),
    );
    expect(twice.code).toBe('person_already_on_case');
    c.run('course_team', changePerson, { role: 'mentor', removeId: first.id, reason: 'Moved to another school' });
    expect(c.state.people.filter((p) => p.role === 'mentor').map((p) => p.name)).toEqual([newMentor.name]);
  });

  it('someone not on the case in that role cannot be removed', () => {
    const c = opened(procedure);
    const refused = refusal(() =>
      c.run('course_team', changePerson, {
        role: 'mentor',
        removeId: 'nobody@school.test',
        add: { ...newMentor },
        reason: 'x',
      }),
    );
    expect(refused.code).toBe('person_not_on_case');
    expect(refused.userMessage).toBe('nobody@school.test is not the Class teacher/mentor on this case.');
  });

  it('a change is recorded on or after the day it takes effect, and not before the case was opened', () => {
    const c = opened(procedure);
    const change = (effectiveOn: LocalDate) =>
      refusal(() =>
        c.run('course_team', changePerson, {
          role: 'mentor',
          removeId: c.person('mentor').id,
          add: { ...newMentor },
          effectiveOn,
          reason: 'x',
        }),
      );
    expect(change(d('2026-11-25')).code).toBe('invalid_date');
    expect(change(d('2026-11-23')).userMessage).toBe(
      'The case was opened on Tuesday 24 November 2026; a change cannot take effect before that.',
    );
  });

  it('a closed case keeps the people it closed with', () => {
    const c = opened(procedure);
    c.run('course_team', closeCase, { reason: 'Opened in error' });
    const refused = refusal(() =>
      c.run('course_team', changePerson, {
        role: 'mentor',
        removeId: c.person('mentor').id,
        add: { ...newMentor },
        reason: 'x',
      }),
    );
    expect(refused.code).toBe('case_closed');
  });
});

describe('the placement moves to another school', () => {
  it('“The school that agrees to accept the trainee”: its School Mentor(s) replace the old ones; everyone else stays', () => {
    const procedure = rcttpConcernProcedures;
    const c = opened(procedure);
    const oldMentor = c.person('mentor');
    const tutor = c.person('partnership_tutor');
    const mentors = [
      personFor('mentor', { id: 'a.khan@kingsmead.sch.uk', name: 'Aisha Khan' }),
      personFor('mentor', { id: 'r.dale@kingsmead.sch.uk', name: 'Robert Dale' }),
    ];
    c.clock.advance(1);
    const result = c.run('course_team', changePlacement, {
      school: 'Kingsmead Academy',
      startsOn: d('2027-04-19'),
      endsOn: d('2027-06-11'),
      people: mentors,
      reason: 'Deferred final assessment placement agreed by Kingsmead Academy.',
    });
    expect(result.events.map((e) => e.type)).toEqual(['placement_changed', 'person_changed', 'person_changed']);
    expect(c.state.placement).toMatchObject({
      school: 'Kingsmead Academy',
      programme: 'PGCE Primary 2026/27',
      startsOn: '2027-04-19',
      endsOn: '2027-06-11',
    });
    expect(c.state.formerPlacements).toEqual([
      {
        placement: expect.objectContaining({ school: 'Oak Primary' }) as unknown,
        until: c.clock.today,
        reason: 'Deferred final assessment placement agreed by Kingsmead Academy.',
      },
    ]);
    expect(c.state.people.filter((p) => p.role === 'mentor').map((p) => p.name)).toEqual(['Aisha Khan', 'Robert Dale']);
    expect(c.state.people).toContainEqual(tutor);
    expect(c.state.formerPeople.map((f) => f.person)).toEqual([oldMentor]);
    expect(replay(c.events)).toEqual(c.state);
  });

  it("the school's contact address is kept from the opening, and the new school's replaces it when the placement moves", () => {
    const procedure = rcttpConcernProcedures;
    const clock = new Clock(START);
    const ctx = { procedure, calendar: calendarFor(procedure), now: clock.now, actor: courseTeam };
    const input = openInput(procedure);
    const c = new CaseDriver(
      procedure,
      clock,
      openCase(
        ctx,
        { caseId: 'case-1', previousCases: 0 },
        {
          ...input,
          placement: { ...input.placement, schoolContactEmail: 'office@oak.sch.test' },
        },
      ),
    );
    expect(c.state.placement.schoolContactEmail).toBe('office@oak.sch.test');
    c.clock.advance(1);
    c.run('course_team', changePlacement, {
      school: 'Kingsmead Academy',
      people: [],
      schoolContactEmail: 'office@kingsmead.sch.test',
      reason: 'Kingsmead Academy agrees to accept the trainee.',
    });
    expect(c.state.placement.schoolContactEmail).toBe('office@kingsmead.sch.test');
    expect(c.state.formerPlacements[0]?.placement.schoolContactEmail).toBe('office@oak.sch.test');
    // A move that gives no contact address leaves the old school's behind.
    c.run('course_team', changePlacement, { school: 'Elm Primary', people: [], reason: 'Moved again.' });
    expect(c.state.placement.schoolContactEmail).toBeUndefined();
    expect(replay(c.events)).toEqual(c.state);
  });

  it('only school roles move with the school, and only the course team moves a placement', () => {
    const procedure = rcttpConcernProcedures;
    const c = opened(procedure);
    const tutorAsSchool = refusal(() =>
      c.run('course_team', changePlacement, {
        school: 'Kingsmead Academy',
        people: [personFor('partnership_tutor', { id: 'x@rcttp.test' })],
        reason: 'x',
      }),
    );
    expect(tutorAsSchool.code).toBe('invalid_input');
    const byTutor = refusal(() =>
      c.run('partnership_tutor', changePlacement, { school: 'Kingsmead Academy', people: [], reason: 'x' }),
    );
    expect(byTutor.userMessage).toBe('Only the course team can move a placement to another school.');
    const same = refusal(() =>
      c.run('course_team', changePlacement, { school: 'oak primary', people: [], reason: 'x' }),
    );
    expect(same.userMessage).toBe('The placement is already at Oak Primary.');
  });

  it('a mentor who left cannot act on the case any more', () => {
    const procedure = bcuRapidImprovementTargets;
    const c = opened(procedure);
    const oldMentor = c.person('mentor');
    c.run('course_team', changePerson, {
      role: 'mentor',
      removeId: oldMentor.id,
      add: { ...newMentor },
      reason: 'Left the school',
    });
    const edit = refusal(() =>
      editPlan(c.context(actorFor(oldMentor)), c.state, { plan: aDraft(procedure), withdrawSignatures: false }),
    );
    expect(edit.code).toBe('not_permitted');
  });
});
