import { Dropdown, Field, Option } from '@fluentui/react-components';
import { linkValue, type CatalogueOption, type Link } from './plan-draft';

/** Standards from the procedure's frameworks for a concern or a target: several may be chosen. */
export function StandardsPicker(props: {
  readonly label: string;
  readonly options: readonly CatalogueOption[];
  readonly links: readonly Link[];
  readonly onChange: (links: Link[]) => void;
}) {
  const selected = props.links.map(linkValue);
  const chosen = props.options.filter((o) => selected.includes(o.value));
  return (
    <Field label={props.label} hint={chosen.length === 0 ? 'None chosen yet' : chosen.map((o) => o.code).join(', ')}>
      <Dropdown
        multiselect
        placeholder="Choose standards"
        selectedOptions={selected}
        value={chosen.map((o) => o.code).join(', ')}
        onOptionSelect={(_e, d) => {
          props.onChange(
            props.options
              .filter((o) => d.selectedOptions.includes(o.value))
              .map((o) => ({ frameworkId: o.frameworkId, code: o.code })),
          );
        }}
      >
        {props.options.map((o) => (
          <Option key={o.value} value={o.value} text={o.text}>
            {o.text}
          </Option>
        ))}
      </Dropdown>
    </Field>
  );
}
