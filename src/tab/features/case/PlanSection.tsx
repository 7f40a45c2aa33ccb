import {
  Badge,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Tooltip,
} from '@fluentui/react-components';
import type { CaseView, FrameworkLink, Plan } from '../../api/types';
import { formatDate, humanise } from '../../shared/format';
import { linkLabel, partyLabel, type FrameworkLabels } from './case-model';
import { usePlanStyles } from './PlanSection.styles';

function Standards(props: { readonly links: readonly FrameworkLink[]; readonly labels: FrameworkLabels }) {
  const styles = usePlanStyles();
  if (props.links.length === 0) return null;
  return (
    <span className={styles.standards} aria-label="Linked standards">
      {props.links.map((l) => {
        const label = linkLabel(props.labels, l);
        const badge = (
          <Badge appearance="outline" color="informative" key={`${l.frameworkId}-${l.code}`}>
            {l.code}
            {label ? ` — ${label.length > 60 ? `${label.slice(0, 57)}…` : label}` : ''}
          </Badge>
        );
        return label.length > 60 ? (
          <Tooltip key={`${l.frameworkId}-${l.code}`} content={label} relationship="description">
            {badge}
          </Tooltip>
        ) : (
          badge
        );
      })}
    </span>
  );
}

/** The plan laid out as the provider's form has it: concerns, targets with actions per party, review date. */
export function PlanSection(props: { readonly view: CaseView; readonly plan: Plan; readonly labels: FrameworkLabels }) {
  const styles = usePlanStyles();
  const { view, plan, labels } = props;
  const c = plan.content;
  return (
    <>
      <dl className={styles.grid}>
        <dt className={styles.label}>Plan</dt>
        <dd className={styles.dd}>
          Version {plan.version}, drawn up at{' '}
          {view.stageHistory.find((s) => s.stageId === plan.stageId)?.title ?? plan.stageId}
          {plan.agreedOn ? `, agreed ${formatDate(plan.agreedOn)}` : ', not yet agreed'}
        </dd>
        <dt className={styles.label}>Review date</dt>
        <dd className={styles.dd}>
          {formatDate(c.reviewDate)}
          {(view.derived.reviewDateWarnings ?? []).map((w) => (
            <span key={w} role="note">
              {' '}
              Please check: {w}
            </span>
          ))}
        </dd>
        {c.meeting.heldOn ? (
          <>
            <dt className={styles.label}>Meeting</dt>
            <dd className={styles.dd}>
              {formatDate(c.meeting.heldOn)}
              {c.meeting.mode ? (c.meeting.mode === 'online' ? ', online' : ', in person') : ''}
            </dd>
          </>
        ) : null}
      </dl>
      {c.concernStatement ? (
        <div>
          <Text block as="h3" size={400} weight="semibold">
            Concern
          </Text>
          <Text block as="p">
            {c.concernStatement}
          </Text>
        </div>
      ) : null}
      {c.concerns.length > 0 ? (
        <div>
          <Text block as="h3" size={400} weight="semibold">
            Areas of concern
          </Text>
          <ul className={styles.list}>
            {c.concerns.map((concern, i) => (
              <li key={i}>
                <Text>{concern.text}</Text> <Standards links={concern.links} labels={labels} />
                {concern.grade !== undefined ? (
                  <Text weight="semibold"> Graded: {humanise(concern.grade)}.</Text>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <Text block as="h3" size={400} weight="semibold">
        Targets ({c.targets.length})
      </Text>
      {c.targets.length === 0 ? <Text>No targets have been written yet.</Text> : null}
      {c.targets.map((t) => (
        <article key={t.id} className={styles.target} aria-labelledby={`target-${t.id}`}>
          <div className={styles.targetHead}>
            <Text block as="h4" id={`target-${t.id}`} weight="semibold">
              Target {t.id}: {t.text}
            </Text>
            {t.observationFocus ? (
              <Badge appearance="tint" color="brand">
                Observation focus
              </Badge>
            ) : null}
          </div>
          <Standards links={t.links} labels={labels} />
          {t.actions.length > 0 ? (
            <Table size="extra-small" aria-label={`Actions for target ${t.id}`}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Who</TableHeaderCell>
                  <TableHeaderCell>Action</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {t.actions.map((a, i) => (
                  <TableRow key={i}>
                    <TableCell>{partyLabel(view, a.party)}</TableCell>
                    <TableCell>{a.text}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : null}
          <dl className={styles.grid}>
            {t.successCriteria ? (
              <>
                <dt className={styles.label}>Success criteria</dt>
                <dd className={styles.dd}>{t.successCriteria}</dd>
              </>
            ) : null}
            {t.supportRequired ? (
              <>
                <dt className={styles.label}>Support</dt>
                <dd className={styles.dd}>{t.supportRequired}</dd>
              </>
            ) : null}
            {t.timescale ? (
              <>
                <dt className={styles.label}>Time scale</dt>
                <dd className={styles.dd}>{t.timescale}</dd>
              </>
            ) : null}
            {t.monitoring ? (
              <>
                <dt className={styles.label}>Monitoring</dt>
                <dd className={styles.dd}>{t.monitoring}</dd>
              </>
            ) : null}
          </dl>
        </article>
      ))}
      {c.trainingNeeds || c.supportMeasures.length > 0 ? (
        <dl className={styles.grid}>
          {c.trainingNeeds ? (
            <>
              <dt className={styles.label}>Training needs</dt>
              <dd className={styles.dd}>{c.trainingNeeds}</dd>
            </>
          ) : null}
          {c.supportMeasures.length > 0 ? (
            <>
              <dt className={styles.label}>Support measures</dt>
              <dd className={styles.dd}>{c.supportMeasures.join('; ')}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
    </>
  );
}
