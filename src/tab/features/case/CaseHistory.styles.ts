import { makeStyles, tokens } from '@fluentui/react-components';

export const useHistoryStyles = makeStyles({
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  signature: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'baseline', flexWrap: 'wrap' },
  timeline: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    borderLeft: `${tokens.strokeWidthThick} solid ${tokens.colorBrandStroke2}`,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  item: {
    paddingLeft: tokens.spacingHorizontalM,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  when: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  progress: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});
