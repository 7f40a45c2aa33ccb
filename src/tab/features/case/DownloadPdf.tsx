import { Button, Text } from '@fluentui/react-components';
import { useState } from 'react';
import { useSession } from '../../app/session-context';
import { downloadFeeLetterPdf, downloadFormPdf } from '../../api/trellis-api';
import type { CaseView } from '../../api/types';
import { saveFile } from '../../shared/csv';
import { ErrorNotice } from '../../shared/Feedback';
import { feeLetters, formVersions } from './case-model';

/** A file name people can keep: the case reference, never anything the server could not vouch for. */
export function pdfFileName(view: CaseView, suggested: string | undefined): string {
  const base = suggested ?? `${view.reference}.pdf`;
  const safe = base.replace(/[^A-Za-z0-9 ._-]/g, '_').slice(0, 120);
  return safe.toLowerCase().endsWith('.pdf') ? safe : `${safe}.pdf`;
}

/**
 * "Download PDF": the form as the provider prints it. A plain link cannot carry the bearer token,
 * so the tab fetches the file with it and saves the bytes.
 */
export function DownloadPdf(props: {
  readonly view: CaseView;
  /** A plan version's form; absent: the form as it now is. */
  readonly version?: number;
  /** A fee letter of the case (counting from 1) instead of a plan form. */
  readonly feeLetter?: number;
  readonly label?: string;
}) {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const download = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const file =
        props.feeLetter === undefined
          ? await downloadFormPdf(session.api, props.view.id, props.version)
          : await downloadFeeLetterPdf(session.api, props.view.id, props.feeLetter);
      const name = pdfFileName(props.view, file.filename);
      saveFile(file.blob, name);
      setSaved(name);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The PDF could not be made. Try again.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button onClick={() => void download()} disabled={busy}>
        {busy ? 'Preparing the PDF…' : (props.label ?? 'Download PDF')}
      </Button>
      {saved !== undefined && error === undefined ? <Text role="status"> Saved {saved}.</Text> : null}
      {error !== undefined ? <ErrorNotice title="The PDF could not be downloaded" message={error} /> : null}
    </>
  );
}

/**
 * The case's forms by version, each with its own download: earlier forms as they were completed,
 * then the course team's letters confirming a fee is waived.
 */
export function FormsList(props: { readonly view: CaseView }) {
  const forms = formVersions(props.view);
  const letters = feeLetters(props.view);
  if (forms.length === 0 && letters.length === 0) return null;
  return (
    <section aria-labelledby="case-forms">
      <Text block as="h2" weight="semibold" id="case-forms">
        Forms
      </Text>
      <ul data-testid="case-forms">
        {forms.map((form) => (
          <li key={form.version}>
            <Text>
              {form.description}
              {form.current ? ' (current)' : ''}{' '}
            </Text>
            <DownloadPdf view={props.view} version={form.version} label={`Download version ${String(form.version)}`} />
          </li>
        ))}
        {letters.map((letter) => (
          <li key={`fee-letter-${String(letter.number)}`}>
            <Text>{letter.description} </Text>
            <DownloadPdf
              view={props.view}
              feeLetter={letter.number}
              label={letters.length === 1 ? 'Download the letter' : `Download letter ${String(letter.number)}`}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
