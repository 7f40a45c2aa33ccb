import { TEACHERS_STANDARDS_ID, teachersStandards } from '../frameworks/teachers-standards.js';
import { NOTIFY_TRIGGERS, type Procedure, type ProcedureInput } from '../procedure/schema.js';
import { loadProcedure } from '../procedure/load-procedure.js';
import type { InformRuleInput } from './definition-input.js';

/**
 * Mid-Essex ITT: CONFIDENTIAL Early Support Plan Procedure and Paperwork, as Mid-Essex wrote
 * it. Targets are linked to "the trainee's teaching, mastery of the ITE curriculum, impact on
 * outcomes for pupils or … Part Two of the Teachers' Standards": only Part Two is a catalogued
 * framework, so targets may cite the Teachers' Standards but need not.
 */

const COPY_TO_DIRECTOR =
  'Other relevant partnership staff should be informed and all correspondence copied to the Director.';

/** "All correspondence copied to the Director": every notification the case produces. */
const INFORM_DIRECTOR_ON_EVERYTHING: InformRuleInput[] = NOTIFY_TRIGGERS.map((on) => ({
  on,
  to: [
    { kind: 'role', role: 'director', otherwise: { office: 'director', label: 'Director' } },
    { kind: 'office', office: 'relevant_partnership_staff', label: 'Other relevant partnership staff' },
  ],
  note: COPY_TO_DIRECTOR,
  attachForm: true,
}));

const definition = {
  id: 'mid-essex-early-support',
  version: 1,
  provider: { id: 'mid_essex_itt', name: 'Mid-Essex ITT', shortName: 'Mid-Essex ITT' },
  name: 'Early Support Plan Procedure',
  purpose:
    'A support plan is intended to guide and monitor trainees so that they can achieve the standard of performance required to achieve QTS and the PGCE. The procedure is also intended to prevent the performance of a trainee having a negative impact on the quality of teaching and learning in their placement school. A support plan will outline the concern and related targets, identify training and actions and agree review points. It will result in increased agreed school and centre-based support and monitoring.',
  confidential: true,
  frameworks: [teachersStandards],
  reasons: [
    {
      id: 'plateau',
      label:
        "A trainee's teaching, for any reason, is not developing as expected; for example, if a trainee 'plateaus' and there is no evidence of further progress or development in the quality of their teaching",
    },
    { id: 'struggles_to_progress', label: 'A trainee struggles professionally or personally to make progress' },
    {
      id: 'conduct',
      label:
        "A trainee fails to demonstrate high standards of personal and professional conduct (Teachers' Standards Part Two: Personal and professional conduct)",
      conduct: true,
    },
  ],
  roles: [
    { id: 'trainee', label: 'Trainee', side: 'trainee', requiredOnCase: true },
    { id: 'course_tutor', label: 'Course Tutor', side: 'provider', requiredOnCase: true },
    { id: 'director', label: 'Director', side: 'provider' },
    { id: 'professional_mentor', label: 'Professional Mentor (Professional Tutor)', side: 'school' },
    { id: 'mentor', label: 'Mentor (subject mentor)', side: 'school' },
    { id: 'lead_subject_mentor', label: 'Lead Subject Mentor', side: 'provider' },
  ],
  raisedBy: ['course_tutor'],
  roster: { tutor: 'course_tutor' },
  // Lifecycle emails reach the Director through the rules above (with the form); this copies the rest too:
  // signature requests, review reminders and what the trainee is sent.
  copyAllCorrespondenceTo: {
    to: [{ kind: 'role', role: 'director', otherwise: { office: 'director', label: 'Director' } }],
    note: COPY_TO_DIRECTOR,
  },
  stages: [
    {
      id: 'early_support_plan',
      title: 'Early Support Plan',
      formality: 'informal',
      openable: true,
      description:
        'At the meeting the trainee will be informed that there is a concern and the issues that must be addressed. The Course Tutor or mentor discusses the concerns with the trainee. The Course Tutor/mentor should ensure that they listen respectfully to the trainee to gain a full understanding of their perceptions. Staff will complete the statement of concern outlining all issues on the first page of the paperwork.',
      plan: {
        title: 'Early Support Plan',
        maxTargets: 3,
        oneTargetPerObservation: true,
        reviewWindow: { amount: 14, unit: 'calendar_days' },
        reviewWindowText:
          'There should be a maximum of three targets set across the two weeks. A review date will be recorded on the paperwork which should be within two weeks.',
        frameworks: [TEACHERS_STANDARDS_ID],
        targetsLinkedToFramework: false,
        fields: [
          'concern_statement',
          'trainee_perceptions',
          'trainee_actions',
          'support_measures',
          'training_needs',
          'timescale',
          'success_criteria',
          'monitoring',
        ],
        actionParties: ['trainee', 'course_tutor', 'professional_mentor', 'mentor'],
        actionsForEveryParty: true,
        meeting: {
          mode: 'any',
          attendees: ['trainee', 'course_tutor'],
          attendeesWhenPlacementConcern: ['professional_mentor', 'mentor'],
          description:
            'Mid Essex ITT will schedule a meeting between the trainee and Course Tutor or, if the concern is relating to the school placement, also the Professional Tutor and subject mentor.',
        },
        signatures: {
          required: [
            { anyOf: ['trainee'] },
            { anyOf: ['course_tutor'] },
            { anyOf: ['director'], whenAssigned: true },
            { anyOf: ['professional_mentor'], whenAssigned: true },
            { anyOf: ['mentor'], whenAssigned: true },
            { anyOf: ['lead_subject_mentor'], whenAssigned: true },
          ],
          typedFullName: true,
          statement: 'Staff (if applicable) and trainee: Full Name, Signature (typed if completing by email), Date.',
        },
        noticeToTrainee: 'Only one target should be the focus of an observation at any one time.',
      },
      review: {
        kind: 'review',
        title: 'Support Plan review',
        reviewers: ['course_tutor', 'mentor', 'professional_mentor'],
        commentsBy: ['mentor', 'professional_mentor'],
        meeting: {
          mode: 'any',
          attendees: ['trainee', 'course_tutor'],
          attendeesWhenPlacementConcern: ['professional_mentor', 'mentor'],
          description:
            'At the end of the two weeks, targets are reviewed using the full range of evidence and paperwork completed. Notes from review meeting; comments on targets from Mentor & PM (were they met/not met? Evidence).',
        },
        outcomes: [
          {
            id: 'sufficient_progress',
            label: 'Sufficient progress has been made by the trainee',
            explanation: 'Normal training routines continue and the case closes.',
            effect: { type: 'close', resolution: 'resolved' },
          },
          {
            id: 'insufficient_progress',
            label: 'Insufficient progress has been made',
            explanation:
              'The trainee will proceed onto a Cause for Concern plan, which has its own separate procedure and paperwork; the Early Support Plan ends here.',
            effect: { type: 'hand_off', to: 'Cause for Concern plan (separate procedure and paperwork)' },
          },
        ],
      },
      inform: INFORM_DIRECTOR_ON_EVERYTHING,
    },
  ],
  notes: [
    "Targets for improvement must be explicitly linked to area(s) of concern in the trainee's teaching, mastery of the ITE curriculum, impact on outcomes for pupils or ability to uphold the expectations in Part Two of the Teachers' Standards.",
    'Targets will require agreed actions for both the trainee and all those working with them in the training programme.',
    'The setting and revision of targets must be based on the review of the full range of evidence; there must be clear correlation between the identified issues and the targets set.',
    "A support plan will usually relate to specific aspects of the trainee's teaching and be characterised by a lack of expected progress by the trainee against the ITE curriculum or by a lack of impact on outcomes for pupils.",
    'A support plan can be started at any stage of the programme.',
  ],
} satisfies ProcedureInput;

export const midEssexEarlySupport: Procedure = loadProcedure(definition);
