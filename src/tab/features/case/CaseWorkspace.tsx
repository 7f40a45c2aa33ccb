import { Badge, Button, Link, MessageBar, MessageBarBody, MessageBarTitle, Text } from '@fluentui/react-components';
import type { LocalDate } from '../../../domain/calendar/index';
import { useLinkHandler } from '../../app/router';
import { useSession } from '../../app/session-context';
import { EmptyState, ErrorNotice, Loading } from '../../shared/Feedback';
import { formatDate, STATUS_LABELS } from '../../shared/format';
import { CaseActions, PerceptionsForm } from '../actions/CaseActions';
import { perceptionsOpen, stageOf, stageSchedule, standingOf } from '../actions/actions-model';
import { useProcedure } from '../actions/use-procedure';
import { WeekPlan } from '../actions/WeekPlan';
import { ReviewForm } from '../review/ReviewForm';
import { DownloadPdf } from './DownloadPdf';
import { canEditPlan, EditPlan } from './EditPlan';
import { SignForm } from '../sign/SignForm';
import { canRecordReview, personName, signableRoles, stageStartScheduled, suspensionLine } from './case-model';
import { EventTrail, ReviewsTimeline, Signatures } from './CaseHistory';
import { useCaseStyles } from './CaseWorkspace.styles';
import { PlanSection } from './PlanSection';
import { useCaseWorkspace } from './use-case-workspace';
import { secondInitiationFact } from '../new-case/reinitiation-model';

function Section(props: { readonly id: string; readonly title: string; readonly children: React.ReactNode }) {
  const styles = useCaseStyles();
  return (
    <section className={styles.section} aria-labelledby={props.id}>
      <Text block as="h2" id={props.id} size={500} weight="semibold">
        {props.title}
      </Text>
      {props.children}
    </section>
  );
}

export default function CaseWorkspace(props: { readonly caseId: string }) {
  const session = useSession();
  const styles = useCaseStyles();
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
  const trainee = view.people.find((p) => p.role === 'trainee');
  const myRoles = signableRoles(view, session.user.upn);
  const reviewable = canRecordReview(view, session.user.upn);
  const next = view.derived.nextReviewDate;
  const standing = standingOf(view, session.me, session.user.upn);
  const stage = procedure === undefined ? undefined : stageOf(view, procedure);
  // The week-by-week plan (RCTTP's Deferred Final Assessment) dated from the stage's start, as the server counts it.
  const schedule =
    stage === undefined || view.stage.startsOn === undefined || view.status === 'closed'
      ? undefined
      : stageSchedule(stage, view.stage.startsOn as LocalDate);
  // The trainee writes their own; someone named on the case may type them in at the meeting, until the trainee has.
  const perceptionsBy =
    procedure === undefined || !perceptionsOpen(view, procedure)
      ? undefined
      : standing.trainee
        ? 'trainee'
        : standing.roles.length > 0 && view.plan?.perceptions === undefined
          ? 'staff'
          : undefined;

  return (
    <div className={styles.page} data-case-version={view.version}>
      <Link href="/" onClick={toDashboard}>
        ← All cases
      </Link>
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
            ...secondInitiationFact(data.events, procedure),
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
              {suspensionLine(view)}{' '}
              {view.placementSuspended.reason === undefined ? null : <>Reason: {view.placementSuspended.reason}</>}
            </MessageBarBody>
          </MessageBar>
        ) : null}
        {view.stage.description ? <Text>{view.stage.description}</Text> : null}
        <div>
          <DownloadPdf view={view} />
        </div>
      </header>

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
          <Section id="reviews-heading" title="Reviews">
            <ReviewsTimeline view={view} />
          </Section>
        </div>
        <div className={styles.stack}>
          <Section id="signatures-heading" title="Signatures">
            <Signatures view={view} />
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
          </Section>
          <Section id="trail-heading" title="Event trail">
            <EventTrail view={view} events={data.events} />
          </Section>
        </div>
      </div>
    </div>
  );
}
