import { TEACHERS_STANDARDS_ID, teachersStandards } from '../frameworks/teachers-standards.js';
import { loadProcedure } from '../procedure/load-procedure.js';
import type { Procedure, ProcedureInput } from '../procedure/schema.js';
import type { SignaturesInput } from './definition-input.js';

/**
 * Bright Futures SCITT Support Process, as the SCITT wrote it. Its text names no standards
 * framework and no reasons list: targets are SMART targets with action steps, not linked to
 * framework items, and a case opens on "concerns raised by Professional Mentor, Mentor or
 * Trainee". Both plan meetings are ONLINE meetings.
 */

/** "All partners (SCITT lead, mentors and trainees)"; the Professional Mentor when one is assigned. */
const ALL_PARTNERS_SIGN = {
  required: [
    { anyOf: ['lead'] },
    { anyOf: ['mentor'], everyone: true },
    { anyOf: ['trainee'] },
    { anyOf: ['professional_mentor'], whenAssigned: true, everyone: true },
  ],
} satisfies Omit<SignaturesInput, 'statement'>;

const STAGE_3_RULE =
  'Trainee must demonstrate that targets have been addressed and progress made in order to retain a place on the programme.';

const DIRECTOR_MEETING =
  'If targeted support does not result in progress, the Trainee may be invited to a meeting with the SCITT Director to discuss their position.';

const definition = {
  id: 'bright-futures-support',
  version: 1,
  provider: { id: 'bright_futures_scitt', name: 'Bright Futures SCITT', shortName: 'Bright Futures' },
  name: 'Support Process',
  purpose:
    'We aim to conduct ourselves with fairness and integrity towards our trainees and partner schools. Our support procedure allows all partners (SCITT lead, mentors and trainees) to have a voice and to be treated fairly. A clear support procedure means that all partners are fully informed at each step of the process. We are committed to working in an inclusive way and treating all partners with respect.',
  frameworks: [teachersStandards],
  reasons: [{ id: 'concern_raised', label: 'Concerns raised by Professional Mentor, Mentor or Trainee' }],
  roles: [
    { id: 'trainee', label: 'Trainee', side: 'trainee', requiredOnCase: true },
    { id: 'lead', label: 'Programme Lead (SCITT Lead)', side: 'provider', requiredOnCase: true },
    { id: 'mentor', label: 'Mentor (class/subject)', side: 'school', requiredOnCase: true, multiple: true },
    { id: 'professional_mentor', label: 'Professional Mentor', side: 'school' },
    { id: 'director', label: 'SCITT Director', side: 'provider' },
  ],
  raisedBy: ['professional_mentor', 'mentor', 'trainee'],
  // The placement roster's tutor is the trainee's Programme Lead at the SCITT.
  roster: { tutor: 'lead' },
  stages: [
    {
      id: 'stage_1',
      title: 'Stage 1',
      formality: 'informal',
      openable: true,
      description:
        'Stage 1 is an informal stage in the support process. Concerns raised by Professional Mentor, Mentor or Trainee. Contact Lead at an early stage.',
      plan: {
        title: 'Stage 1: SMART targets and action steps',
        reviewWindowText: 'Date set for review and observation to be carried out by Professional Mentor.',
        frameworks: [TEACHERS_STANDARDS_ID],
        targetsLinkedToFramework: false,
        // "allows all partners (SCITT lead, mentors and trainees) to have a voice": the trainee's own view of the concerns.
        fields: ['concern_statement', 'trainee_perceptions', 'trainee_actions'],
        actionParties: ['trainee'],
        smartTargets: true,
        meeting: {
          mode: 'online',
          attendees: ['lead', 'mentor', 'trainee'],
          description:
            'Preliminary ONLINE meeting – Programme Lead, Mentors and Trainee: discuss concerns raised; agree SMART targets and identify action steps; date set for review and observation to be carried out by Professional Mentor.',
        },
        signatures: {
          ...ALL_PARTNERS_SIGN,
          statement:
            'All partners to agree to the expectation that action steps will be taken to address the concerns raised.',
        },
      },
      review: {
        kind: 'review',
        title: 'Professional Mentor observation and review of targets',
        reviewers: ['professional_mentor'],
        observationBy: ['professional_mentor'],
        outcomes: [
          {
            id: 'concerns_addressed',
            label: 'The concerns have been addressed',
            explanation: 'The support process ends and the case closes.',
            effect: { type: 'close', resolution: 'resolved' },
          },
          {
            id: 'concerns_ongoing',
            label: 'Concerns are ongoing',
            explanation:
              'Lead will initiate Stage 2: a formal support plan is agreed at an ONLINE meeting with the Lead, Trainee and Mentor, and signed by all partners.',
            effect: { type: 'go_to_stage', stage: 'stage_2' },
            // "Professional Mentor to … feed back to Lead. If concerns are ongoing, Lead will initiate Stage 2."
            by: ['lead'],
          },
        ],
      },
      inform: [
        { on: 'case_opened', to: [{ kind: 'role', role: 'lead' }], note: 'Contact Lead at an early stage.' },
        {
          on: 'review_recorded',
          to: [{ kind: 'role', role: 'lead' }],
          note: 'Professional Mentor to observe lesson on agreed date, review targets and feed back to Lead.',
        },
      ],
    },
    {
      id: 'stage_2',
      title: 'Stage 2',
      formality: 'formal',
      description:
        'Stage 2 is a formal stage in the support process. A formal support plan will be put in place in response to ongoing concerns not addressed at Stage 1.',
      plan: {
        title: 'Formal support plan',
        reviewWindowText: 'Review date set.',
        frameworks: [TEACHERS_STANDARDS_ID],
        targetsLinkedToFramework: false,
        fields: ['support_measures', 'trainee_actions'],
        actionParties: ['trainee'],
        supportMeasureOptions: ['Additional training', 'Planning support', 'Adjusted workload'],
        smartTargets: true,
        meeting: {
          mode: 'online',
          attendees: ['lead', 'trainee', 'mentor'],
          description:
            'ONLINE meeting with Lead, Trainee and Mentor (Class/subject or Professional Mentor): identify appropriate support measures; expectation set that additional support must result in progress; plans put in place for additional support; SMART targets set with action steps; review date set.',
        },
        signatures: { ...ALL_PARTNERS_SIGN, statement: 'All partners to view and sign the support plan.' },
        noticeToTrainee: `Expectation set that additional support must result in progress. Should the support plan not lead to progress, the Lead will carry out an observation followed by a review meeting with you and the Mentor team (Stage 3): ${STAGE_3_RULE} ${DIRECTOR_MEETING}`,
      },
      review: {
        kind: 'review',
        title: 'Review of the support plan',
        reviewers: ['lead', 'mentor'],
        outcomes: [
          {
            id: 'progress_made',
            label: 'The support plan has led to progress',
            explanation: 'The support process ends and the case closes.',
            effect: { type: 'close', resolution: 'resolved' },
          },
          {
            id: 'no_progress',
            label: 'The support plan has not led to progress',
            explanation:
              'The case moves to Stage 3: the Lead carries out an observation, followed by a review meeting with the Trainee and Mentor team. The Trainee must demonstrate progress to retain a place on the programme.',
            effect: { type: 'go_to_stage', stage: 'stage_3' },
          },
        ],
      },
      inform: [
        {
          on: 'plan_agreed',
          to: [
            { kind: 'role', role: 'mentor' },
            { kind: 'role', role: 'professional_mentor' },
            { kind: 'role', role: 'trainee' },
          ],
          note: "Copy of support plan to be shared with Mentor team and Trainee and signed by all partners. This will be retained as part of the student's record.",
          attachForm: true,
        },
      ],
    },
    {
      id: 'stage_3',
      title: 'Stage 3',
      formality: 'formal',
      description: `Lead to carry out observation. Review meeting to follow with Trainee and Mentor team. ${STAGE_3_RULE}`,
      review: {
        kind: 'meeting',
        title: 'Lead observation and review meeting',
        reviewers: ['lead'],
        observationBy: ['lead'],
        meeting: {
          mode: 'any',
          attendees: ['lead', 'trainee', 'mentor', 'professional_mentor'],
          description: 'Review meeting to follow with Trainee and Mentor team: review lesson, actions and targets.',
        },
        outcomes: [
          {
            id: 'progress_demonstrated',
            label: 'The Trainee has demonstrated that targets have been addressed and progress made',
            explanation: 'The Trainee retains a place on the programme and the case closes.',
            effect: { type: 'close', resolution: 'resolved' },
          },
          {
            id: 'progress_not_demonstrated',
            label: 'The Trainee has not demonstrated that targets have been addressed and progress made',
            explanation: 'The Trainee may be invited to a meeting with the SCITT Director to discuss their position.',
            effect: { type: 'go_to_stage', stage: 'director_meeting' },
          },
        ],
      },
    },
    {
      id: 'director_meeting',
      title: 'Meeting with the SCITT Director',
      formality: 'decision',
      description: DIRECTOR_MEETING,
      review: {
        kind: 'meeting',
        title: "Meeting with the SCITT Director to discuss the Trainee's position",
        reviewers: ['director'],
        perTarget: false,
        meeting: {
          mode: 'any',
          attendees: ['director'],
          // "the Trainee may be invited": an invitation the Director may make, not an attendance the case expects.
          optionalAttendees: ['trainee'],
          description: 'The Trainee may be invited to a meeting with the SCITT Director to discuss their position.',
        },
        outcomes: [
          {
            id: 'continues_with_support',
            label: 'The Trainee continues on the programme with further support',
            explanation:
              'A new formal support plan is agreed (Stage 2) at an ONLINE meeting and signed by all partners.',
            effect: { type: 'go_to_stage', stage: 'stage_2' },
          },
          {
            id: 'leaves_programme',
            label: 'The Trainee leaves the programme',
            explanation: 'The Trainee leaves the programme and the case closes.',
            effect: { type: 'close', resolution: 'withdrawn' },
          },
        ],
      },
    },
  ],
  notes: [
    'A Trainee must successfully complete a placement in each key stage in order to be recommended for QTS/EYTS.',
    'An Early Primary Trainee must successfully complete two placements in EYFS and one in Key Stage 1 in order to be recommended for QTS.',
    'A secondary Trainee must successfully complete placements in two contrasting schools in order to be recommended for QTS.',
    DIRECTOR_MEETING,
  ],
} satisfies ProcedureInput;

export const brightFuturesSupport: Procedure = loadProcedure(definition);
