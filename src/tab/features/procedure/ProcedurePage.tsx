import { Text } from '@fluentui/react-components';
import type { ProcedureDefinition } from '../../api/trellis-api';
import { procedurePage, type OutcomeLine } from './procedure-model';
import { useProcedurePageStyles } from './ProcedurePage.styles';

function Outcomes(props: { readonly label: string; readonly outcomes: readonly OutcomeLine[] }) {
  const styles = useProcedurePageStyles();
  return (
    <ul className={styles.list} aria-label={props.label}>
      {props.outcomes.map((o) => (
        <li key={o.id}>
          <Text weight="semibold">{o.label}</Text> — <Text>{o.leadsTo}.</Text>{' '}
          <Text size={200}>
            {o.explanation}
            {o.decidedBy === undefined ? '' : ` ${o.decidedBy}.`}
          </Text>
        </li>
      ))}
    </ul>
  );
}

/**
 * The procedure as a provider prints it, read-only: the roles, each stage with who does what,
 * its review window and target limits, the outcomes and where they lead, who is told, and the
 * panels. `currentStageId` marks where the case is.
 */
export function ProcedurePage(props: { readonly procedure: ProcedureDefinition; readonly currentStageId?: string }) {
  const styles = useProcedurePageStyles();
  const page = procedurePage(props.procedure);
  return (
    <article className={styles.page} aria-labelledby="procedure-title">
      <header>
        <Text block as="h1" size={700} weight="semibold" id="procedure-title">
          {page.title}
        </Text>
        <Text block>
          {page.provider}, version {page.version}
        </Text>
        <Text block as="p">
          {page.purpose}
        </Text>
        {page.copiedTo === undefined ? null : <Text block>{page.copiedTo}</Text>}
      </header>
      <section aria-labelledby="procedure-roles">
        <Text block as="h2" size={500} weight="semibold" id="procedure-roles">
          Who is involved
        </Text>
        <ul className={styles.list}>
          {page.roles.map((r) => (
            <li key={r.label}>
              <Text weight="semibold">{r.label}</Text>{' '}
              <Text>
                ({r.side}; {r.note})
              </Text>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="procedure-stages">
        <Text block as="h2" size={500} weight="semibold" id="procedure-stages">
          Stages
        </Text>
        <ol className={styles.list}>
          {page.stages.map((stage) => (
            <li
              key={stage.id}
              className={`${styles.stage} ${stage.id === props.currentStageId ? styles.current : ''}`}
              aria-current={stage.id === props.currentStageId ? 'step' : undefined}
              data-stage={stage.id}
            >
              <Text as="h3" size={400} weight="semibold">
                {stage.title}
              </Text>
              <Text size={200}>
                {stage.formality}
                {stage.opensHere ? '; a case can open here' : ''}
                {stage.id === props.currentStageId ? '; this case is here now' : ''}
              </Text>
              {stage.description === undefined ? null : <Text>{stage.description}</Text>}
              {stage.whoDoesWhat.length > 0 ? (
                <ul className={styles.list} aria-label={`Who does what at ${stage.title}`}>
                  {stage.whoDoesWhat.map((line) => (
                    <li key={line}>
                      <Text>{line}</Text>
                    </li>
                  ))}
                </ul>
              ) : null}
              {stage.targets === undefined ? null : <Text>Targets: {stage.targets}</Text>}
              {stage.reviewWindow === undefined ? null : <Text data-testid="review-window">{stage.reviewWindow}</Text>}
              {stage.outcomes.length > 0 ? (
                <Outcomes label={`Outcomes of ${stage.title}`} outcomes={stage.outcomes} />
              ) : null}
              {stage.whoIsTold.length > 0 ? (
                <>
                  <Text weight="semibold">Who is told</Text>
                  <ul className={styles.list} aria-label={`Who is told at ${stage.title}`}>
                    {stage.whoIsTold.map((line) => (
                      <li key={line}>
                        <Text>{line}</Text>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
      {page.panels.length > 0 ? (
        <section aria-labelledby="procedure-panels">
          <Text block as="h2" size={500} weight="semibold" id="procedure-panels">
            Panels
          </Text>
          {page.panels.map((panel) => (
            <div key={panel.title} className={styles.stage}>
              <Text as="h3" size={400} weight="semibold">
                {panel.title}
              </Text>
              <Text>
                {panel.convenedBy}
                {panel.size === undefined ? '' : `; ${panel.size}`}.
              </Text>
              <Outcomes label={`Decisions of ${panel.title}`} outcomes={panel.decisions} />
            </div>
          ))}
        </section>
      ) : null}
    </article>
  );
}
