import type { CaseEvent, CaseView, FrameworkDetail, FrameworkLink, Signature } from '../../api/types';
import { personName, roleLabel } from '../../shared/case-people';
import { formatDate, humanise } from '../../shared/format';

/**
 * The case as people read it, derived from the case view the API returns: the plan's parties and
 * standards, who has signed, the trail in sentences, the suspension banner.
 */

/** A party on an action is a role id ("mentor") or a responsibility code ("T", "S", "RCTTP"). */
export function partyLabel(view: CaseView, party: string): string {
  const person = view.people.find((p) => p.role === party);
  if (person) return person.roleLabel;
  const codes: Readonly<Record<string, string>> = { T: 'Trainee', S: 'School', U: 'University' };
  return codes[party] ?? party;
}

export type FrameworkLabels = ReadonlyMap<string, string>;

export function frameworkLabels(frameworks: readonly FrameworkDetail[]): FrameworkLabels {
  const labels = new Map<string, string>();
  for (const f of frameworks) {
    for (const g of f.groups) {
      labels.set(`${f.id}|${g.code}`, g.title);
      for (const item of g.items) labels.set(`${f.id}|${item.code}`, item.text);
    }
  }
  return labels;
}

export function linkLabel(labels: FrameworkLabels, link: FrameworkLink): string {
  return labels.get(`${link.frameworkId}|${link.code}`) ?? '';
}

export function frameworkIdsOf(view: CaseView): string[] {
  const plans = [...view.previousPlans, ...(view.plan ? [view.plan] : [])];
  const ids = new Set(
    plans
      .flatMap((p) => [...p.content.concerns.flatMap((c) => c.links), ...p.content.targets.flatMap((t) => t.links)])
      .map((l) => l.frameworkId),
  );
  return [...ids];
}

export interface SignatureLine {
  readonly key: string;
  readonly roleLabel: string;
  readonly who: string;
  readonly signature: Signature | undefined;
}

/** Everyone who has signed the current plan, then everyone who still has to. */
export function signatureLines(view: CaseView): SignatureLine[] {
  const plan = view.plan;
  if (!plan) return [];
  const signed = plan.signatures.map((s) => ({
    key: `s-${s.role}-${s.personId}`,
    roleLabel: roleLabel(view, s.role),
    who: s.typedName,
    signature: s,
  }));
  const outstanding = view.derived.outstandingSignatories.map((o, index) => ({
    key: `o-${index}`,
    roleLabel: o.roles.map((r) => r.label).join(' or '),
    who: o.people.length > 0 ? o.people.map((p) => p.name).join(' or ') : 'Nobody named yet',
    signature: undefined,
  }));
  return [...signed, ...outstanding];
}

/** One line per event in the trail, in words. */
export function eventSentence(view: CaseView, event: CaseEvent): string {
  const who = event.actorName ?? personName(view, event.actorId);
  const d = event.data;
  const str = (key: string): string => {
    const value = d[key];
    return typeof value === 'string' ? value : '';
  };
  const stageTitle = (id: string): string => view.stageHistory.find((s) => s.stageId === id)?.title ?? humanise(id);
  switch (event.type) {
    case 'case_opened':
      return `${who} opened the case.`;
    case 'stage_entered':
      return `The case entered ${stageTitle(str('stageId'))}.`;
    case 'plan_started':
      return `${who} started a plan.`;
    case 'plan_edited':
      return `${who} edited the plan.`;
    case 'signatures_withdrawn':
      return 'Signatures were withdrawn because the plan changed.';
    case 'trainee_perceptions_recorded':
      return `${who} recorded the trainee’s perceptions.`;
    case 'plan_signed':
      return `${who} signed the plan${str('role') ? ` as ${roleLabel(view, str('role'))}` : ''}.`;
    case 'plan_agreed':
      return `The plan was agreed by everyone who signs it${str('reviewDate') ? `; review on ${formatDate(str('reviewDate'))}` : ''}.`;
    case 'review_recorded':
      return `${who} recorded a review.`;
    case 'review_date_extended':
      return `${who} moved the review date${str('to') ? ` to ${formatDate(str('to'))}` : ''}.`;
    case 'case_escalated':
      return `${who} escalated the case.`;
    case 'case_paused':
      return `${who} paused the case.`;
    case 'case_resumed':
      return `${who} resumed the case.`;
    case 'panel_convened':
      return `${who} convened a panel.`;
    case 'panel_met':
      return 'The panel met.';
    case 'task_completed':
      return `${who} completed a task.`;
    case 'stage_start_set':
      return str('startsOn')
        ? `${who} scheduled ${stageTitle(str('stageId'))} to start on ${formatDate(str('startsOn'))}.`
        : `${who} set when the stage starts.`;
    case 'placement_suspended':
      return `${suspenderName(view, event.actorId, str('byName'))} suspended the placement.`;
    case 'notice_acknowledged': {
      // The course team member is rarely named on the case: their name is kept on the event.
      const by = str('byName') || who;
      return str('about') === 'review_overdue'
        ? `${by} acknowledged the overdue review${str('reviewDate') ? ` (due on ${formatDate(str('reviewDate'))})` : ''} for the course team.`
        : `${by} acknowledged the raised concern for the course team.`;
    }
    case 'person_changed':
      return personChangeSentence(view, d, str('byName') || who);
    case 'placement_changed': {
      const placement = d.placement;
      const school =
        typeof placement === 'object' &&
        placement !== null &&
        'school' in placement &&
        typeof placement.school === 'string'
          ? placement.school
          : '';
      return `${str('byName') || who} moved the placement to ${school}${str('effectiveOn') ? ` from ${formatDate(str('effectiveOn'))}` : ''}.`;
    }
    case 'meeting_recorded':
      return `${who} recorded the ${str('kind') === 'plan' ? 'plan' : 'review'} meeting${str('heldOn') ? ` held on ${formatDate(str('heldOn'))}` : ''}.`;
    case 'review_meeting_scheduled':
      return `${who} scheduled the review meeting${str('startTime') ? ` for ${str('startTime')}` : ''}${str('mode') === 'online' ? ', online' : str('location') ? ` at ${str('location')}` : ''}.`;
    case 'case_closed':
      return `The case was closed${str('resolution') ? ` (${humanise(str('resolution'))})` : ''}.`;
    case 'case_reopened':
      return `${str('byName') || who} reopened the case${str('setAsideReviewId') ? ', setting aside the review whose outcome had closed it' : ''}${str('reason') ? `: ${str('reason')}` : ''}.`;
    case 'milestone_done':
      return `${str('byName') || who} recorded a milestone as done${str('milestoneId') ? `: ${view.derived.milestones.find((m) => m.id === str('milestoneId'))?.label ?? humanise(str('milestoneId'))}` : ''}.`;
    case 'text_corrected': {
      const reason = str('reason');
      const why =
        reason === 'incomplete' ? 'incomplete' : reason === 'excessive' ? 'more than the record needs' : 'inaccurate';
      return `${str('byName') || who} corrected a recorded text (${why})${str('explanation') ? `: ${str('explanation')}` : ''}.`;
    }
    case 'procedure_version_changed': {
      const version = (key: string): string => {
        const value = d[key];
        return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
      };
      return `${who} moved the case to version ${version('toVersion')} of the procedure (it followed version ${version('fromVersion')}).`;
    }
    case 'linked_case_decided':
      return `${who} recorded a decision that opens a linked case, ${str('reference')}.`;
    case 'fee_waived':
      return `${str('byName') || who} waived the fee of ${str('amount')} and the letter was sent to the trainee.`;
    case 'appeal_lodged':
      return `${str('byName') || who} recorded an appeal lodged on ${formatDate(str('lodgedOn'))}.`;
    case 'appeal_decided':
      return `${str('byName') || who} recorded the outcome of the appeal (${humanise(str('outcome'))}).`;
    default:
      return `${humanise(event.type)}.`;
  }
}

/** "Ann Lee (course team) replaced Sam Cole with Priya Shah as Mentor from 9 November 2026." */
function personChangeSentence(view: CaseView, d: Readonly<Record<string, unknown>>, by: string): string {
  const nameOf = (key: string): string => {
    const value = d[key];
    return typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string'
      ? value.name
      : '';
  };
  const role = typeof d.role === 'string' ? roleLabel(view, d.role) : '';
  const from = typeof d.effectiveOn === 'string' ? ` from ${formatDate(d.effectiveOn)}` : '';
  const added = nameOf('added');
  const removed = nameOf('removed');
  if (added && removed) return `${by} replaced ${removed} with ${added} as ${role}${from}.`;
  if (added) return `${by} added ${added} as ${role}${from}.`;
  return `${by} removed ${removed} as ${role}${from}.`;
}

/** "Suspended on … by …": the suspension banner's first line (its reason follows as the person wrote it). */
export function suspensionLine(view: CaseView): string | undefined {
  const suspended = view.placementSuspended;
  if (suspended === undefined) return undefined;
  return `Suspended on ${formatDate(suspended.on)} by ${suspenderName(view, suspended.by, suspended.byName)}.`;
}

/**
 * Who suspended the placement: their name on the case, as the notices put it; the course team
 * member who is rarely on it, by the name the event kept; the sign-in name for an older event.
 */
function suspenderName(view: CaseView, actorId: string, byName: string | undefined): string {
  const onCase = view.people.find((p) => p.id === actorId.toLowerCase());
  return onCase?.name ?? (byName?.trim() ? byName : actorId);
}

/**
 * Has the course team set when the current stage starts? Until then its weeks count from the day
 * the case entered it; a start set on an earlier visit to the stage does not count.
 */
export function stageStartScheduled(view: CaseView, events: readonly CaseEvent[]): boolean {
  const entered = events.findLast((e) => e.type === 'stage_entered')?.seq ?? 0;
  return events.some((e) => e.type === 'stage_start_set' && e.seq > entered && e.data.stageId === view.stage.id);
}

/** One of the case's forms: a plan version, what it was, and how it ended. */
export interface FormVersion {
  readonly version: number;
  readonly current: boolean;
  /** "Version 1 · Stage 1: agreed 4 November 2026 · reviewed 18 November 2026: Insufficient progress" */
  readonly description: string;
}

/**
 * The case's forms by plan version, oldest first: each plan the case has had, with the stage it
 * was drafted at, when it was agreed and the review that completed it. Each can be downloaded as
 * it was completed (GET /api/cases/{caseId}/form.pdf?version=N).
 */
export function formVersions(view: CaseView): FormVersion[] {
  const plans = [...view.previousPlans, ...(view.plan ? [view.plan] : [])].sort((a, b) => a.version - b.version);
  const stageTitle = (id: string): string => view.stageHistory.find((s) => s.stageId === id)?.title ?? humanise(id);
  return plans.map((plan) => {
    const review = view.reviews.findLast((r) => r.planVersion === plan.version);
    const parts = [
      `Version ${plan.version} · ${stageTitle(plan.stageId)}`,
      plan.agreedOn === undefined ? 'not yet agreed' : `agreed ${formatDate(plan.agreedOn)}`,
      ...(review ? [`reviewed ${formatDate(review.reviewedOn)}: ${review.outcomeLabel}`] : []),
    ];
    return { version: plan.version, current: plan.version === view.plan?.version, description: parts.join(' · ') };
  });
}

/** A letter the course team sent confirming a fee is waived: one of the case's forms. */
export interface FeeLetter {
  /** Counting from 1 (GET /api/cases/{caseId}/fee-letter.pdf?letter=N). */
  readonly number: number;
  /** "Fee waiver letter · £1125 waived 9 June 2027 by Dr Alex Morgan" */
  readonly description: string;
}

/** The case's fee letters, oldest first, each downloadable as the PDF the trainee was sent. */
export function feeLetters(view: CaseView): FeeLetter[] {
  // Numbered among all the case's letters; the staff view has none to download (it leaves them out).
  return (view.feeWaivers ?? []).flatMap((w, i) =>
    w.letter === undefined
      ? []
      : [{ number: i + 1, description: `Fee waiver letter · ${w.amount} waived ${formatDate(w.on)} by ${w.byName}` }],
  );
}

/** "Friday 13 November 2026 at 16:15 for 45 minutes, at Hollybank Primary, Room 4" or "… online". */
export function reviewMeetingLine(view: CaseView): string | undefined {
  const plan = view.plan;
  const date = plan?.content.reviewDate;
  const meeting = plan?.reviewMeeting;
  if (plan?.agreedOn === undefined || date === undefined || meeting === undefined || view.status === 'closed')
    return undefined;
  const where =
    meeting.mode === 'online' ? 'online (a Teams meeting)' : `at ${meeting.location ?? 'a place to be confirmed'}`;
  return `The review meeting: ${formatDate(date)} at ${meeting.startTime} for ${String(meeting.durationMinutes)} minutes, ${where}.`;
}

/** One line per meeting: when, how, who attended. */
export function meetingLines(
  view: CaseView,
): { readonly key: string; readonly heading: string; readonly who: string }[] {
  return [...view.meetings].reverse().map((m) => ({
    key: m.id,
    heading: `${m.kind === 'plan' ? 'Plan meeting' : 'Review meeting'} · ${formatDate(m.heldOn)}${m.startTime ? ` at ${m.startTime}` : ''} · ${
      m.mode === 'online' ? 'online' : m.location ? `in person, ${m.location}` : 'in person'
    }`,
    who: `Attended: ${m.attendees.map((a) => `${a.name} (${roleLabel(view, a.role)})`).join(', ')}`,
  }));
}
