import {
  Button,
  Checkbox,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Select,
  Text,
  Textarea,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LocalDate } from '../../../domain/calendar/index';
import { casePath, navigate, useLinkHandler } from '../../app/router';
import { useSession } from '../../app/session-context';
import { ApiError, type Versioned } from '../../api/client';
import {
  getCase,
  getFramework,
  listAllCases,
  listProcedures,
  listTraineePlacements,
  openCase,
  savePlan,
  type ProcedureDefinition,
} from '../../api/trellis-api';
import type { CaseSummary, CaseView, FrameworkDetail, ProcedureSummary } from '../../api/types';
import { isRecord, useDraft } from '../../shared/drafts';
import { EmptyState, ErrorNotice, Loading } from '../../shared/Feedback';
import { newKey } from '../../shared/form-keys';
import { formatDate, londonToday } from '../../shared/format';
import { ConcernsStep } from '../../shared/plan-editor/ConcernsStep';
import { catalogueOptions, emptyConcern, emptyTarget, planBody } from '../../shared/plan-editor/plan-draft';
import { TargetsStep } from '../../shared/plan-editor/TargetsStep';
import { loadProcedure } from '../../shared/procedure/use-procedure';
import { describeReinitiation } from '../../shared/reinitiation';
import {
  emptyDraft,
  openableStages,
  openCaseBody,
  peopleFor,
  placementEndOf,
  planRulesFor,
  reinitiationStandingOf,
  STEP_TITLES,
  stepProblems,
  stepsFor,
  STEPS,
  suggestReference,
  traineeIdOf,
  traineeOf,
  traineeOpening,
  TRAINEE_CONCERN_LABEL,
  type Opener,
  type Step,
  type WizardDraft,
} from './new-case-model';
import { useWizardStyles } from './NewCaseWizard.styles';
import type { KnownPerson } from './people-search-model';
import { PersonPicker } from './PersonPicker';
import { ReinitiationSection } from './ReinitiationSection';
import { emptyReinitiation } from './reinitiation-model';

/** A stored wizard draft (localStorage) still has the wizard's shape. */
function isKeptWizard(value: unknown): value is { readonly draft: WizardDraft; readonly step: Step } {
  if (!isRecord(value) || !isRecord(value.draft)) return false;
  const d = value.draft;
  return (
    (STEPS as readonly unknown[]).includes(value.step) &&
    typeof d.procedureId === 'string' &&
    typeof d.stageId === 'string' &&
    typeof d.reference === 'string' &&
    typeof d.school === 'string' &&
    typeof d.programme === 'string' &&
    Array.isArray(d.reasons) &&
    Array.isArray(d.people) &&
    Array.isArray(d.concerns) &&
    Array.isArray(d.targets) &&
    isRecord(d.reinitiation)
  );
}

type Known = ReadonlyMap<string, readonly KnownPerson[]>;

/** People already on cases the caller can see, by role: offered so nobody retypes a mentor's address. */
function knownPeople(cases: readonly CaseSummary[], procedureId: string): Known {
  const byRole = new Map<string, Map<string, string>>();
  for (const c of cases) {
    if (c.procedureId !== procedureId) continue;
    for (const p of c.people) {
      const role = byRole.get(p.role) ?? new Map<string, string>();
      role.set(p.id, p.name);
      byRole.set(p.role, role);
    }
  }
  return new Map(
    [...byRole.entries()].map(([role, people]) => [
      role,
      [...people.entries()].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
    ]),
  );
}

type Submission =
  | { readonly state: 'idle' }
  | { readonly state: 'opening' }
  | { readonly state: 'saving_plan'; readonly opened: Versioned<CaseView> }
  | {
      readonly state: 'failed';
      readonly message: string;
      readonly opened: Versioned<CaseView> | undefined;
      /** The trainee's open case, when that is why nothing was opened. */
      readonly existing?: { readonly id: string; readonly reference: string };
      /** The trainee is not on the programme's placement roster: the way to fix it is the roster page. */
      readonly notOnRoster?: boolean;
    };

/**
 * Opening a case, driven by the procedure definition: procedure and reasons → trainee, people and
 * placement → concerns linked to standards → targets with actions per party and the review date →
 * check and open. The case is opened (POST /api/cases), then its plan saved (PUT …/plan); if the
 * plan is refused, the case exists and the wizard keeps everything typed to send the plan again.
 */
export default function NewCaseWizard() {
  const session = useSession();
  const styles = useWizardStyles();
  const toDashboard = useLinkHandler('/');
  const me = session.me;
  const today = (me?.today ?? londonToday()) as LocalDate;
  // The course team draws up the whole draft; a trainee the roster has, where a procedure lets a
  // trainee raise a concern about themselves, says what the concern is (undefined: neither).
  const ownConcern = me?.ownConcern;
  const opener: Opener | undefined =
    me === undefined || me.can.openCases ? 'course_team' : ownConcern !== undefined ? 'trainee' : undefined;
  // A channel tab's programme (?programme=) comes first; else the only programme the person looks after.
  const channelProgramme = new URLSearchParams(window.location.search).get('programme')?.trim() ?? '';
  const defaultProgramme =
    channelProgramme !== ''
      ? channelProgramme
      : me !== undefined && me.programmes !== 'all' && me.programmes.length === 1
        ? (me.programmes[0] ?? '')
        : '';
  // Everything typed, and the step reached, kept as a draft: a reload or a click away loses nothing.
  const kept = useDraft<{ readonly draft: WizardDraft; readonly step: Step }>(
    { user: session.user.upn, caseId: 'new', form: 'wizard' },
    () => ({ draft: emptyDraft(defaultProgramme), step: 'procedure' }),
    isKeptWizard,
  );
  const { draft, step } = kept.value;
  const setKept = kept.set;
  const setDraft = useCallback(
    (change: (d: WizardDraft) => WizardDraft) => {
      setKept((k) => ({ ...k, draft: change(k.draft) }));
    },
    [setKept],
  );
  const setStep = (to: Step): void => {
    setKept((k) => ({ ...k, step: to }));
  };
  const [tried, setTried] = useState(false);
  const [procedures, setProcedures] = useState<readonly ProcedureSummary[] | undefined>();
  const [cases, setCases] = useState<readonly CaseSummary[]>([]);
  const [procedure, setProcedure] = useState<ProcedureDefinition | undefined>();
  const [frameworks, setFrameworks] = useState<readonly FrameworkDetail[]>([]);
  const [loadError, setLoadError] = useState<string | undefined>();
  const [submission, setSubmission] = useState<Submission>({ state: 'idle' });
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  // Moving between steps puts the focus on the new step's heading, so keyboard and screen-reader users start at its top.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    stepHeading.current?.focus();
  }, [step]);

  useEffect(() => {
    let live = true;
    Promise.all([listProcedures(session.api), listAllCases(session.api)]).then(
      ([p, c]) => {
        if (!live) return;
        setProcedures(p);
        setCases(c.items);
      },
      (error: unknown) => {
        if (live) setLoadError(error instanceof Error ? error.message : 'The procedures could not be loaded.');
      },
    );
    return () => {
      live = false;
    };
  }, [session.api]);

  // A restored draft names its procedure: load it (without resetting what was typed).
  const restoredProcedure = kept.restored ? draft.procedureId : '';
  useEffect(() => {
    if (restoredProcedure === '') return;
    let live = true;
    loadProcedure(session.api, restoredProcedure).then(
      (p) => {
        if (live) setProcedure(p);
      },
      (error: unknown) => {
        if (live) setLoadError(error instanceof Error ? error.message : 'The procedure could not be loaded.');
      },
    );
    return () => {
      live = false;
    };
  }, [restoredProcedure, session.api]);

  const rules = procedure === undefined ? undefined : planRulesFor(procedure, draft.stageId);
  useEffect(() => {
    if (rules === undefined) return;
    let live = true;
    Promise.all(rules.frameworks.map((id) => getFramework(session.api, id))).then(
      (list) => {
        if (live) setFrameworks(list);
      },
      (error: unknown) => {
        if (live) setLoadError(error instanceof Error ? error.message : 'The standards could not be loaded.');
      },
    );
    return () => {
      live = false;
    };
  }, [rules, session.api]);

  // The placement's last day, from the trainee's roster row (the course team reads the roster):
  // a review date after it is warned about, or refused where the procedure sets a window.
  const traineeId = procedure === undefined ? undefined : traineeIdOf(draft, procedure);
  const [placementEndsOn, setPlacementEndsOn] = useState<string | undefined>();
  useEffect(() => {
    setPlacementEndsOn(undefined);
    if (traineeId === undefined || draft.programme === '') return;
    let live = true;
    listTraineePlacements(session.api, traineeId).then(
      (rows) => {
        if (live) setPlacementEndsOn(placementEndOf(rows, draft.programme));
      },
      () => {
        // Staff other than the course team cannot read the roster: the server still checks the date.
      },
    );
    return () => {
      live = false;
    };
  }, [traineeId, draft.programme, session.api]);

  const options = useMemo(() => catalogueOptions(frameworks), [frameworks]);
  const known = useMemo(() => knownPeople(cases, draft.procedureId), [cases, draft.procedureId]);
  const problems = stepProblems(step, draft, procedure, today, cases, opener ?? 'course_team');
  const set = (change: Partial<WizardDraft>): void => {
    setDraft((d) => ({ ...d, ...change }));
  };

  if (me !== undefined && opener === undefined) {
    return (
      <EmptyState title="Cases are opened by the course team">
        <Text>
          If you are worried about a trainee’s progress, talk to their tutor or the course team; they open the case and
          add you to it.
        </Text>
        <Link href="/" onClick={toDashboard}>
          Back to your cases
        </Link>
      </EmptyState>
    );
  }
  if (loadError !== undefined) return <ErrorNotice title="The new-case form could not be loaded" message={loadError} />;
  if (procedures === undefined) return <Loading label="Loading the procedures…" />;

  const chooseProcedure = (id: string): void => {
    setProcedure(undefined);
    setFrameworks([]);
    set({
      procedureId: id,
      stageId: '',
      reasons: [],
      people: [],
      concerns: [],
      targets: [],
      reviewDate: '',
      reinitiation: emptyReinitiation,
    });
    void loadProcedure(session.api, id).then(
      (p) => {
        setProcedure(p);
        setDraft((d) => {
          const started = {
            ...d,
            reference: d.reference === '' ? suggestReference(p, today) : d.reference,
            people: peopleFor(p),
            stageId: p.stages[0]?.id ?? '',
            concerns: [emptyConcern()],
            targets: [emptyTarget()],
          };
          return opener === 'trainee' && me !== undefined && ownConcern !== undefined
            ? traineeOpening(started, p, me, ownConcern)
            : started;
        });
      },
      (error: unknown) => {
        setLoadError(error instanceof Error ? error.message : 'The procedure could not be loaded.');
      },
    );
  };

  const index = STEPS.indexOf(step);
  const visibleSteps = stepsFor(opener ?? 'course_team', rules !== undefined);
  const go = (to: Step): void => {
    setTried(false);
    setStep(to);
    window.scrollTo(0, 0);
  };
  const next = (): void => {
    setTried(true);
    if (problems.length > 0) return;
    const following = visibleSteps[visibleSteps.indexOf(step) + 1];
    if (following) go(following);
  };
  const back = (): void => {
    const previous = visibleSteps[visibleSteps.indexOf(step) - 1];
    if (previous) go(previous);
  };

  const savePlanOn = async (opened: Versioned<CaseView>): Promise<void> => {
    // A trainee's concern went with the opening; the rest of the plan is drawn up at the meeting.
    const plan = opener === 'trainee' ? undefined : planBody(draft);
    if (plan === undefined) {
      kept.saved();
      navigate(casePath(opened.data.id));
      return;
    }
    setSubmission({ state: 'saving_plan', opened });
    try {
      // Read the case again: a plan saved by someone else meanwhile must not be overwritten blindly.
      const current = await getCase(session.api, opened.data.id);
      await savePlan(session.api, current, plan);
      kept.saved();
      navigate(casePath(opened.data.id));
    } catch (error) {
      setSubmission({
        state: 'failed',
        message: error instanceof Error ? error.message : 'The plan could not be saved.',
        opened,
      });
    }
  };

  const submit = async (): Promise<void> => {
    setTried(true);
    if (procedure === undefined || problems.length > 0) return;
    if (submission.state === 'failed' && submission.opened !== undefined) {
      await savePlanOn(submission.opened);
      return;
    }
    setSubmission({ state: 'opening' });
    let opened: Versioned<CaseView>;
    try {
      opened = await openCase(session.api, openCaseBody(draft, procedure, cases, opener ?? 'course_team'));
    } catch (error) {
      const existing = error instanceof ApiError ? error.problem?.openCase : undefined;
      setSubmission({
        state: 'failed',
        message: error instanceof Error ? error.message : 'The case could not be opened.',
        opened: undefined,
        ...(existing === undefined ? {} : { existing }),
        ...(error instanceof ApiError && error.code === 'not_on_roster' ? { notOnRoster: true } : {}),
      });
      return;
    }
    await savePlanOn(opened);
  };

  const roleLabel = (roleId: string): string => procedure?.roles.find((r) => r.id === roleId)?.label ?? roleId;
  const busy = submission.state === 'opening' || submission.state === 'saving_plan';

  return (
    <div className={styles.page}>
      <Link href="/" onClick={toDashboard}>
        ← All cases
      </Link>
      <Text block as="h1" size={700} weight="semibold">
        Open a case
      </Text>
      <nav aria-label="Steps">
        <ol className={styles.steps}>
          {visibleSteps.map((s, i) => (
            <li
              key={s}
              className={s === step ? styles.current : styles.step}
              aria-current={s === step ? 'step' : undefined}
            >
              {i + 1}. {STEP_TITLES[s]}
            </li>
          ))}
        </ol>
      </nav>
      <section className={styles.panel} aria-labelledby="wizard-step-heading">
        <h2 id="wizard-step-heading" ref={stepHeading} tabIndex={-1} className={styles.stepHeading}>
          {STEP_TITLES[step]}
        </h2>

        {step === 'procedure' ? (
          <>
            <Field label="Procedure" required>
              <RadioGroup
                value={draft.procedureId}
                onChange={(_e, d) => {
                  chooseProcedure(d.value);
                }}
              >
                {procedures
                  .filter((p) => opener !== 'trainee' || ownConcern?.procedureIds.includes(p.id) === true)
                  .map((p) => (
                    <Radio key={p.id} value={p.id} label={`${p.name} (${p.provider.name})`} />
                  ))}
              </RadioGroup>
            </Field>
            {draft.procedureId !== '' && procedure === undefined ? <Loading label="Loading the procedure…" /> : null}
            {procedure !== undefined ? (
              <>
                <Text className={styles.muted}>{procedure.purpose}</Text>
                {openableStages(procedure).length > 1 ? (
                  <Field label="Open at" hint="The procedure allows some cases to start at a later stage.">
                    <Select
                      value={draft.stageId}
                      onChange={(_e, d) => {
                        set({ stageId: d.value, targets: [emptyTarget()], reviewDate: '' });
                      }}
                    >
                      {openableStages(procedure).map((s) => (
                        <option key={s.id} value={s.id}>
                          {s.title}
                        </option>
                      ))}
                    </Select>
                  </Field>
                ) : (
                  <Text>The case opens at {procedure.stages[0]?.title}.</Text>
                )}
                <Field
                  label="Case reference"
                  required
                  hint="Suggested; change it to your own numbering if you have one."
                >
                  <Input
                    value={draft.reference}
                    maxLength={60}
                    onChange={(_e, d) => {
                      set({ reference: d.value });
                    }}
                  />
                </Field>
                <fieldset className={styles.group}>
                  <legend>Reasons for opening the case (at least one)</legend>
                  {procedure.reasons.map((r) => (
                    <Checkbox
                      key={r.id}
                      label={r.label}
                      checked={draft.reasons.includes(r.id)}
                      onChange={(_e, d) => {
                        set({
                          reasons:
                            d.checked === true ? [...draft.reasons, r.id] : draft.reasons.filter((x) => x !== r.id),
                        });
                      }}
                    />
                  ))}
                </fieldset>
              </>
            ) : null}
          </>
        ) : null}

        {step === 'people' && procedure !== undefined ? (
          <>
            {draft.people.map((p) => {
              const role = procedure.roles.find((r) => r.id === p.role);
              const required = role?.requiredOnCase === true || role?.side === 'trainee';
              const suggestions = known.get(p.role) ?? [];
              const update = (change: Partial<typeof p>): void => {
                set({ people: draft.people.map((x) => (x.key === p.key ? { ...x, ...change } : x)) });
              };
              return (
                <fieldset key={p.key} className={styles.group}>
                  <legend>
                    {roleLabel(p.role)}
                    {required ? ' (needed on every case)' : ' (optional)'}
                  </legend>
                  <PersonPicker
                    api={session.api}
                    roleLabel={roleLabel(p.role)}
                    known={suggestions}
                    holdsChoice={p.upn !== undefined}
                    onChoose={(person) => {
                      update({ name: person.name, email: person.email, upn: person.upn });
                    }}
                  />
                  <div className={styles.pair}>
                    <Field label={`${roleLabel(p.role)}: full name`}>
                      <Input
                        value={p.name}
                        onChange={(_e, d) => {
                          update({ name: d.value, upn: undefined });
                        }}
                      />
                    </Field>
                    <Field label={`${roleLabel(p.role)}: email (sign-in name)`}>
                      <Input
                        type="email"
                        value={p.email}
                        onChange={(_e, d) => {
                          update({ email: d.value, upn: undefined });
                        }}
                      />
                    </Field>
                  </div>
                  {!required || (role.multiple && draft.people.filter((x) => x.role === p.role).length > 1) ? (
                    <div>
                      <Button
                        onClick={() => {
                          set({ people: draft.people.filter((x) => x.key !== p.key) });
                        }}
                      >
                        Remove this {roleLabel(p.role)}
                      </Button>
                    </div>
                  ) : null}
                </fieldset>
              );
            })}
            <ReinitiationSection
              procedure={procedure}
              standing={reinitiationStandingOf(draft, procedure, cases)}
              draft={draft.reinitiation}
              traineeName={traineeOf(draft, procedure)?.name ?? ''}
              onChange={(change) => {
                setDraft((d) => ({ ...d, reinitiation: { ...d.reinitiation, ...change } }));
              }}
            />
            <Field label="Add someone else to the case">
              <Select
                value=""
                onChange={(_e, d) => {
                  if (d.value !== '')
                    set({ people: [...draft.people, { key: newKey('person'), role: d.value, name: '', email: '' }] });
                }}
              >
                <option value="">Choose a role to add</option>
                {procedure.roles
                  .filter((r) => r.side !== 'trainee' && (r.multiple || !draft.people.some((p) => p.role === r.id)))
                  .map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.label}
                    </option>
                  ))}
              </Select>
            </Field>
            <fieldset className={styles.group}>
              <legend>Placement</legend>
              <div className={styles.pair}>
                <Field label="School" required>
                  <Input
                    value={draft.school}
                    onChange={(_e, d) => {
                      set({ school: d.value });
                    }}
                  />
                </Field>
                <Field label="Programme" required>
                  {me !== undefined && me.programmes !== 'all' && me.programmes.length > 0 ? (
                    <Select
                      value={draft.programme}
                      onChange={(_e, d) => {
                        set({ programme: d.value });
                      }}
                    >
                      <option value="">Choose the programme</option>
                      {me.programmes.map((p) => (
                        <option key={p} value={p}>
                          {p}
                        </option>
                      ))}
                    </Select>
                  ) : (
                    <Input
                      value={draft.programme}
                      onChange={(_e, d) => {
                        set({ programme: d.value });
                      }}
                    />
                  )}
                </Field>
                <Field label="Subject (optional)">
                  <Input
                    value={draft.subject}
                    onChange={(_e, d) => {
                      set({ subject: d.value });
                    }}
                  />
                </Field>
                <Field label="Phase (optional)">
                  <Input
                    value={draft.phase}
                    onChange={(_e, d) => {
                      set({ phase: d.value });
                    }}
                  />
                </Field>
                <Field
                  label="School contact email (optional)"
                  hint="The school office or headteacher: where Trellis sends what the procedure says the school is told. Left empty, the course team is asked to pass it on."
                >
                  <Input
                    type="email"
                    value={draft.schoolContactEmail}
                    onChange={(_e, d) => {
                      set({ schoolContactEmail: d.value });
                    }}
                  />
                </Field>
              </div>
            </fieldset>
          </>
        ) : null}

        {step === 'concerns' && rules !== undefined && opener === 'trainee' ? (
          <Field
            label={TRAINEE_CONCERN_LABEL}
            required
            hint="In your own words: it starts the plan’s statement of concern. Your mentors and Lead agree the targets with you at the meeting; you can still reword it until then."
          >
            <Textarea
              value={draft.concernStatement}
              resize="vertical"
              maxLength={4000}
              onChange={(_e, d) => {
                set({ concernStatement: d.value });
              }}
            />
          </Field>
        ) : null}

        {step === 'concerns' && rules !== undefined && opener !== 'trainee' ? (
          <ConcernsStep draft={draft} set={set} rules={rules} frameworks={frameworks} options={options} />
        ) : null}

        {step === 'targets' && rules !== undefined && procedure !== undefined ? (
          <TargetsStep
            draft={draft}
            set={set}
            procedure={procedure}
            options={options}
            today={today}
            rules={rules}
            placementEndsOn={placementEndsOn}
          />
        ) : null}

        {step === 'review' && procedure !== undefined ? (
          <>
            <dl className={styles.summary}>
              {[
                ['Procedure', `${procedure.name} (${procedure.provider.name})`],
                [
                  'Opens at',
                  procedure.stages.find((s) => s.id === draft.stageId)?.title ?? procedure.stages[0]?.title ?? '',
                ],
                ['Reference', draft.reference],
                ['Reasons', draft.reasons.map((r) => procedure.reasons.find((x) => x.id === r)?.label ?? r).join('; ')],
                ...secondInitiationRow(draft, procedure, cases),
                ...draft.people
                  .filter((p) => p.name.trim() !== '')
                  .map((p) => [roleLabel(p.role), `${p.name} (${p.email})`]),
                ['Placement', [draft.school, draft.subject, draft.phase].filter((x) => x.trim() !== '').join(' · ')],
                ['Programme', draft.programme],
                ...(opener === 'trainee'
                  ? [['The concern', draft.concernStatement.trim()]]
                  : [
                      ['Concerns', String(draft.concerns.filter((c) => c.text.trim() !== '').length)],
                      ['Targets', String(draft.targets.filter((t) => t.text.trim() !== '').length)],
                      [
                        'Review date',
                        draft.reviewDate === ''
                          ? 'Not set yet (set it before the plan is signed)'
                          : formatDate(draft.reviewDate),
                      ],
                    ]),
              ].map(([term, value], i) => (
                <div key={`${term ?? ''}-${i}`} className={styles.contents}>
                  <dt className={styles.term}>{term}</dt>
                  <dd className={styles.definition}>{value}</dd>
                </div>
              ))}
            </dl>
            <Text>
              {opener === 'trainee'
                ? `Your mentor, tutor and placement come from the placement roster. Opening the case tells them, as ${procedure.provider.shortName}’s procedure says; the plan is then drawn up with you at the meeting, signed and agreed.`
                : `Opening the case tells the people on it, as ${procedure.provider.shortName}’s procedure says. The plan is then drafted, signed and agreed.`}
            </Text>
            {submission.state === 'opening' ? <Loading label="Opening the case…" /> : null}
            {submission.state === 'saving_plan' ? <Loading label="Case opened. Saving the plan…" /> : null}
            {submission.state === 'failed' ? (
              submission.opened === undefined ? (
                <>
                  <ErrorNotice title="The case was not opened" message={submission.message} />
                  {submission.existing === undefined ? null : (
                    <Link href={casePath(submission.existing.id)}>Open {submission.existing.reference}</Link>
                  )}
                  {submission.notOnRoster === true ? <Link href="/roster">Open the placement roster</Link> : null}
                </>
              ) : (
                <MessageBar intent="warning" layout="multiline" role="alert">
                  <MessageBarBody>
                    <MessageBarTitle>The case is open, but its plan was not saved</MessageBarTitle>
                    {submission.message} Everything you typed is still here: correct it and select “Save the plan
                    again”, or <Link href={casePath(submission.opened.data.id)}>open the case</Link> and draft the plan
                    there.
                  </MessageBarBody>
                </MessageBar>
              )
            ) : null}
          </>
        ) : null}

        {tried && problems.length > 0 ? (
          <MessageBar intent="error" layout="multiline" role="alert">
            <MessageBarBody>
              <MessageBarTitle>Before you go on</MessageBarTitle>
              <ul>
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </MessageBarBody>
          </MessageBar>
        ) : null}
        <div className={styles.nav}>
          {index > 0 ? (
            <Button onClick={back} disabled={busy}>
              Back
            </Button>
          ) : null}
          {step === 'review' ? (
            <Button appearance="primary" onClick={() => void submit()} disabled={busy}>
              {submission.state === 'failed' && submission.opened !== undefined
                ? 'Save the plan again'
                : 'Open the case'}
            </Button>
          ) : (
            <Button appearance="primary" onClick={next}>
              Next
            </Button>
          )}
        </div>
      </section>
    </div>
  );
}

/** The review step's line for a second initiation, when the case is one. */
function secondInitiationRow(
  draft: WizardDraft,
  procedure: ProcedureDefinition,
  cases: readonly CaseSummary[],
): [string, string][] {
  const body = openCaseBody(draft, procedure, cases).reinitiation;
  if (body === undefined) return [];
  const ground = procedure.reinitiation?.grounds.find((g) => g.id === body.groundId)?.label ?? body.groundId;
  return [['Second initiation', describeReinitiation({ ground, evidence: body.evidence })]];
}
