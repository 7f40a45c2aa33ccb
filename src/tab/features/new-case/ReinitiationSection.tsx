import {
  Checkbox,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Text,
  Textarea,
} from '@fluentui/react-components';
import type { ProcedureDefinition } from '../../api/trellis-api';
import {
  describeEarlierCase,
  MAX_EVIDENCE_CHARS,
  reinitiationRule,
  thirdInitiationSentence,
  type ReinitiationDraft,
  type ReinitiationStanding,
} from './reinitiation-model';
import { useWizardStyles } from './NewCaseWizard.styles';

/**
 * "Second initiation" on the people step, for procedures that may be started again only on given
 * grounds: the rule in a sentence, the trainee's earlier case when the caller can see it (or a box
 * to say there is one they cannot see), the grounds in the procedure's words and the evidence a
 * ground needs; a third initiation is explained instead.
 */
export function ReinitiationSection(props: {
  readonly procedure: ProcedureDefinition;
  readonly standing: ReinitiationStanding;
  readonly draft: ReinitiationDraft;
  readonly traineeName: string;
  readonly onChange: (change: Partial<ReinitiationDraft>) => void;
}) {
  const styles = useWizardStyles();
  const { procedure, standing, draft, onChange } = props;
  const grounds = procedure.reinitiation?.grounds ?? [];
  if (standing.kind === 'not_applicable' || grounds.length === 0) return null;
  const who = props.traineeName.trim() === '' ? 'This trainee' : props.traineeName.trim();
  const ground = grounds.find((g) => g.id === draft.groundId);
  // A ground that needs evidence asks for it; one considered case by case invites the circumstances.
  const evidenceField =
    ground?.evidence !== undefined
      ? {
          label: `Evidence: ${ground.evidence}`,
          required: true,
          hint: 'Say what it is, who issued it and when. Keep the document itself where your provider keeps such records.',
        }
      : ground?.caseByCase === true
        ? {
            label: 'The circumstances (optional)',
            required: false,
            hint: 'The course team considers this ground case by case: say what the circumstances are.',
          }
        : undefined;

  if (standing.kind === 'third') {
    return (
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>This would be a third initiation</MessageBarTitle>
          {thirdInitiationSentence(procedure, props.traineeName, standing.earlier)}
        </MessageBarBody>
      </MessageBar>
    );
  }

  return (
    <fieldset className={styles.group}>
      <legend>Second initiation</legend>
      <Text>{reinitiationRule(procedure)}</Text>
      {standing.kind === 'second' && standing.earlier !== undefined ? (
        <Text data-testid="earlier-case">
          {who} has been through {procedure.name} before ({describeEarlierCase(standing.earlier)}), so this case is a
          second initiation: choose the ground it is started on.
        </Text>
      ) : (
        <Checkbox
          label={`This is ${who === 'This trainee' ? 'the trainee' : who}’s second time in ${procedure.name} (the earlier case is not shown to me)`}
          checked={draft.declared}
          onChange={(_e, d) => {
            onChange({ declared: d.checked === true });
          }}
        />
      )}
      {standing.kind === 'second' ? (
        <>
          <Field label="Ground for starting it a second time" required>
            <RadioGroup
              value={draft.groundId}
              onChange={(_e, d) => {
                onChange({ groundId: d.value });
              }}
            >
              {grounds.map((g) => (
                <Radio
                  key={g.id}
                  value={g.id}
                  label={g.evidence === undefined ? g.label : `${g.label} (needs: ${g.evidence.toLowerCase()})`}
                />
              ))}
            </RadioGroup>
          </Field>
          {evidenceField === undefined ? null : (
            <Field label={evidenceField.label} required={evidenceField.required} hint={evidenceField.hint}>
              <Textarea
                value={draft.evidence}
                maxLength={MAX_EVIDENCE_CHARS}
                resize="vertical"
                onChange={(_e, d) => {
                  onChange({ evidence: d.value });
                }}
              />
            </Field>
          )}
        </>
      ) : null}
    </fieldset>
  );
}
