import { Combobox, Field, Option, OptionGroup, Text, useId } from '@fluentui/react-components';
import { useState } from 'react';
import type { ApiClient } from '../../api/client';
import { directoryOnly, fromDirectory, matchingKnown, searchSentence, type KnownPerson } from './people-search-model';
import { usePersonPickerStyles } from './PersonPicker.styles';
import { usePeopleSearch } from './use-people-search';

export interface ChosenPerson {
  readonly name: string;
  readonly email: string;
  readonly upn: string;
}

const KNOWN = 'known:';
const DIRECTORY = 'directory:';

/**
 * Finds a person for one line of the case: people already on cases the caller can see come
 * first (filtered as they type), then the organisation's directory (searched once the typing
 * pauses, from two characters). Choosing someone fills the name and email; someone who is in
 * neither (a school mentor without an account) is typed by hand in the fields below it. The
 * search's progress and result are announced in a polite live region beside the box.
 * `holdsChoice` is false once the row no longer holds a chosen person (its name or email was
 * edited by hand): the box then stops naming them, and says why.
 */
export function PersonPicker(props: {
  readonly api: ApiClient;
  readonly roleLabel: string;
  readonly known: readonly KnownPerson[];
  readonly holdsChoice: boolean;
  readonly onChoose: (person: ChosenPerson) => void;
}) {
  const styles = usePersonPickerStyles();
  const statusId = useId('person-search-status');
  const search = usePeopleSearch(props.api, props.holdsChoice);
  const [open, setOpen] = useState(false);
  const known = matchingKnown(props.known, search.state.text);
  const directory = directoryOnly(search.state.people, props.known);
  const sentence = searchSentence(search.state);
  const hasOptions = known.length > 0 || directory.length > 0;

  const choose = (value: string | undefined): void => {
    if (value?.startsWith(KNOWN) === true) {
      const person = props.known.find((k) => `${KNOWN}${k.id}` === value);
      if (person === undefined) return;
      search.choose(person.name);
      props.onChoose({ name: person.name, email: person.id, upn: person.id });
    } else if (value?.startsWith(DIRECTORY) === true) {
      const person = search.state.people.find((p) => `${DIRECTORY}${p.upn}` === value);
      if (person === undefined) return;
      search.choose(person.name);
      props.onChoose(fromDirectory(person));
    }
    setOpen(false);
  };

  return (
    <div className={styles.finder}>
      <Field
        className={styles.field}
        label={`Find the ${props.roleLabel}`}
        hint="Type two or more letters of their name or email. Not listed? Fill in their name and email below."
      >
        <Combobox
          freeform
          autoComplete="off"
          placeholder="Start typing a name"
          value={search.state.text}
          selectedOptions={[]}
          open={open && hasOptions}
          aria-describedby={statusId}
          onOpenChange={(_e, d) => {
            setOpen(d.open);
          }}
          onChange={(e) => {
            search.type(e.target.value);
            setOpen(true);
          }}
          onOptionSelect={(_e, d) => {
            choose(d.optionValue);
          }}
        >
          {known.length > 0 ? (
            <OptionGroup label="Already on cases">
              {known.map((k) => (
                <Option key={`${KNOWN}${k.id}`} value={`${KNOWN}${k.id}`} text={k.name}>
                  <span className={styles.option}>
                    <span>{k.name}</span>
                    <span className={styles.detail}>{k.id}</span>
                  </span>
                </Option>
              ))}
            </OptionGroup>
          ) : null}
          {directory.length > 0 ? (
            <OptionGroup label="In the directory">
              {directory.map((p) => (
                <Option key={`${DIRECTORY}${p.upn}`} value={`${DIRECTORY}${p.upn}`} text={p.name}>
                  <span className={styles.option}>
                    <span>{p.name}</span>
                    <span className={styles.detail}>
                      {[p.jobTitle, p.email].filter((x) => x !== null && x.trim() !== '').join(' · ')}
                    </span>
                  </span>
                </Option>
              ))}
            </OptionGroup>
          ) : null}
        </Combobox>
      </Field>
      <Text id={statusId} className={styles.status} role="status" aria-live="polite">
        {sentence ?? ''}
      </Text>
    </div>
  );
}
