import { makeStyles, tokens } from '@fluentui/react-components';

export const useHomeStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXL },
});
