/**
 * The channel tab's settings, as `pages.config.setConfig` takes them: the dashboard filtered to
 * one programme (`?programme=`), opened inside the host (`inHost=1`), and the same page without
 * the host flag for "Go to website".
 */
export interface ChannelTabConfig {
  readonly entityId: string;
  readonly contentUrl: string;
  readonly websiteUrl: string;
  readonly suggestedDisplayName: string;
}

/** Every programme the person covers (no `programme` parameter). */
export const ALL_PROGRAMMES = '*';

export function defaultTabName(programme: string): string {
  return programme === ALL_PROGRAMMES ? 'Trellis cases' : `Trellis — ${programme}`.slice(0, 100);
}

/** Entity ids are stable per programme, so re-saving the same choice updates the same tab. */
export function entityIdFor(programme: string): string {
  const slug = programme
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `trellis-${slug === '' ? 'all' : slug}`;
}

export function channelTabConfig(origin: string, programme: string, displayName: string): ChannelTabConfig {
  const query = programme === ALL_PROGRAMMES ? '' : `programme=${encodeURIComponent(programme)}`;
  return {
    entityId: entityIdFor(programme),
    contentUrl: `${origin}/?inHost=1${query === '' ? '' : `&${query}`}`,
    websiteUrl: `${origin}/${query === '' ? '' : `?${query}`}`,
    suggestedDisplayName: displayName.trim(),
  };
}

/**
 * The programme a channel tab was saved with (its content URL, from `pages.getConfig` when the
 * configuration page is reopened), or undefined when nothing of ours was saved there yet.
 */
export function programmeOfSavedConfig(contentUrl: string | undefined, origin: string): string | undefined {
  if (contentUrl === undefined || contentUrl === '') return undefined;
  let url: URL;
  try {
    url = new URL(contentUrl);
  } catch {
    return undefined;
  }
  if (url.origin !== origin) return undefined;
  const programme = url.searchParams.get('programme');
  return programme === null || programme.trim() === '' ? ALL_PROGRAMMES : programme;
}

/** Why the choice cannot be saved yet, or undefined when it can. */
export function configProblem(programme: string | undefined, displayName: string): string | undefined {
  if (programme === undefined) return 'Choose the programme whose cases this channel follows.';
  if (displayName.trim() === '') return 'Give the tab a name, so the channel can tell it apart.';
  if (displayName.trim().length > 100) return 'Keep the tab name to 100 characters or fewer.';
  return undefined;
}
