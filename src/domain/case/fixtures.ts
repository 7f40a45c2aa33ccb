import { teachersStandards } from '../frameworks/teachers-standards.js';
import { loadProcedure } from '../procedure/load-procedure.js';
import type { Procedure } from '../procedure/schema.js';

/**
 * A small procedure that exercises every engine mechanism once (plan, window, signatures,
 * review conditions, revise, panel with quorum and chair, side panel, escalation, extension
 * cap, re-initiation, tasks, milestones), so engine tests do not depend on a seed's wording.
 */
export const engineTestProcedure: Procedure = loadProcedure({
  id: 'engine-test',
  version: 1,
  provider: { id: 'test_provider', name: 'Test Provider', shortName: 'TP' },
  name: 'Test Support Procedure',
  purpose: 'Exercises the engine.',
  frameworks: [teachersStandards],
  reasons: [
    { id: 'progress', label: 'Not making the expected progress' },
    { id: 'conduct', label: 'Conduct', conduct: true },
  ],
  roles: [
    { id: 'trainee', label: 'Trainee', side: 'trainee', requiredOnCase: true },
    { id: 'mentor', label: 'Mentor', side: 'school', requiredOnCase: true, multiple: true },
    { id: 'tutor', label: 'University tutor', side: 'provider', requiredOnCase: true },
    { id: 'director', label: 'Director', side: 'provider' },
    { id: 'programme_manager', label: 'Programme Manager', side: 'provider' },
  ],
  stages: [
    {
      id: 's1',
      title: 'Stage 1: Support Plan',
      formality: 'formal',
      plan: {
        title: 'Support Plan',
        maxTargets: 3,
        oneTargetPerObservation: true,
        reviewWindow: { amount: 10, unit: 'working_days' },
        frameworks: ['teachers-standards'],
        fields: ['concern_statement', 'trainee_perceptions', 'trainee_actions', 'success_criteria'],
        actionParties: ['trainee', 'mentor', 'tutor'],
        signatures: {
          required: [
            { anyOf: ['trainee'] },
            { anyOf: ['mentor', 'tutor'] },
            { anyOf: ['director'], whenAssigned: true },
          ],
          statement: 'We agree this plan.',
        },
      },
      review: {
        kind: 'review',
        title: 'Stage 1 review',
        reviewers: ['mentor', 'tutor'],
        outcomes: [
          {
            id: 'met',
            label: 'Targets met',
            explanation: 'The case closes.',
            condition: 'all_targets_met',
            effect: { type: 'close', resolution: 'resolved' },
          },
          {
            id: 'limited',
            label: 'Limited progress',
            explanation: 'Revise the targets and repeat Stage 1.',
            effect: {
              type: 'revise',
              reviewAt: 's1',
              plan: {
                title: 'Revised Support Plan',
                maxTargets: 2,
                reviewWindow: { amount: 5, unit: 'working_days' },
                frameworks: ['teachers-standards'],
                actionParties: ['trainee', 'mentor', 'tutor'],
                signatures: {
                  required: [{ anyOf: ['trainee'] }, { anyOf: ['tutor'] }],
                  statement: 'We agree the revised targets.',
                },
              },
            },
          },
          {
            id: 'not_met',
            label: 'Targets not met',
            explanation: 'Go to the panel.',
            condition: 'some_target_not_met',
            effect: { type: 'go_to_stage', stage: 's2' },
          },
        ],
      },
      extensionCap: { amount: 4, unit: 'weeks' },
      escalateTo: ['s2'],
      inform: [
        {
          on: 'plan_agreed',
          to: [{ kind: 'course_mailbox' }, { kind: 'role_if_absent', role: 'tutor' }],
          attachForm: true,
        },
        { on: 'review_recorded', to: [{ kind: 'role', role: 'director' }] },
      ],
    },
    {
      id: 's2',
      title: 'Stage 2: Panel',
      formality: 'panel',
      panel: 'decision_panel',
      tasks: [{ id: 'record', label: 'Complete the record', by: ['tutor'] }],
      milestones: [
        { id: 'w1', label: 'Weeks 1–2', fromWeek: 1, toWeek: 2 },
        { id: 'w5', label: 'Review by end of week 5', fromWeek: 3, toWeek: 5, deadline: true },
      ],
      durationWeeks: 8,
      allowsSuspension: true,
    },
  ],
  panels: [
    {
      id: 'decision_panel',
      title: 'Decision Panel',
      convenedBy: ['programme_manager'],
      maxMembers: 5,
      quorum: 3,
      chairAgreedAtFirstMeeting: true,
      decisions: [
        {
          id: 'pass',
          label: 'Passed',
          explanation: 'The case closes.',
          effect: { type: 'close', resolution: 'decision' },
        },
        {
          id: 'again',
          label: 'Further plan',
          explanation: 'A new support plan.',
          effect: { type: 'go_to_stage', stage: 's1' },
        },
      ],
    },
    {
      id: 'side_panel',
      title: 'Exceptional Circumstances Panel',
      maxMembers: 5,
      quorum: 3,
      availableAt: ['s1'],
      decisions: [
        { id: 'continue', label: 'Continue', explanation: 'Nothing changes.', effect: { type: 'continue' } },
        {
          id: 'leave',
          label: 'Leave the programme',
          explanation: 'The case closes.',
          effect: { type: 'close', resolution: 'withdrawn' },
        },
      ],
    },
  ],
  reinitiation: {
    grounds: [
      { id: 'illness', label: 'Long term illness', evidence: 'a medical certificate' },
      { id: 'bereavement', label: 'Bereavement' },
      { id: 'other', label: 'Other extenuating circumstances', caseByCase: true },
    ],
  },
});
