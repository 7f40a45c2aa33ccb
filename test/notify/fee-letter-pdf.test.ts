import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatLongDate, parseLocalDate } from '../../src/domain/calendar/index.js';
import { waiveFee } from '../../src/domain/case/commands/decisions-after.js';
import type { CaseDriver } from '../../src/domain/case/testing.js';
import { bcuRapidImprovementTargets as bcu } from '../../src/domain/procedures/index.js';
import { formForNotification } from '../../src/app/views/recipient-view.js';
import { renderEmail } from '../../src/notify/email.js';
import { feeLetterPdfName, hasLetter, renderFeeLetterPdf } from '../../src/notify/fee-letter-pdf.js';
import { CONFIG, open, step } from './kit.js';

const work = mkdtempSync(path.join(tmpdir(), 'trellis-fee-letter-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The PDF's text as poppler reads it, line breaks folded to spaces. */
function extractText(pdf: Uint8Array): string {
  const file = path.join(work, `letter-${String(Math.random()).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

const PANEL_DAY = parseLocalDate('2026-11-20');
const WAIVED_ON = parseLocalDate('2026-11-23');

/**
 * A BCU case whose Placement Review Panel decided "a second and final attempt with a RIT": the
 * decision that brings the £1125 resit fee the course team may waive. The panel's record is set
 * on the state as the panel command leaves it (the walk through every stage to get there is
 * the BCU walk's own test); the waiver is the real command.
 */
function decidedCase(): CaseDriver {
  const c = open(bcu, ['trainee', 'mentor', 'tutor', 'course_leader']);
  c.state = {
    ...c.state,
    placement: { ...c.state.placement, school: 'Hollybank Primary School', subject: 'Primary (5–11)' },
    panels: [
      {
        panelId: 'placement_review_panel',
        stageId: 'stage_5',
        convenedOn: parseLocalDate('2026-11-13'),
        members: [],
        evidence: [],
        chair: undefined,
        decisionId: 'second_attempt_with_rit',
        meetings: [{ heldOn: PANEL_DAY, attendees: [], decisionId: 'second_attempt_with_rit', rationale: undefined }],
      },
    ],
  };
  return c;
}

const REASON = 'Bereavement during the placement (Zoë’s grandmother), supported by the student support team.';

describe('the fee letter', () => {
  it('prints the case’s facts and the letter as it was sent to the trainee', async () => {
    const c = decidedCase();
    c.clock.set(WAIVED_ON);
    c.run('course_team', waiveFee, { reason: REASON });
    const waiver = c.state.feeWaivers[0];
    if (!waiver || !hasLetter(waiver)) throw new Error('no waiver with its letter');
    const trainee = c.state.people.find((p) => p.role === 'trainee');
    const text = extractText(await renderFeeLetterPdf(bcu, c.state, waiver, { compress: false }));
    const decision = bcu.panels[0]?.decisions.find((d) => d.id === 'second_attempt_with_rit')?.label ?? '?';
    for (const expected of [
      'Confirmation of fee waiver',
      bcu.provider.name,
      `Case ${c.state.reference}`,
      `Trainee ${trainee?.name ?? '?'}`,
      'Course PGCE Primary 2026/27 · Primary (5–11)',
      'School Hollybank Primary School',
      `Decision ${decision} (${formatLongDate(PANEL_DAY)})`,
      'Waived The fee of £1125 this decision brings',
      `Confirmed by ${waiver.byName}, for the course team`,
      `Confirmed on ${formatLongDate(WAIVED_ON)}`,
      'The letter sent to the trainee',
      `Dear ${trainee?.name ?? '?'},`,
      'the fee of £1125 is waived',
      REASON,
    ])
      expect(text).toContain(expected);
  });

  it('goes to the trainee by email as the attached PDF, and says it is attached', async () => {
    const c = decidedCase();
    c.clock.set(WAIVED_ON);
    const sent = step(c, CONFIG, () => c.run('course_team', waiveFee, { reason: REASON }));
    const toTrainee = sent.find(
      (n) => n.about === 'fee_waived' && n.channel === 'email' && n.recipient.kind === 'person',
    );
    expect(toTrainee?.attachForm).toBe(true);
    if (!toTrainee) throw new Error('no email to the trainee');
    expect(renderEmail(toTrainee).html).toContain('The letter is attached as a PDF.');
    const attached = await formForNotification(
      bcu,
      { state: c.state, events: c.events, etag: '' },
      { ...toTrainee, caseVersion: c.state.version },
    );
    expect(attached.name).toBe(`${c.state.reference}-fee-letter.pdf`);
    const text = extractText(attached.bytes);
    expect(text).toContain('Confirmation of fee waiver');
    expect(text).toContain(REASON);
  });

  it('is named by the case reference, numbered from the second letter', () => {
    expect(feeLetterPdfName('BCU-2026-014')).toBe('BCU-2026-014-fee-letter.pdf');
    expect(feeLetterPdfName('BCU-2026-014', 2)).toBe('BCU-2026-014-fee-letter-2.pdf');
    expect(feeLetterPdfName('a/b"c')).toBe('a-b-c-fee-letter.pdf');
  });
});
