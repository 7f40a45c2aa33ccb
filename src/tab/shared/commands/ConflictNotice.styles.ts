import { makeStyles, tokens } from '@fluentui/react-components';

export const useConflictStyles = makeStyles({
  list: {
    marginTop: tokens.spacingVerticalXS,
    marginBottom: tokens.spacingVerticalXS,
    paddingLeft: tokens.spacingHorizontalXL,
  },
});
