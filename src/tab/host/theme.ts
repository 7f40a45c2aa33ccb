import { teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme, type Theme } from '@fluentui/react-components';

/** The three themes Teams and Outlook hand a tab; a plain browser picks from the URL or the OS. */
export const THEME_NAMES = ['default', 'dark', 'contrast'] as const;
export type ThemeName = (typeof THEME_NAMES)[number];

export function fluentThemeFor(name: ThemeName): Theme {
  switch (name) {
    case 'default':
      return teamsLightTheme;
    case 'dark':
      return teamsDarkTheme;
    case 'contrast':
      return teamsHighContrastTheme;
  }
}

/** Teams says "default" | "dark" | "contrast"; anything else (a newer host) falls back to light. */
export function themeNameOf(value: string | null | undefined): ThemeName {
  return THEME_NAMES.find((n) => n === value) ?? 'default';
}

/** Outside a host: `?theme=` wins (links and tests), then the OS preference (forced colours → contrast). */
export function browserTheme(search: string): ThemeName {
  const asked = new URLSearchParams(search).get('theme');
  if (asked !== null) return themeNameOf(asked);
  if (window.matchMedia('(forced-colors: active)').matches) return 'contrast';
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'default';
}

export function watchBrowserTheme(search: string, onChange: (name: ThemeName) => void): () => void {
  if (new URLSearchParams(search).has('theme')) return () => undefined;
  const queries = [window.matchMedia('(prefers-color-scheme: dark)'), window.matchMedia('(forced-colors: active)')];
  const listener = (): void => {
    onChange(browserTheme(search));
  };
  for (const q of queries) q.addEventListener('change', listener);
  return () => {
    for (const q of queries) q.removeEventListener('change', listener);
  };
}
