import { Button, Text } from '@fluentui/react-components';
import { useState } from 'react';
import { useSession } from '../../app/session-context';
import { downloadFormPdf } from '../../api/trellis-api';
import type { CaseView } from '../../api/types';
import { saveFile } from '../../shared/csv';
import { ErrorNotice } from '../../shared/Feedback';

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
export function DownloadPdf(props: { readonly view: CaseView }) {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState<string | undefined>();
  const download = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const file = await downloadFormPdf(session.api, props.view.id);
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
        {busy ? 'Preparing the PDF…' : 'Download PDF'}
      </Button>
      {saved !== undefined && error === undefined ? <Text role="status"> Saved {saved}.</Text> : null}
      {error !== undefined ? <ErrorNotice title="The PDF could not be downloaded" message={error} /> : null}
    </>
  );
}
