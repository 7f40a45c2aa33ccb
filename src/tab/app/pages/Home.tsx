import { Dashboard } from '../../features/dashboard/Dashboard';
import { TodoList } from '../../features/todo/TodoList';
import { useHomeStyles } from './Home.styles';

/**
 * Everyone's front door (`/`, the personal tab's first page): what they need to do, each with a
 * button to the form, then their cases — for the course team, the cohort dashboard.
 */
export function Home() {
  const styles = useHomeStyles();
  return (
    <div className={styles.page}>
      <TodoList headingId="todo-heading" />
      <Dashboard />
    </div>
  );
}
