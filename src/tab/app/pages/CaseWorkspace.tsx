import { Button, Link, Text } from '@fluentui/react-components';
import { caseStageSchedule, perceptionsAuthor } from '../../features/actions/actions-model';
import { CaseActions, PerceptionsForm } from '../../features/actions/CaseActions';
import { WeekPlan } from '../../features/actions/WeekPlan';
import { stageStartScheduled } from '../../features/case/case-model';
import { CaseHeader } from '../../features/case/CaseHeader';
import { EventTrail, Meetings, ReviewsTimeline, Signatures } from '../../features/case/CaseHistory';
import { PlanSection } from '../../features/case/PlanSection';
import { AccessLog } from '../../features/data-protection/AccessLog';
import { ExportData } from '../../features/data-protection/ExportData';
import { canEditPlan, EditPlan } from '../../features/edit-plan/EditPlan';
import { ReviewForm } from '../../features/review/ReviewForm';
import { canRecordReview } from '../../features/review/review-model';
import { SignForm } from '../../features/sign/SignForm';
import { signableRoles } from '../../features/sign/sign-model';
import { personName, standingOf } from '../../shared/case-people';
import { EmptyState, ErrorNotice, Loading } from '../../shared/Feedback';
import { formatDate } from '../../shared/format';
import { useProcedure } from '../../shared/procedure/use-procedure';
import { useLinkHandler } from '../router';
import { useSession } from '../session-context';
import { useCaseWorkspaceStyles } from './CaseWorkspace.styles';
import { useCaseWorkspace } from './use-case-workspace';

function Section(props: { readonly id: string; readonly title: string; readonly children: React.ReactNode }) {
  const styles = useCaseWorkspaceStyles();
  return (
    <section className={styles.section} aria-labelledby={props.id}>
      <Text block as="h2" id={props.id} size={500} weight="semibold">
        {props.title}
      </Text>
      {props.children}
    </section>
  );
}

/**
 * A case, and everything the signed-in person can do on it: the page composes the case as read
 * (header, plan, reviews, signatures, trail) with the forms that change it (edit the plan, the
 * trainee's perceptions, record a review, sign, the case actions). It owns the version on screen:
 * every form runs its command through `run`, against that version, and the page shows what results.
 */
export default function CaseWorkspace(props: { readonly caseId: string }) {
  const session = useSession();
  const styles = useCaseWorkspaceStyles();
  const toDashboard = useLinkHandler('/');
  const { data, run } = useCaseWorkspace(session.api, props.caseId);
  const procedure = useProcedure(session.api, data.state === 'ready' ? data.current.data.procedure.id : undefined);

  if (data.state === 'loading') return <Loading label="Loading the case…" />;
  if (data.state === 'failed') {
    return data.status === 404 ? (
      <EmptyState title="Case not found">
        <Text>{data.message}</Text>
        <Link href="/" onClick={toDashboard}>
          Back to your cases
        </Link>
      </EmptyState>
    ) : (
      <ErrorNotice
        title="The case could not be loaded"
        message={data.message}
        action={
          <Button
            size="small"
            onClick={() => {
              window.location.reload();
            }}
          >
            Reload
          </Button>
        }
      />
    );
  }

  const view = data.current.data;
  const myRoles = signableRoles(view, session.user.upn);
  const reviewable = canRecordReview(view, session.user.upn);
  const standing = standingOf(view, session.me, session.user.upn);
  const schedule = procedure === undefined ? undefined : caseStageSchedule(view, procedure);
  // The trainee the case is about: the trainee view is theirs, the full view is the course team's.
  const traineeUpn = view.view === 'trainee' ? session.user.upn : view.people.find((p) => p.role === 'trainee')?.id;
  const perceptionsBy = procedure === undefined ? undefined : perceptionsAuthor(view, procedure, standing);

  return (
    <div className={styles.page} data-case-version={view.version}>
      <Link href="/" onClick={toDashboard}>
        ← All cases
      </Link>
      <CaseHeader view={view} events={data.events} procedure={procedure} />

      <div className={styles.columns}>
        <div className={styles.stack}>
          <Section id="plan-heading" title="The plan">
            {view.plan ? (
              <PlanSection view={view} plan={view.plan} labels={data.labels} />
            ) : (
              <Text>No plan has been started for this stage yet.</Text>
            )}
            {procedure !== undefined && canEditPlan(view, standing) ? (
              <EditPlan key={`edit-plan-${view.plan?.version ?? 0}`} view={view} procedure={procedure} run={run} />
            ) : null}
          </Section>
          {schedule ? (
            <Section id="weeks-heading" title="Week by week">
              <Text>
                {stageStartScheduled(view, data.events)
                  ? `The course team scheduled ${view.stage.title} to start on ${formatDate(schedule.startsOn)}.`
                  : `Counted from ${formatDate(schedule.startsOn)}, the day the case entered ${view.stage.title}, until the course team schedules the start.`}
              </Text>
              <WeekPlan schedule={schedule} label={`${view.stage.title}, week by week`} />
            </Section>
          ) : null}
          <Section id="perceptions-heading" title="The trainee’s perceptions">
            {view.plan?.perceptions ? (
              <>
                <Text block as="p">
                  {view.plan.perceptions.text}
                </Text>
                <Text size={200}>
                  Recorded by {personName(view, view.plan.perceptions.recordedBy)} on{' '}
                  {formatDate(view.plan.perceptions.recordedOn)}
                </Text>
              </>
            ) : (
              <Text>The trainee has not recorded their perceptions of the concerns yet.</Text>
            )}
            {perceptionsBy !== undefined ? (
              <PerceptionsForm
                key={`perceptions-${view.plan?.version ?? 0}`}
                view={view}
                run={run}
                onBehalf={perceptionsBy === 'staff'}
              />
            ) : null}
          </Section>
          {reviewable ? <ReviewForm key={`review-${view.plan?.version ?? 0}`} view={view} run={run} /> : null}
          <Section id="meetings-heading" title="Meetings">
            <Meetings view={view} />
          </Section>
          <Section id="reviews-heading" title="Reviews">
            <ReviewsTimeline view={view} />
          </Section>
        </div>
        <div className={styles.stack}>
          <Section id="signatures-heading" title="Signatures">
            <Signatures view={view} />
            {view.derived.signing?.ready === false ? (
              <div role="status" data-testid="not-ready-to-sign">
                <Text weight="semibold">Not ready to sign yet: {view.derived.signing.missing}</Text>{' '}
                <Text>Who can add it: {view.derived.signing.whoCanAdd}</Text>
              </div>
            ) : null}
            {view.plan?.agreedOn ? (
              <Text>Agreed by everyone who signs it on {formatDate(view.plan.agreedOn)}.</Text>
            ) : null}
          </Section>
          {myRoles.length > 0 ? <SignForm view={view} roles={myRoles} run={run} /> : null}
          {standing.staff && view.status !== 'closed' ? (
            <Section id="actions-heading" title="Actions">
              {/* Laid out once the procedure (caps, panels) and the caller's roles are known, so nothing moves under the pointer. */}
              {procedure !== undefined && session.meSettled === true ? (
                <CaseActions view={view} procedure={procedure} run={run} />
              ) : (
                <Loading label="Loading what you can do…" />
              )}
            </Section>
          ) : null}
          <Section id="people-heading" title="People">
            <ul>
              {view.people.map((p) => (
                <li key={`${p.role}-${p.id}`}>
                  <Text weight="semibold">{p.roleLabel}:</Text> {p.name}
                </li>
              ))}
            </ul>
            {view.formerPeople.length > 0 ? (
              <ul aria-label="Formerly on the case">
                {view.formerPeople.map((p) => (
                  <li key={`${p.role}-${p.id}-${p.until}`}>
                    <Text>
                      {p.roleLabel} until {formatDate(p.until)}: {p.name}
                    </Text>
                  </li>
                ))}
              </ul>
            ) : null}
          </Section>
          <Section id="trail-heading" title="Event trail">
            <EventTrail view={view} events={data.events} />
          </Section>
          {view.view === 'full' ? (
            <Section id="access-log-heading" title="Who has looked">
              <AccessLog view={view} />
            </Section>
          ) : null}
          {traineeUpn !== undefined && (view.view === 'full' || standing.trainee) ? (
            <Section id="export-heading" title={view.view === 'full' ? 'The trainee’s data' : 'Your data'}>
              {view.view === 'full' ? (
                <ExportData
                  traineeUpn={traineeUpn}
                  label="Export trainee’s data"
                  note="A zip of every case about this trainee on the programmes you cover, each form as a PDF, the messages Trellis sent and who has looked: what to send for a subject access request."
                />
              ) : (
                <ExportData
                  traineeUpn={traineeUpn}
                  label="Download my data"
                  note="A zip of everything Trellis holds about you: each of your cases, its forms, the messages Trellis sent and who has looked at your record."
                />
              )}
            </Section>
          ) : null}
        </div>
      </div>
    </div>
  );
}
