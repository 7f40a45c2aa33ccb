import { Text } from '@fluentui/react-components';
import { formatLongDate } from '../../../domain/calendar/index';
import { scheduleSummary, weeksLabel, type StageSchedule } from './actions-model';
import { useActionStyles } from './CaseActions.styles';

/** A stage's week-by-week plan as dates: shown while scheduling it, and on the case once it is scheduled. */
export function WeekPlan(props: { readonly schedule: StageSchedule; readonly label: string }) {
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
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
