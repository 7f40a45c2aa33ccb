import { makeStyles, tokens } from '@fluentui/react-components';

export const usePersonPickerStyles = makeStyles({
  // The search status sits beside the box, where the open list of people does not cover it.
  finder: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
  },
  field: { flexGrow: 1, flexBasis: '20rem', maxWidth: '32rem' },
  status: {
    flexBasis: '14rem',
    flexGrow: 1,
    paddingTop: tokens.spacingVerticalXXL,
    color: tokens.colorNeutralForeground2,
  },
  option: { display: 'flex', flexDirection: 'column' },
  detail: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
});
