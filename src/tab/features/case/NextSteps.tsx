import { Button, Text } from '@fluentui/react-components';
import type { CaseView, NextStep } from '../../api/types';
import { casePath, useLinkHandler } from '../../app/router';
import { isMine, stepFrom, stepWhen } from '../../shared/next-step';
import { useNextStepsStyles } from './NextSteps.styles';

/**
 * The top of a case page: what the case is waiting for, from whom and by when, with the button
 * that opens the form for whoever is looking and can do it (`forms`: the forms on this page for
 * them). The steps come from the server (`derived.nextSteps`), as on everyone's home.
 */
export function NextSteps(props: {
  readonly view: CaseView;
  readonly myUpn: string;
  readonly forms: ReadonlySet<string>;
}) {
  const styles = useNextStepsStyles();
  const steps = props.view.derived.nextSteps;
  if (props.view.status === 'closed') return null;
  return (
    <section className={styles.block} aria-labelledby="next-step-heading" data-testid="next-step">
      <Text block as="h2" id="next-step-heading" size={500} weight="semibold">
        Next step
      </Text>
      {steps.length === 0 ? (
        <Text>Nothing is awaited on this case just now.</Text>
      ) : (
        <ul className={styles.list}>
          {steps.map((step, index) => (
            <StepLine
              key={`${step.kind}-${String(index)}`}
              view={props.view}
              step={step}
              myUpn={props.myUpn}
              forms={props.forms}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function StepLine(props: {
  readonly view: CaseView;
  readonly step: NextStep;
  readonly myUpn: string;
  readonly forms: ReadonlySet<string>;
}) {
  const styles = useNextStepsStyles();
  const { step } = props;
  const href = casePath(props.view.id, step.form);
  const open = useLinkHandler(href);
  const when = stepWhen(step);
  const mine = isMine(step, props.myUpn);
  return (
    <li className={styles.step}>
      <span className={styles.words}>
        <Text weight="semibold">{step.title}</Text>
        <Text size={200}>
          Awaited from {stepFrom(step, props.myUpn)}
          {when === undefined ? '' : ' · '}
          {when === undefined ? null : <span className={step.overdue ? styles.late : undefined}>{when}</span>}
        </Text>
        {step.detail === undefined ? null : <Text size={200}>{step.detail}</Text>}
      </span>
      {props.forms.has(step.form) && step.kind !== 'meeting' ? (
        <Button as="a" href={href} onClick={open} appearance={mine ? 'primary' : 'secondary'} className={styles.button}>
          {step.title}
        </Button>
      ) : null}
    </li>
  );
}
