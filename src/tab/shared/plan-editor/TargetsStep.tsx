import { Button, Checkbox, Field, Input, Text, Textarea } from '@fluentui/react-components';
import { isLocalDate, type LocalDate } from '../../../domain/calendar/index';
import { calendarFor } from '../../../domain/case/command-kit';
import { reviewDateConcerns } from '../../../domain/case/plan-rules';
import type { PlanRules } from '../../../domain/procedure/schema';
import type { ProcedureDefinition } from '../../api/trellis-api';
import { formatDate } from '../format';
import { actionParties, emptyTarget, reviewWindowFor, type CatalogueOption, type PlanDraft } from './plan-draft';
import { usePlanEditorStyles } from './PlanEditor.styles';
import { StandardsPicker } from './StandardsPicker';

/**
 * The targets (at most the form's limit, each with its standards, actions per party and the fields
 * the form has), training needs, support measures and the review date within the stage's window.
 */
export function TargetsStep(props: {
  readonly draft: PlanDraft;
  readonly set: (change: Partial<PlanDraft>) => void;
  readonly procedure: ProcedureDefinition;
  readonly options: readonly CatalogueOption[];
  readonly today: LocalDate;
  /** The plan's form rules: the opening stage's in the wizard, the plan's own when editing it. */
  readonly rules: PlanRules;
  /** The last day of the placement, where known: a review after it is warned about or refused. */
  readonly placementEndsOn?: string | undefined;
}) {
  const styles = usePlanEditorStyles();
  const { draft, set, procedure, rules } = props;
  const max = rules.maxTargets;
  const parties = actionParties(procedure, rules);
  const window = reviewWindowFor(procedure, rules, props.today);
  const atMax = max !== undefined && draft.targets.length >= max;
  // A day nobody works, after the placement, or a year away: refused where the procedure sets a
  // window (as the server refuses it), otherwise a warning under the field.
  const concerns = isLocalDate(draft.reviewDate)
    ? reviewDateConcerns(draft.reviewDate, {
        calendar: calendarFor(procedure),
        placementEndsOn:
          props.placementEndsOn !== undefined && isLocalDate(props.placementEndsOn) ? props.placementEndsOn : undefined,
        today: props.today,
      })
    : [];
  // Checked as the date is typed, not only on "Next".
  const dateProblem =
    draft.reviewDate === ''
      ? undefined
      : draft.reviewDate < window.earliest
        ? `Choose a date after ${formatDate(props.today)}.`
        : window.latest !== undefined && draft.reviewDate > window.latest
          ? `Too late: the latest review date is ${formatDate(window.latest)}.`
          : window.latest !== undefined && concerns.length > 0
            ? `${concerns.join(' ')} Choose a working day within the placement.`
            : undefined;
  const dateWarning = window.latest === undefined && concerns.length > 0 ? concerns.join(' ') : undefined;
  return (
    <>
      <Text role="status" data-testid="target-count">
        {max === undefined
          ? `${draft.targets.length} ${draft.targets.length === 1 ? 'target' : 'targets'}.`
          : `${draft.targets.length} of at most ${max} ${max === 1 ? 'target' : 'targets'} (${rules.title}).`}
        {rules.smartTargets ? ' Targets should be SMART: specific, measurable, achievable, realistic and timed.' : ''}
      </Text>
      {draft.targets.map((t, i) => {
        const update = (change: Partial<typeof t>): void => {
          set({ targets: draft.targets.map((x) => (x.key === t.key ? { ...x, ...change } : x)) });
        };
        return (
          <fieldset key={t.key} className={styles.group}>
            <legend>Target {i + 1}</legend>
            <Field label={`Target ${i + 1}`}>
              <Textarea
                value={t.text}
                resize="vertical"
                onChange={(_e, d) => {
                  update({ text: d.value });
                }}
              />
            </Field>
            <StandardsPicker
              label={`Standards for target ${i + 1}${rules.targetsLinkedToFramework ? ' (at least one)' : ''}`}
              options={props.options}
              links={t.links}
              onChange={(links) => {
                update({ links });
              }}
            />
            {parties.map((party) => (
              <Field key={party.id} label={`Actions for the ${party.label} (target ${i + 1})`}>
                <Textarea
                  value={t.actions[party.id] ?? ''}
                  onChange={(_e, d) => {
                    update({ actions: { ...t.actions, [party.id]: d.value } });
                  }}
                />
              </Field>
            ))}
            {rules.fields.includes('success_criteria') ? (
              <Field label={`Success criteria (target ${i + 1})`}>
                <Textarea
                  value={t.successCriteria}
                  onChange={(_e, d) => {
                    update({ successCriteria: d.value });
                  }}
                />
              </Field>
            ) : null}
            {rules.fields.includes('timescale') ? (
              <Field label={`Timescale (target ${i + 1})`}>
                <Input
                  value={t.timescale}
                  onChange={(_e, d) => {
                    update({ timescale: d.value });
                  }}
                />
              </Field>
            ) : null}
            {rules.fields.includes('support_actions') ? (
              <Field label={`Support required (target ${i + 1})`}>
                <Textarea
                  value={t.supportRequired}
                  onChange={(_e, d) => {
                    update({ supportRequired: d.value });
                  }}
                />
              </Field>
            ) : null}
            {rules.fields.includes('monitoring') ? (
              <Field label={`Monitoring (target ${i + 1})`}>
                <Textarea
                  value={t.monitoring}
                  onChange={(_e, d) => {
                    update({ monitoring: d.value });
                  }}
                />
              </Field>
            ) : null}
            {rules.oneTargetPerObservation ? (
              <Checkbox
                label={`Target ${i + 1} is the focus of observations (one target at a time)`}
                checked={t.observationFocus}
                onChange={(_e, d) => {
                  // Only one target is the focus at a time: choosing this one clears the others.
                  set({
                    targets: draft.targets.map((x) =>
                      x.key === t.key
                        ? { ...x, observationFocus: d.checked === true }
                        : d.checked === true
                          ? { ...x, observationFocus: false }
                          : x,
                    ),
                  });
                }}
              />
            ) : null}
            <div>
              <Button
                onClick={() => {
                  set({ targets: draft.targets.filter((x) => x.key !== t.key) });
                }}
              >
                Remove target {i + 1}
              </Button>
            </div>
          </fieldset>
        );
      })}
      <div>
        <Button
          disabled={atMax}
          onClick={() => {
            set({ targets: [...draft.targets, emptyTarget()] });
          }}
        >
          Add a target
        </Button>
        {atMax ? (
          <Text>
            {' '}
            {rules.title} allows at most {max} {max === 1 ? 'target' : 'targets'}.
          </Text>
        ) : null}
      </div>
      {rules.fields.includes('training_needs') ? (
        <Field label="Training needs">
          <Textarea
            value={draft.trainingNeeds}
            resize="vertical"
            onChange={(_e, d) => {
              set({ trainingNeeds: d.value });
            }}
          />
        </Field>
      ) : null}
      {rules.fields.includes('support_measures') ? (
        <SupportMeasures draft={draft} set={set} options={rules.supportMeasureOptions} />
      ) : null}
      <fieldset className={styles.group}>
        <legend>Review date</legend>
        <Text data-testid="review-window">{window.explanation}</Text>
        {window.skipped.length > 0 ? <Text>Not counted as working days: {window.skipped.join('; ')}.</Text> : null}
        <Field
          label="Review date (optional now; needed before signing)"
          validationState={dateProblem !== undefined ? 'error' : dateWarning !== undefined ? 'warning' : 'none'}
          validationMessage={dateProblem ?? dateWarning}
          hint={
            window.latest === undefined
              ? `After ${formatDate(props.today)}`
              : `Between ${formatDate(window.earliest)} and ${formatDate(window.latest)}`
          }
        >
          <Input
            type="date"
            value={draft.reviewDate}
            min={window.earliest}
            max={window.latest}
            onChange={(_e, d) => {
              set({ reviewDate: d.value });
            }}
          />
        </Field>
      </fieldset>
    </>
  );
}

/** Support measures: the procedure's own options as tick boxes, and any others typed one per line. */
function SupportMeasures(props: {
  readonly draft: PlanDraft;
  readonly set: (change: Partial<PlanDraft>) => void;
  readonly options: readonly string[];
}) {
  const styles = usePlanEditorStyles();
  const { draft, set, options } = props;
  const others = draft.supportMeasures.filter((m) => !options.includes(m));
  return (
    <fieldset className={styles.group}>
      <legend>Support measures</legend>
      {options.map((o) => (
        <Checkbox
          key={o}
          label={o}
          checked={draft.supportMeasures.includes(o)}
          onChange={(_e, d) => {
            set({
              supportMeasures:
                d.checked === true ? [...draft.supportMeasures, o] : draft.supportMeasures.filter((m) => m !== o),
            });
          }}
        />
      ))}
      <Field label={options.length === 0 ? 'Support measures (one per line)' : 'Other support measures (one per line)'}>
        <Textarea
          value={others.join('\n')}
          resize="vertical"
          onChange={(_e, d) => {
            set({
              supportMeasures: [...draft.supportMeasures.filter((m) => options.includes(m)), ...d.value.split('\n')],
            });
          }}
        />
      </Field>
    </fieldset>
  );
}
