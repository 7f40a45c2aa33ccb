import type { OpenCaseInput } from '../../src/domain/case/commands/open-case.js';
import { person, type Identity } from './harness.js';

/** Two BCU cases on two programmes, and the people around them (role × case matrix). */
export const P1 = 'PGCE Primary 2026/27';
export const P2 = 'PGCE Secondary 2026/27';

export const people = {
  traineeA: person('trainee', 'Priya Sharma', 'priya.sharma@students.example'),
  mentorA: person('mentor', 'Gareth Evans', 'g.evans@hollybank.example'),
  tutorA: person('tutor', 'Helen Okafor', 'helen.okafor@uni.example'),
  traineeB: person('trainee', 'Tom Fletcher', 'tom.fletcher@students.example'),
  mentorB: person('mentor', 'Laura Bennett', 'l.bennett@stannes.example'),
  tutorB: person('tutor', 'David Mensah', 'david.mensah@uni.example'),
} as const;

export function caseInput(which: 'A' | 'B', overrides: Partial<OpenCaseInput> = {}): OpenCaseInput {
  const a = which === 'A';
  return {
    reference: a ? 'RIT-A' : 'RIT-B',
    reasons: ['not_expected_progress'],
    people: a ? [people.traineeA, people.mentorA, people.tutorA] : [people.traineeB, people.mentorB, people.tutorB],
    placement: {
      school: a ? 'Hollybank Primary' : 'St Anne’s',
      subject: undefined,
      phase: 'Primary',
      programme: a ? P1 : P2,
      startsOn: undefined,
      endsOn: undefined,
    },
    ...overrides,
  };
}

export const identities = {
  courseTeamP1: { upn: 'course.lead@uni.example', name: 'Mark Whitfield', roles: ['CourseTeam'], programmes: [P1] },
  admin: { upn: 'admin@uni.example', name: 'Admin', roles: ['Admin'] },
  mentorA: { upn: people.mentorA.id, name: people.mentorA.name },
  tutorA: { upn: people.tutorA.id, name: people.tutorA.name },
  traineeA: { upn: people.traineeA.id, name: people.traineeA.name },
  stranger: { upn: 'someone.else@uni.example', name: 'Someone Else' },
} satisfies Record<string, Identity>;

/** A BCU plan draft that can be signed: three targets against the tracker, a review date. */
export function bcuPlan(reviewDate: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const link = (code: string) => ({ frameworkId: 'bcu-ite-formative-assessment-tracker', code });
  return {
    concernStatement: 'Lessons start slowly.',
    concerns: [{ text: 'Low-level disruption is not addressed.', links: [link('FAT7')] }],
    targets: ['FAT7', 'FAT5'].map((code) => ({
      text: `Improve ${code}`,
      links: [link(code)],
      actions: [
        { party: 'trainee', text: 'Rehearse routines.' },
        { party: 'mentor', text: 'Observe weekly.' },
      ],
      successCriteria: 'Seen in observed lessons.',
    })),
    trainingNeeds: 'Behaviour session.',
    reviewDate,
    ...overrides,
  };
}
