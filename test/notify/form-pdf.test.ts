import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import {
  bcuRapidImprovementTargets as bcu,
  brightFuturesSupport as bf,
  enhancedSupport as es,
  midEssexEarlySupport as me,
  rcttpConcernProcedures as rcttp,
} from '../../src/domain/procedures/index.js';
import type { Procedure } from '../../src/domain/procedure/schema.js';
import type { CaseDriver } from '../../src/domain/case/testing.js';
import { planRulesOf } from '../../src/domain/case/command-kit.js';
import { formPdfName, renderFormPdf } from '../../src/notify/form-pdf.js';
import { pdfText } from '../../src/notify/pdf/pdf-kit.js';
import { docsImagesDir } from '../docs-images.js';
import { draftPlan, open, review, signAll } from './kit.js';
import { outstandingSignatories } from '../../src/domain/case/queries.js';
import { signPlan } from '../../src/domain/case/commands/sign-plan.js';
import { personFor } from '../../src/domain/case/testing.js';
import { openWalk } from '../../src/domain/procedures/walks/walk-kit.js';

const work = mkdtempSync(path.join(tmpdir(), 'trellis-form-text-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The PDF's text as poppler reads it (pdftotext, in the order it was drawn): what a reader can copy. */
function extractText(pdf: Uint8Array): string {
  const file = path.join(work, `form-${String(Math.random()).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** Wrapped cell text comes back one line at a time: compare with the line breaks folded to spaces. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

const pageCount = (pdf: Uint8Array): number =>
  [
    ...Buffer.from(pdf)
      .toString('latin1')
      .matchAll(/\/Type \/Page\b/g),
  ].length;

interface Fixture {
  readonly procedure: Procedure;
  readonly file: string;
  readonly roles: readonly string[];
  readonly expected: readonly string[];
}

const FIXTURES: readonly Fixture[] = [
  {
    procedure: bcu,
    file: 'bcu-rapid-improvement-targets',
    roles: ['trainee', 'mentor', 'tutor'],
    expected: [
      'Rapid Improvement Target Form',
      'Intervention actions for the trainee',
      'Class teacher/mentor',
      'Targets (a maximum of three)',
    ],
  },
  {
    procedure: rcttp,
    file: 'rcttp-progress-support-plan',
    roles: ['trainee', 'mentor', 'partnership_tutor'],
    expected: [
      'Progress Support Plan',
      'Table 1. Trainee details',
      'Strategies/Action (Responsibility: T Trainee, S School, RCTTP)',
      'Record of Action / Supporting Evidence',
      'Monitoring',
    ],
  },
  {
    procedure: es,
    file: 'enhanced-support-action-plan',
    roles: ['trainee', 'mentor', 'tutor', 'professional_mentor'],
    expected: [
      'Enhanced Support Action Plan',
      'Step 1',
      'PART 2: Personal and Professional Conduct',
      'Targets and Review Date',
      'Please return this form to the course leader.',
    ],
  },
  {
    procedure: bf,
    file: 'bright-futures-support-plan',
    roles: ['trainee', 'lead', 'mentor'],
    expected: ['Bright Futures SCITT', 'SMART targets and action steps', 'Signed by all partners', 'Action steps'],
  },
  {
    procedure: me,
    file: 'mid-essex-early-support-plan',
    roles: ['trainee', 'course_tutor', 'director', 'mentor'],
    expected: [
      'CONFIDENTIAL',
      'Early Support Plan',
      'Specific Task(s)',
      'Support required',
      'Time Scale',
      'Signature (typed if completing by email)',
      'Lead Subject Mentor',
      'Initial statement of concern:',
    ],
  },
];

function realistic(c: CaseDriver): void {
  const procedure = c.procedure;
  const framework = procedure.frameworks[0];
  const groups = framework?.groups ?? [];
  const link = (i: number) => (framework && groups[i] ? [{ frameworkId: framework.id, code: groups[i].code }] : []);
  const staff =
    procedure.roles.find((r) => r.side !== 'trainee' && c.state.people.some((p) => p.role === r.id))?.id ?? 'mentor';
  const plan = c.state.plan;
  const rules = plan ? planRulesOf(procedure, plan) : undefined;
  const codes = rules?.responsibilities.map((r) => r.code) ?? [];
  // Actions for every party the form names (RCTTP: its T / S / RCTTP codes), as the form asks.
  const parties =
    codes.length > 0
      ? codes
      : (rules?.actionParties ?? ['trainee']).filter(
          (p) => p === 'trainee' || c.state.people.some((x) => x.role === p),
        );
  const actions = parties.map((party, i) => ({
    party,
    text:
      i === 0
        ? 'Plan and rehearse entry routines; script the first three minutes.'
        : `Model the routine in two lessons and give written feedback (${party}).`,
  }));
  draftPlan(c, {
    concernStatement:
      'Pupils in Year 4 are not making the expected progress in mathematics; routines for the start of lessons are not yet established.',
    concerns: [{ text: 'Low-level disruption goes unchallenged in the first ten minutes.', links: link(0) }],
    targets: [
      {
        text: 'Establish calm, consistent entry routines so that learning starts within three minutes.',
        links: link(0),
        actions,
        successCriteria: 'Lessons start promptly with all pupils engaged, seen in two observations.',
        timescale: 'Two weeks',
        supportRequired: 'Weekly planning meeting with the mentor.',
        monitoring: 'Mentor drop-ins twice a week.',
        observationFocus: true,
      },
      {
        text: 'Use assessment for learning to adapt teaching within the lesson.',
        links: link(1),
        actions: actions.map((a, i) =>
          i === 0 ? { ...a, text: 'Use mini whiteboards at two hinge points per lesson.' } : a,
        ),
        successCriteria: 'Plans show adaptations made in response to pupils’ answers.',
        timescale: 'Two weeks',
        observationFocus: false,
      },
    ],
    reviewDate: parseLocalDate('2026-11-13'),
    meeting: { heldOn: parseLocalDate('2026-11-02'), attendees: ['trainee', staff], placementConcern: false },
  });
  signAll(c);
}

function firstOutcome(c: CaseDriver): string {
  const stage = c.procedure.stages.find((s) => s.id === c.state.plan?.reviewAt);
  const outcome = stage?.review?.outcomes[0];
  if (!outcome) throw new Error(`no review at ${c.state.plan?.reviewAt ?? '?'}`);
  return outcome.id;
}

/** Page images of each provider's form for docs/forms (pdftoppm from poppler-utils; where they go: ../docs-images.ts). */
function renderPages(pdf: Uint8Array, name: string): string[] {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
  } catch {
    return [];
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'trellis-form-'));
  try {
    const file = path.join(dir, 'form.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(dir, 'page')]);
    const pages = readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort();
    const out = docsImagesDir('forms');
    return pages.map((page, i) => {
      const target = path.join(out, `${name}-page-${i + 1}.png`);
      copyFileSync(path.join(dir, page), target);
      return target;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the completed form as each provider lays it out', () => {
  it.each(FIXTURES)(
    '$file: the provider’s own headings, the targets, typed signatures and the review outcome',
    async ({ procedure, roles, expected, file }) => {
      const c = open(procedure, roles);
      realistic(c);
      const outcomeId = firstOutcome(c);
      review(c, outcomeId, c.state.plan?.content.targets.map(() => 'met') ?? []);
      const pdf = await renderFormPdf(procedure, c.state, { compress: false });
      expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
      const text = flat(extractText(pdf));
      for (const words of expected) expect(text).toContain(words);
      expect(text).toContain('Establish calm, consistent entry routines so that learning starts within three minutes.');
      expect(text).toContain('Plan and rehearse entry routines; script the first three minutes.');
      expect(text).toContain('Lessons start promptly with all pupils engaged');
      expect(text).toContain('13 November 2026');
      for (const s of c.state.plan?.signatures ?? []) expect(text).toContain(s.typedName);
      const label =
        procedure.stages.flatMap((s) => s.review?.outcomes ?? []).find((o) => o.id === outcomeId)?.label ?? '';
      expect(text).toContain(flat(pdfText(label)).slice(0, 40));
      expect(text).toContain('Page 1 of');
      // The compressed copy (what emails carry) is the same document, smaller.
      const compressed = await renderFormPdf(procedure, c.state);
      expect(compressed.byteLength).toBeLessThan(pdf.byteLength);
      const images = renderPages(compressed, file);
      if (images.length > 0) expect(images[0]).toMatch(/-page-1\.png$/);
    },
  );

  it('long text wraps and runs onto further pages; no text is lost', async () => {
    const c = open(me, ['trainee', 'course_tutor', 'director']);
    const long = Array.from({ length: 220 }, (_, i) => `sentence${i} about routines and expectations.`).join(' ');
    const unbroken = 'Q'.repeat(1900);
    draftPlan(c, {
      reviewDate: parseLocalDate('2026-11-13'),
      concernStatement: long.slice(0, 4000),
      targets: [
        {
          text: 'Target A',
          links: [],
          actions: [{ party: 'trainee', text: long.slice(0, 2000) }],
          successCriteria: unbroken,
          observationFocus: false,
        },
      ],
    });
    const pdf = await renderFormPdf(me, c.state, { compress: false });
    expect(pageCount(pdf)).toBeGreaterThan(1);
    const text = extractText(pdf);
    expect(text.replace(/[^Q]/g, '')).toHaveLength(1900);
    const words = new Set(flat(text).split(' '));
    for (const w of long.slice(0, 2000).split(' ').slice(0, -1)) expect(words).toContain(w);
  });

  it('any Unicode renders without a crash: what the embedded fonts draw as written, the rest folded', async () => {
    const hostile = 'Zoë Łukasz 李小龍 😀 \u0000\u001b[31m <script>alert(1)</script> ‘quoted’ – \u202Eevil \uD800';
    const c = open(bcu, ['trainee', 'mentor', 'tutor']);
    draftPlan(c, {
      reviewDate: parseLocalDate('2026-11-13'),
      concernStatement: hostile,
      targets: [{ text: hostile, links: [], actions: [{ party: 'trainee', text: hostile }], observationFocus: false }],
    });
    const pdf = await renderFormPdf(bcu, c.state, { compress: false });
    const text = extractText(pdf);
    expect(text).toContain('Zoë Łukasz 李小龍 ?');
    expect(text).toContain('<script>alert(1)</script>');
    expect(Array.from(text).filter((ch) => (ch.codePointAt(0) ?? 0) < 0x09 || ch === '\u001b')).toEqual([]);
    expect(pdfText('a\u0000b\u0007c')).toBe('abc');
    expect(pdfText('Café ñ — “ok”')).toBe('Café ñ — “ok”');
    expect(pdfText('Łukasz 李华 Siân Ŵyn 😀')).toBe('Łukasz 李华 Siân Ŵyn ?');
  });

  it('names print as written; Full Name is the name on record and the typed signature its own column', async () => {
    const named: Record<string, string> = { trainee: 'Łukasz Nowak', mentor: 'Zoë Kowalczyk', tutor: '李华' };
    const c = openWalk(bcu, {
      on: '2026-11-02',
      by: 'course_team',
      caseId: 'case-names',
      input: {
        reference: 'CASE-NAMES',
        reasons: [bcu.reasons[0]?.id ?? 'progress'],
        people: Object.entries(named).map(([role, name]) => personFor(role, { name })),
        placement: {
          school: 'Ysgol Gymraeg Siân Phillips',
          programme: 'PGCE Primary 2026/27',
          subject: 'Primary',
          phase: undefined,
          startsOn: undefined,
          endsOn: undefined,
        },
      },
    });
    draftPlan(c, { reviewDate: parseLocalDate('2026-11-13') });
    // Each signs by typing their name, which need not match the record's capitals.
    const typed: Record<string, string> = { trainee: 'łukasz nowak', mentor: 'zoë kowalczyk', tutor: '李华' };
    for (let guard = 0; guard < 10; guard += 1) {
      const next = outstandingSignatories(bcu, c.state)[0];
      const role = next?.people[0]?.role;
      if (role === undefined) break;
      c.run(role, signPlan, { role, typedName: typed[role] ?? role });
    }
    expect(c.state.plan?.signatures.length).toBeGreaterThan(0);
    const pdf = await renderFormPdf(bcu, c.state);
    const text = extractText(pdf);
    for (const name of [...Object.values(named), 'Ysgol Gymraeg Siân Phillips']) expect(text).toContain(name);
    const lines = text.split('\n');
    for (const s of c.state.plan?.signatures ?? []) {
      // The signature row: role, the name on record, what they typed, the date.
      const row = lines.find((l) => l.includes(typed[s.role] ?? '\u0000'));
      expect(row, `the signature row of ${s.role}`).toBeDefined();
      expect(row).toContain(named[s.role]);
    }
    // Embedded fonts are subsets: the form stays small.
    expect(pdf.byteLength).toBeLessThan(200_000);
  });

  it('the file name carries the case reference and nothing a header could trip on', () => {
    expect(formPdfName('BCU-2026-014')).toBe('BCU-2026-014-form.pdf');
    expect(formPdfName('a/b\\c"d\r\ne')).toBe('a-b-c-d-e-form.pdf');
    expect(formPdfName('"""')).toBe('case-form.pdf');
  });
});
