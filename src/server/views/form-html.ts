import { formatLongDate, type LocalDate } from '../../domain/calendar/index.js';
import { planRulesOf, type CaseState, type Plan } from '../../domain/case/index.js';
import { findFrameworkEntry } from '../../domain/frameworks/framework.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { html, page, type SafeHtml } from '../http/html.js';
import type { ViewAccess } from '../../app/views/case-view.js';
import { stateFor } from '../../app/views/case-view.js';

/**
 * The case's form as the provider lays it out (trainee and placement details, concerns against
 * the standards, targets with actions per party, review date, signatures), as HTML. Every value
 * goes through `html` (escaped). The PDF copy for e-mails is a later issue.
 */
const date = (d: LocalDate | undefined): string => (d === undefined ? '' : formatLongDate(d));

function linkLabels(procedure: Procedure, links: readonly { frameworkId: string; code: string }[]): SafeHtml {
  return html`${links.map((l) => {
    const framework = procedure.frameworks.find((f) => f.id === l.frameworkId);
    const entry = framework ? findFrameworkEntry(framework, l.code) : undefined;
    return html`<span class="link" title="${entry?.label ?? ''}">${l.code}</span> `;
  })}`;
}

function planSection(procedure: Procedure, state: CaseState, plan: Plan): SafeHtml {
  const rules = planRulesOf(procedure, plan);
  const roleLabel = (id: string): string =>
    procedure.roles.find((r) => r.id === id)?.label ?? rules.responsibilities.find((r) => r.code === id)?.label ?? id;
  const c = plan.content;
  const requirements = rules.signatures.required;
  return html`
<section class="form">
<h2>${rules.title} <small>(version ${plan.version}${plan.agreedOn ? html`, agreed ${date(plan.agreedOn)}` : ', not yet agreed'})</small></h2>
${c.meeting.heldOn ? html`<p><strong>Meeting:</strong> ${date(c.meeting.heldOn)}${c.meeting.mode ? ` (${c.meeting.mode === 'online' ? 'online' : 'in person'})` : ''}; present: ${c.meeting.attendees.map(roleLabel).join(', ')}</p>` : ''}
${c.concernStatement ? html`<h3>Statement of concern</h3><p>${c.concernStatement}</p>` : ''}
${c.concerns.length > 0 ? html`<h3>Areas of concern</h3><ul>${c.concerns.map((x) => html`<li>${x.text} ${linkLabels(procedure, x.links)}</li>`)}</ul>` : ''}
${plan.perceptions ? html`<h3>The trainee's perceptions</h3><p>${plan.perceptions.text}</p>` : ''}
<h3>Targets</h3>
<table>
<thead><tr><th scope="col">Target</th><th scope="col">Standards</th><th scope="col">Actions</th><th scope="col">Success criteria</th><th scope="col">Timescale</th></tr></thead>
<tbody>
${c.targets.map(
  (t) =>
    html`<tr><td><strong>${t.id}</strong> ${t.text}${t.observationFocus ? html` <em>(observation focus)</em>` : ''}</td><td>${linkLabels(procedure, t.links)}</td><td><ul>${t.actions.map((a) => html`<li><strong>${roleLabel(a.party)}:</strong> ${a.text}</li>`)}</ul>${t.supportRequired ? html`<p>Support: ${t.supportRequired}</p>` : ''}${t.monitoring ? html`<p>Monitoring: ${t.monitoring}</p>` : ''}</td><td>${t.successCriteria ?? ''}</td><td>${t.timescale ?? ''}</td></tr>`,
)}
</tbody>
</table>
${c.trainingNeeds ? html`<h3>Training needs</h3><p>${c.trainingNeeds}</p>` : ''}
${c.supportMeasures.length > 0 ? html`<h3>Support</h3><ul>${c.supportMeasures.map((m) => html`<li>${m}</li>`)}</ul>` : ''}
<p><strong>Review date:</strong> ${date(c.reviewDate) || 'not set'}${rules.reviewWindowText ? html` <small>(${rules.reviewWindowText})</small>` : ''}</p>
${rules.noticeToTrainee ? html`<p class="notice">${rules.noticeToTrainee}</p>` : ''}
<h3>Signatures</h3>
<p>${rules.signatures.statement}</p>
<table>
<thead><tr><th scope="col">Role</th><th scope="col">Signed (typed name)</th><th scope="col">Date</th></tr></thead>
<tbody>
${(requirements.length > 0
  ? requirements.map((r) => r.anyOf)
  : [...new Set(plan.signatures.map((s) => s.role))].map((r) => [r])
).map((anyOf) => {
  const signature = plan.signatures.find((s) => anyOf.includes(s.role));
  return html`<tr><td>${anyOf.map(roleLabel).join(' or ')}</td><td>${signature?.typedName ?? ''}</td><td>${date(signature?.signedOn)}${signature?.wordingCorrectedOn === undefined ? '' : ` (given before the correction of ${date(signature.wordingCorrectedOn)})`}</td></tr>`;
})}
</tbody>
</table>
</section>`;
}

export function formHtml(procedure: Procedure, stored: CaseState, access: ViewAccess): string {
  const state = stateFor(stored, access);
  const stageTitle = procedure.stages.find((s) => s.id === state.stageId)?.title ?? state.stageId;
  const roleLabel = (id: string): string => procedure.roles.find((r) => r.id === id)?.label ?? id;
  const plans = [...state.previousPlans, ...(state.plan ? [state.plan] : [])].reverse();
  const body = html`
<header class="form-header">
<p class="provider">${procedure.provider.name}${procedure.confidential ? html` <strong class="confidential">CONFIDENTIAL</strong>` : ''}</p>
<h1>${procedure.name}</h1>
<p>Case ${state.reference}: ${stageTitle}; status ${state.status.replace(/_/g, ' ')}${state.paused ? ' (paused)' : ''}</p>
</header>
<section>
<h2>Trainee and placement</h2>
<table>
<tbody>
${state.people.map((p) => html`<tr><th scope="row">${roleLabel(p.role)}</th><td>${p.name}</td><td>${p.email}</td></tr>`)}
<tr><th scope="row">School</th><td colspan="2">${state.placement.school}</td></tr>
<tr><th scope="row">Programme</th><td colspan="2">${state.placement.programme}</td></tr>
${state.placement.subject ? html`<tr><th scope="row">Subject</th><td colspan="2">${state.placement.subject}</td></tr>` : ''}
${state.placement.phase ? html`<tr><th scope="row">Phase</th><td colspan="2">${state.placement.phase}</td></tr>` : ''}
<tr><th scope="row">Reasons</th><td colspan="2">${state.reasons.map((id) => procedure.reasons.find((r) => r.id === id)?.label ?? id).join('; ')}</td></tr>
</tbody>
</table>
</section>
${plans.map((plan) => planSection(procedure, state, plan))}
${
  state.reviews.length > 0
    ? html`<section><h2>Reviews</h2>${state.reviews.map(
        (
          r,
        ) => html`<article><h3>${procedure.stages.find((s) => s.id === r.stageId)?.title ?? r.stageId}: review on ${date(r.reviewedOn)}</h3>
<p><strong>Outcome:</strong> ${procedure.stages.find((s) => s.id === r.stageId)?.review?.outcomes.find((o) => o.id === r.outcomeId)?.label ?? r.outcomeId}</p>
${r.progress.length > 0 ? html`<ul>${r.progress.map((p) => html`<li>${p.targetId}: ${p.rating.replace(/_/g, ' ')}${p.comment ? html` — ${p.comment}` : ''}</li>`)}</ul>` : ''}
${r.evidence ? html`<p><strong>Evidence:</strong> ${r.evidence}</p>` : ''}
${r.notes ? html`<p><strong>Notes:</strong> ${r.notes}</p>` : ''}
${r.nextSteps ? html`<p><strong>Next steps:</strong> ${r.nextSteps}</p>` : ''}
</article>`,
      )}</section>`
    : ''
}
${state.closure ? html`<section><h2>Closed</h2><p>${date(state.closure.on)}: ${state.closure.resolution.replace(/_/g, ' ')}${state.closure.reason ? html` — ${state.closure.reason}` : ''}${state.closure.handOffTo ? html` — handed on to ${state.closure.handOffTo}` : ''}</p></section>` : ''}
<footer><p><small>Printable copy from Trellis. The PDF sent with e-mails comes in a later release.</small></p></footer>`;
  return page({ title: `${state.reference} — ${procedure.name}`, body });
}
