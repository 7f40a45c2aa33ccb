import { describe, expect, it } from 'vitest';
import { caseDeepLink } from '../../cards/deep-links.js';
import { casePath, deepLinkPath } from './paths';

describe('where the tab opens for a deep link', () => {
  it('opens the case at the form a card’s link names, from the subEntityId Teams hands the tab as page.subPageId', () => {
    const link = new URL(
      caseDeepLink(
        { appId: 'app', tabEntityId: 'my-cases', publicUrl: 'https://trellis.example' },
        'c 1',
        'Case X',
        'review',
      ),
    );
    const { subEntityId } = JSON.parse(link.searchParams.get('context') ?? '') as { subEntityId: string };
    expect(deepLinkPath(subEntityId)).toBe('/cases/c%201#review');
    // The browser fallback is the same place.
    const web = new URL(link.searchParams.get('webUrl') ?? '');
    expect(`${web.pathname}${web.hash}`).toBe(deepLinkPath(subEntityId));
  });

  it('opens a case without a form at its top, and nothing for an empty sub-page', () => {
    expect(deepLinkPath('case-a')).toBe('/cases/case-a');
    expect(deepLinkPath('case-a#sign')).toBe(casePath('case-a', 'sign'));
    expect(deepLinkPath('')).toBeUndefined();
    expect(deepLinkPath(undefined)).toBeUndefined();
  });
});
