import { TEACHERS_STANDARDS_ID, teachersStandards } from '../frameworks/teachers-standards.js';
import { loadProcedure } from '../procedure/load-procedure.js';
import type { Procedure, ProcedureInput } from '../procedure/schema.js';

/**
 * Enhanced Support Procedure and Enhanced Support Action Plan, as written by a university
 * partnership that the published text does not name. Steps 1–6 are the provider's own; the
 * form asks for concerns against Part 1 (teaching) and Part 2 (personal and professional
 * conduct) of the Teachers' Standards. The provider's text names no signatories, so none are
 * required: the plan is agreed when the people at the meeting record it.
 */

/**
 * "Targets for improvement must … be referenced to the Teachers' Standards and grade descriptors"
 * and "there must be clear alignment between the identified issues, the grades given and the
 * targets set": each concern carries the grade given against the grade descriptors, and a concern
 * graded below expectation must be addressed by a target linked to the same standard. The
 * provider's text names no scale; this is the four-point scale grade descriptors use, and a
 * provider sets its own in its procedure file.
 */
const GRADES = {
  scale: [
    { id: 'outstanding', label: 'Outstanding' },
    { id: 'good', label: 'Good' },
    { id: 'requires_improvement', label: 'Requires improvement', belowExpectation: true },
    { id: 'inadequate', label: 'Inadequate', belowExpectation: true },
  ],
  text: "Targets for improvement must be explicitly linked to areas of concern in the trainee's teaching which prevent the pupils from making the expected progress, and be referenced to the Teachers' Standards and grade descriptors. There must be clear alignment between the identified issues, the grades given and the targets set.",
};

const NORMAL_ROUTINES = 'The Enhanced Support ends, normal training routines continue and the case closes.';

const definition = {
  id: 'enhanced-support',
  version: 1,
  provider: { id: 'university_partnership', name: 'University partnership', shortName: 'Enhanced Support' },
  name: 'Enhanced Support Procedure',
  purpose:
    'The implementation of Enhanced Support is intended to be a developmental and supportive process. The Enhanced Support Action Plan will outline the concern and set targets, identify training and actions and agree review points. It will result in increased agreed school and centre-University based support and monitoring.',
  frameworks: [teachersStandards],
  reasons: [
    { id: 'not_expected_progress', label: 'A trainee does not make the expected progress' },
    {
      id: 'struggles_part_one',
      label: "A trainee struggles professionally or personally to meet the Teachers' Standards (Part One: Teaching)",
    },
    {
      id: 'conduct',
      label:
        'A trainee fails to demonstrate high standards of personal and professional conduct (Part Two: Personal and professional conduct)',
      conduct: true,
    },
    {
      id: 'plateau',
      label:
        "The trainee's teaching, for any reason, is not developing as expected; for example, if a trainee 'plateaus' and there is no evidence of further progress or development in the quality of their teaching",
    },
    {
      id: 'insufficient_school_support',
      label:
        'The trainee has not received the necessary support from the placement school at which point the partnership will intervene',
    },
  ],
  roles: [
    { id: 'trainee', label: 'Trainee', side: 'trainee', requiredOnCase: true },
    { id: 'mentor', label: 'School based mentor', side: 'school', requiredOnCase: true, multiple: true },
    { id: 'professional_mentor', label: 'Professional/Senior Mentor', side: 'school' },
    { id: 'subject_mentor', label: 'Subject/Class Mentor', side: 'school' },
    { id: 'tutor', label: 'University tutor', side: 'provider', requiredOnCase: true },
    { id: 'course_leader', label: 'Course leader', side: 'provider' },
    { id: 'partnership_tutor', label: 'Partnership tutor', side: 'provider' },
  ],
  raisedBy: ['mentor', 'tutor'],
  stages: [
    {
      id: 'step_1',
      title: 'Step 1',
      formality: 'informal',
      openable: true,
      description:
        'At the earliest opportunity, the mentor or University tutor discusses the concerns with the trainee. The mentor/University tutor should ensure that he/she listens respectfully to the trainee to gain a full understanding of his/her perceptions. The Enhanced Support Action Plan is completed with input from school based mentors, University tutors and trainee.',
      plan: {
        title: 'Enhanced Support Action Plan',
        reviewWindowText:
          'The target(s) should be SMART - they are focused explicitly on areas for improvement, with an agreed timescale of the review point, and agreed actions and success criteria.',
        frameworks: [TEACHERS_STANDARDS_ID],
        grades: GRADES,
        fields: [
          'concern_statement',
          'trainee_perceptions',
          'trainee_actions',
          'support_actions',
          'training_needs',
          'success_criteria',
        ],
        actionParties: ['trainee', 'mentor', 'tutor'],
        actionsForEveryParty: true,
        smartTargets: true,
        meeting: {
          mode: 'any',
          attendees: ['trainee', 'mentor', 'tutor'],
          description:
            'The mentor or University tutor discusses the concerns with the trainee; the plan is completed with input from school based mentors, University tutors and trainee.',
        },
        signatures: {
          required: [],
          statement:
            'The Enhanced Support Action Plan is completed with input from school based mentors, University tutors and trainee.',
        },
      },
      next: 'step_2',
    },
    {
      id: 'step_2',
      title: 'Step 2',
      formality: 'informal',
      // Step 1's weekly meetings happen while the agreed plan runs, which is when the case waits at Step 2's review.
      tasks: [
        {
          id: 'weekly_review_meeting',
          label:
            'At the weekly review of progress meeting these targets should be discussed between the mentor and trainee.',
          by: ['mentor', 'trainee'],
          repeats: true,
        },
      ],
      review: {
        kind: 'review',
        title: 'A review of targets using the full range of evidence',
        reviewers: ['mentor', 'tutor'],
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
              'The case proceeds to Step 3: a review meeting with the school based mentors, University tutor and trainee sets SMART targets, explicit actions and an agreed period.',
            effect: { type: 'go_to_stage', stage: 'step_3' },
          },
        ],
      },
      inform: [
        {
          on: 'review_recorded',
          to: [{ kind: 'role', role: 'course_leader' }],
          note: 'Please return this form to the course leader.',
          attachForm: true,
        },
      ],
    },
    {
      id: 'step_3',
      title: 'Step 3',
      formality: 'formal',
      description:
        'A review meeting with the school based mentors, University tutor (normally course leader) and trainee. An agreed period is set for the trainee to focus on the targets for development. All observations and meetings should focus on the targets for development.',
      plan: {
        title: 'Enhanced Support Action Plan: SMART targets',
        reviewWindowText: 'An agreed period is set for the trainee to focus on the targets for development.',
        frameworks: [TEACHERS_STANDARDS_ID],
        grades: GRADES,
        fields: ['concern_statement', 'trainee_actions', 'support_actions', 'success_criteria', 'timescale'],
        actionParties: ['trainee', 'mentor', 'tutor'],
        actionsForEveryParty: true,
        smartTargets: true,
        meeting: {
          mode: 'any',
          attendees: ['mentor', 'tutor', 'trainee'],
          description:
            'A review meeting with the school based mentors, University tutor (normally course leader) and trainee. All observations and meetings should focus on the targets for development.',
        },
        signatures: {
          required: [],
          statement:
            'Explicit actions for the trainee, school based mentor and University tutor are agreed as part of the Enhanced Support Action Plan.',
        },
        noticeToTrainee:
          'Please record clear SMART targets and review date. Failure to meet these may result in the termination of the placement.',
      },
      next: 'step_4',
      inform: [
        {
          on: 'plan_agreed',
          to: [
            { kind: 'role', role: 'trainee' },
            { kind: 'role', role: 'mentor' },
            { kind: 'role', role: 'professional_mentor' },
            { kind: 'role', role: 'subject_mentor' },
          ],
          note: 'The University Tutor provides a copy of the Enhanced Support Action Plan.',
          attachForm: true,
        },
      ],
    },
    {
      id: 'step_4',
      title: 'Step 4',
      formality: 'formal',
      review: {
        kind: 'formal_review',
        title: 'A formal review of targets, using the full range of evidence',
        reviewers: ['mentor', 'tutor'],
        meeting: {
          mode: 'any',
          attendees: ['trainee', 'mentor', 'tutor'],
          description:
            'A formal review of targets, using the full range of evidence, by the trainee, Mentor and University Tutor.',
        },
        outcomes: [
          {
            id: 'sufficient_progress',
            label: 'Sufficient progress has been made',
            explanation: NORMAL_ROUTINES,
            effect: { type: 'close', resolution: 'resolved' },
          },
          {
            id: 'limited_progress',
            label: 'Limited progress has been made',
            explanation:
              'The partnership tutor, mentor and trainee review the issues and revise the targets; the Enhanced Support is re-evaluated at a further Step 4 formal review.',
            effect: {
              type: 'revise',
              reviewAt: 'step_4',
              plan: {
                title: 'Enhanced Support Action Plan: revised targets',
                reviewWindowText: 'The targets are revised and the Enhanced Support is re-evaluated.',
                frameworks: [TEACHERS_STANDARDS_ID],
                grades: GRADES,
                fields: ['concern_statement', 'trainee_actions', 'support_actions', 'success_criteria'],
                actionParties: ['trainee', 'mentor', 'partnership_tutor'],
                actionsForEveryParty: true,
                smartTargets: true,
                meeting: {
                  mode: 'any',
                  attendees: ['partnership_tutor', 'mentor', 'trainee'],
                  description: 'The partnership tutor, mentor and trainee review the issues and revise the targets.',
                },
                signatures: {
                  required: [],
                  statement: 'The partnership tutor, mentor and trainee review the issues and revise the targets.',
                },
              },
            },
          },
          {
            id: 'no_progress',
            label:
              "All of the targets have not been met and progress towards meeting the Teachers' Standards has not been made",
            explanation:
              "The case proceeds to Step 5: the placement may be suspended, and the Fitness to Practise procedure, section 6 of the Students' Handbook of Regulations or a resit placement follows.",
            condition: 'some_target_not_met',
            effect: { type: 'go_to_stage', stage: 'step_5' },
          },
        ],
      },
    },
    {
      id: 'step_5',
      title: 'Step 5',
      formality: 'decision',
      allowsSuspension: true,
      description:
        "The placement may be suspended immediately in order to avoid negative impact on pupils' progress. The Fitness to Practise or the procedures under section 6 of the Students' Handbook of Regulations may be invoked. A resit placement may be offered in circumstances where the issues are centred on a particular age phase.",
      review: {
        kind: 'decision',
        title: 'Step 5 decision',
        reviewers: ['course_leader', 'tutor'],
        perTarget: false,
        outcomes: [
          {
            id: 'fitness_to_practise',
            label: 'The Fitness to Practise procedure is invoked',
            explanation:
              'The Fitness to Practise procedure is invoked and the decision goes to the recommending board (Step 6) for confirmation.',
            effect: { type: 'go_to_stage', stage: 'step_6' },
          },
          {
            id: 'handbook_section_6',
            label: "The procedures under section 6 of the Students' Handbook of Regulations are invoked",
            explanation:
              "The procedures under section 6 of the Students' Handbook of Regulations are invoked and the decision goes to the recommending board (Step 6) for confirmation.",
            effect: { type: 'go_to_stage', stage: 'step_6' },
          },
          {
            id: 'resit_placement',
            label: 'A resit placement is offered, as the issues are centred on a particular age phase',
            explanation:
              'A resit placement is offered and the decision goes to the recommending board (Step 6) for confirmation.',
            effect: { type: 'go_to_stage', stage: 'step_6' },
          },
        ],
      },
    },
    {
      id: 'step_6',
      title: 'Step 6',
      formality: 'decision',
      description: 'The final decision is confirmed by the recommending board.',
      review: {
        kind: 'decision',
        title: 'Recommending board',
        reviewers: ['course_leader'],
        perTarget: false,
        outcomes: [
          {
            id: 'final_decision_confirmed',
            label: 'The final decision is confirmed by the recommending board',
            explanation: 'The recommending board has confirmed the final decision and the case closes.',
            effect: { type: 'close', resolution: 'decision' },
          },
        ],
      },
    },
  ],
  notes: [
    "The need for Enhanced Support can be raised at any stage of the programme and will usually relate to specific aspects of the trainee's teaching and be characterised by a lack of expected progress by the pupils as identified against the Teachers' Standards referencing the grade descriptors.",
    "Targets for improvement must be explicitly linked to areas of concern in the trainee's teaching which prevent the pupils from making the expected progress, and be referenced to the Teachers' Standards and grade descriptors.",
    'Targets will require agreed actions for both the trainee and all those working with him/her in the training programme.',
    'The setting and revision of targets must be based on the review of the full range of evidence; there must be clear alignment between the identified issues, the grades given and the targets set.',
  ],
} satisfies ProcedureInput;

export const enhancedSupport: Procedure = loadProcedure(definition);
