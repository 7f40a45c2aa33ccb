import { TEACHERS_STANDARDS_ID, teachersStandards } from '../frameworks/teachers-standards.js';
import { loadProcedure } from '../procedure/load-procedure.js';
import type { Procedure, ProcedureInput } from '../procedure/schema.js';
import type { PlanRulesInput, StageInput } from './definition-input.js';

/**
 * RCTTP Concern Procedures (including the Progress Support Plan), the Exceptional
 * Circumstances panel and the Deferred Final Assessment, as RCTTP wrote them. Stages 1 and 2
 * share one form ("Progress Support Plan, Stage 1 / 2"); the form carries no signatures, only
 * the date the targets were discussed with the trainee, so no signatory is required.
 */

const EXECUTIVE_GROUP = 'executive_group';

/**
 * Section 4: "At any point during the year, where it has not been possible to resolve specific
 * concerns, the Executive Group can be convened to consider evidence and, where appropriate,
 * direct the trainee to leave the programme."
 */
const CONVENE_EXECUTIVE_GROUP = [EXECUTIVE_GROUP];

const ANY_TIME_EXECUTIVE_GROUP =
  'At any point during the year, where it has not been possible to resolve specific concerns, the Executive Group can be convened to consider evidence and, where appropriate, direct the trainee to leave the programme.';

const NO_FINANCIAL_SUPPORT =
  'The Executive Group will do all in its power to offer further support. However, no financial support will be available.';

const DFA_SCHOOL_INFORMED =
  "The school that agrees to accept the trainee for the deferred final assessment placement will be fully informed about the issues relating to the trainee's deferment. Documentation relating to this deferment will also be made available to the school.";

const APPEALS =
  "Any trainee wishing to do so may only make an appeal against the Partnership's decision about the recommendation for the award of QTS on a procedural basis and may not appeal against the outcome.";

interface SupportPlanStage {
  readonly id: string;
  readonly title: string;
  /** "Progress Support Plan" or "Cause for Concern Plan". */
  readonly planName: string;
  /** Stage 1 agrees the review date in "the initial discussion", Stage 2 in "the discussion". */
  readonly discussion: string;
  readonly openable: boolean;
  readonly targetsNotMetLabel: string;
  readonly next: { readonly id: string; readonly title: string };
}

/** Stages 1 and 2 share one form (columns: Teachers' Standards, Target, Strategies/Action, Monitoring). */
function supportPlanStage(stage: SupportPlanStage): StageInput {
  const { planName } = stage;
  const plan: PlanRulesInput = {
    title: planName,
    reviewWindow: { amount: 4, unit: 'weeks' },
    reviewWindowText: `The ${planName} will be discussed with the Trainee and will run for a maximum of 4 weeks. A review date will be agreed as part of ${stage.discussion} with the Trainee.`,
    frameworks: [TEACHERS_STANDARDS_ID],
    fields: ['trainee_actions', 'support_actions', 'responsibility', 'monitoring', 'success_criteria', 'evidence'],
    responsibilities: [
      { code: 'T', label: 'Trainee' },
      { code: 'S', label: 'School' },
      { code: 'RCTTP', label: 'RCTTP' },
    ],
    meeting: {
      mode: 'any',
      attendees: ['mentor', 'partnership_tutor', 'course_leader', 'trainee'],
      description: `Discussion between the Mentor(s), Partnership Tutor and Course Leader will inform the drawing up of a ${planName} detailing targets against the Teachers' Standards, actions to be taken and by whom, and monitoring to be carried out. The ${planName} will be discussed with the Trainee.`,
    },
    signatures: {
      required: [],
      statement: `${planName} targets discussed with the Trainee (date recorded on the plan).`,
    },
  };
  return {
    id: stage.id,
    title: stage.title,
    formality: 'formal',
    openable: stage.openable,
    plan,
    extensionCap: { amount: 4, unit: 'weeks' },
    escalateTo: CONVENE_EXECUTIVE_GROUP,
    review: {
      kind: 'review',
      title: `${planName} review`,
      reviewers: ['mentor', 'partnership_tutor', 'course_leader'],
      meeting: {
        mode: 'any',
        attendees: ['mentor', 'partnership_tutor', 'course_leader', 'trainee'],
        description: 'The review will be carried out by the Mentor (s), Partnership Tutor and/or Course Leader.',
      },
      outcomes: [
        {
          id: 'targets_met',
          label: 'The targets have been met and the Trainee is back on track and no further support is necessary',
          explanation: 'The Concern Procedures end and the case closes.',
          condition: 'all_targets_met',
          effect: { type: 'close', resolution: 'resolved' },
        },
        {
          id: 'targets_not_met',
          label: stage.targetsNotMetLabel,
          explanation: `The case moves to ${stage.next.title}.`,
          condition: 'some_target_not_met',
          effect: { type: 'go_to_stage', stage: stage.next.id },
        },
      ],
    },
  };
}

const definition = {
  id: 'rcttp-concern-procedures',
  version: 1,
  provider: { id: 'rcttp', name: 'RCTTP', shortName: 'RCTTP' },
  name: 'Concern Procedures (including the Progress Support Plan)',
  purpose:
    "Where a trainee fails to make the progress expected towards achieving the Teachers' Standards, Mentors, Partnership Tutors and the Course Leader and/or Programme Manager, will follow the RCTTP Concern Procedures. The procedures are designed to bring the trainee back on track to meeting expectations and include the drawing up of an individual Progress Support Plan designed to assist the trainee in developing their practice.",
  frameworks: [teachersStandards],
  reasons: [
    {
      id: 'progress_towards_standards',
      label: "A trainee fails to make the progress expected towards achieving the Teachers' Standards",
    },
  ],
  roles: [
    { id: 'trainee', label: 'Trainee', side: 'trainee', requiredOnCase: true },
    { id: 'mentor', label: 'Mentor(s)', side: 'school', requiredOnCase: true, multiple: true },
    { id: 'partnership_tutor', label: 'Partnership Tutor', side: 'provider', requiredOnCase: true },
    { id: 'course_leader', label: 'Course Leader', side: 'provider' },
    { id: 'programme_manager', label: 'Programme Manager', side: 'provider' },
    { id: 'professional_mentor', label: 'Head Teacher/Professional Mentor', side: 'school' },
    { id: 'executive_group_chair', label: 'Chair of the Executive Group', side: 'provider' },
    { id: 'partnership_administrator', label: 'Partnership Administrator', side: 'provider' },
  ],
  raisedBy: ['mentor', 'partnership_tutor', 'course_leader', 'programme_manager'],
  roster: { tutor: 'partnership_tutor' },
  stages: [
    supportPlanStage({
      id: 'progress_support_plan',
      title: 'Stage 1: Progress Support Plan',
      planName: 'Progress Support Plan',
      discussion: 'the initial discussion',
      openable: true,
      targetsNotMetLabel: 'The targets have not been met',
      next: { id: 'cause_for_concern', title: 'Stage 2: Cause for Concern' },
    }),
    supportPlanStage({
      id: 'cause_for_concern',
      title: 'Stage 2: Cause for Concern',
      planName: 'Cause for Concern Plan',
      discussion: 'the discussion',
      openable: false,
      targetsNotMetLabel: 'All the targets have not been met',
      next: { id: EXECUTIVE_GROUP, title: 'Stage 3: Executive Group' },
    }),
    {
      id: EXECUTIVE_GROUP,
      title: 'Stage 3: Executive Group',
      formality: 'decision',
      description: `A report is prepared and presented to the Executive Group. ${ANY_TIME_EXECUTIVE_GROUP}`,
      tasks: [
        { id: 'report', label: 'A report is prepared and presented to the Executive Group.', when: 'before_decision' },
      ],
      review: {
        kind: 'decision',
        title: 'Executive Group decision',
        reviewers: ['executive_group_chair'],
        perTarget: false,
        // "Options available to the Executive Group include: …": the group decides, so its members and attendance are recorded.
        membersRecorded: true,
        outcomes: [
          {
            id: 'further_monitoring',
            label: 'Delegating a member of the Partnership to undertake further monitoring',
            explanation:
              'A member of the Partnership is delegated to monitor the trainee further and report back; the Executive Group is convened again if concerns remain.',
            effect: { type: 'go_to_stage', stage: 'further_monitoring' },
          },
          {
            id: 'further_placement_or_training',
            label: 'Further teaching placement and/or training against a Progress Support Plan',
            explanation:
              'A new case opens at Stage 1, linked to this one: a new Progress Support Plan for the further teaching placement and/or training, starting from the targets the Executive Group names, reviewed within 4 weeks. This case closes.',
            effect: { type: 'close', resolution: 'decision' },
            opensLinkedCase: { stage: 'progress_support_plan' },
          },
          {
            id: 'extend_placement',
            label:
              'Extending teaching placement beyond the end of the course (see guidance around deferred final assessment)',
            explanation:
              'The trainee is offered a deferred final assessment in the following term, subject to a suitable placement being available: an 8-week placement ending in a judgement.',
            effect: { type: 'go_to_stage', stage: 'deferred_final_assessment' },
            traineeNotice: `A deferred final assessment in the following term is subject to a suitable placement being available. ${NO_FINANCIAL_SUPPORT}`,
          },
          {
            id: 'advise_withdrawal',
            label: 'Advising the Trainee to withdraw from the course',
            explanation: 'The trainee is advised to withdraw from the course and the case closes.',
            effect: { type: 'close', resolution: 'withdrawn' },
          },
          {
            id: 'direct_to_leave',
            label:
              'Where it has not been possible to resolve specific concerns, direct the trainee to leave the programme',
            explanation: 'The trainee is directed to leave the programme and the case closes.',
            effect: { type: 'close', resolution: 'withdrawn' },
          },
        ],
      },
    },
    {
      id: 'further_monitoring',
      title: 'Further monitoring by a delegated member of the Partnership',
      formality: 'formal',
      escalateTo: CONVENE_EXECUTIVE_GROUP,
      tasks: [
        {
          id: 'monitor_and_report',
          label:
            'The delegated member of the Partnership undertakes further monitoring and reports back to the Executive Group.',
          by: ['partnership_tutor', 'course_leader', 'programme_manager'],
        },
      ],
      review: {
        kind: 'review',
        title: 'Report of the further monitoring',
        reviewers: ['partnership_tutor', 'course_leader', 'programme_manager'],
        perTarget: false,
        outcomes: [
          {
            id: 'back_on_track',
            label: 'The Trainee is back on track and no further support is necessary',
            explanation: 'The Concern Procedures end and the case closes.',
            effect: { type: 'close', resolution: 'resolved' },
          },
          {
            id: 'concerns_remain',
            label: 'Concerns remain',
            explanation: 'The report goes back to the Executive Group (Stage 3), which decides what happens next.',
            effect: { type: 'go_to_stage', stage: EXECUTIVE_GROUP },
          },
        ],
      },
    },
    {
      id: 'deferred_final_assessment',
      title: 'Deferred Final Assessment',
      formality: 'formal',
      description:
        'In certain cases, a trainee who is not ready for a final assessment of their teaching for QTS at the end of the programme may be offered a deferred final assessment in the following term, subject to a suitable placement being available. The placement for a deferred final assessment will last for 8 weeks.',
      durationWeeks: 8,
      escalateTo: CONVENE_EXECUTIVE_GROUP,
      tasks: [{ id: 'inform_dfa_school', label: DFA_SCHOOL_INFORMED }],
      milestones: [
        {
          id: 'issues_meeting',
          label:
            'The Trainee will be required to visit the school to attend a meeting with the Mentor, the Headteacher/Professional Mentor and a representative of the Partnership to discuss the issues that have previously arisen.',
          fromWeek: 1,
          toWeek: 2,
        },
        {
          id: 'work_alongside_mentor',
          label:
            'The trainee will work alongside the Mentor/class teachers for the first two weeks of the placement in order to get to know the pupils, the school, and the class organisation.',
          fromWeek: 1,
          toWeek: 2,
        },
        { id: 'weekly_mentor_meetings_1_2', label: 'Weekly mentor meetings will take place.', fromWeek: 1, toWeek: 2 },
        { id: 'rcttp_visit_1_2', label: 'A visit will be made by a representative of RCTTP.', fromWeek: 1, toWeek: 2 },
        {
          id: 'timetable_70',
          label: 'The Trainee will teach a 70% timetable with weekly mentor meetings and formal observations.',
          fromWeek: 3,
          toWeek: 5,
        },
        {
          id: 'full_documentation',
          label: 'The trainee will be required to maintain full teaching plans and documentation.',
          fromWeek: 3,
          toWeek: 5,
        },
        {
          id: 'progress_review',
          label: "The trainee's Progress Review must be completed by the end of week 5.",
          fromWeek: 3,
          toWeek: 5,
          deadline: true,
        },
        {
          id: 'rcttp_visit_fortnightly',
          label: 'A visit will be made by a representative of RCTTP every fortnight.',
          fromWeek: 3,
          toWeek: 5,
        },
        {
          id: 'final_observations',
          label:
            'The Trainee will be observed teaching by the Partnership Tutor, the RCTTP Course Leader and School Mentor(s) before a judgement can be made as to whether the trainee is ready to be recommended for a moderation visit or whether the trainee has failed to meet the standards.',
          fromWeek: 7,
          toWeek: 8,
        },
      ],
      review: {
        kind: 'formal_review',
        title: 'Judgement at the end of the Deferred Final Assessment',
        reviewers: ['partnership_tutor', 'course_leader', 'mentor'],
        observationBy: ['partnership_tutor', 'course_leader', 'mentor'],
        perTarget: false,
        afterMilestone: 'final_observations',
        outcomes: [
          {
            id: 'ready_for_moderation',
            label: 'The trainee is ready to be recommended for a moderation visit',
            explanation: 'The trainee is recommended for a moderation visit and the case closes.',
            effect: { type: 'close', resolution: 'resolved' },
          },
          {
            id: 'failed_standards',
            label: 'The trainee has failed to meet the standards',
            explanation:
              'The decision is that the trainee should not be recommended for QTS. A meeting is convened with the Trainee, Headteacher/Professional Mentor, Partnership Tutor, Programme Manager, Chair of the Executive Group and Partnership Administrator.',
            effect: { type: 'go_to_stage', stage: 'dfa_outcome_meeting' },
          },
        ],
      },
      inform: [
        {
          on: 'stage_entered',
          to: [
            {
              kind: 'office',
              office: 'dfa_school',
              label: 'The school that agrees to accept the trainee for the deferred final assessment placement',
            },
          ],
          note: DFA_SCHOOL_INFORMED,
          attachForm: true,
        },
        // Once the placement moves to the school that agreed to accept the trainee, that school (at
        // its contact address) and its School Mentor(s) and Headteacher/Professional Mentor, who meet
        // the trainee in weeks 1 and 2 "to discuss the issues that have previously arisen", are told
        // with the documentation.
        {
          on: 'placement_changed',
          to: [
            {
              kind: 'office',
              office: 'school',
              label: 'The school that agrees to accept the trainee for the deferred final assessment placement',
            },
            { kind: 'role', role: 'mentor' },
            { kind: 'role', role: 'professional_mentor' },
          ],
          note: DFA_SCHOOL_INFORMED,
          attachForm: true,
        },
      ],
    },
    {
      id: 'dfa_outcome_meeting',
      title: 'Outcome of the Deferred Final Assessment',
      formality: 'decision',
      description:
        'If the final outcome of the Deferred Final Assessment process is a decision that a trainee should not be recommended for QTS then a meeting will be convened.',
      escalateTo: CONVENE_EXECUTIVE_GROUP,
      tasks: [
        {
          id: 'minute_meeting',
          label: 'Partnership Administrator (to minute the meeting).',
          by: ['partnership_administrator'],
        },
      ],
      review: {
        kind: 'meeting',
        title: 'Meeting on the outcome of the Deferred Final Assessment',
        reviewers: ['programme_manager', 'executive_group_chair'],
        perTarget: false,
        meeting: {
          mode: 'any',
          attendees: [
            'trainee',
            'professional_mentor',
            'partnership_tutor',
            'programme_manager',
            'executive_group_chair',
            'partnership_administrator',
          ],
          description:
            'The meeting will be attended by: Trainee; Headteacher/Professional Mentor; Partnership Tutor; Programme Manager; Chair of the Executive Group; Partnership Administrator (to minute the meeting).',
        },
        outcomes: [
          {
            id: 'decision_confirmed',
            label: 'The decision is confirmed and the trainee is not recommended for QTS',
            explanation: 'The trainee is not recommended for QTS and the case closes.',
            effect: { type: 'close', resolution: 'decision' },
            traineeNotice: APPEALS,
          },
          {
            id: 'decision_overturned',
            label:
              'The decision is overturned (based on further evidence provided) and the trainee is recommended for QTS',
            explanation: 'The trainee is recommended for QTS and the case closes.',
            effect: { type: 'close', resolution: 'decision' },
          },
        ],
      },
    },
  ],
  panels: [
    {
      id: 'exceptional_circumstances',
      title: 'Exceptional Circumstances panel',
      description:
        "If at any stage of the Concerns Procedures, the Head Teacher/Professional Mentor of the trainee's host school decides that the trainee's performance against Part 1 and/or 2 of the Teachers' Standards is having a detrimental impact on the learning and progress of the pupils in the school: the Head Teacher/Professional Mentor informs the Programme Manager; the Programme Manager will inform the chair of the Executive Group who will convene a panel of up to 5 people (3 must attend for this to be quorate). At the first meeting a Chair of the panel will be agreed. The panel will review documentary evidence and will hear verbal reports from the school and other partnership staff.",
      convenedBy: ['programme_manager', 'executive_group_chair'],
      maxMembers: 5,
      quorum: 3,
      chairAgreedAtFirstMeeting: true,
      evidence: [
        'Evidence that appropriate support has been provided e.g. records of mentor meetings, records of Partnership Tutor meetings, lesson observation feedback, verbal reports.',
        'Evidence of appropriate attendance at central training e.g. attendance registers and absence records',
        'Data pertaining to the attainment of the trainee.',
        'Verbal reports from the school and other partnership staff',
      ],
      availableAt: [
        'progress_support_plan',
        'cause_for_concern',
        EXECUTIVE_GROUP,
        'further_monitoring',
        'deferred_final_assessment',
        'dfa_outcome_meeting',
      ],
      decisions: [
        {
          id: 'continue_concern_procedures',
          label: 'Continue the Concern Procedures',
          explanation: 'The case stays at its current stage and the Concern Procedures continue.',
          effect: { type: 'continue' },
        },
        {
          id: 'refer_to_executive_group',
          label: 'Refer to the Executive Group',
          explanation: 'The case moves to the Executive Group (Stage 3), which decides what happens next.',
          effect: { type: 'go_to_stage', stage: EXECUTIVE_GROUP },
        },
        {
          id: 'direct_to_leave',
          label: 'Direct the trainee to leave the programme',
          explanation: 'The trainee is directed to leave the programme and the case closes.',
          effect: { type: 'close', resolution: 'withdrawn' },
        },
      ],
    },
  ],
  reinitiation: {
    grounds: [
      {
        id: 'long_term_illness',
        label: 'Long term illness supported by a medical certificate',
        evidence: 'A medical certificate',
      },
      { id: 'bereavement', label: 'Bereavement of a close relative' },
      { id: 'relationship_breakdown', label: 'Serious breakdown of professional relationships' },
      {
        id: 'other_extenuating',
        label: 'RCTTP is prepared to consider other extenuating circumstances on a case-by-case basis.',
        caseByCase: true,
      },
    ],
  },
  appeal: {
    text: APPEALS,
    against: ['decision_confirmed'],
    recordedBy: ['programme_manager', 'executive_group_chair'],
    // The procedure names no one to tell of an appeal. The decision appealed ("the Partnership's
    // decision about the recommendation for the award of QTS") is made at the meeting after the
    // Deferred Final Assessment, which "will be attended by: Trainee; Headteacher/Professional
    // Mentor; Partnership Tutor; Programme Manager; Chair of the Executive Group; Partnership
    // Administrator (to minute the meeting)". An appeal lodged and its outcome are told to every one
    // of them who is on the case, the Partnership Administrator included since they keep the
    // meeting's record, and to the course team (its channel and mailbox). The school mentors, who
    // are not at that meeting, are not told.
    inform: [
      { kind: 'course_team_channel' },
      { kind: 'role', role: 'trainee' },
      { kind: 'role', role: 'professional_mentor' },
      { kind: 'role', role: 'partnership_tutor' },
      { kind: 'role', role: 'programme_manager' },
      { kind: 'role', role: 'executive_group_chair' },
      { kind: 'role', role: 'partnership_administrator' },
    ],
  },
  notes: [
    NO_FINANCIAL_SUPPORT,
    DFA_SCHOOL_INFORMED,
    "Trainees should note that while the Partnership will make every effort to secure their progress and achievement against the Teachers' Standards, it is not in the interests of the teaching profession that unsatisfactory teachers should be given the status of a qualified teacher. RCTTP will only recommend for QTS those trainees who have demonstrated that they have met all the standards.",
    APPEALS,
    ANY_TIME_EXECUTIVE_GROUP,
  ],
} satisfies ProcedureInput;

export const rcttpConcernProcedures: Procedure = loadProcedure(definition);
