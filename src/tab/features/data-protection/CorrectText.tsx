import { Field, Radio, RadioGroup, Select, Text, Textarea } from '@fluentui/react-components';
import { useCallback, useMemo, useState } from 'react';
import { useSession } from '../../app/session-context';
import { runCaseCommand } from '../../api/trellis-api';
import type { CaseEvent } from '../../api/types';
import { ActionForm } from '../../shared/commands/ActionForm';
import type { CommandOutcome, RunCommand } from '../../shared/commands/run-command';
import {
  correctableTexts,
  correctionBody,
  correctionProblem,
  CORRECTION_REASONS,
  REASON_LABELS,
  type CorrectionReason,
} from './correction-model';

/**
 * The course team corrects a recorded free text (the right to rectification): pick the text (a
 * concern, a target, a review comment, a note), type the new wording, choose why and explain.
 * The correction is a step in the case's trail; the page then shows the new wording in place,
 * and signatures given to the earlier wording say so.
 */
export function CorrectText(props: { readonly events: readonly CaseEvent[]; readonly run: RunCommand }) {
  const session = useSession();
  const texts = useMemo(() => correctableTexts(props.events), [props.events]);
  const [key, setKey] = useState('');
  const [text, setText] = useState('');
  const [reason, setReason] = useState<CorrectionReason | ''>('');
  const [explanation, setExplanation] = useState('');
  const chosen = texts.find((t) => t.key === key);
  const draft = { key, text, reason, explanation };
  const problem = correctionProblem(chosen, draft);
  const { run } = props;
  const send = useCallback((): Promise<CommandOutcome> => {
    if (chosen === undefined) return Promise.resolve({ ok: false, message: 'Choose the text to correct.' });
    const body = correctionBody(chosen, { key, text, reason, explanation });
    return run((current) => runCaseCommand(session.api, current, '/corrections', body));
  }, [run, session.api, chosen, key, text, reason, explanation]);
  if (texts.length === 0) return <Text>This case has no recorded free text to correct yet.</Text>;
  return (
    <ActionForm
      label="Correct a recorded text"
      submitLabel="Correct the text"
      busyLabel="Correcting…"
      doneMessage="Corrected: the new wording now shows everywhere on the case, on its forms and in exports."
      problem={problem}
      send={send}
    >
      <Text>
        When something recorded on this case is wrong, incomplete or says more than the record needs, correct it here.
        Everyone sees the new wording; the trail shows that it was corrected, when, by whom and why.
      </Text>
      <Field label="Text to correct">
        <Select
          // Its options quote the texts: at the form's width, not theirs (a phone screen).
          style={{ maxWidth: '100%', minWidth: 0 }}
          value={key}
          onChange={(_e, d) => {
            setKey(d.value);
            setText(texts.find((t) => t.key === d.value)?.text ?? '');
          }}
        >
          <option value="">Choose a text</option>
          {texts.map((t) => (
            <option key={t.key} value={t.key}>
              {t.label}: {t.text.length > 80 ? `${t.text.slice(0, 80)}…` : t.text}
            </option>
          ))}
        </Select>
      </Field>
      {chosen !== undefined ? (
        <Text block data-testid="recorded-wording">
          Recorded wording: {chosen.text}
        </Text>
      ) : null}
      <Field label="Corrected wording">
        <Textarea
          value={text}
          rows={3}
          resize="vertical"
          onChange={(_e, d) => {
            setText(d.value);
          }}
        />
      </Field>
      <Field label="Why it is corrected">
        <RadioGroup
          value={reason}
          onChange={(_e, d) => {
            const picked = CORRECTION_REASONS.find((r) => r === d.value);
            if (picked !== undefined) setReason(picked);
          }}
        >
          {CORRECTION_REASONS.map((r) => (
            <Radio key={r} value={r} label={`${REASON_LABELS[r].title}: ${REASON_LABELS[r].effect}`} />
          ))}
        </RadioGroup>
      </Field>
      <Field label="Explanation" hint="What was wrong, or the request this answers. Only the course team sees it.">
        <Textarea
          value={explanation}
          rows={2}
          resize="vertical"
          onChange={(_e, d) => {
            setExplanation(d.value);
          }}
        />
      </Field>
    </ActionForm>
  );
}
