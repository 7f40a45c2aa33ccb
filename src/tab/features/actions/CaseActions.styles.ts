import { makeStyles, tokens } from '@fluentui/react-components';

export const useActionStyles = makeStyles({
  member: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(9rem, 1fr))',
    gap: tokens.spacingHorizontalS,
    border: 'none',
    margin: 0,
    padding: 0,
  },
  fieldset: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingVerticalS,
  },
  muted: { color: tokens.colorNeutralForeground2 },
  outcome: { display: 'flex', flexDirection: 'column' },
  attended: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  effect: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  weekPlan: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  weeks: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  milestones: { marginTop: tokens.spacingVerticalXS, marginBottom: 0, paddingLeft: tokens.spacingHorizontalXL },
  letter: { whiteSpace: 'pre-wrap' },
});
