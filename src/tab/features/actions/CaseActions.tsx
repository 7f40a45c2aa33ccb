import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Button,
  Checkbox,
  Field,
  Input,
  Radio,
  RadioGroup,
  Select,
  Text,
} from '@fluentui/react-components';
import { useCallback, useEffect, useId, useState } from 'react';
import { formatLongDate, isLocalDate, type LocalDate } from '../../../domain/calendar/index';
import type { Stage } from '../../../domain/procedure/schema';
import { useSession } from '../../app/session-context';
import { listTraineePlacements, runCaseCommand, type ProcedureDefinition } from '../../api/trellis-api';
import type { AvailablePanel, CaseView, PanelView, PlacementRow } from '../../api/types';
import { useDraft, useFieldsDraft } from '../../shared/drafts';
import type { DraftFields } from '../../shared/draft-shape';
import { ActionForm } from '../../shared/commands/ActionForm';
import type { CommandOutcome, RunCommand } from '../../shared/commands/run-command';
import { standingOf } from '../../shared/case-people';
import { formatDate } from '../../shared/format';
import { stageOf } from '../../shared/procedure/case-rules';
import {
  canScheduleStage,
  canSuspendPlacement,
  canScheduleReviewMeeting,
  changeableRoles,
  meetingKindOf,
  meetingRecordBody,
  meetingRecordProblem,
  personChangeBody,
  personChangeProblem,
  requiredMeetingMode,
  reviewMeetingProblem,
  conveneProblem,
  extensionLimits,
  extensionProblem,
  meetingProblem,
  openPanel,
  otherPlacements,
  PAUSE_REASON_LABELS,
  placementMoveBody,
  placementMoveProblem,
  placementPeople,
  traineeIdOf,
  scheduleProblem,
  stageSchedule,
  suspensionProblem,
  type ExtensionLimits,
  type MemberDraft,
  type PauseReason,
} from './actions-model';
import { useActionStyles } from './CaseActions.styles';
import { TextareaField } from './TextareaField';
import { WeekPlan } from './WeekPlan';

/** Sends one command to its REST route against the version last read (If-Match). */
function useSend(run: RunCommand, path: string, body: unknown): () => Promise<CommandOutcome> {
  const session = useSession();
  return useCallback(
    () => run((current) => runCaseCommand(session.api, current, path, body)),
    [run, session.api, path, body],
  );
}

/**
 * A case action's fields kept as a draft for this person on this case (shared/drafts.ts): typed
 * words survive a reload or a click elsewhere, and leaving with them unsent asks first.
 */
function useActionDraft<T extends DraftFields>(caseId: string, form: string, initial: () => T) {
  const session = useSession();
  return useFieldsDraft({ user: session.user.upn, caseId, form }, initial);
}

/** Sends the command; once it is done the draft goes, since what is on screen is now saved. */
function useSendDraft(run: RunCommand, path: string, body: unknown, saved: () => void): () => Promise<CommandOutcome> {
  const send = useSend(run, path, body);
  return useCallback(async () => {
    const outcome = await send();
    if (outcome.ok) saved();
    return outcome;
  }, [send, saved]);
}

function ExtendForm(props: { readonly caseId: string; readonly limits: ExtensionLimits; readonly run: RunCommand }) {
  const { fields, setField, saved } = useActionDraft(props.caseId, 'extend', () => ({ date: '', reason: '' }));
  const { date, reason } = fields;
  const setDate = (value: string) => {
    setField('date', value);
  };
  const setReason = (value: string) => {
    setField('reason', value);
  };
  const send = useSendDraft(props.run, '/extension', { reviewDate: date, reason: reason.trim() }, saved);
  return (
    <ActionForm
      label="Extend the review date"
      submitLabel="Move the review"
      busyLabel="Moving…"
      doneMessage="The review date has moved."
      problem={extensionProblem(props.limits, date, reason)}
      send={send}
    >
      <Text>{props.limits.explanation}</Text>
      <Field
        label="New review date"
        hint={
          props.limits.latest === undefined
            ? undefined
            : `Between ${formatDate(props.limits.current)} and ${formatDate(props.limits.latest)}`
        }
      >
        <Input
          type="date"
          value={date}
          min={props.limits.current}
          max={props.limits.latest}
          onChange={(_e, d) => {
            setDate(d.value);
          }}
        />
      </Field>
      <TextareaField label="Why the review is moving" value={reason} onChange={setReason} />
    </ActionForm>
  );
}

function EscalateForm(props: {
  readonly caseId: string;
  readonly options: readonly { readonly id: string; readonly title: string }[];
  readonly run: RunCommand;
}) {
  const { fields, setField, saved } = useActionDraft(props.caseId, 'escalate', () => ({
    to: props.options.length === 1 ? (props.options[0]?.id ?? '') : '',
    reason: '',
  }));
  const { to, reason } = fields;
  const setTo = (value: string) => {
    setField('to', value);
  };
  const setReason = (value: string) => {
    setField('reason', value);
  };
  const send = useSendDraft(props.run, '/escalation', { toStageId: to, reason: reason.trim() }, saved);
  const problem =
    to === ''
      ? 'Choose the stage to move the case to.'
      : reason.trim() === ''
        ? 'Say why the case is escalated, for the record.'
        : undefined;
  return (
    <ActionForm
      label="Escalate the case"
      submitLabel="Escalate"
      busyLabel="Escalating…"
      doneMessage="The case has moved on."
      problem={problem}
      send={send}
    >
      <Text>
        The procedure allows the course team to move this case on without waiting for a review. Everyone on the case is
        told.
      </Text>
      <Field label="Move the case to">
        <Select
          value={to}
          onChange={(_e, d) => {
            setTo(d.value);
          }}
        >
          <option value="">Choose a stage</option>
          {props.options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.title}
            </option>
          ))}
        </Select>
      </Field>
      <TextareaField label="Why" value={reason} onChange={setReason} />
    </ActionForm>
  );
}

function isPauseReason(value: string): value is PauseReason {
  return Object.hasOwn(PAUSE_REASON_LABELS, value);
}

function PauseForm(props: { readonly caseId: string; readonly run: RunCommand }) {
  // The reason chosen is kept as a draft like the other case actions' fields.
  const { fields, setField, saved } = useActionDraft(props.caseId, 'pause', () => ({ reason: 'health' }));
  // A kept draft naming a reason this tab no longer offers starts from health again.
  const reason: PauseReason = isPauseReason(fields.reason) ? fields.reason : 'health';
  const setReason = (value: PauseReason) => {
    setField('reason', value);
  };
  const send = useSendDraft(props.run, '/pause', { reason }, saved);
  return (
    <ActionForm
      label="Pause the case"
      submitLabel="Pause the case"
      busyLabel="Pausing…"
      doneMessage="The case is paused."
      problem={undefined}
      send={send}
    >
      <Text>
        Pausing stops the review clock: when the case resumes, the review date moves on by the working days it was
        paused.
      </Text>
      <Field label="Reason">
        <RadioGroup
          value={reason}
          onChange={(_e, d) => {
            if (isPauseReason(d.value)) setReason(d.value);
          }}
        >
          {Object.entries(PAUSE_REASON_LABELS).map(([id, label]) => (
            <Radio key={id} value={id} label={label} />
          ))}
        </RadioGroup>
      </Field>
    </ActionForm>
  );
}

/** Resuming has no fields, so it keeps no draft: there is nothing typed to lose. */
function ResumeForm(props: { readonly view: CaseView; readonly run: RunCommand }) {
  const send = useSend(props.run, '/resume', {});
  return (
    <ActionForm
      label="Resume the case"
      submitLabel="Resume the case"
      busyLabel="Resuming…"
      doneMessage="The case has resumed."
      problem={undefined}
      send={send}
    >
      <Text>
        Paused since {formatDate(props.view.paused?.since)}. Resuming restarts the review clock; the review date moves
        on by the working days the case was paused.
      </Text>
    </ActionForm>
  );
}

/** Enhanced Support step 5: "The placement may be suspended immediately in order to avoid negative impact on pupils' progress." */
function SuspendForm(props: { readonly view: CaseView; readonly run: RunCommand }) {
  // The reason is kept as a draft; the confirmation is given afresh each time.
  const { fields, setField, saved } = useActionDraft(props.view.id, 'suspend', () => ({ reason: '' }));
  const { reason } = fields;
  const setReason = (value: string) => {
    setField('reason', value);
  };
  const [sure, setSure] = useState(false);
  const send = useSendDraft(props.run, '/suspension', { reason: reason.trim() }, saved);
  return (
    <ActionForm
      label="Suspend the placement"
      submitLabel="Suspend the placement"
      busyLabel="Suspending…"
      doneMessage="The placement is suspended."
      problem={suspensionProblem(reason, sure)}
      send={send}
    >
      <Text>
        At {props.view.stage.title} the procedure allows the course team to suspend the placement immediately, to avoid
        negative impact on pupils’ progress. The trainee stops teaching on this placement from today,{' '}
        {formatLongDate(props.view.derived.today as LocalDate)}. The suspension and your reason are recorded on the
        case, where everyone who can see it reads them, the trainee included. It cannot be lifted in Trellis.
      </Text>
      <TextareaField label="Why the placement is suspended" value={reason} onChange={setReason} />
      <Checkbox
        checked={sure}
        label="I understand the placement is suspended from today"
        onChange={(_e, d) => {
          setSure(d.checked === true);
        }}
      />
    </ActionForm>
  );
}

/** A stage run week by week (RCTTP's Deferred Final Assessment, "in the following term"): when week 1 begins, with its milestones as dates. */
function ScheduleForm(props: { readonly view: CaseView; readonly stage: Stage; readonly run: RunCommand }) {
  // The date is kept as a draft for this stage, like the other case actions' fields.
  const { fields, setField, saved } = useActionDraft(props.view.id, `schedule-${props.stage.id}`, () => ({
    startsOn: '',
  }));
  const { startsOn } = fields;
  const setStartsOn = (value: string) => {
    setField('startsOn', value);
  };
  const send = useSendDraft(props.run, '/stage-start', { startsOn }, saved);
  const current = props.view.stage.startsOn;
  const preview = isLocalDate(startsOn) ? stageSchedule(props.stage, startsOn) : undefined;
  return (
    <ActionForm
      label={`Schedule ${props.stage.title}`}
      submitLabel="Schedule the stage"
      busyLabel="Scheduling…"
      doneMessage="The stage is scheduled: the week-by-week plan on the case shows the new dates."
      problem={scheduleProblem(startsOn, current)}
      send={send}
    >
      <Text>
        {props.stage.title} runs week by week from the day it starts, and its milestones and review count from that day.
        {current === undefined ? '' : ` It starts on ${formatLongDate(current as LocalDate)} at the moment.`}
      </Text>
      <Field
        label="Week 1 begins on"
        hint="Usually the trainee’s first day at the school, for example the first Monday of the term."
      >
        <Input
          type="date"
          value={startsOn}
          onChange={(_e, d) => {
            setStartsOn(d.value);
          }}
        />
      </Field>
      {preview ? <WeekPlan schedule={preview} label="The week-by-week plan from this date" /> : null}
    </ActionForm>
  );
}

const emptyMember = (): MemberDraft => ({ name: '', email: '', role: '' });

function ConveneForm(props: { readonly caseId: string; readonly panel: AvailablePanel; readonly run: RunCommand }) {
  const styles = useActionStyles();
  const size = Math.max(props.panel.quorum ?? 1, 1);
  const { fields, setField, saved } = useActionDraft(props.caseId, `convene-${props.panel.id}`, () => ({
    members: Array.from({ length: size }, emptyMember),
  }));
  const { members } = fields;
  const setMembers = (change: (list: readonly MemberDraft[]) => MemberDraft[]) => {
    setField('members', change(members));
  };
  const named = members.filter((m) => m.name.trim() !== '' || m.email.trim() !== '');
  const body = {
    panelId: props.panel.id,
    members: named.map((m) => ({
      id: m.email.trim(),
      name: m.name.trim(),
      ...(m.role.trim() === '' ? {} : { role: m.role.trim() }),
    })),
  };
  const send = useSendDraft(props.run, '/panels', body, saved);
  const limits = [
    props.panel.quorum === undefined ? undefined : `quorate with ${props.panel.quorum}`,
    props.panel.maxMembers === undefined ? undefined : `at most ${props.panel.maxMembers} members`,
  ]
    .filter(Boolean)
    .join(', ');
  const update = (index: number, change: Partial<MemberDraft>): void => {
    setMembers((list) => list.map((m, i) => (i === index ? { ...m, ...change } : m)));
  };
  return (
    <ActionForm
      label={`Convene the ${props.panel.title}`}
      submitLabel="Convene the panel"
      busyLabel="Convening…"
      doneMessage="The panel is convened."
      problem={conveneProblem(props.panel, members)}
      send={send}
    >
      <Text>
        The {props.panel.title}
        {limits === '' ? '' : ` (${limits})`}. {named.length} {named.length === 1 ? 'member' : 'members'} named.
      </Text>
      {members.map((m, index) => (
        <fieldset key={index} className={styles.member}>
          <legend className={styles.muted}>Member {index + 1}</legend>
          <Field label={`Name of member ${index + 1}`}>
            <Input
              value={m.name}
              onChange={(_e, d) => {
                update(index, { name: d.value });
              }}
            />
          </Field>
          <Field label={`Email of member ${index + 1}`}>
            <Input
              type="email"
              value={m.email}
              onChange={(_e, d) => {
                update(index, { email: d.value });
              }}
            />
          </Field>
          <Field label={`Role of member ${index + 1} (optional)`}>
            <Input
              value={m.role}
              onChange={(_e, d) => {
                update(index, { role: d.value });
              }}
            />
          </Field>
        </fieldset>
      ))}
      {props.panel.maxMembers === undefined || members.length < props.panel.maxMembers ? (
        <div>
          <Button
            onClick={() => {
              setMembers((list) => [...list, emptyMember()]);
            }}
          >
            Add a member
          </Button>
        </div>
      ) : null}
    </ActionForm>
  );
}

function MeetingForm(props: {
  readonly caseId: string;
  readonly panel: AvailablePanel;
  readonly convened: PanelView;
  readonly run: RunCommand;
}) {
  const styles = useActionStyles();
  const { fields, setField, saved } = useActionDraft(props.caseId, `panel-meeting-${props.panel.id}`, () => ({
    attendees: [] as readonly string[],
    chair: '',
    decisionId: '',
    rationale: '',
    heldOn: '',
    targets: '',
  }));
  const { attendees, chair, decisionId, rationale, heldOn, targets } = fields;
  const setAttendees = (change: (list: readonly string[]) => readonly string[]) => {
    setField('attendees', change(attendees));
  };
  const setChair = (value: string) => {
    setField('chair', value);
  };
  const setDecisionId = (value: string) => {
    setField('decisionId', value);
  };
  const setRationale = (value: string) => {
    setField('rationale', value);
  };
  const setHeldOn = (value: string) => {
    setField('heldOn', value);
  };
  const setTargets = (value: string) => {
    setField('targets', value);
  };
  const needsChair = props.convened.chair === undefined;
  // "… with a RIT in place to address identified targets": a decision that opens a linked case names them.
  const linked = props.panel.decisions.find((d) => d.id === decisionId)?.opensLinkedCase;
  const targetTexts = targets
    .split('\n')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const body = {
    attendees,
    ...(heldOn === '' ? {} : { heldOn }),
    ...(chair === '' || !needsChair ? {} : { chair }),
    ...(decisionId === '' ? {} : { decisionId }),
    ...(rationale.trim() === '' ? {} : { rationale: rationale.trim() }),
    ...(linked === undefined ? {} : { linkedCaseTargets: targetTexts.map((text) => ({ text })) }),
  };
  const send = useSendDraft(props.run, `/panels/${encodeURIComponent(props.panel.id)}/meetings`, body, saved);
  const quorum = props.panel.quorum;
  return (
    <ActionForm
      label={`Record a meeting of the ${props.panel.title}`}
      submitLabel={decisionId === '' ? 'Record the meeting' : 'Record the meeting and decision'}
      busyLabel="Recording…"
      doneMessage="The meeting is recorded."
      problem={
        meetingProblem(props.panel, props.convened, attendees, chair, needsChair) ??
        (linked?.targetsRequired === true && targetTexts.length === 0
          ? 'Name the targets the new case addresses, one per line.'
          : undefined)
      }
      send={send}
    >
      <Text>Convened on {formatDate(props.convened.convenedOn)}.</Text>
      <fieldset className={styles.fieldset}>
        <legend>Who was present</legend>
        {props.convened.members.map((m) => (
          <Checkbox
            key={m.id}
            label={`${m.name}${m.role === undefined ? '' : ` (${m.role})`}`}
            checked={attendees.includes(m.id)}
            onChange={(_e, d) => {
              setAttendees((list) => (d.checked === true ? [...list, m.id] : list.filter((a) => a !== m.id)));
            }}
          />
        ))}
        <Text role="status" className={styles.muted}>
          {attendees.length} present
          {quorum === undefined
            ? ''
            : `; quorate with ${quorum}${attendees.length >= quorum ? ' — quorate' : ' — not yet quorate'}`}
          .
        </Text>
      </fieldset>
      {needsChair ? (
        <Field label="Chair (agreed at this meeting)">
          <Select
            value={chair}
            onChange={(_e, d) => {
              setChair(d.value);
            }}
          >
            <option value="">Choose the chair</option>
            {props.convened.members
              .filter((m) => attendees.includes(m.id))
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
          </Select>
        </Field>
      ) : null}
      <Field label="Held on (leave empty for today)">
        <Input
          type="date"
          value={heldOn}
          onChange={(_e, d) => {
            setHeldOn(d.value);
          }}
        />
      </Field>
      <Field label="Decision">
        <RadioGroup
          value={decisionId}
          onChange={(_e, d) => {
            setDecisionId(d.value);
          }}
        >
          <Radio value="" label="No decision yet (the panel meets again)" />
          {props.panel.decisions.map((o) => (
            <Radio
              key={o.id}
              value={o.id}
              label={
                <span className={styles.outcome}>
                  <span>{o.label}</span>
                  <span className={styles.effect}>{o.effect.description}</span>
                  {o.explanation ? <span className={styles.effect}>{o.explanation}</span> : null}
                </span>
              }
            />
          ))}
        </RadioGroup>
      </Field>
      {linked !== undefined ? (
        <TextareaField
          label={`Targets the new case addresses (${linked.stageTitle}), one per line`}
          value={targets}
          onChange={setTargets}
        />
      ) : null}
      <TextareaField label="Rationale (not shown to the trainee)" value={rationale} onChange={setRationale} />
    </ActionForm>
  );
}

function TaskForm(props: {
  readonly caseId: string;
  readonly task: { readonly id: string; readonly label: string };
  readonly run: RunCommand;
}) {
  const { fields, setField, saved } = useActionDraft(props.caseId, `task-${props.task.id}`, () => ({ note: '' }));
  const { note } = fields;
  const setNote = (value: string) => {
    setField('note', value);
  };
  const send = useSendDraft(
    props.run,
    '/tasks',
    { taskId: props.task.id, ...(note.trim() === '' ? {} : { note: note.trim() }) },
    saved,
  );
  return (
    <ActionForm
      label={`Complete: ${props.task.label}`}
      submitLabel="Mark as done"
      busyLabel="Saving…"
      doneMessage="Marked as done."
      problem={undefined}
      send={send}
    >
      <Text>{props.task.label}</Text>
      <Field label="Note (optional)">
        <Input
          value={note}
          onChange={(_e, d) => {
            setNote(d.value);
          }}
        />
      </Field>
    </ActionForm>
  );
}

function CloseForm(props: { readonly caseId: string; readonly kind: 'close' | 'withdraw'; readonly run: RunCommand }) {
  // The reason is kept as a draft; the confirmation is given afresh each time.
  const { fields, setField, saved } = useActionDraft(props.caseId, props.kind, () => ({ reason: '' }));
  const { reason } = fields;
  const setReason = (value: string) => {
    setField('reason', value);
  };
  const [sure, setSure] = useState(false);
  const send = useSendDraft(
    props.run,
    props.kind === 'close' ? '/close' : '/withdraw',
    { reason: reason.trim() },
    saved,
  );
  const problem = reason.trim() === '' ? 'Say why, for the record.' : !sure ? 'Tick the box to confirm.' : undefined;
  return (
    <ActionForm
      label={props.kind === 'close' ? 'Close the case' : 'Record a withdrawal'}
      submitLabel={props.kind === 'close' ? 'Close the case' : 'Record the withdrawal'}
      busyLabel="Saving…"
      doneMessage="The case is closed."
      problem={problem}
      send={send}
    >
      <Text>
        {props.kind === 'close'
          ? 'Closes the case outside its outcomes (for example, opened in error or the trainee transferred). Nothing more can be recorded on it.'
          : 'Records that the trainee has withdrawn from the programme, and closes the case.'}
      </Text>
      <TextareaField label="Reason" value={reason} onChange={setReason} />
      <Checkbox
        checked={sure}
        label="I understand the case will be closed"
        onChange={(_e, d) => {
          setSure(d.checked === true);
        }}
      />
    </ActionForm>
  );
}

/**
 * Reopen a case closed by mistake (course team), with a reason, within 10 working days of closing;
 * once that has passed, the sentence saying it can no longer be reopened.
 */
function ReopenForm(props: { readonly view: CaseView; readonly run: RunCommand }) {
  const { fields, setField, saved } = useActionDraft(props.view.id, 'reopen', () => ({ reason: '' }));
  const { reason } = fields;
  const setReason = (value: string) => {
    setField('reason', value);
  };
  const send = useSendDraft(props.run, '/reopen', { reason: reason.trim() }, saved);
  const reopen = props.view.derived.reopen;
  if (reopen === undefined) return null;
  if (!reopen.open) return <Text role="status">{reopen.refusal}</Text>;
  return (
    <ActionForm
      label="Reopen the case"
      submitLabel="Reopen the case"
      busyLabel="Reopening…"
      doneMessage="The case is open again."
      problem={reason.trim() === '' ? 'Say why the case is reopened, for the record.' : undefined}
      send={send}
    >
      <Text>
        Closed by mistake? The course team can reopen this case until {formatLongDate(reopen.lastDay as LocalDate)}: 10
        working days from closing, not counting weekends, bank holidays or the provider’s closures. It returns to{' '}
        {props.view.stage.title}; a review whose outcome closed it is set aside and recorded again. Everyone on the case
        is told.
      </Text>
      <TextareaField label="Why the case is reopened" value={reason} onChange={setReason} />
    </ActionForm>
  );
}

/** Records one milestone of the stage's week-by-week plan as done; its reminders stop. */
function MilestoneForm(props: {
  readonly caseId: string;
  readonly milestones: readonly { readonly id: string; readonly label: string }[];
  readonly run: RunCommand;
}) {
  const { fields, setField, saved } = useActionDraft(props.caseId, 'milestone', () => ({ milestoneId: '', note: '' }));
  // A milestone recorded since the draft was kept is no longer offered.
  const milestoneId = props.milestones.some((m) => m.id === fields.milestoneId) ? fields.milestoneId : '';
  const { note } = fields;
  const setMilestoneId = (value: string) => {
    setField('milestoneId', value);
  };
  const setNote = (value: string) => {
    setField('note', value);
  };
  const send = useSendDraft(
    props.run,
    '/milestones',
    { milestoneId, ...(note.trim() === '' ? {} : { note: note.trim() }) },
    saved,
  );
  return (
    <ActionForm
      label="Record a milestone as done"
      submitLabel="Mark as done"
      busyLabel="Saving…"
      doneMessage="Marked as done: the week-by-week plan shows it."
      problem={milestoneId === '' ? 'Choose the milestone that is done.' : undefined}
      send={send}
    >
      <Field label="Milestone">
        <Select
          value={milestoneId}
          onChange={(_e, d) => {
            setMilestoneId(d.value);
          }}
        >
          <option value="">Choose a milestone</option>
          {props.milestones.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Note (optional)">
        <Input
          value={note}
          onChange={(_e, d) => {
            setNote(d.value);
          }}
        />
      </Field>
    </ActionForm>
  );
}

/**
 * Move the placement (course team) to another school on the trainee's placement roster: its
 * mentor(s) and professional mentor replace those on the case, from a day, with a reason.
 */
function PlacementForm(props: {
  readonly view: CaseView;
  readonly procedure: ProcedureDefinition;
  readonly run: RunCommand;
}) {
  const session = useSession();
  const traineeId = traineeIdOf(props.view, props.procedure);
  const [rows, setRows] = useState<readonly PlacementRow[] | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  useEffect(() => {
    if (traineeId === undefined) return;
    let live = true;
    listTraineePlacements(session.api, traineeId).then(
      (found) => {
        if (live) setRows(otherPlacements(props.view, traineeId, found));
      },
      () => {
        if (live) setLoadError('The placement roster could not be read. Try again in a moment.');
      },
    );
    return () => {
      live = false;
    };
  }, [session.api, traineeId, props.view]);
  const { fields, setField, saved } = useActionDraft(props.view.id, 'placement', () => ({
    rowId: '',
    effectiveOn: '',
    reason: '',
  }));
  const { rowId, effectiveOn, reason } = fields;
  const setRowId = (value: string) => {
    setField('rowId', value);
  };
  const setEffectiveOn = (value: string) => {
    setField('effectiveOn', value);
  };
  const setReason = (value: string) => {
    setField('reason', value);
  };
  const draft = { rowId, effectiveOn, reason };
  const row = rows?.find((r) => r.id === rowId);
  const send = useSendDraft(props.run, '/placement', placementMoveBody(props.procedure, draft, row), saved);
  if (loadError !== undefined) return <Text role="alert">{loadError}</Text>;
  if (rows === undefined) return <Text>Reading the placement roster…</Text>;
  const joining = row === undefined ? [] : placementPeople(props.procedure, row);
  return (
    <ActionForm
      label="Move the placement"
      submitLabel="Move the placement"
      busyLabel="Moving…"
      doneMessage="The placement has moved: the case shows the new school and its people."
      problem={placementMoveProblem(draft, rows, props.view.derived.today)}
      send={send}
    >
      <Text>
        The trainee moves to another school on their placement roster. Its mentor(s) replace those on the case, who no
        longer see it; the newcomers are sent a card and an email. Signatures already given stay on the plan.
      </Text>
      <Field label="New placement (from the roster)">
        <Select
          value={rowId}
          onChange={(_e, d) => {
            setRowId(d.value);
          }}
        >
          <option value="">Choose a placement</option>
          {rows.map((r) => (
            <option key={r.id} value={r.id}>
              {r.school}, {formatDate(r.startsOn)} to {formatDate(r.endsOn)}
            </option>
          ))}
        </Select>
      </Field>
      {joining.length > 0 ? (
        <Text>
          Joining the case:{' '}
          {joining
            .map((p) => `${p.name} (${props.procedure.roles.find((r) => r.id === p.role)?.label ?? p.role})`)
            .join(', ')}
        </Text>
      ) : null}
      <Field label="From" hint="Today unless you choose an earlier day.">
        <Input
          type="date"
          value={effectiveOn}
          max={props.view.derived.today}
          min={props.view.openedOn}
          onChange={(_e, d) => {
            setEffectiveOn(d.value);
          }}
        />
      </Field>
      <TextareaField label="Why the placement moves" value={reason} onChange={setReason} />
    </ActionForm>
  );
}

/**
 * Change who is on the case (course team): someone joins a role, leaves it, or replaces whoever
 * held it, from a day (today unless given), with a reason. Whoever leaves loses the case at once;
 * whoever joins is sent a card and an email.
 */
function PeopleForm(props: {
  readonly view: CaseView;
  readonly procedure: ProcedureDefinition;
  readonly run: RunCommand;
}) {
  const roles = changeableRoles(props.procedure);
  const {
    fields: draft,
    setField,
    saved,
  } = useActionDraft(props.view.id, 'people', () => ({
    role: '',
    removeId: '',
    addName: '',
    addEmail: '',
    effectiveOn: '',
    reason: '',
  }));
  const { role, removeId, addName, addEmail, effectiveOn, reason } = draft;
  const setRole = (value: string) => {
    setField('role', value);
  };
  const setRemoveId = (value: string) => {
    setField('removeId', value);
  };
  const setAddName = (value: string) => {
    setField('addName', value);
  };
  const setAddEmail = (value: string) => {
    setField('addEmail', value);
  };
  const setEffectiveOn = (value: string) => {
    setField('effectiveOn', value);
  };
  const setReason = (value: string) => {
    setField('reason', value);
  };
  const send = useSendDraft(props.run, '/people', personChangeBody(draft), saved);
  const holders = props.view.people.filter((p) => p.role === role);
  return (
    <ActionForm
      label="Change who is on the case"
      submitLabel="Save the change"
      busyLabel="Saving…"
      doneMessage="The case's people have changed."
      problem={personChangeProblem(draft, props.view.derived.today)}
      send={send}
    >
      <Text>
        Whoever leaves no longer sees the case; whoever joins is sent a card and an email. Signatures already given stay
        on the plan under the name of whoever gave them.
      </Text>
      <Field label="Role">
        <Select
          value={role}
          onChange={(_e, d) => {
            setRole(d.value);
            setRemoveId(props.view.people.find((p) => p.role === d.value)?.id ?? '');
          }}
        >
          <option value="">Choose a role</option>
          {roles.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </Select>
      </Field>
      {role !== '' && (
        <Field label="Who leaves the role">
          <Select
            value={removeId}
            onChange={(_e, d) => {
              setRemoveId(d.value);
            }}
          >
            <option value="">Nobody: add someone</option>
            {holders.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </Select>
        </Field>
      )}
      <Field label="Who joins (full name)" hint="Leave empty to remove without a replacement.">
        <Input
          value={addName}
          onChange={(_e, d) => {
            setAddName(d.value);
          }}
        />
      </Field>
      <Field label="Their work email (their sign-in name)">
        <Input
          type="email"
          value={addEmail}
          onChange={(_e, d) => {
            setAddEmail(d.value);
          }}
        />
      </Field>
      <Field label="From" hint="Today unless you choose an earlier day.">
        <Input
          type="date"
          value={effectiveOn}
          max={props.view.derived.today}
          min={props.view.openedOn}
          onChange={(_e, d) => {
            setEffectiveOn(d.value);
          }}
        />
      </Field>
      <TextareaField label="Why" value={reason} onChange={setReason} />
    </ActionForm>
  );
}

function ModeChoice(props: {
  readonly value: 'online' | 'in_person';
  readonly fixed: 'online' | 'in_person' | undefined;
  readonly onChange: (mode: 'online' | 'in_person') => void;
}) {
  return (
    <Field
      label="How it is held"
      hint={props.fixed === 'online' ? 'The procedure holds this meeting online.' : undefined}
    >
      <RadioGroup
        value={props.value}
        onChange={(_e, d) => {
          props.onChange(d.value === 'online' ? 'online' : 'in_person');
        }}
      >
        <Radio value="in_person" label="In person" disabled={props.fixed === 'online'} />
        <Radio value="online" label="Online" disabled={props.fixed === 'in_person'} />
      </RadioGroup>
    </Field>
  );
}

/**
 * Record the plan meeting (while the plan is drawn up) or a review meeting: when, how, who attended
 * (people on the case, by name) and notes the trainee does not see. The plan meeting's attendance
 * decides who is told afterwards (BCU: the university tutor when not present).
 */
function RecordMeetingForm(props: {
  readonly view: CaseView;
  readonly procedure: ProcedureDefinition;
  readonly kind: 'plan' | 'review';
  readonly run: RunCommand;
}) {
  const styles = useActionStyles();
  const attendedLabel = useId();
  const fixed = requiredMeetingMode(props.view, props.procedure, props.kind);
  const { fields, setField, saved } = useActionDraft(props.view.id, `meeting-record-${props.kind}`, () => ({
    heldOn: props.view.derived.today,
    startTime: '',
    mode: fixed ?? 'in_person',
    location: '',
    onlineLink: '',
    attendees: [] as readonly string[],
    notes: '',
  }));
  const mode: 'online' | 'in_person' = fields.mode === 'online' ? 'online' : 'in_person';
  const draft = { ...fields, mode };
  const { heldOn, startTime, location, onlineLink, attendees, notes } = draft;
  const setHeldOn = (value: string) => {
    setField('heldOn', value);
  };
  const setStartTime = (value: string) => {
    setField('startTime', value);
  };
  const setMode = (value: 'online' | 'in_person') => {
    setField('mode', value);
  };
  const setLocation = (value: string) => {
    setField('location', value);
  };
  const setOnlineLink = (value: string) => {
    setField('onlineLink', value);
  };
  const setAttendees = (change: (list: readonly string[]) => readonly string[]) => {
    setField('attendees', change(attendees));
  };
  const setNotes = (value: string) => {
    setField('notes', value);
  };
  const send = useSendDraft(props.run, '/meetings', meetingRecordBody(props.kind, draft), saved);
  const label = props.kind === 'plan' ? 'Record the plan meeting' : 'Record a review meeting';
  return (
    <ActionForm
      label={label}
      submitLabel="Record the meeting"
      busyLabel="Saving…"
      doneMessage="The meeting is recorded."
      problem={meetingRecordProblem(draft, props.view.derived.today)}
      send={send}
    >
      <Text>
        {props.kind === 'plan'
          ? 'The meeting where the plan is discussed with the trainee: its date and who attended go on the form, and anyone the procedure names who was not there is told.'
          : 'A meeting held to review the plan, for the record.'}
      </Text>
      <Field label="Held on">
        <Input
          type="date"
          value={heldOn}
          max={props.view.derived.today}
          onChange={(_e, d) => {
            setHeldOn(d.value);
          }}
        />
      </Field>
      <Field label="Start time (optional)">
        <Input
          type="time"
          value={startTime}
          onChange={(_e, d) => {
            setStartTime(d.value);
          }}
        />
      </Field>
      <ModeChoice value={mode} fixed={fixed} onChange={setMode} />
      {mode === 'in_person' ? (
        <Field label="Where (optional)">
          <Input
            value={location}
            onChange={(_e, d) => {
              setLocation(d.value);
            }}
          />
        </Field>
      ) : (
        <Field label="Meeting link (optional)">
          <Input
            type="url"
            value={onlineLink}
            onChange={(_e, d) => {
              setOnlineLink(d.value);
            }}
          />
        </Field>
      )}
      {/* Not in a Field: a Field would give every checkbox its own label ("Who attended") as its name. */}
      <div role="group" aria-labelledby={attendedLabel} className={styles.attended}>
        <Text id={attendedLabel} weight="semibold">
          Who attended
        </Text>
        {props.view.people.map((p) => (
          <Checkbox
            key={`${p.role}-${p.id}`}
            label={`${p.name} (${p.roleLabel})`}
            checked={attendees.includes(p.id)}
            onChange={(_e, d) => {
              setAttendees((now) =>
                d.checked === true ? [...new Set([...now, p.id])] : now.filter((id) => id !== p.id),
              );
            }}
          />
        ))}
      </div>
      <TextareaField label="Notes (not shown to the trainee)" value={notes} onChange={setNotes} />
    </ActionForm>
  );
}

/** When and where the review meeting is held: the calendar invitation follows. */
function ReviewMeetingForm(props: {
  readonly view: CaseView;
  readonly procedure: ProcedureDefinition;
  readonly run: RunCommand;
}) {
  const fixed = requiredMeetingMode(props.view, props.procedure, 'review');
  const chosen = props.view.plan?.reviewMeeting;
  const { fields, setField, saved } = useActionDraft(props.view.id, 'review-meeting', () => ({
    startTime: chosen?.startTime ?? '15:30',
    duration: String(chosen?.durationMinutes ?? 60),
    mode: chosen?.mode ?? fixed ?? 'in_person',
    location: chosen?.location ?? '',
  }));
  const { startTime, duration, location } = fields;
  const mode: 'online' | 'in_person' = fields.mode === 'online' ? 'online' : 'in_person';
  const setStartTime = (value: string) => {
    setField('startTime', value);
  };
  const setDuration = (value: string) => {
    setField('duration', value);
  };
  const setMode = (value: 'online' | 'in_person') => {
    setField('mode', value);
  };
  const setLocation = (value: string) => {
    setField('location', value);
  };
  const draft = { startTime, durationMinutes: Number(duration), mode, location };
  const send = useSendDraft(
    props.run,
    '/review-meeting',
    {
      startTime,
      durationMinutes: Number(duration),
      mode,
      ...(mode === 'in_person' && location.trim() !== '' ? { location: location.trim() } : {}),
    },
    saved,
  );
  const reviewDate = props.view.plan?.content.reviewDate;
  return (
    <ActionForm
      label="Schedule the review meeting"
      submitLabel="Save and update the invitation"
      busyLabel="Saving…"
      doneMessage="The review meeting is scheduled; the calendar invitation follows."
      problem={reviewMeetingProblem(draft)}
      send={send}
    >
      {reviewDate !== undefined && (
        <Text>The review is on {formatLongDate(reviewDate as LocalDate)}. Everyone invited gets the update.</Text>
      )}
      <Field label="Start time">
        <Input
          type="time"
          value={startTime}
          onChange={(_e, d) => {
            setStartTime(d.value);
          }}
        />
      </Field>
      <Field label="Length in minutes">
        <Input
          type="number"
          value={duration}
          min={10}
          max={480}
          onChange={(_e, d) => {
            setDuration(d.value);
          }}
        />
      </Field>
      <ModeChoice value={mode} fixed={fixed} onChange={setMode} />
      {mode === 'in_person' && (
        <Field label="Where">
          <Input
            value={location}
            onChange={(_e, d) => {
              setLocation(d.value);
            }}
          />
        </Field>
      )}
    </ActionForm>
  );
}

/** The trainee's perceptions: in their own words, or typed in by someone on the case at the meeting (`onBehalf`). */
export function PerceptionsForm(props: {
  readonly view: CaseView;
  readonly run: RunCommand;
  readonly onBehalf: boolean;
}) {
  const session = useSession();
  const {
    value: text,
    set: setText,
    saved,
  } = useDraft<string>(
    { user: session.user.upn, caseId: props.view.id, form: `perceptions-${String(props.view.plan?.version ?? 0)}` },
    () => props.view.plan?.perceptions?.text ?? '',
    (stored): stored is string => typeof stored === 'string',
  );
  const sendText = useSend(props.run, '/perceptions', { text: text.trim() });
  const send = useCallback(async () => {
    const outcome = await sendText();
    if (outcome.ok) saved();
    return outcome;
  }, [sendText, saved]);
  const trainee = props.view.people.find((p) => p.role === 'trainee')?.name ?? 'the trainee';
  return (
    <ActionForm
      label={props.onBehalf ? 'The trainee’s perceptions, on their behalf' : 'Your perceptions of the concerns'}
      submitLabel={props.onBehalf ? 'Save the trainee’s perceptions' : 'Save my perceptions'}
      busyLabel="Saving…"
      doneMessage={
        props.onBehalf ? 'The trainee’s perceptions are saved on the plan.' : 'Your perceptions are saved on the plan.'
      }
      problem={text.trim() === '' ? 'Write how the concerns are seen before saving.' : undefined}
      send={send}
    >
      <TextareaField
        label={
          props.onBehalf
            ? `How ${trainee} sees the concerns, as they said it`
            : 'How you see the concerns, in your own words'
        }
        hint={
          props.onBehalf
            ? `Once ${trainee} records their own, only they can change them.`
            : 'Everyone on the case reads this before the plan is signed.'
        }
        value={text}
        rows={5}
        resize="vertical"
        onChange={setText}
      />
    </ActionForm>
  );
}

/**
 * The actions this person can take on the case now, each folded under its name: extend the review,
 * escalate, suspend the placement or schedule a week-by-week stage (course team, where the stage
 * allows), pause or resume, panels (convene, record a meeting and decision with quorum), stage
 * tasks, close or withdraw. Trainees get only their perceptions (shown in its own section).
 */
export function CaseActions(props: {
  readonly view: CaseView;
  readonly procedure: ProcedureDefinition | undefined;
  readonly run: RunCommand;
}) {
  const session = useSession();
  const { view, procedure, run } = props;
  const standing = standingOf(view, session.me, session.user.upn);
  if (view.status === 'closed' && standing.courseTeam && view.derived.reopen !== undefined)
    return (
      <Accordion collapsible multiple data-testid="case-actions">
        <AccordionItem value="reopen">
          <AccordionHeader as="h3">Reopen the case</AccordionHeader>
          <AccordionPanel>
            <ReopenForm view={view} run={run} />
          </AccordionPanel>
        </AccordionItem>
      </Accordion>
    );
  if (view.status === 'closed' || !standing.staff) return null;
  const limits = procedure === undefined ? undefined : extensionLimits(view, procedure);
  const items: { readonly id: string; readonly title: string; readonly body: React.ReactNode }[] = [];
  if (limits)
    items.push({
      id: 'extend',
      title: 'Extend the review date',
      body: <ExtendForm caseId={view.id} limits={limits} run={run} />,
    });
  const escalateTo = view.derived.escalateTo;
  if (standing.courseTeam && escalateTo.length > 0)
    items.push({
      id: 'escalate',
      title: 'Escalate the case',
      body: <EscalateForm caseId={view.id} options={escalateTo} run={run} />,
    });
  const stage = procedure === undefined ? undefined : stageOf(view, procedure);
  if (procedure !== undefined && canSuspendPlacement(view, procedure, standing))
    items.push({ id: 'suspend', title: 'Suspend the placement', body: <SuspendForm view={view} run={run} /> });
  if (procedure !== undefined && stage !== undefined && canScheduleStage(view, procedure, standing)) {
    items.push({
      id: 'schedule',
      title: 'Schedule the stage',
      body: <ScheduleForm key={`schedule-${view.stage.id}`} view={view} stage={stage} run={run} />,
    });
  }
  const meetingKind = meetingKindOf(view);
  if (procedure !== undefined && meetingKind !== undefined)
    items.push({
      id: `meeting-record-${meetingKind}`,
      title: meetingKind === 'plan' ? 'Record the plan meeting' : 'Record a review meeting',
      body: <RecordMeetingForm key={meetingKind} view={view} procedure={procedure} kind={meetingKind} run={run} />,
    });
  if (procedure !== undefined && canScheduleReviewMeeting(view))
    items.push({
      id: 'review-meeting',
      title: 'Schedule the review meeting',
      body: <ReviewMeetingForm view={view} procedure={procedure} run={run} />,
    });
  if (view.paused) items.push({ id: 'resume', title: 'Resume the case', body: <ResumeForm view={view} run={run} /> });
  else
    items.push({
      id: 'pause',
      title: 'Pause the case (health or leave)',
      body: <PauseForm caseId={view.id} run={run} />,
    });
  for (const panel of view.derived.panels) {
    // Convened (and minuted) by the course team or the roles the procedure names for it.
    const convenedBy = procedure?.panels.find((p) => p.id === panel.id)?.convenedBy ?? [];
    if (!standing.courseTeam && !standing.roles.some((r) => convenedBy.includes(r))) continue;
    const convened = openPanel(view, panel.id);
    if (convened)
      items.push({
        id: `meeting-${panel.id}`,
        title: `Record a meeting of the ${panel.title}`,
        body: <MeetingForm caseId={view.id} panel={panel} convened={convened} run={run} />,
      });
    else
      items.push({
        id: `convene-${panel.id}`,
        title: `Convene the ${panel.title}`,
        body: <ConveneForm caseId={view.id} panel={panel} run={run} />,
      });
  }
  const milestonesLeft = view.derived.milestones.filter((m) => m.done === undefined);
  if (milestonesLeft.length > 0)
    items.push({
      id: 'milestone',
      title: 'Record a milestone as done',
      body: <MilestoneForm caseId={view.id} milestones={milestonesLeft} run={run} />,
    });
  for (const task of view.derived.tasks.filter((t) => !t.done))
    items.push({
      id: `task-${task.id}`,
      title: `Task: ${task.label}`,
      body: <TaskForm caseId={view.id} task={task} run={run} />,
    });
  if (standing.courseTeam && procedure !== undefined)
    items.push({
      id: 'people',
      title: 'Change who is on the case',
      body: <PeopleForm view={view} procedure={procedure} run={run} />,
    });
  if (standing.courseTeam && procedure !== undefined)
    items.push({
      id: 'placement',
      title: 'Move the placement',
      body: <PlacementForm view={view} procedure={procedure} run={run} />,
    });
  if (standing.courseTeam)
    items.push({ id: 'close', title: 'Close the case', body: <CloseForm caseId={view.id} kind="close" run={run} /> });
  items.push({
    id: 'withdraw',
    title: 'The trainee has withdrawn',
    body: <CloseForm caseId={view.id} kind="withdraw" run={run} />,
  });
  return (
    <Accordion collapsible multiple data-testid="case-actions">
      {items.map((item) => (
        <AccordionItem key={item.id} value={item.id}>
          <AccordionHeader as="h3">{item.title}</AccordionHeader>
          <AccordionPanel>{item.body}</AccordionPanel>
        </AccordionItem>
      ))}
    </Accordion>
  );
}

/** BCU: "the course team will confirm this in writing to the trainee": the fee waived, with a reason; the letter goes to the trainee. */
function FeeWaiverForm(props: {
  readonly caseId: string;
  readonly offer: NonNullable<CaseView['derived']['feeWaiver']>;
  readonly run: RunCommand;
}) {
  const { fields, setField, saved } = useActionDraft(props.caseId, 'fee-waiver', () => ({ reason: '' }));
  const { reason } = fields;
  const setReason = (value: string) => {
    setField('reason', value);
  };
  const send = useSendDraft(props.run, '/fee-waiver', { reason: reason.trim() }, saved);
  return (
    <ActionForm
      label="Waive the fee"
      submitLabel={`Waive the fee of ${props.offer.amount}`}
      busyLabel="Waiving…"
      doneMessage="The fee is waived and the letter is on its way to the trainee."
      problem={reason.trim() === '' ? 'Say why the exceptional circumstances apply.' : undefined}
      send={send}
    >
      <Text>
        After the decision “{props.offer.outcomeLabel}”: {props.offer.letter} The trainee is sent a letter confirming
        the fee is waived, with your reason; the letter is kept on the case.
      </Text>
      <TextareaField label="Why the exceptional circumstances apply" value={reason} onChange={setReason} />
    </ActionForm>
  );
}

/** A trainee's appeal against a decision, as the procedure allows it: when lodged, the grounds, on a procedural basis. */
function AppealForm(props: {
  readonly caseId: string;
  readonly appeal: NonNullable<CaseView['derived']['appeal']>;
  readonly today: string;
  readonly run: RunCommand;
}) {
  // The date and the grounds are kept as a draft; the procedural basis is confirmed afresh each time.
  const { fields, setField, saved } = useActionDraft(props.caseId, 'appeal', () => ({
    lodgedOn: props.today,
    grounds: '',
  }));
  const { lodgedOn, grounds } = fields;
  const setLodgedOn = (value: string) => {
    setField('lodgedOn', value);
  };
  const setGrounds = (value: string) => {
    setField('grounds', value);
  };
  const [procedural, setProcedural] = useState(false);
  const send = useSendDraft(props.run, '/appeals', { lodgedOn, grounds: grounds.trim(), procedural }, saved);
  const problem = !isLocalDate(lodgedOn)
    ? 'Give the date the appeal was lodged.'
    : grounds.trim() === ''
      ? 'Give the grounds of the appeal.'
      : !procedural
        ? `Only an appeal on a procedural basis can be recorded: ${props.appeal.text}`
        : undefined;
  return (
    <ActionForm
      label="Record an appeal"
      submitLabel="Record the appeal"
      busyLabel="Recording…"
      doneMessage="The appeal is recorded and those the procedure names are told."
      problem={problem}
      send={send}
    >
      <Text>
        Against the decision “{props.appeal.againstLabel}”. {props.appeal.text}
      </Text>
      <Field label="Lodged on">
        <Input
          type="date"
          value={lodgedOn}
          onChange={(_e, d) => {
            setLodgedOn(d.value);
          }}
        />
      </Field>
      <TextareaField label="Grounds" value={grounds} onChange={setGrounds} />
      <Checkbox
        checked={procedural}
        label="The appeal is about how the procedure was followed, not the judgement itself"
        onChange={(_e, d) => {
          setProcedural(d.checked === true);
        }}
      />
    </ActionForm>
  );
}

const APPEAL_OUTCOMES = ['upheld', 'not_upheld', 'withdrawn'] as const;
type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];
const APPEAL_OUTCOME_LABELS: Readonly<Record<AppealOutcome, string>> = {
  upheld: 'Upheld',
  not_upheld: 'Not upheld',
  withdrawn: 'Withdrawn',
};
const isAppealOutcome = (value: string): value is AppealOutcome =>
  (APPEAL_OUTCOMES as readonly string[]).includes(value);

function AppealOutcomeForm(props: { readonly caseId: string; readonly appealId: string; readonly run: RunCommand }) {
  const { fields, setField, saved } = useActionDraft(props.caseId, `appeal-${props.appealId}-outcome`, () => ({
    outcome: '',
    reasons: '',
  }));
  const outcome = isAppealOutcome(fields.outcome) ? fields.outcome : '';
  const { reasons } = fields;
  const setOutcome = (value: AppealOutcome) => {
    setField('outcome', value);
  };
  const setReasons = (value: string) => {
    setField('reasons', value);
  };
  const send = useSendDraft(
    props.run,
    `/appeals/${encodeURIComponent(props.appealId)}/outcome`,
    { outcome, reasons: reasons.trim() },
    saved,
  );
  return (
    <ActionForm
      label="Record the outcome of the appeal"
      submitLabel="Record the outcome"
      busyLabel="Recording…"
      doneMessage="The outcome of the appeal is recorded."
      problem={outcome === '' ? 'Choose the outcome.' : reasons.trim() === '' ? 'Give the reasons.' : undefined}
      send={send}
    >
      <RadioGroup
        value={outcome}
        onChange={(_e, d) => {
          if (isAppealOutcome(d.value)) setOutcome(d.value);
        }}
      >
        {APPEAL_OUTCOMES.map((o) => (
          <Radio key={o} value={o} label={APPEAL_OUTCOME_LABELS[o]} />
        ))}
      </RadioGroup>
      <TextareaField label="Reasons" value={reasons} onChange={setReasons} />
    </ActionForm>
  );
}

/**
 * What follows a decision, on the case it decided (closed or not): the letters of fees waived and
 * appeals with their outcomes, for everyone who sees the case; the forms to waive a fee (course
 * team) and to record an appeal and its outcome (course team, or the roles the procedure names).
 */
export function AfterDecisions(props: {
  readonly view: CaseView;
  readonly procedure: ProcedureDefinition | undefined;
  readonly run: RunCommand;
}) {
  const session = useSession();
  const styles = useActionStyles();
  const { view, procedure, run } = props;
  const standing = standingOf(view, session.me, session.user.upn);
  const waivers = view.feeWaivers ?? [];
  const appeals = view.appeals ?? [];
  const appealRoles = procedure?.appeal?.recordedBy ?? [];
  const recordsAppeals = standing.courseTeam || standing.roles.some((r) => appealRoles.includes(r));
  const offer = view.derived.feeWaiver;
  const appeal = view.derived.appeal;
  const open = appeals.filter((a) => a.decision === undefined);
  if (waivers.length === 0 && appeals.length === 0 && !(standing.courseTeam && offer) && !(recordsAppeals && appeal))
    return null;
  return (
    <div data-testid="after-decisions">
      {waivers.map((w) => (
        <section key={w.outcomeId} aria-label={`Fee of ${w.amount} waived`}>
          <Text block weight="semibold">
            Fee of {w.amount} waived on {formatDate(w.on)} by {w.byName}
          </Text>
          <Text block className={styles.letter}>
            {w.letter}
          </Text>
        </section>
      ))}
      {appeals.map((a) => (
        <section key={a.id} aria-label={`Appeal ${a.id}`}>
          <Text block weight="semibold">
            Appeal lodged on {formatDate(a.lodgedOn)} against “{a.againstLabel}”
          </Text>
          <Text block>Grounds: {a.grounds}</Text>
          <Text block>
            {a.decision === undefined
              ? 'Waiting for its outcome.'
              : `${APPEAL_OUTCOME_LABELS[a.decision.outcome]} on ${formatDate(a.decision.on)}: ${a.decision.reasons}`}
          </Text>
        </section>
      ))}
      <Accordion collapsible multiple>
        {standing.courseTeam && offer ? (
          <AccordionItem value="fee-waiver">
            <AccordionHeader as="h3">Waive the fee</AccordionHeader>
            <AccordionPanel>
              <FeeWaiverForm caseId={view.id} offer={offer} run={run} />
            </AccordionPanel>
          </AccordionItem>
        ) : null}
        {recordsAppeals && appeal && open.length === 0 ? (
          <AccordionItem value="appeal">
            <AccordionHeader as="h3">Record an appeal</AccordionHeader>
            <AccordionPanel>
              <AppealForm caseId={view.id} appeal={appeal} today={view.derived.today} run={run} />
            </AccordionPanel>
          </AccordionItem>
        ) : null}
        {recordsAppeals
          ? open.map((a) => (
              <AccordionItem key={a.id} value={`appeal-${a.id}`}>
                <AccordionHeader as="h3">Record the outcome of the appeal of {formatDate(a.lodgedOn)}</AccordionHeader>
                <AccordionPanel>
                  <AppealOutcomeForm caseId={view.id} appealId={a.id} run={run} />
                </AccordionPanel>
              </AccordionItem>
            ))
          : null}
      </Accordion>
    </div>
  );
}
