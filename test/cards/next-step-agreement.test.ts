import { describe, expect, it } from 'vitest';
import { addDays, type LocalDate } from '../../src/domain/calendar/index.js';
import {
  calendarFor,
  outstandingSignatories,
  pauseCase,
  type CaseState,
  type Person,
} from '../../src/domain/case/index.js';
import { courseTeam } from '../../src/domain/case/testing.js';
import { isDomainError } from '../../src/domain/errors.js';
import { caseSummaryView, MAX_REFRESH_USER_IDS } from '../../src/cards/index.js';
import { caseView, redactFor } from '../../src/app/views/case-view.js';
import { SCENARIOS, sourceOf, teamsUserIdOf, type Scenario } from './fixtures.js';

/**
 * The Teams summary card's button and the tab's next step are one rule (domain/case/next-steps.ts):
 * for every state each seed procedure's walk reaches (and the same state paused), on days before,
 * at and after its review, everyone on the case is offered the same thing in both — Sign, Complete
 * the review, or nothing — and exactly those offered something get the card refreshed for them.
 */

type Offer = 'sign' | 'review' | undefined;

/** The case page's next steps as the person's view of the case gives them (the same for everyone of a side). */
type StepsBySide = (
  side: 'trainee' | 'staff',
) => readonly { readonly kind: string; readonly from: readonly { readonly id: string }[] }[];

function tabSteps(s: Scenario, state: CaseState, today: LocalDate): StepsBySide {
  const views = new Map<string, ReturnType<typeof caseView>>();
  return (side) => {
    let view = views.get(side);
    if (view === undefined) {
      view = caseView({ state, events: [], etag: '"v1"' }, s.procedure, new Date(`${today}T12:00:00Z`), side);
      views.set(side, view);
    }
    return view.derived.nextSteps;
  };
}

/** What the case page leads with for this person: their first step that is a signature or a review. */
function tabOffer(s: Scenario, steps: StepsBySide, person: Person): Offer {
  const side = s.procedure.roles.find((r) => r.id === person.role)?.side === 'trainee' ? 'trainee' : 'staff';
  const me = person.id.toLowerCase();
  const step = steps(side).find(
    (st) => (st.kind === 'sign' || st.kind === 'review') && st.from.some((p) => p.id.toLowerCase() === me),
  );
  return step?.kind === 'sign' || step?.kind === 'review' ? step.kind : undefined;
}

/** What the summary card (built from the shared view, as summaryCardFor does) offers the same person. */
function cardOffer(s: Scenario, state: CaseState, person: Person, today: LocalDate): Offer {
  const view = caseSummaryView(sourceOf(s, redactFor(state, 'shared'), today), { viewerId: person.id });
  return view.hasSign ? 'sign' : view.hasReview ? 'review' : undefined;
}

function pausedOf(s: Scenario, state: CaseState, today: LocalDate): CaseState | undefined {
  if (state.status === 'closed' || state.paused) return undefined;
  const ctx = {
    procedure: s.procedure,
    calendar: calendarFor(s.procedure),
    now: new Date(`${today}T12:00:00Z`),
    actor: courseTeam,
  };
  try {
    return pauseCase(ctx, state, { reason: 'health' }).state;
  } catch (error) {
    // A state the procedure does not let the course team pause is not reached paused.
    if (isDomainError(error)) return undefined;
    throw error;
  }
}

/** The day the state was reached and, where it has a review date, days well before, just before, on and after it. */
function daysAround(state: CaseState): LocalDate[] {
  const review = state.plan?.content.reviewDate;
  const days = [state.updatedAt.slice(0, 10) as LocalDate];
  if (review !== undefined) days.push(addDays(review, -14), addDays(review, -2), review, addDays(review, 9));
  return days;
}

describe('the summary card’s button and the tab’s next step', () => {
  it.each(SCENARIOS.map((s) => [s.procedure.id, s] as const))(
    'agree for everyone in every state of the %s walk',
    (_id, s) => {
      const seen = new Set<string>();
      let checked = 0;
      for (const walked of s.states) {
        for (const today of daysAround(walked)) {
          for (const state of [walked, pausedOf(s, walked, today)]) {
            if (state === undefined) continue;
            const refreshed = new Set(
              caseSummaryView(sourceOf(s, redactFor(state, 'shared'), today), { teamsUserIdOf }).refreshUserIds,
            );
            const steps = tabSteps(s, state, today);
            const awaited = new Set<string>();
            for (const person of state.people) {
              const tab = tabOffer(s, steps, person);
              const card = cardOffer(s, state, person, today);
              expect(
                card,
                `${state.status}${state.paused ? ' (paused)' : ''} at ${state.stageId} on ${today}, ${person.role}`,
              ).toBe(tab);
              if (tab !== undefined) {
                seen.add(tab);
                awaited.add(teamsUserIdOf(person));
              }
              checked += 1;
            }
            // Refreshed for those it awaits something from (Teams takes at most five).
            expect([...refreshed].every((id) => awaited.has(id))).toBe(true);
            expect(refreshed.size).toBe(Math.min(awaited.size, MAX_REFRESH_USER_IDS));
          }
        }
      }
      // The walk reaches the review button, and the Sign button where the plan names its
      // signatories (a plan any member of staff on the case agrees has none), so the agreement
      // above is not vacuous.
      const named = s.states.some(
        (st) => st.plan?.agreedOn === undefined && outstandingSignatories(s.procedure, st).length > 0,
      );
      expect(seen).toEqual(new Set(named ? ['sign', 'review'] : ['review']));
      expect(checked).toBeGreaterThan(50);
    },
  );
});
