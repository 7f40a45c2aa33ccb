export * from './types.js';
export * from './events.js';
export { applyEvent, replay } from './apply-event.js';
export {
  calendarFor,
  isCourseTeam,
  rolesOnCase,
  planRulesOf,
  type CommandContext,
  type CommandResult,
} from './command-kit.js';
export { reviewWindow, outstandingSignatures, applicableRequirements, type ReviewWindow } from './plan-rules.js';
export * from './queries.js';
export * from './commands/open-case.js';
export * from './commands/edit-plan.js';
export * from './commands/sign-plan.js';
export * from './commands/record-trainee-perceptions.js';
export * from './commands/record-review.js';
export * from './commands/extend-review-date.js';
export * from './commands/escalate-case.js';
export * from './commands/pause-case.js';
export * from './commands/convene-panel.js';
export * from './commands/record-panel-meeting.js';
export * from './commands/close-case.js';
export * from './commands/stage-tasks.js';
export * from './commands/acknowledge-notice.js';
export * from './commands/change-people.js';
export * from './commands/meetings.js';
