import { Button, Checkbox, Field, Input, Radio, RadioGroup, Text } from '@fluentui/react-components';
import { useCallback, useState } from 'react';
import { useSession } from '../../app/session-context';
import { signPlan } from '../../api/trellis-api';
import type { CaseView } from '../../api/types';
import { ConflictNotice } from '../../shared/commands/ConflictNotice';
import type { RunCommand } from '../../shared/commands/run-command';
import { useCommandForm } from '../../shared/commands/use-command-form';
import { ErrorNotice } from '../../shared/Feedback';
import { signatureProblem, signStatement } from './sign-model';
import { useSignStyles } from './SignForm.styles';

export function SignForm(props: {
  readonly view: CaseView;
  readonly roles: readonly { readonly id: string; readonly label: string }[];
  readonly run: RunCommand;
}) {
  const styles = useSignStyles();
  const session = useSession();
  const [role, setRole] = useState(props.roles[0]?.id ?? '');
  const [typedName, setTypedName] = useState('');
  const [agreed, setAgreed] = useState(false);
  const [touched, setTouched] = useState(false);
  const roleLabel = props.roles.find((r) => r.id === role)?.label ?? role;
  const expected =
    props.view.people.find((p) => p.id.toLowerCase() === session.user.upn && p.role === role)?.name ??
    session.user.name;
  const nameProblem = signatureProblem(typedName, expected);

  const send = useCallback(
    () => props.run((current) => signPlan(session.api, current, { role, typedName: typedName.trim() })),
    [props, session.api, role, typedName],
  );
  const { state, submit } = useCommandForm(send);

  const onSubmit = (event: React.SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setTouched(true);
    if (nameProblem !== undefined || !agreed) return;
    void submit();
  };

  return (
    <form className={styles.form} onSubmit={onSubmit} aria-labelledby="sign-heading" noValidate>
      <Text block as="h3" id="sign-heading" size={500} weight="semibold">
        Sign the plan
      </Text>
      {props.roles.length > 1 ? (
        <Field label="Sign as">
          <RadioGroup
            value={role}
            onChange={(_e, d) => {
              setRole(d.value);
            }}
          >
            {props.roles.map((r) => (
              <Radio key={r.id} value={r.id} label={r.label} />
            ))}
          </RadioGroup>
        </Field>
      ) : null}
      <Text className={styles.statement} id="sign-statement">
        {signStatement(props.view, roleLabel)}
      </Text>
      <Checkbox
        checked={agreed}
        onChange={(_e, d) => {
          setAgreed(d.checked === true);
        }}
        label="I agree to the statement above"
      />
      {touched && !agreed ? <Text role="alert">Tick the box to confirm you agree.</Text> : null}
      <Field
        label="Type your full name to sign"
        required
        validationState={touched && nameProblem !== undefined ? 'error' : 'none'}
        validationMessage={touched ? nameProblem : undefined}
        hint={`As Trellis has it: ${expected}`}
      >
        <Input
          value={typedName}
          autoComplete="name"
          onChange={(_e, d) => {
            setTypedName(d.value);
          }}
        />
      </Field>
      {state.error !== undefined ? <ErrorNotice message={state.error} /> : null}
      {state.conflict ? (
        <ConflictNotice changes={state.conflict} busy={state.busy} onRetry={() => void submit()} />
      ) : null}
      <div className={styles.actions}>
        <Button appearance="primary" type="submit" disabled={state.busy}>
          {state.busy ? 'Signing…' : 'Sign the plan'}
        </Button>
      </div>
    </form>
  );
}
