import { Badge, Text } from '@fluentui/react-components';
import type { CaseEvent, CaseView } from '../../api/types';
import { personName } from '../../shared/case-people';
import { formatDate, formatInstant, RATING_LABELS } from '../../shared/format';
import { eventSentence, meetingLines, reviewMeetingLine, signatureLines } from './case-model';
import { useHistoryStyles } from './CaseHistory.styles';

export function Signatures(props: { readonly view: CaseView }) {
  const styles = useHistoryStyles();
  const lines = signatureLines(props.view);
  if (lines.length === 0) return <Text>There is no plan to sign yet.</Text>;
  return (
    <ul className={styles.list} aria-label="Signatures">
      {lines.map((line) => (
        <li key={line.key} className={styles.signature}>
          {line.signature ? (
            <Badge appearance="filled" color="success">
              Signed
            </Badge>
          ) : (
            <Badge appearance="outline" color="warning">
              To sign
            </Badge>
          )}
          <Text weight="semibold">{line.roleLabel}</Text>
          <Text>
            {line.who}
            {line.signature ? `, signed on ${formatDate(line.signature.signedOn)}` : ''}
            {line.signature?.wordingCorrectedOn === undefined
              ? ''
              : `, before the correction of ${formatDate(line.signature.wordingCorrectedOn)}`}
          </Text>
        </li>
      ))}
    </ul>
  );
}

/** Plan and review meetings held, newest first, with who attended (and notes, for staff). */
export function Meetings(props: { readonly view: CaseView }) {
  const styles = useHistoryStyles();
  const next = reviewMeetingLine(props.view);
  const lines = meetingLines(props.view);
  return (
    <>
      {next !== undefined ? <Text weight="semibold">{next}</Text> : null}
      {lines.length === 0 ? (
        <Text>No meetings recorded yet.</Text>
      ) : (
        <ol className={styles.timeline} aria-label="Meetings">
          {lines.map((line) => {
            const notes = props.view.meetings.find((m) => m.id === line.key)?.notes;
            return (
              <li key={line.key} className={styles.item}>
                <Text weight="semibold">{line.heading}</Text>
                <Text>{line.who}</Text>
                {notes !== undefined ? <Text>Notes: {notes}</Text> : null}
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}

export function ReviewsTimeline(props: { readonly view: CaseView; readonly events?: readonly CaseEvent[] }) {
  const styles = useHistoryStyles();
  const { view } = props;
  if (view.reviews.length === 0) {
    return (
      <Text>
        No reviews yet.{' '}
        {view.derived.nextReviewDate
          ? `The next review is due on ${formatDate(view.derived.nextReviewDate)}.`
          : 'A review date is set when the plan is agreed.'}
      </Text>
    );
  }
  return (
    <ol className={styles.timeline} aria-label="Reviews">
      {[...view.reviews].reverse().map((r) => (
        <li key={r.id} className={styles.item}>
          <Text className={styles.when}>
            {formatDate(r.reviewedOn)} · {view.stageHistory.find((s) => s.stageId === r.stageId)?.title ?? r.stageId} ·
            recorded by {personName(view, r.recordedBy, props.events ?? [])}
          </Text>
          <Text weight="semibold">Outcome: {r.outcomeLabel}</Text>
          {r.progress.length > 0 ? (
            <ul className={styles.progress}>
              {r.progress.map((p) => (
                <li key={p.targetId}>
                  Target {p.targetId}: {RATING_LABELS[p.rating]}
                  {p.comment ? ` — ${p.comment}` : ''}
                </li>
              ))}
            </ul>
          ) : null}
          {r.evidence ? <Text>Evidence: {r.evidence}</Text> : null}
          {r.nextSteps ? <Text>Next steps: {r.nextSteps}</Text> : null}
        </li>
      ))}
    </ol>
  );
}

export function EventTrail(props: { readonly view: CaseView; readonly events: readonly CaseEvent[] }) {
  const styles = useHistoryStyles();
  if (props.events.length === 0) return <Text>Nothing has happened on this case yet.</Text>;
  return (
    <ol className={styles.timeline} aria-label="Event trail">
      {[...props.events].reverse().map((e) => (
        <li key={e.seq} className={styles.item}>
          <Text className={styles.when}>{formatInstant(e.at)}</Text>
          <Text>{eventSentence(props.view, e)}</Text>
          {versionChanges(e).length > 0 ? (
            <ul aria-label="What changed">
              {versionChanges(e).map((change) => (
                <li key={change}>
                  <Text>{change}</Text>
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** What a move to another version of the procedure changed, as the event lists it. */
function versionChanges(event: CaseEvent): readonly string[] {
  if (event.type !== 'procedure_version_changed') return [];
  const changes = event.data.changes;
  return Array.isArray(changes) ? changes.filter((c): c is string => typeof c === 'string') : [];
}
