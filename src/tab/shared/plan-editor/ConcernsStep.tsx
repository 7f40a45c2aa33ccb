import { Button, Field, Select, Text, Textarea } from '@fluentui/react-components';
import type { PlanRules } from '../../../domain/procedure/schema';
import type { FrameworkDetail } from '../../api/types';
import { emptyConcern, type CatalogueOption, type PlanDraft } from './plan-draft';
import { usePlanEditorStyles } from './PlanEditor.styles';
import { StandardsPicker } from './StandardsPicker';

/** The concerns with their standards: used by the wizard and by "Edit plan" on the case. */
export function ConcernsStep(props: {
  readonly draft: PlanDraft;
  readonly set: (change: Partial<PlanDraft>) => void;
  readonly rules: PlanRules;
  readonly frameworks: readonly FrameworkDetail[];
  readonly options: readonly CatalogueOption[];
}) {
  const styles = usePlanEditorStyles();
  const { draft, set, rules, frameworks, options } = props;
  return (
    <>
      <Text>
        Describe each concern and link it to the standards it relates to (
        {frameworks.map((f) => f.name).join('; ') || 'loading the catalogue…'}).
      </Text>
      {rules.fields.includes('concern_statement') ? (
        <Field
          label="Concern statement"
          required
          hint="The summary at the top of the form: the plan cannot be signed without it."
        >
          <Textarea
            value={draft.concernStatement}
            resize="vertical"
            onChange={(_e, d) => {
              set({ concernStatement: d.value });
            }}
          />
        </Field>
      ) : null}
      {draft.concerns.map((c, i) => (
        <fieldset key={c.key} className={styles.group}>
          <legend>Concern {i + 1}</legend>
          <Field label={`Concern ${i + 1}`}>
            <Textarea
              value={c.text}
              resize="vertical"
              onChange={(_e, d) => {
                set({ concerns: draft.concerns.map((x) => (x.key === c.key ? { ...x, text: d.value } : x)) });
              }}
            />
          </Field>
          <StandardsPicker
            label={`Standards for concern ${i + 1}`}
            options={options}
            links={c.links}
            onChange={(links) => {
              set({ concerns: draft.concerns.map((x) => (x.key === c.key ? { ...x, links } : x)) });
            }}
          />
          {rules.grades ? (
            <Field
              label={`Grade for concern ${i + 1}`}
              required
              hint="Against the grade descriptors. A concern graded below expectation needs a target linked to one of its standards."
            >
              <Select
                value={c.grade ?? ''}
                onChange={(_e, d) => {
                  set({ concerns: draft.concerns.map((x) => (x.key === c.key ? { ...x, grade: d.value } : x)) });
                }}
              >
                <option value="">Choose a grade</option>
                {rules.grades.scale.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.label}
                  </option>
                ))}
              </Select>
            </Field>
          ) : null}
          <div>
            <Button
              onClick={() => {
                set({ concerns: draft.concerns.filter((x) => x.key !== c.key) });
              }}
            >
              Remove concern {i + 1}
            </Button>
          </div>
        </fieldset>
      ))}
      <div>
        <Button
          onClick={() => {
            set({ concerns: [...draft.concerns, emptyConcern()] });
          }}
        >
          Add a concern
        </Button>
      </div>
    </>
  );
}
