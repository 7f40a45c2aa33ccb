import { Badge, Link, MessageBar, MessageBarBody, MessageBarTitle, Text } from '@fluentui/react-components';
import { casePath, navigate } from '../../app/router';
import type { ProcedureDefinition } from '../../api/trellis-api';
import type { CaseEvent, CaseView } from '../../api/types';
import { formatDate, STATUS_LABELS } from '../../shared/format';
import { secondInitiationFact } from '../../shared/reinitiation';
import { suspensionLine } from './case-model';
import { useCaseHeaderStyles } from './CaseHeader.styles';
import { DownloadPdf, FormsList } from './DownloadPdf';

/**
 * The top of a case: the trainee and reference, status badges, the facts of the case, the
 * suspension banner, what the stage is for, and the form as a PDF. `procedure` is undefined until
 * it has loaded (a second initiation's ground is then named by its id, in words).
 */
export function CaseHeader(props: {
  readonly view: CaseView;
  readonly events: readonly CaseEvent[];
  readonly procedure: ProcedureDefinition | undefined;
  /** Shown straight under the title and badges: the case's next step. */
  readonly next?: React.ReactNode;
}) {
  const styles = useCaseHeaderStyles();
  const { view, events, procedure } = props;
  const trainee = view.people.find((p) => p.role === 'trainee');
  const next = view.derived.nextReviewDate;
  return (
    <header className={styles.header}>
      <Text block as="h1" size={700} weight="semibold">
        {trainee?.name ?? 'Case'} — {view.reference}
      </Text>
      <div className={styles.badges}>
        <Badge appearance="filled" color={view.status === 'closed' ? 'subtle' : 'brand'}>
          {STATUS_LABELS[view.status]}
        </Badge>
        <Badge appearance="tint">{view.stage.title}</Badge>
        {view.paused ? (
          <Badge appearance="outline" color="informative">
            Paused
          </Badge>
        ) : null}
        {view.placementSuspended ? (
          <Badge appearance="outline" color="severe">
            Placement suspended
          </Badge>
        ) : null}
        {view.derived.reviewOverdue ? (
          <Badge appearance="filled" color="danger">
            Review overdue
          </Badge>
        ) : null}
      </div>
      {props.next}
      <dl className={styles.facts}>
        {[
          ['Procedure', `${view.procedure.name} (${view.procedure.provider.name})`],
          [
            'Placement',
            [view.placement.school, view.placement.subject, view.placement.phase].filter(Boolean).join(' · '),
          ],
          ['Programme', view.placement.programme],
          ['Opened', formatDate(view.openedOn)],
          ['Next review', next ? `${formatDate(next)}${view.derived.reviewOverdue ? ' (overdue)' : ''}` : 'Not set'],
          ['Reasons', view.reasons.map((r) => r.label).join('; ')],
          ...secondInitiationFact(events, procedure),
        ].map(([term, value]) => (
          <div key={term} className={styles.fact}>
            <dt className={styles.term}>{term}</dt>
            <dd className={styles.definition}>{value}</dd>
          </div>
        ))}
      </dl>
      {view.placementSuspended ? (
        <MessageBar intent="warning" layout="multiline" data-testid="placement-suspended">
          <MessageBarBody>
            <MessageBarTitle>The placement is suspended</MessageBarTitle>
            {suspensionLine(view)} Reason: {view.placementSuspended.reason}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      <LinkedCases view={view} />
      {view.stage.description ? <Text>{view.stage.description}</Text> : null}
      <div>
        <DownloadPdf view={view} />
      </div>
      <FormsList view={view} />
    </header>
  );
}

/** A link to another case that opens it in the tab. */
function CaseLink(props: { readonly caseId: string; readonly reference: string }) {
  return (
    <Link
      href={casePath(props.caseId)}
      onClick={(e) => {
        e.preventDefault();
        navigate(casePath(props.caseId));
      }}
    >
      {props.reference}
    </Link>
  );
}

/**
 * The cases this one is linked to: the case it continues (a decision there opened this one) and
 * the cases decisions here opened, each a link to that case's page.
 */
function LinkedCases(props: { readonly view: CaseView }) {
  const { view } = props;
  const from = view.linkedFrom;
  const to = view.linkedCases ?? [];
  if (from === undefined && to.length === 0) return null;
  return (
    <section aria-label="Linked cases" data-testid="linked-cases">
      {from !== undefined ? (
        <Text block>
          Continues case <CaseLink caseId={from.caseId} reference={from.reference} />, opened by its decision: “
          {from.outcomeLabel}”
        </Text>
      ) : null}
      {to.map((l) => (
        <Text block key={l.caseId}>
          Led on to case <CaseLink caseId={l.caseId} reference={l.reference} /> ({formatDate(l.decidedOn)}): “
          {l.outcomeLabel}”{l.targets.length > 0 ? `, carrying ${l.targets.map((t) => t.text).join('; ')}` : ''}
        </Text>
      ))}
    </section>
  );
}
