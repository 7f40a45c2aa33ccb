import { BCU_TRACKER_ID, bcuFormativeAssessmentTracker } from '../frameworks/bcu-formative-assessment-tracker.js';
import { loadProcedure } from '../procedure/load-procedure.js';
import type { InformRule, Procedure, ProcedureInput } from '../procedure/schema.js';
import type { InformRuleInput, PlanRulesInput, SignaturesInput } from './definition-input.js';

/**
 * Birmingham City University ITE: Rapid Improvement Targets (RIT) Procedure, as BCU wrote it.
 * Every Rapid Improvement Target Form is signed by the trainee and the class teacher/mentor or
 * university tutor and a copy goes to the course mailbox (the seed's "@bcu.ac.uk", whose address
 * is the tenant's configured course mailbox). A revised form is agreed at the stage whose review
 * asked for it, so its "copy is sent" and "inform the tutor" rules sit on that stage, filtered
 * to the outcome that asked for it.
 */

const TUTOR_NOT_PRESENT =
  'If the university tutor is not present the class teacher/mentor emails or calls the university tutor to inform them of the discussion. The university tutor will consult the course leadership team and may offer additional visits.';

const RIT_SIGNATURES = {
  required: [{ anyOf: ['trainee'] }, { anyOf: ['mentor', 'tutor'] }],
  statement: 'The trainee and the class teacher/mentor/university tutor sign the Rapid Improvement Target Form.',
} satisfies SignaturesInput;

const RIT_ACTION_PARTIES = ['trainee', 'mentor', 'tutor'];

/** Stage 2 "If insufficient progress has been made a Rapid Improvement Target Form is used to agree: …" */
const REVISED_TARGETS_FORM = {
  title: 'Rapid Improvement Target Form: revised targets',
  maxTargets: 3,
  reviewWindow: { amount: 10, unit: 'working_days' },
  reviewWindowText:
    'Using professional judgement, a timescale of up to 10 working days is set for the trainee to focus on the Rapid Improvement Targets.',
  frameworks: [BCU_TRACKER_ID],
  fields: ['concern_statement', 'evidence', 'trainee_actions', 'support_actions', 'timescale'],
  actionParties: RIT_ACTION_PARTIES,
  signatures: {
    ...RIT_SIGNATURES,
    statement: 'The trainee and the mentor/university tutor sign the Rapid Improvement Target Form.',
  },
  noticeToTrainee: 'All observations and meetings should focus on the identified targets.',
} satisfies PlanRulesInput;

/** Stage 3 (ii): "revise the targets and the rapid improvement targets are extended". */
const EXTENDED_TARGETS_FORM = {
  title: 'Rapid Improvement Target Form: revised and extended targets',
  maxTargets: 3,
  reviewWindowText:
    'The rapid improvement targets are extended; agree a date which will give enough time for the trainee to demonstrate progress, and Stage 3 is repeated.',
  frameworks: [BCU_TRACKER_ID],
  fields: ['concern_statement', 'evidence', 'trainee_actions', 'support_actions'],
  actionParties: RIT_ACTION_PARTIES,
  signatures: RIT_SIGNATURES,
} satisfies PlanRulesInput;

/** Stage 4 (i): "a further Rapid Improvement Target Form … targets and intervention support are agreed". */
const FURTHER_RIT_FORM = {
  title: 'Further Rapid Improvement Target Form',
  maxTargets: 3,
  reviewWindowText:
    'Targets and intervention support are agreed and Stage 3 is repeated; agree a date which will give enough time for the trainee to demonstrate progress.',
  frameworks: [BCU_TRACKER_ID],
  fields: ['concern_statement', 'evidence', 'trainee_actions', 'support_actions'],
  actionParties: RIT_ACTION_PARTIES,
  signatures: RIT_SIGNATURES,
} satisfies PlanRulesInput;

function copyToCourseMailbox(on: InformRule['on'], note: string, outcomes: string[] = []): InformRuleInput {
  return { on, to: [{ kind: 'course_mailbox' }], attachForm: true, note, outcomes };
}

function tellTutorIfAbsent(on: InformRule['on'], outcomes: string[] = []): InformRuleInput {
  return { on, to: [{ kind: 'role_if_absent', role: 'tutor' }], note: TUTOR_NOT_PRESENT, outcomes };
}

const RESIT_FEE =
  'Resitting a placement, as a consequence of a failed first attempt, will incur a cost to the trainee of £1125.';

const RESIT_FEE_NOTICE =
  'Resitting a placement, as a consequence of a failed first attempt, will incur a cost to the trainee of £1125. The trainee may be eligible for funding, but this should be discussed with Student Finance England direct to confirm details and determine whether there is eligibility. There may be exceptional circumstances where this fee can be waived; however the course team will confirm this in writing to the trainee where such a circumstance will apply.';

const AFTER_PANEL =
  'An email confirming the decision goes to the course team, the school, the trainee, the Professional Development Tutor and the university tutor, and the university tutor holds a de-brief meeting with the school.';

const definition = {
  id: 'bcu-rapid-improvement-targets',
  version: 1,
  provider: { id: 'bcu', name: 'Birmingham City University ITE', shortName: 'BCU' },
  name: 'Rapid Improvement Targets Procedure',
  purpose:
    'The Rapid Improvement Targets Procedure will ensure that all trainees are supported and offered intervention where necessary to make satisfactory progress within the BCU ITE Formative Assessment Tracker. Rapid Improvement Targets will outline the concerns, set targets, identify intervention strategies, training needs, support strategies and agree review points. It is an intervention strategy and will result in an agreed increase in school and university support and monitoring to ensure the trainee has an opportunity to address the targets requiring immediate action.',
  frameworks: [bcuFormativeAssessmentTracker],
  reasons: [
    { id: 'not_expected_progress', label: 'A trainee does not make the expected progress' },
    {
      id: 'conduct',
      label: 'A trainee fails to demonstrate high standards of personal and professional conduct',
      conduct: true,
    },
    {
      id: 'engagement_attendance',
      label: "The trainee's engagement with and attendance at the taught elements of the programme",
    },
    {
      id: 'teaching_pupil_progress',
      label: "Specific aspects of the trainee's teaching, characterised by a lack of expected progress by the pupils",
    },
    {
      id: 'plateau',
      label:
        "A trainee's teaching, for any reason, is not developing as expected; for example, if a trainee 'plateaus' and there is no evidence of further progress or development in the quality of their teaching",
    },
    {
      id: 'insufficient_school_support',
      label:
        'A trainee has not received the necessary support from the placement school at which point the university will intervene and offer additional support',
    },
  ],
  roles: [
    { id: 'trainee', label: 'Trainee', side: 'trainee', requiredOnCase: true },
    { id: 'mentor', label: 'Class teacher/mentor', side: 'school', requiredOnCase: true },
    { id: 'tutor', label: 'University tutor', side: 'provider', requiredOnCase: true },
    { id: 'class_teacher', label: 'Class teacher', side: 'school' },
    { id: 'senior_school_leader', label: 'Senior school leader', side: 'school' },
    { id: 'course_leader', label: 'Course leadership team', side: 'provider', multiple: true },
    { id: 'professional_development_tutor', label: 'Professional Development Tutor', side: 'provider' },
  ],
  raisedBy: ['mentor', 'tutor'],
  stages: [
    {
      id: 'stage_1',
      title: 'Stage 1',
      formality: 'informal',
      openable: true,
      description:
        "At the earliest opportunity after a concern has arisen, the class teacher/mentor and/or university tutor discusses the concerns with the trainee. In this discussion the Rapid Improvement Targets, supported by evidence from the trainee's practice, need to be shared with the trainee. The trainee will have the opportunity to share their perceptions of the concerns and a joint understanding is established.",
      plan: {
        title: 'Rapid Improvement Target Form',
        maxTargets: 3,
        reviewWindowText:
          'Record and agree a date which will give enough time for trainees to demonstrate progress, to review outcomes.',
        frameworks: [BCU_TRACKER_ID],
        fields: [
          'concern_statement',
          'evidence',
          'trainee_perceptions',
          'trainee_actions',
          'support_actions',
          'training_needs',
        ],
        actionParties: RIT_ACTION_PARTIES,
        meeting: {
          mode: 'any',
          attendees: ['trainee', 'mentor', 'tutor'],
          description: 'The class teacher/mentor and/or university tutor discusses the concerns with the trainee.',
        },
        signatures: RIT_SIGNATURES,
      },
      next: 'stage_2',
      inform: [
        copyToCourseMailbox(
          'plan_agreed',
          'The trainee and the class teacher/mentor/university tutor sign the form and a copy is sent to the course mailbox.',
        ),
        tellTutorIfAbsent('plan_agreed'),
      ],
    },
    {
      id: 'stage_2',
      title: 'Stage 2',
      formality: 'informal',
      description:
        'In a professional discussion between the trainee and the class teacher/mentor and/or the university tutor the Rapid Improvement Targets Form is used to review the targets using the full range of evidence.',
      review: {
        kind: 'review',
        title: 'Review of the Rapid Improvement Targets',
        reviewers: ['mentor', 'tutor'],
        meeting: {
          mode: 'any',
          attendees: ['trainee', 'mentor', 'tutor'],
          description:
            'A professional discussion between the trainee and the class teacher/mentor and/or the university tutor.',
        },
        outcomes: [
          {
            id: 'sufficient_progress',
            label: 'Sufficient progress has been made by the trainee',
            explanation:
              'Normal training routines resume and the case closes. A copy of the completed Rapid Improvement Targets Form is sent to the course mailbox.',
            effect: { type: 'close', resolution: 'resolved' },
          },
          {
            id: 'insufficient_progress',
            label: 'Insufficient progress has been made',
            explanation:
              'A Rapid Improvement Target Form is used to agree the areas of concern and up to three revised targets, with intervention actions for the trainee, class teacher/mentor and/or university tutor and a timescale of up to 10 working days. The trainee and the mentor/university tutor sign it, then the targets are formally reviewed at Stage 3.',
            effect: { type: 'revise', reviewAt: 'stage_3', plan: REVISED_TARGETS_FORM },
          },
        ],
      },
      inform: [
        copyToCourseMailbox(
          'review_recorded',
          'A copy of the completed Rapid Improvement Targets Form is sent to the course mailbox.',
        ),
        copyToCourseMailbox(
          'plan_agreed',
          'The trainee and the mentor/university tutor sign the form and a copy is sent to the course mailbox.',
          ['insufficient_progress'],
        ),
        tellTutorIfAbsent('plan_agreed', ['insufficient_progress']),
      ],
    },
    {
      id: 'stage_3',
      title: 'Stage 3',
      formality: 'formal',
      description:
        'A formal review of targets, using the full range of evidence, by the trainee, class teacher/mentor and/or university tutor. There are three possible outcomes from the formal review.',
      review: {
        kind: 'formal_review',
        title: 'Formal review of targets',
        reviewers: ['mentor', 'tutor'],
        meeting: {
          mode: 'any',
          attendees: ['trainee', 'mentor', 'tutor'],
          description:
            'A formal review of targets, using the full range of evidence, by the trainee, class teacher/mentor and/or university tutor.',
        },
        outcomes: [
          {
            id: 'sufficient_progress',
            label: 'Sufficient progress has been made',
            explanation: 'The Rapid Improvement Targets end, the normal training routines resume and the case closes.',
            effect: { type: 'close', resolution: 'resolved' },
          },
          {
            id: 'limited_progress',
            label: 'Limited progress has been made',
            explanation:
              'The mentor/university tutor and trainee review the issues and revise the targets (up to three). The rapid improvement targets are extended, the form is signed, and Stage 3 is repeated.',
            effect: { type: 'revise', reviewAt: 'stage_3', plan: EXTENDED_TARGETS_FORM },
          },
          {
            id: 'insufficient_progress',
            label: 'Insufficient progress has been made',
            explanation:
              "The case proceeds to Stage 4: the mentor/senior school leader/university tutor contacts the course team to discuss the trainee's progress.",
            effect: { type: 'go_to_stage', stage: 'stage_4' },
          },
        ],
      },
      inform: [
        copyToCourseMailbox(
          'review_recorded',
          'A copy of the completed Rapid Improvement Targets Form is sent to the course mailbox.',
        ),
        copyToCourseMailbox(
          'plan_agreed',
          'The revised and extended Rapid Improvement Target Form is signed and a copy is sent to the course mailbox.',
          ['limited_progress'],
        ),
        tellTutorIfAbsent('plan_agreed', ['limited_progress']),
      ],
    },
    {
      id: 'stage_4',
      title: 'Stage 4',
      formality: 'formal',
      description:
        "The mentor/senior school leader/university tutor contacts the course team to discuss the trainee's progress. There are two possible outcomes.",
      review: {
        kind: 'consultation',
        title: 'Consultation with the course team',
        reviewers: ['mentor', 'senior_school_leader', 'tutor'],
        // "contacts the course team to discuss the trainee's progress … It is agreed that …": the course team agrees.
        agreedWithCourseTeam: true,
        courseTeamRoles: ['course_leader'],
        perTarget: false,
        meeting: {
          mode: 'any',
          attendees: ['mentor', 'senior_school_leader', 'tutor', 'course_leader'],
          description:
            "The mentor/senior school leader/university tutor contacts the course team to discuss the trainee's progress.",
        },
        outcomes: [
          {
            id: 'further_rit',
            label: 'It is agreed that a further Rapid Improvement Target Form would be appropriate',
            explanation:
              'Targets (up to three) and intervention support are agreed on a further Rapid Improvement Target Form, which is signed, and Stage 3 is repeated.',
            effect: { type: 'revise', reviewAt: 'stage_3', plan: FURTHER_RIT_FORM },
          },
          {
            id: 'failed_placement',
            label:
              'It is agreed that the trainee has failed to meet the expectations for the placement identified in the BCU ITE Formative Assessment Tracker at the appropriate level so has failed the placement',
            explanation:
              'The case proceeds to Stage 5: the trainee is told the evidence used, meets the course leadership team, the failed-placement record is completed and the decision is referred to the Placement Review Panel.',
            effect: { type: 'go_to_stage', stage: 'stage_5' },
          },
        ],
      },
      inform: [
        copyToCourseMailbox(
          'plan_agreed',
          'The further Rapid Improvement Target Form is signed and a copy is sent to the course mailbox.',
          ['further_rit'],
        ),
      ],
    },
    {
      id: 'stage_5',
      title: 'Stage 5',
      formality: 'panel',
      panel: 'placement_review_panel',
      description:
        'The placement records are reviewed by the course team and the decision is referred to the Placement Review Panel, which reviews the evidence.',
      tasks: [
        {
          id: 'evidence_meeting',
          label:
            'The mentor/senior school leader meets with the trainee so that the trainee understands the evidence that was used to judge their performance against the BCU ITE Formative Assessment Tracker.',
          by: ['mentor', 'senior_school_leader'],
          when: 'before_decision',
        },
        {
          id: 'course_leadership_meeting',
          label:
            'The trainee meets with a member of the course leadership team to discuss the evidence and to agree targets for improvement and the record for a failed placement is completed.',
          by: ['trainee', 'course_leader'],
          when: 'before_decision',
        },
        {
          id: 'refer_to_panel',
          label:
            'The placement records are reviewed by the course team and the decision is referred to the Placement Review Panel for review.',
          by: ['course_leader'],
          when: 'before_decision',
        },
        {
          id: 'placement_review_form',
          label:
            'The Placement Review Form is sent to the trainee, class teacher, mentor, university tutor to complete.',
          by: ['trainee', 'class_teacher', 'mentor', 'tutor'],
          when: 'before_decision',
        },
        {
          id: 'debrief_meeting',
          label:
            'A de-brief meeting takes place between the university tutor and the relevant school personnel, leading to a report of arising issues and actions when necessary.',
          by: ['tutor', 'mentor', 'senior_school_leader'],
          when: 'after_decision',
        },
      ],
      inform: [
        {
          on: 'decision_recorded',
          to: [
            { kind: 'course_team_channel' },
            { kind: 'course_mailbox' },
            { kind: 'office', office: 'school', label: 'The school' },
            { kind: 'role', role: 'trainee' },
            { kind: 'role', role: 'professional_development_tutor' },
            { kind: 'role', role: 'tutor' },
          ],
          note: 'An email is sent to the course team, the school, the trainee, the Professional Development Tutor and the university tutor to confirm the decision.',
        },
      ],
    },
  ],
  panels: [
    {
      id: 'placement_review_panel',
      title: 'Placement Review Panel',
      description: 'The Placement Review Panel reviews the evidence.',
      convenedBy: ['course_leader'],
      evidence: [
        'The placement records, reviewed by the course team',
        'The record for a failed placement',
        'The Placement Review Forms completed by the trainee, class teacher, mentor and university tutor',
      ],
      availableAt: ['stage_5'],
      decisions: [
        {
          id: 'passed',
          label:
            'Trainee has passed the placement as there was sufficient evidence to demonstrate that they had met the requirements of the BCU ITE Assessment Tracker for this placement.',
          explanation: `The placement is passed and the case closes. ${AFTER_PANEL}`,
          effect: { type: 'close', resolution: 'decision' },
        },
        {
          id: 'first_attempt',
          label: 'Trainee will be offered an opportunity to undertake this placement as a first attempt.',
          explanation: `The trainee is offered the placement again as a first attempt and this case closes. ${AFTER_PANEL}`,
          effect: { type: 'close', resolution: 'decision' },
        },
        {
          id: 'first_attempt_with_rit',
          label:
            'Trainee will be offered an opportunity to undertake this placement as a first attempt with a RIT in place to address identified targets.',
          explanation: `The trainee is offered the placement again as a first attempt, with Rapid Improvement Targets in place from the start: a new case opens at Stage 1, linked to this one, carrying the targets identified with the decision. This case closes. ${AFTER_PANEL}`,
          effect: { type: 'close', resolution: 'decision' },
          // "… as a first attempt with a RIT in place to address identified targets."
          opensLinkedCase: { stage: 'stage_1', targetsRequired: true },
        },
        {
          id: 'second_attempt_with_rit',
          label:
            'Trainee has failed the placement and will be offered a second and final attempt with a RIT in place to address identified targets.',
          explanation: `The placement is failed; the trainee is offered a second and final attempt with Rapid Improvement Targets in place: a new case opens at Stage 1, linked to this one, carrying the targets identified with the decision. The trainee is told about the £1125 resit fee, which the course team may waive in writing. This case closes. ${AFTER_PANEL}`,
          effect: { type: 'close', resolution: 'decision' },
          traineeNotice: RESIT_FEE_NOTICE,
          // "… will be offered a second and final attempt with a RIT in place to address identified targets."
          opensLinkedCase: { stage: 'stage_1', targetsRequired: true },
          // "There may be exceptional circumstances where this fee can be waived; however the course team will confirm this in writing to the trainee …"
          waivableFee: { amount: '£1125', letter: RESIT_FEE },
        },
        {
          id: 'fitness_referral',
          label:
            'A referral has been made to Student Governance under the Fitness to Practice/Fitness to Study/Fitness to Train procedures.',
          explanation: `The matter continues under Student Governance's Fitness to Practice/Fitness to Study/Fitness to Train procedures and this case closes. ${AFTER_PANEL}`,
          effect: { type: 'close', resolution: 'decision' },
        },
      ],
    },
  ],
  notes: [
    'Rapid Improvement Targets can be raised at any stage of the programme and can be identified against the BCU ITE Formative Assessment Tracker.',
    RESIT_FEE_NOTICE,
  ],
} satisfies ProcedureInput;

export const bcuRapidImprovementTargets: Procedure = loadProcedure(definition);
