import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Radio,
  RadioGroup,
  Text,
  Textarea,
} from '@fluentui/react-components';
import { useCallback, useState } from 'react';
import { useSession } from '../../app/session-context';
import { recordReview } from '../../api/trellis-api';
import type { CaseView } from '../../api/types';
import { ConflictNotice } from '../../shared/commands/ConflictNotice';
import type { RunCommand } from '../../shared/commands/run-command';
import { useCommandForm } from '../../shared/commands/use-command-form';
import { ErrorNotice } from '../../shared/Feedback';
import { RATING_LABELS } from '../../shared/format';
import { useDraft } from '../../shared/drafts';
import {
  closingOutcome,
  draftProblems,
  emptyDraft,
  emptyMember,
  isRating,
  isReviewDraft,
  judgesTargets,
  linkedCaseOf,
  reviewBody,
  type MemberRow,
  type ReviewDraft,
} from './review-model';
import { useReviewStyles } from './ReviewForm.styles';

export function ReviewForm(props: { readonly view: CaseView; readonly run: RunCommand }) {
  const styles = useReviewStyles();
  const session = useSession();
  const {
    value: draft,
    set: setDraft,
    saved,
  } = useDraft<ReviewDraft>(
    { user: session.user.upn, caseId: props.view.id, form: `review-${String(props.view.plan?.version ?? 0)}` },
    emptyDraft,
    isReviewDraft,
  );
  const [touched, setTouched] = useState(false);
  // A closing outcome is confirmed in a dialog before anything is sent. The dialog is mounted from
  // the first time it asks (a Fluent dialog, even closed, leaves focus-trap helpers in the page).
  const [confirming, setConfirming] = useState(false);
  const [asked, setAsked] = useState(false);
  const { view } = props;
  const targets = judgesTargets(view) ? (view.plan?.content.targets ?? []) : [];
  const members = draft.members ?? [emptyMember()];
  const linked = linkedCaseOf(view, draft.outcomeId);
  const setMember = (index: number, change: Partial<MemberRow>): void => {
    set({ members: members.map((m, i) => (i === index ? { ...m, ...change } : m)) });
  };
  const problems = draftProblems(view, draft);
  const roles = [...new Map(view.people.map((p) => [p.role, p.roleLabel])).entries()];

  const send = useCallback(async () => {
    const outcome = await props.run((current) => recordReview(session.api, current, reviewBody(current.data, draft)));
    if (outcome.ok) saved();
    return outcome;
  }, [props, session.api, draft, saved]);
  const { state, submit } = useCommandForm(send);
  const set = (change: Partial<ReviewDraft>): void => {
    setDraft((d) => ({ ...d, ...change }));
  };

  const onSubmit = (event: React.SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(problems).length > 0) return;
    if (closingOutcome(view, draft.outcomeId) !== undefined) {
      setConfirming(true);
      setAsked(true);
      return;
    }
    void submit();
  };
  const closing = closingOutcome(view, draft.outcomeId);
  const problem = (key: string): string | undefined => (touched ? problems[key] : undefined);

  return (
    <form className={styles.form} onSubmit={onSubmit} aria-labelledby="review-heading" noValidate>
      <Text block as="h3" id="review-heading" size={500} weight="semibold">
        Record the {view.stage.title} review
      </Text>
      {targets.map((t) => (
        <fieldset key={t.id} className={styles.target}>
          <legend>
            <Text weight="semibold">
              Target {t.id}: {t.text}
            </Text>
          </legend>
          {t.successCriteria ? <Text>Success criteria: {t.successCriteria}</Text> : null}
          <Field
            label={`Progress on target ${t.id}`}
            required
            validationState={problem(`rating-${t.id}`) ? 'error' : 'none'}
            validationMessage={problem(`rating-${t.id}`)}
          >
            <RadioGroup
              layout="horizontal"
              value={draft.ratings[t.id] ?? ''}
              onChange={(_e, d) => {
                if (isRating(d.value)) set({ ratings: { ...draft.ratings, [t.id]: d.value } });
              }}
            >
              {(['met', 'partly_met', 'not_met'] as const).map((r) => (
                <Radio key={r} value={r} label={RATING_LABELS[r]} />
              ))}
            </RadioGroup>
          </Field>
          <Field label={`Comment on target ${t.id} (optional)`}>
            <Textarea
              value={draft.comments[t.id] ?? ''}
              onChange={(_e, d) => {
                set({ comments: { ...draft.comments, [t.id]: d.value } });
              }}
            />
          </Field>
        </fieldset>
      ))}
      <Field label="Evidence" hint="What you saw: observations, planning, pupils’ work, feedback.">
        <Textarea
          value={draft.evidence}
          resize="vertical"
          rows={4}
          onChange={(_e, d) => {
            set({ evidence: d.value });
          }}
        />
      </Field>
      <fieldset className={styles.target}>
        <legend>
          <Text weight="semibold">Who was at the review</Text>
        </legend>
        {roles.map(([id, label]) => (
          <Checkbox
            key={id}
            label={label}
            checked={draft.attendees.includes(id)}
            onChange={(_e, d) => {
              set({
                attendees: d.checked === true ? [...draft.attendees, id] : draft.attendees.filter((a) => a !== id),
              });
            }}
          />
        ))}
      </fieldset>
      {view.derived.membersRecorded === true ? (
        <fieldset className={styles.target} data-testid="group-members">
          <legend>
            <Text weight="semibold">The group's members, and who attended (not shown to the trainee)</Text>
          </legend>
          {problem('members') ? <Text role="alert">{problem('members')}</Text> : null}
          {members.map((m, index) => (
            <div key={index} className={styles.memberRow}>
              <Field label={`Member ${String(index + 1)}: name`}>
                <Input
                  value={m.name}
                  onChange={(_e, d) => {
                    setMember(index, { name: d.value });
                  }}
                />
              </Field>
              <Field label={`Member ${String(index + 1)}: role (optional)`}>
                <Input
                  value={m.role}
                  onChange={(_e, d) => {
                    setMember(index, { role: d.value });
                  }}
                />
              </Field>
              <Checkbox
                label={`Member ${String(index + 1)} attended`}
                checked={m.attended}
                onChange={(_e, d) => {
                  setMember(index, { attended: d.checked === true });
                }}
              />
            </div>
          ))}
          <div>
            <Button
              onClick={() => {
                set({ members: [...members, emptyMember()] });
              }}
            >
              Add a member
            </Button>
          </div>
        </fieldset>
      ) : null}
      <Field
        label="Outcome"
        required
        validationState={problem('outcome') ? 'error' : 'none'}
        validationMessage={problem('outcome')}
      >
        <RadioGroup
          value={draft.outcomeId}
          onChange={(_e, d) => {
            set({ outcomeId: d.value });
          }}
        >
          {view.derived.outcomes.map((o) => (
            <Radio
              key={o.id}
              value={o.id}
              label={
                <span className={styles.outcomeLabel}>
                  <span>{o.label}</span>
                  <span className={styles.effect}>{o.effect.description}</span>
                  {o.explanation ? <span className={styles.explanation}>{o.explanation}</span> : null}
                </span>
              }
            />
          ))}
        </RadioGroup>
      </Field>
      {linked !== undefined ? (
        <Field
          label={`Targets the new case addresses (${linked.stageTitle}), one per line`}
          hint="A new case opens, linked to this one, with its first plan starting from these targets; this case closes."
          required={linked.targetsRequired}
          validationState={problem('linkedTargets') ? 'error' : 'none'}
          validationMessage={problem('linkedTargets')}
        >
          <Textarea
            value={draft.linkedTargets ?? ''}
            resize="vertical"
            rows={3}
            onChange={(_e, d) => {
              set({ linkedTargets: d.value });
            }}
          />
        </Field>
      ) : null}
      <Field label="Next steps (optional)">
        <Textarea
          value={draft.nextSteps}
          onChange={(_e, d) => {
            set({ nextSteps: d.value });
          }}
        />
      </Field>
      {state.error !== undefined ? <ErrorNotice message={state.error} /> : null}
      {state.conflict ? (
        <ConflictNotice changes={state.conflict} busy={state.busy} onRetry={() => void submit()} />
      ) : null}
      <div className={styles.actions}>
        <Button appearance="primary" type="submit" disabled={state.busy}>
          {state.busy ? 'Recording…' : 'Record the review'}
        </Button>
      </div>
      {asked ? (
        <Dialog
          modalType="alert"
          open={confirming && closing !== undefined}
          onOpenChange={(_event, data) => {
            if (!data.open) setConfirming(false);
          }}
        >
          <DialogSurface>
            <DialogBody>
              <DialogTitle>This outcome closes the case</DialogTitle>
              <DialogContent>
                <Text block>You chose: {closing?.label}</Text>
                <Text block>{closing?.effect.description}</Text>
                <Text block>
                  Nothing has been recorded yet. A case closed by mistake can be reopened by the course team within 10
                  working days.
                </Text>
              </DialogContent>
              <DialogActions>
                <Button
                  appearance="primary"
                  onClick={() => {
                    setConfirming(false);
                    void submit();
                  }}
                >
                  Yes, record it and close the case
                </Button>
                <Button
                  onClick={() => {
                    setConfirming(false);
                  }}
                >
                  Go back to the form
                </Button>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      ) : null}
    </form>
  );
}
