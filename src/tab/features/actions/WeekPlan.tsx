import { Text } from '@fluentui/react-components';
import { formatLongDate } from '../../../domain/calendar/index';
import { formatDate } from '../../shared/format';
import { scheduleSummary, weeksLabel, type StageSchedule } from './actions-model';
import { useActionStyles } from './CaseActions.styles';

/** A stage's week-by-week plan as dates: shown while scheduling it, and on the case once it is scheduled. */
export function WeekPlan(props: {
  readonly schedule: StageSchedule;
  readonly label: string;
  /** Milestones recorded as done on the case, by id. */
  readonly done?: ReadonlyMap<string, { readonly on: string; readonly byName: string }>;
}) {
  const styles = useActionStyles();
  const { schedule } = props;
  return (
    <div className={styles.weekPlan} role="group" aria-label={props.label}>
      <Text block>{scheduleSummary(schedule)}</Text>
      <ul className={styles.weeks}>
        {schedule.blocks.map((block) => (
          <li key={`${block.fromWeek}-${block.toWeek}`}>
            <Text weight="semibold">{weeksLabel(block)}</Text>
            <ul className={styles.milestones}>
              {block.milestones.map((m) => (
                <li key={m.id}>
                  {m.label}
                  {m.deadline ? <span className={styles.effect}> Deadline: {formatLongDate(block.to)}.</span> : null}
                  {props.done?.has(m.id) === true ? (
                    <span className={styles.effect}>
                      {' '}
                      Done on {formatDate(props.done.get(m.id)?.on)}, recorded by {props.done.get(m.id)?.byName}.
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
