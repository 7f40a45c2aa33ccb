import { Button, Link, Text } from '@fluentui/react-components';
import { caseStageSchedule, perceptionsAuthor } from '../../features/actions/actions-model';
import { AfterDecisions, CaseActions, PerceptionsForm } from '../../features/actions/CaseActions';
import { WeekPlan } from '../../features/actions/WeekPlan';
import { stageStartScheduled } from '../../features/case/case-model';
import { CaseHeader } from '../../features/case/CaseHeader';
import { NextSteps } from '../../features/case/NextSteps';
import { EventTrail, Meetings, ReviewsTimeline, Signatures } from '../../features/case/CaseHistory';
import { PlanSection } from '../../features/case/PlanSection';
import { AccessLog } from '../../features/data-protection/AccessLog';
import { CorrectText } from '../../features/data-protection/CorrectText';
import { tombstoneSentence } from '../../features/data-protection/correction-model';
import { EraseCase } from '../../features/data-protection/EraseCase';
import { ExportData } from '../../features/data-protection/ExportData';
import { canEditPlan, EditPlan } from '../../features/edit-plan/EditPlan';
import { ProcedureVersion } from '../../features/procedure/ProcedureVersion';
import { ReviewForm } from '../../features/review/ReviewForm';
import { canRecordReview } from '../../features/review/review-model';
import { SignForm } from '../../features/sign/SignForm';
import { signableRoles } from '../../features/sign/sign-model';
import { personName, standingOf } from '../../shared/case-people';
import { EmptyState, ErrorNotice, Loading } from '../../shared/Feedback';
import { formatDate } from '../../shared/format';
import { useCaseProcedure } from '../../shared/procedure/use-procedure';
import { useEffect, useState } from 'react';
import type { Tombstone } from '../../api/types';
import { useHash, useLinkHandler } from '../router';
import { useSession } from '../session-context';
import { useCaseWorkspaceStyles } from './CaseWorkspace.styles';
import { useCaseWorkspace } from './use-case-workspace';

/**
 * Where a form sits on the page: `#<name>` in the address (what "What you need to do" and the
 * next step link to) scrolls it into view and puts the keyboard on its first control.
 */
function FormAnchor(props: { readonly name: string; readonly children: React.ReactNode }) {
  return (
    <div id={`form-${props.name}`} tabIndex={-1} data-form-anchor={props.name}>
      {props.children}
    </div>
  );
}

const FOCUSABLE =
  'input:not([disabled]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), a[href]';

/** Brings the form named in the address into view and focus once the case is on screen. */
function useFocusForm(hash: string, ready: boolean): void {
  useEffect(() => {
    if (!ready || hash === '') return;
    const anchor = document.getElementById(`form-${hash}`);
    if (!anchor) return;
    anchor.scrollIntoView({ block: 'start' });
    const first = anchor.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? anchor).focus({ preventScroll: true });
  }, [hash, ready]);
}

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
  // The version of its procedure the case follows, which may be older than the one new cases open under.
  const procedure = useCaseProcedure(
    session.api,
    props.caseId,
    data.state === 'ready' ? data.current.data.procedure : undefined,
  );
  const hash = useHash();
  // Set once an administrator has erased the case from this page: the case is gone, its tombstone stays.
  const [erased, setErased] = useState<{ readonly reference: string; readonly tombstone: Tombstone } | undefined>();
  // The forms that depend on the procedure and on who this is lay out once both are known.
  useFocusForm(hash, data.state === 'ready' && procedure !== undefined && session.meSettled === true);

  if (erased !== undefined) {
    return (
      <EmptyState title="Case erased">
        <Text block as="p" data-testid="erased">
          {tombstoneSentence(erased.reference, erased.tombstone)}
        </Text>
        <Link href="/" onClick={toDashboard}>
          Back to your cases
        </Link>
      </EmptyState>
    );
  }
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
  const editable = procedure !== undefined && canEditPlan(view, standing);
  // A closed case offers the course team one action: reopening it (or says why it no longer can).
  const actionable =
    standing.staff && (view.status !== 'closed' || (standing.courseTeam && view.derived.reopen !== undefined));
  const admin = session.me?.roles.includes('admin') === true;
  const forms = new Set<string>([
    'meetings',
    ...(myRoles.length > 0 ? ['sign'] : []),
    ...(perceptionsBy !== undefined ? ['perceptions'] : []),
    ...(reviewable ? ['review'] : []),
    ...(editable ? ['edit-plan'] : []),
    ...(actionable ? ['actions'] : []),
  ]);

  return (
    <div className={styles.page} data-case-version={view.version}>
      <Link href="/" onClick={toDashboard}>
        ← All cases
      </Link>
      <CaseHeader
        view={view}
        events={data.events}
        procedure={procedure}
        next={<NextSteps view={view} myUpn={session.user.upn} forms={forms} />}
      />

      <div className={styles.columns}>
        <div className={styles.stack}>
          <Section id="plan-heading" title="The plan">
            {view.plan ? (
              <PlanSection view={view} plan={view.plan} labels={data.labels} />
            ) : (
              <Text>No plan has been started for this stage yet.</Text>
            )}
            {procedure !== undefined && editable ? (
              <FormAnchor name="edit-plan">
                <EditPlan key={`edit-plan-${view.plan?.version ?? 0}`} view={view} procedure={procedure} run={run} />
              </FormAnchor>
            ) : null}
          </Section>
          {schedule ? (
            <Section id="weeks-heading" title="Week by week">
              <Text>
                {stageStartScheduled(view, data.events)
                  ? `The course team scheduled ${view.stage.title} to start on ${formatDate(schedule.startsOn)}.`
                  : `Counted from ${formatDate(schedule.startsOn)}, the day the case entered ${view.stage.title}, until the course team schedules the start.`}
              </Text>
              <WeekPlan
                schedule={schedule}
                label={`${view.stage.title}, week by week`}
                done={
                  new Map(
                    view.derived.milestones.flatMap((m) => (m.done === undefined ? [] : [[m.id, m.done] as const])),
                  )
                }
              />
            </Section>
          ) : null}
          <Section id="perceptions-heading" title="The trainee’s perceptions">
            {view.plan?.perceptions ? (
              <>
                <Text block as="p">
                  {view.plan.perceptions.text}
                </Text>
                <Text size={200}>
                  Recorded by {personName(view, view.plan.perceptions.recordedBy, data.events)} on{' '}
                  {formatDate(view.plan.perceptions.recordedOn)}
                </Text>
              </>
            ) : (
              <Text>The trainee has not recorded their perceptions of the concerns yet.</Text>
            )}
            {perceptionsBy !== undefined ? (
              <FormAnchor name="perceptions">
                <PerceptionsForm
                  key={`perceptions-${view.plan?.version ?? 0}`}
                  view={view}
                  run={run}
                  onBehalf={perceptionsBy === 'staff'}
                />
              </FormAnchor>
            ) : null}
          </Section>
          {/* After the trainee's perceptions: everyone reads them before signing. */}
          {myRoles.length > 0 ? (
            <FormAnchor name="sign">
              <SignForm view={view} roles={myRoles} run={run} />
            </FormAnchor>
          ) : null}
          {reviewable ? (
            <FormAnchor name="review">
              <ReviewForm key={`review-${view.plan?.version ?? 0}`} view={view} run={run} />
            </FormAnchor>
          ) : null}
          <FormAnchor name="meetings">
            <Section id="meetings-heading" title="Meetings">
              <Meetings view={view} />
            </Section>
          </FormAnchor>
          <Section id="reviews-heading" title="Reviews">
            <ReviewsTimeline view={view} events={data.events} />
            <AfterDecisions view={view} procedure={procedure} run={run} />
          </Section>
        </div>
        <div className={styles.stack}>
          <Section id="signatures-heading" title="Signatures">
            <Signatures view={view} />
            {view.derived.signing?.ready === false ? (
              <div role="status" data-testid="not-ready-to-sign">
                <Text weight="semibold">Not ready to sign yet: {view.derived.signing.missing}</Text>{' '}
                <Text>Who can put it right: {view.derived.signing.whoCanAdd}</Text>
              </div>
            ) : null}
            {view.plan?.agreedOn ? (
              <Text>Agreed by everyone who signs it on {formatDate(view.plan.agreedOn)}.</Text>
            ) : null}
          </Section>
          {actionable ? (
            <FormAnchor name="actions">
              <Section id="actions-heading" title="Actions">
                {/* Laid out once the procedure (caps, panels) and the caller's roles are known, so nothing moves under the pointer. */}
                {procedure !== undefined && session.meSettled === true ? (
                  <CaseActions view={view} procedure={procedure} run={run} />
                ) : (
                  <Loading label="Loading what you can do…" />
                )}
              </Section>
            </FormAnchor>
          ) : null}
          <Section id="procedure-heading" title="The procedure">
            <ProcedureVersion view={view} run={run} />
          </Section>
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
          {standing.courseTeam ? (
            <FormAnchor name="correct">
              <Section id="correct-heading" title="Correct a record">
                <CorrectText events={data.events} run={run} />
              </Section>
            </FormAnchor>
          ) : null}
          {admin && view.view === 'full' ? (
            <Section id="erase-heading" title="Erase this case">
              <EraseCase
                view={view}
                onErased={(tombstone) => {
                  setErased({ reference: view.reference, tombstone });
                }}
              />
            </Section>
          ) : null}
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
