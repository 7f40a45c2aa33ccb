import { Button, Checkbox, MessageBar, MessageBarBody, Text } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LocalDate } from '../../../domain/calendar/index';
import { useSession } from '../../app/session-context';
import { getFramework, savePlan, type ProcedureDefinition } from '../../api/trellis-api';
import type { CaseView, FrameworkDetail } from '../../api/types';
import type { Standing } from '../../shared/case-people';
import { ActionForm } from '../../shared/commands/ActionForm';
import type { CommandOutcome, RunCommand } from '../../shared/commands/run-command';
import { ConcernsStep } from '../../shared/plan-editor/ConcernsStep';
import {
  catalogueOptions,
  draftFromPlan,
  isPlanDraft,
  planBody,
  planProblems,
  type PlanDraft,
} from '../../shared/plan-editor/plan-draft';
import { TargetsStep } from '../../shared/plan-editor/TargetsStep';
import { formRulesOf } from '../../shared/procedure/case-rules';
import { useDraft } from '../../shared/drafts';

/** May this person edit the plan now? The server decides (edit-plan): staff on the case or the course team, the plan still being drawn up, not paused. */
export function canEditPlan(view: CaseView, standing: Standing): boolean {
  return (
    standing.staff &&
    (view.status === 'planning' || view.status === 'awaiting_signatures') &&
    view.paused === undefined &&
    view.plan !== undefined &&
    view.plan.agreedOn === undefined
  );
}

/**
 * "Edit plan": the plan editor's concerns and targets (as in the new-case wizard), prefilled from
 * the plan, saved with PUT /api/cases/:id/plan against the version last read. When people have
 * signed, saving withdraws their signatures, so it must be confirmed first.
 */
export function EditPlan(props: {
  readonly view: CaseView;
  readonly procedure: ProcedureDefinition;
  readonly run: RunCommand;
}) {
  const session = useSession();
  const { view, procedure, run } = props;
  const plan = view.plan;
  const rules = plan === undefined ? undefined : formRulesOf(procedure, plan);
  // The plan as typed is kept as a draft (per person, case and plan): a reload reopens the editor with it.
  const {
    value: kept,
    set: setKept,
    restored,
    saved,
    discard,
  } = useDraft<PlanDraft | undefined>(
    { user: session.user.upn, caseId: view.id, form: `plan-${String(plan?.version ?? 0)}` },
    () => (plan === undefined ? undefined : draftFromPlan(plan)),
    (stored): stored is PlanDraft => isPlanDraft(stored),
  );
  const [open, setOpen] = useState(restored);
  const draft = kept;
  const setDraft = setKept;
  const [withdraw, setWithdraw] = useState(false);
  const [frameworks, setFrameworks] = useState<readonly FrameworkDetail[]>([]);
  const frameworkIds = rules?.frameworks.join('|') ?? '';
  useEffect(() => {
    if (!open || frameworkIds === '') return;
    let live = true;
    Promise.all(frameworkIds.split('|').map((id) => getFramework(session.api, id))).then(
      (list) => {
        if (live) setFrameworks(list);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [open, frameworkIds, session.api]);
  const options = useMemo(() => catalogueOptions(frameworks), [frameworks]);
  const set = useCallback((change: Partial<PlanDraft>) => {
    setDraft((d) => (d === undefined ? d : { ...d, ...change }));
  }, []);
  const signatures = plan?.signatures.length ?? 0;
  const meeting = plan?.content.meeting;
  // The editor does not show the meeting: it goes back as it was, so saving does not erase it.
  const body = useMemo(
    () =>
      draft === undefined
        ? undefined
        : { ...(planBody(draft) ?? { concerns: [], targets: [] }), ...(meeting === undefined ? {} : { meeting }) },
    [draft, meeting],
  );
  const send = useCallback(async (): Promise<CommandOutcome> => {
    if (body === undefined) return { ok: false, message: 'Nothing to save.' };
    const outcome = await run((current) => savePlan(session.api, current, body, signatures > 0 && withdraw));
    if (outcome.ok) {
      saved();
      setOpen(false);
    }
    return outcome;
  }, [body, run, session.api, signatures, withdraw, saved]);

  if (plan === undefined || rules === undefined) return null;
  if (!open || draft === undefined) {
    return (
      <div>
        <Button
          onClick={() => {
            // Closed, the editor holds nothing unsent: start from the plan as it is now.
            discard();
            setWithdraw(false);
            setOpen(true);
          }}
        >
          Edit plan
        </Button>
      </div>
    );
  }
  const today = view.derived.today as LocalDate;
  const problems = planProblems(draft, procedure, rules, today);
  const problem =
    problems[0] ??
    (signatures > 0 && !withdraw ? 'Tick the box to confirm the signatures will be withdrawn.' : undefined);
  return (
    <ActionForm
      label="Edit the plan"
      submitLabel="Save the plan"
      busyLabel="Saving…"
      doneMessage="The plan is saved."
      problem={problem}
      send={send}
    >
      <Text>
        {rules.title}: change the concerns, targets and review date, then save. Everyone on the case sees the new
        version.
      </Text>
      <ConcernsStep draft={draft} set={set} rules={rules} frameworks={frameworks} options={options} />
      <TargetsStep
        draft={draft}
        set={set}
        procedure={procedure}
        options={options}
        today={today}
        rules={rules}
        placementEndsOn={props.view.placement.endsOn}
      />
      {signatures > 0 ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            {signatures} {signatures === 1 ? 'person has' : 'people have'} signed this plan. Saving changes withdraws{' '}
            {signatures === 1 ? 'that signature' : 'those signatures'}, and everyone signs again.
            <Checkbox
              checked={withdraw}
              label="I understand the signatures will be withdrawn"
              onChange={(_e, d) => {
                setWithdraw(d.checked === true);
              }}
            />
          </MessageBarBody>
        </MessageBar>
      ) : null}
      <div>
        <Button
          onClick={() => {
            discard();
            setOpen(false);
          }}
        >
          Cancel
        </Button>
      </div>
    </ActionForm>
  );
}
