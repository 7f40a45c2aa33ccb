import { Field, Textarea } from '@fluentui/react-components';

/** A labelled multi-line text box, the shape every case action uses for a reason, a rationale or someone's words. */
export function TextareaField(props: {
  readonly label: string;
  readonly hint?: string | undefined;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly rows?: number;
  readonly resize?: 'none' | 'horizontal' | 'vertical' | 'both';
}) {
  const { onChange } = props;
  return (
    <Field label={props.label} hint={props.hint}>
      <Textarea
        value={props.value}
        rows={props.rows}
        resize={props.resize}
        onChange={(_e, d) => {
          onChange(d.value);
        }}
      />
    </Field>
  );
}
