import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bcuRapidImprovementTargets, rcttpConcernProcedures } from '../domain/procedures/index';
import { filenameOf } from './api/client';
import type { AvailablePanel, CaseSummary, CaseView, Me, PanelView } from './api/types';
import {
  conveneProblem,
  extensionLimits,
  extensionProblem,
  meetingProblem,
  type MemberDraft,
} from './features/actions/actions-model';
import {
  ALL_PROGRAMMES,
  channelTabConfig,
  configProblem,
  entityIdFor,
  programmeOfSavedConfig,
} from './features/config/config-model';
import { baseFilter, isFiltered, matchesFilter, NO_FILTER, rowsOf } from './features/dashboard/dashboard-model';
import { emptyDraft, stepProblems } from './features/new-case/new-case-model';
import { standingOf } from './shared/case-people';
import { csvCell, toCsv } from './shared/csv';
import { emptyTarget, planBody, reviewWindowFor } from './shared/plan-editor/plan-draft';
import type { LocalDate } from '../domain/calendar/index';

/** The tab's pure parts: what the e2e tests cannot reach quickly (every input, every edge). */

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x.example")')).toBe(`"'=HYPERLINK(""http://x.example"")"`);
    for (const lead of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvCell(`${lead}1+1`).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(undefined)).toBe('');
    expect(toCsv(['a', 'b'], [['x', 1]])).toBe('a,b\r\nx,1\r\n');
  });

  it('never lets a text cell start a formula, whatever the text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const cell = csvCell(text);
        const unquoted = cell.startsWith('"') ? cell.slice(1) : cell;
        expect(/^[=+\-@\t\r]/.test(unquoted)).toBe(false);
      }),
    );
  });
});

describe('channel tab configuration', () => {
  it('builds the content URL from the programme, encoded, opened in the host', () => {
    const config = channelTabConfig(
      'https://trellis.example',
      'PGCE Primary & Early Years 2026/27',
      ' Trellis — PGCE ',
    );
    expect(config.contentUrl).toBe(
      'https://trellis.example/?inHost=1&programme=PGCE%20Primary%20%26%20Early%20Years%202026%2F27',
    );
    expect(config.websiteUrl).toBe(
      'https://trellis.example/?programme=PGCE%20Primary%20%26%20Early%20Years%202026%2F27',
    );
    expect(config.suggestedDisplayName).toBe('Trellis — PGCE');
    expect(config.entityId).toBe('trellis-pgce-primary-early-years-2026-27');
    expect(channelTabConfig('https://trellis.example', '*', 'All').contentUrl).toBe(
      'https://trellis.example/?inHost=1',
    );
    expect(entityIdFor('*')).toBe('trellis-all');
  });

  it('is valid only with a programme and a name', () => {
    expect(configProblem(undefined, 'x')).toMatch(/Choose the programme/);
    expect(configProblem('P', '  ')).toMatch(/Give the tab a name/);
    expect(configProblem('P', 'x'.repeat(101))).toMatch(/100 characters/);
    expect(configProblem('P', 'Trellis')).toBeUndefined();
  });

  it('reads back the programme a channel tab was saved with, only from our own content URL', () => {
    const origin = 'https://trellis.example';
    const programme = 'PGCE Primary & Early Years 2026/27';
    expect(programmeOfSavedConfig(channelTabConfig(origin, programme, 'x').contentUrl, origin)).toBe(programme);
    expect(programmeOfSavedConfig(channelTabConfig(origin, ALL_PROGRAMMES, 'x').contentUrl, origin)).toBe(
      ALL_PROGRAMMES,
    );
    // Not configured yet, something else's URL, or not a URL: nothing to preselect.
    expect(programmeOfSavedConfig('', origin)).toBeUndefined();
    expect(programmeOfSavedConfig(undefined, origin)).toBeUndefined();
    expect(programmeOfSavedConfig('https://elsewhere.example/?programme=P', origin)).toBeUndefined();
    expect(programmeOfSavedConfig('not a url', origin)).toBeUndefined();
  });
});

describe('dashboard filters', () => {
  const summary = (programme: string, traineeName: string): CaseSummary => ({
    id: traineeName,
    reference: `R-${traineeName}`,
    procedureId: 'p',
    stageId: 's',
    status: 'active',
    paused: false,
    programme,
    school: 'S',
    traineeId: 't',
    traineeName,
    people: [],
    reasons: [],
    openedOn: '2026-11-01',
    awaitingSignatures: false,
    version: 1,
    updatedAt: '2026-11-01T00:00:00Z',
  });

  it('starts from ?programme= and treats it as the base, not a filter to clear', () => {
    const base = baseFilter('?inHost=1&programme=PGCE%20Primary');
    expect(base.programme).toBe('PGCE Primary');
    expect(isFiltered(base, base)).toBe(false);
    expect(isFiltered({ ...base, search: 'Ann' }, base)).toBe(true);
    expect(isFiltered({ ...base, programme: '' }, base)).toBe(true);
    expect(baseFilter('').programme).toBe('');
    const rows = rowsOf([summary('PGCE Primary', 'Ann'), summary('PGCE Secondary', 'Bob')], [], '2026-11-23');
    expect(rows.filter((r) => matchesFilter(r, base)).map((r) => r.summary.traineeName)).toEqual(['Ann']);
    expect(rows.filter((r) => matchesFilter(r, NO_FILTER))).toHaveLength(2);
  });
});

describe('downloads', () => {
  it('reads the file name from Content-Disposition', () => {
    expect(filenameOf('attachment; filename="BCU-RIT-2026-101.pdf"')).toBe('BCU-RIT-2026-101.pdf');
    expect(filenameOf('attachment; filename*=UTF-8\'\'Case%20%C3%A9.pdf; filename="Case e.pdf"')).toBe('Case é.pdf');
    expect(filenameOf(null)).toBeUndefined();
  });
});

describe('new-case wizard rules', () => {
  const withWindow = {
    ...bcuRapidImprovementTargets,
    stages: bcuRapidImprovementTargets.stages.map((s, i) =>
      i === 0 && s.plan
        ? {
            ...s,
            plan: {
              ...s.plan,
              reviewWindow: { amount: 10, unit: 'working_days' as const },
              reviewWindowText: undefined,
            },
          }
        : s,
    ),
  };
  const stage1 = withWindow.stages[0];

  it('shows the working-day window as dates, skipping Christmas and New Year bank holidays', () => {
    if (!stage1?.plan) throw new Error('BCU stage 1 has a plan');
    const window = reviewWindowFor(withWindow, stage1.plan, '2026-12-21' as LocalDate);
    expect(window.earliest).toBe('2026-12-22');
    // 22, 23, 24, 29, 30, 31 December, then 4, 5, 6, 7 January: 25 and 28 December and 1 January are bank holidays.
    expect(window.latest).toBe('2027-01-07');
    expect(window.skipped.join('; ')).toMatch(/Friday 25 December 2026 \(.*Christmas.*\)/);
    expect(window.skipped.join('; ')).toMatch(/Monday 28 December 2026/);
    expect(window.skipped.join('; ')).toMatch(/Friday 1 January 2027/);
    expect(window.explanation).toContain('Working days are Monday to Friday');
  });

  it('enforces the stage’s target limit and the window, in sentences', () => {
    const draft = {
      ...emptyDraft('P'),
      procedureId: withWindow.id,
      stageId: 'stage_1',
      targets: [emptyTarget(), emptyTarget(), emptyTarget(), emptyTarget()],
      reviewDate: '2027-01-08',
    };
    const problems = stepProblems('targets', draft, withWindow, '2026-12-21' as LocalDate);
    expect(problems).toContain(
      'Rapid Improvement Target Form allows at most 3 targets; remove 1.'.replace(
        'Rapid Improvement Target Form',
        stage1?.plan?.title ?? '',
      ),
    );
    expect(problems).toContain('Target 1 is empty: write it or remove it.');
    expect(problems).toContain('Link target 1 to at least one standard.');
    expect(problems).toContain('The review date is too late: it must be on or before Thursday 7 January 2027.');
    expect(stepProblems('procedure', emptyDraft('P'), undefined, '2026-12-21' as LocalDate)).toEqual([
      'Choose the procedure the case runs under.',
    ]);
  });

  it('sends only what was written: empty actions and targets are left out', () => {
    const target = {
      ...emptyTarget(),
      text: ' Routines ',
      links: [{ frameworkId: 'f', code: 'c' }],
      actions: { trainee: ' Plan ', mentor: '  ' },
    };
    expect(planBody({ ...emptyDraft('P'), targets: [target, emptyTarget()] })).toEqual({
      concerns: [],
      targets: [
        { text: 'Routines', links: [{ frameworkId: 'f', code: 'c' }], actions: [{ party: 'trainee', text: 'Plan' }] },
      ],
    });
    expect(planBody(emptyDraft('P'))).toBeUndefined();
  });
});

describe('case actions', () => {
  const view = (over: Partial<CaseView> = {}): CaseView => ({
    view: 'full',
    id: 'c1',
    reference: 'R-1',
    version: 3,
    procedure: {
      id: rcttpConcernProcedures.id,
      name: rcttpConcernProcedures.name,
      provider: { id: 'provider', name: 'RCTTP', shortName: 'RCTTP' },
      confidential: false,
      version: 1,
      hash: '0'.repeat(64),
    },
    status: 'active',
    stage: { id: 'progress_support_plan', title: 'Stage 1: Progress Support Plan' },
    people: [
      { role: 'trainee', id: 'trainee@x.example', name: 'T', email: 'trainee@x.example', roleLabel: 'Trainee' },
      { role: 'mentor', id: 'mentor@x.example', name: 'M', email: 'mentor@x.example', roleLabel: 'Mentor(s)' },
    ],
    placement: { school: 'S', programme: 'P1' },
    formerPeople: [],
    formerPlacements: [],
    meetings: [],
    reasons: [],
    openedOn: '2026-11-02',
    stageHistory: [],
    plan: {
      version: 1,
      stageId: 'progress_support_plan',
      reviewAt: 'progress_support_plan',
      rulesFrom: { stageId: 'progress_support_plan' },
      content: {
        concerns: [],
        targets: [],
        supportMeasures: [],
        reviewDate: '2026-11-26',
        meeting: { attendees: [], placementConcern: false },
      },
      signatures: [],
      agreedOn: '2026-11-06',
      extensions: [],
      pausedWorkingDays: 2,
    },
    previousPlans: [],
    reviews: [],
    panels: [],
    tasksDone: [],
    openedBy: 'lead@x.example',
    updatedAt: '2026-11-06T10:00:00Z',
    derived: {
      today: '2026-11-23',
      reviewOverdue: false,
      outstandingSignatories: [],
      milestones: [],
      outcomes: [],
      escalateTo: [],
      panels: [],
      tasks: [],
      nextSteps: [],
    },
    ...over,
  });
  const me = (programmes: Me['programmes'], openCases = true): Me => ({
    upn: 'lead@x.example',
    name: 'Lead',
    roles: ['course_team'],
    programmes,
    can: { openCases, seeReports: openCases, configureChannelTab: openCases, keepRoster: openCases },
    today: '2026-11-23',
  });

  it('knows course team, named staff and the trainee apart', () => {
    expect(standingOf(view(), me(['P1']), 'lead@x.example')).toMatchObject({
      courseTeam: true,
      staff: true,
      trainee: false,
    });
    expect(standingOf(view(), me(['P2']), 'lead@x.example')).toMatchObject({ courseTeam: false, staff: false });
    expect(standingOf(view(), me([], false), 'mentor@x.example')).toMatchObject({
      courseTeam: false,
      staff: true,
      roles: ['mentor'],
    });
    expect(standingOf(view({ view: 'trainee' }), me([], false), 'trainee@x.example')).toMatchObject({
      staff: false,
      trainee: true,
    });
  });

  it('caps an extension at the stage’s cap from agreement, moved on by the working days paused', () => {
    const limits = extensionLimits(view(), rcttpConcernProcedures);
    // 4 weeks from Friday 6 November is Friday 4 December; two paused working days make it Tuesday 8 December.
    expect(limits?.latest).toBe('2026-12-08');
    expect(limits?.explanation).toContain('plus 2 working days the case was paused');
    if (!limits) throw new Error('an agreed plan can be extended');
    expect(extensionProblem(limits, '', 'x')).toBe('Choose the new review date.');
    expect(extensionProblem(limits, '2026-11-26', 'x')).toMatch(/^Choose a date after Thursday 26 November 2026/);
    expect(extensionProblem(limits, '2026-12-09', 'x')).toBe(
      'That is too late: Tuesday 8 December 2026 is the latest the review can move to.',
    );
    expect(extensionProblem(limits, '2026-12-08', ' ')).toBe('Say why the review is moving, for the record.');
    expect(extensionProblem(limits, '2026-12-08', 'Mentor away')).toBeUndefined();
    expect(
      extensionLimits(view({ paused: { reason: 'health', since: '2026-11-20' } }), rcttpConcernProcedures),
    ).toBeUndefined();
    expect(extensionLimits(view({ status: 'awaiting_signatures' }), rcttpConcernProcedures)).toBeUndefined();
  });

  it('holds a panel to its quorum and size, and a meeting to its quorum and chair', () => {
    const panel: AvailablePanel = { id: 'p', title: 'Panel', quorum: 3, maxMembers: 4, decisions: [] };
    const member = (n: number): MemberDraft => ({ name: `N${n}`, email: `n${n}@x.example`, role: '' });
    expect(conveneProblem(panel, [member(1), member(2)])).toBe(
      'The Panel needs at least 3 members to be quorate; 2 named so far.',
    );
    expect(conveneProblem(panel, [member(1), member(2), member(3), member(4), member(5)])).toBe(
      'The Panel has up to 4 members; 5 named.',
    );
    expect(conveneProblem(panel, [member(1), member(1), member(2)])).toBe('Someone is named twice.');
    expect(conveneProblem(panel, [member(1), member(2), { name: 'X', email: 'nope', role: '' }])).toMatch(
      /name and an email address/,
    );
    expect(conveneProblem(panel, [member(1), member(2), member(3), { name: '', email: '', role: '' }])).toBeUndefined();
    const convened: PanelView = {
      panelId: 'p',
      title: 'Panel',
      stageId: 's',
      convenedOn: '2026-11-20',
      members: [1, 2, 3].map((n) => ({ id: `n${n}@x.example`, name: `N${n}` })),
      evidence: [],
      meetings: [],
    };
    expect(meetingProblem(panel, convened, ['n1@x.example', 'n2@x.example'], '', false)).toBe(
      'The Panel is quorate with 3 members present; 2 ticked.',
    );
    const all = ['n1@x.example', 'n2@x.example', 'n3@x.example'];
    expect(meetingProblem(panel, convened, all, '', true)).toMatch(/agrees a chair/);
    expect(meetingProblem(panel, convened, all, 'n1@x.example', true)).toBeUndefined();
  });
});
