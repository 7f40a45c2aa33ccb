import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Textarea,
} from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ConflictError } from '../../api/client';
import type { PlacementImportResult, PlacementPage, PlacementRow } from '../../api/types';
import { useSession } from '../../app/session-context';
import { EmptyState, ErrorNotice, Loading } from '../../shared/Feedback';
import { formatDate } from '../../shared/format';
import { useNarrow } from '../../shared/use-narrow';
import { currentRow, importRoster, listRoster, removeRosterRow, updateRosterRow } from './roster-api';
import {
  ACTION_LABELS,
  canConfirm,
  conflictSentence,
  CSV_HEADER,
  FORM_LABELS,
  formChanged,
  formOfRow,
  importSummary,
  inputOfForm,
  pageLabel,
  problemsByLine,
  REQUIRED_COLUMNS,
  staffLine,
  type RowForm,
} from './roster-model';
import { useRosterStyles } from './RosterPage.styles';

/** Rows a page of the roster shows. */
const PAGE_SIZE = 25;

const messageOf = (error: unknown, fallback: string): string =>
  error instanceof Error && error.message !== '' ? error.message : fallback;

const term = (row: Pick<PlacementRow, 'startsOn' | 'endsOn'>): string =>
  `${formatDate(row.startsOn)} to ${formatDate(row.endsOn)}`;

/**
 * The placement roster, kept by the course team (and admins): import their placement system's
 * CSV export (checked first: every row's fate and every problem by line, nothing written until
 * they confirm), then view the rows of their programmes a page at a time, edit or remove one.
 * Edits and removals carry the row's version (If-Match): when someone else changed it first, the
 * page shows the row as it now is. All text is rendered by React (escaped).
 */
export default function RosterPage() {
  const session = useSession();
  const styles = useRosterStyles();
  if (session.me !== undefined && !session.me.can.keepRoster) {
    return (
      <EmptyState title="The placement roster is kept by the course team">
        <Text>Your own cases are on the Cases page.</Text>
      </EmptyState>
    );
  }
  return (
    <div className={styles.page}>
      <Text block as="h1" size={700} weight="semibold">
        Placement roster
      </Text>
      <Text className={styles.muted}>
        Who mentors and tutors each trainee this term. Trellis opens a case only for a trainee on the roster of your
        programme, and a mentor or tutor may raise a concern only about the trainees their row names them for.
      </Text>
      <RosterBrowser />
    </div>
  );
}

interface Filters {
  readonly programme: string;
  readonly search: string;
  readonly currentOnly: boolean;
}

type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'ready'; readonly page: PlacementPage };

/** The import and the rows share one page: an import reloads the rows. */
function RosterBrowser() {
  const session = useSession();
  const styles = useRosterStyles();
  const narrow = useNarrow();
  const [filters, setFilters] = useState<Filters>({ programme: '', search: '', currentOnly: false });
  const [search, setSearch] = useState('');
  // The cursors of the pages before this one, so Previous goes back.
  const [cursors, setCursors] = useState<readonly (string | undefined)[]>([undefined]);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [programmes, setProgrammes] = useState<readonly string[]>([]);
  // The row a dialog is about, kept while the dialog closes: a Fluent dialog gives the page back to
  // assistive technology as it closes, so it is closed (open=false), never unmounted while open.
  const [editing, setEditing] = useState<{ readonly row: PlacementRow; readonly open: boolean; readonly n: number }>();
  const [removing, setRemoving] = useState<{
    readonly row: PlacementRow;
    readonly open: boolean;
    readonly n: number;
  }>();
  const [status, setStatus] = useState<string | undefined>();
  const cursor = cursors.at(-1);

  const load = useCallback(async (): Promise<void> => {
    try {
      const page = await listRoster(session.api, {
        programme: filters.programme,
        search: filters.search,
        current: filters.currentOnly,
        limit: PAGE_SIZE,
        ...(cursor === undefined ? {} : { cursor }),
      });
      setLoaded({ state: 'ready', page });
      setProgrammes((known) => [...new Set([...known, ...page.items.map((r) => r.programme)])].sort());
    } catch (error) {
      setLoaded({ state: 'failed', message: messageOf(error, 'The roster could not be loaded.') });
    }
  }, [session.api, filters, cursor]);

  useEffect(() => {
    void load();
  }, [load]);

  const mine = session.me?.programmes;
  const programmeOptions = [...new Set([...(Array.isArray(mine) ? mine : []), ...programmes])].sort();
  const offset = (cursors.length - 1) * PAGE_SIZE;

  const applyFilters = (next: Filters): void => {
    setFilters(next);
    setCursors([undefined]);
  };

  const afterChange = (sentence: string): void => {
    setStatus(sentence);
    void load();
  };

  return (
    <>
      <RosterImport
        onImported={(sentence) => {
          setCursors([undefined]);
          afterChange(sentence);
        }}
      />
      <section className={styles.section} aria-labelledby="roster-rows-heading">
        <Text block as="h2" id="roster-rows-heading" size={500} weight="semibold">
          Rows on the roster
        </Text>
        <form
          className={styles.row}
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            applyFilters({ ...filters, search });
          }}
        >
          <Field label="Programme" className={styles.field}>
            <Select
              value={filters.programme}
              onChange={(_e, data) => {
                applyFilters({ ...filters, programme: data.value });
              }}
            >
              <option value="">All your programmes</option>
              {programmeOptions.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Trainee name or sign-in name" className={styles.field}>
            <Input
              value={search}
              onChange={(_e, data) => {
                setSearch(data.value);
              }}
            />
          </Field>
          <Button type="submit">Find</Button>
          <Checkbox
            label="This term only"
            checked={filters.currentOnly}
            onChange={(_e, data) => {
              applyFilters({ ...filters, currentOnly: data.checked === true });
            }}
          />
        </form>
        <div aria-live="polite">{status === undefined ? null : <Text role="status">{status}</Text>}</div>
        {loaded.state === 'loading' ? <Loading label="Loading the roster…" /> : null}
        {loaded.state === 'failed' ? <ErrorNotice message={loaded.message} /> : null}
        {loaded.state === 'ready' && loaded.page.total === 0 ? (
          <EmptyState title="No rows">
            <Text>
              {filters.programme === '' && filters.search === '' && !filters.currentOnly
                ? 'Nobody is on the roster of your programmes yet: import your placement system’s export above.'
                : 'No row matches: change the programme or the search.'}
            </Text>
          </EmptyState>
        ) : null}
        {loaded.state === 'ready' && loaded.page.items.length > 0 ? (
          <>
            <Text>{pageLabel(offset, loaded.page.items.length, loaded.page.total)}</Text>
            <RowList
              rows={loaded.page.items}
              narrow={narrow}
              onEdit={(row) => {
                setStatus(undefined);
                setEditing((before) => ({ row, open: true, n: (before?.n ?? 0) + 1 }));
              }}
              onRemove={(row) => {
                setStatus(undefined);
                setRemoving((before) => ({ row, open: true, n: (before?.n ?? 0) + 1 }));
              }}
            />
            <div className={styles.actions}>
              <Button
                disabled={cursors.length <= 1}
                onClick={() => {
                  setCursors((list) => list.slice(0, -1));
                }}
              >
                Previous page
              </Button>
              <Button
                disabled={loaded.page.nextCursor === undefined}
                onClick={() => {
                  const next = loaded.page.nextCursor;
                  if (next !== undefined) setCursors((list) => [...list, next]);
                }}
              >
                Next page
              </Button>
            </div>
          </>
        ) : null}
      </section>
      {editing === undefined ? null : (
        <EditRowDialog
          key={editing.n}
          row={editing.row}
          open={editing.open}
          onClose={(sentence) => {
            setEditing((before) => before && { ...before, open: false });
            if (sentence !== undefined) afterChange(sentence);
            else void load();
          }}
        />
      )}
      {removing === undefined ? null : (
        <RemoveRowDialog
          key={removing.n}
          row={removing.row}
          open={removing.open}
          onClose={(sentence) => {
            setRemoving((before) => before && { ...before, open: false });
            if (sentence !== undefined) afterChange(sentence);
            else void load();
          }}
        />
      )}
    </>
  );
}

function RowList(props: {
  readonly rows: readonly PlacementRow[];
  readonly narrow: boolean;
  readonly onEdit: (row: PlacementRow) => void;
  readonly onRemove: (row: PlacementRow) => void;
}) {
  const styles = useRosterStyles();
  const buttons = (row: PlacementRow) => (
    <div className={styles.actions}>
      <Button
        size="small"
        aria-label={`Edit the row for ${row.trainee.name}`}
        onClick={() => {
          props.onEdit(row);
        }}
      >
        Edit
      </Button>
      <Button
        size="small"
        aria-label={`Remove the row for ${row.trainee.name}`}
        onClick={() => {
          props.onRemove(row);
        }}
      >
        Remove
      </Button>
    </div>
  );
  if (props.narrow) {
    return (
      <ul className={styles.cards} aria-label="Roster rows">
        {props.rows.map((row) => (
          <li key={row.id} className={styles.card} data-roster-row={row.trainee.id}>
            <Text weight="semibold">{row.trainee.name}</Text>
            <Text className={styles.muted}>{row.trainee.id}</Text>
            <Text>
              {row.programme} · {row.school}
            </Text>
            <Text>{staffLine(row)}</Text>
            <Text className={styles.muted}>{term(row)}</Text>
            {buttons(row)}
          </li>
        ))}
      </ul>
    );
  }
  return (
    <Table aria-labelledby="roster-rows-heading" size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Trainee</TableHeaderCell>
          <TableHeaderCell>Programme</TableHeaderCell>
          <TableHeaderCell>School</TableHeaderCell>
          <TableHeaderCell>Named staff</TableHeaderCell>
          <TableHeaderCell>Term</TableHeaderCell>
          <TableHeaderCell>Change</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {props.rows.map((row) => (
          <TableRow key={row.id} data-roster-row={row.trainee.id}>
            <TableCell className={styles.wrap}>
              {row.trainee.name}
              <br />
              <span className={styles.muted}>{row.trainee.id}</span>
            </TableCell>
            <TableCell className={styles.wrap}>{row.programme}</TableCell>
            <TableCell className={styles.wrap}>{row.school}</TableCell>
            <TableCell className={styles.wrap}>{staffLine(row)}</TableCell>
            <TableCell>{term(row)}</TableCell>
            <TableCell>{buttons(row)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Paste or choose the export, check it (a dry run), then import what the check showed. */
function RosterImport(props: { readonly onImported: (sentence: string) => void }) {
  const session = useSession();
  const styles = useRosterStyles();
  const narrow = useNarrow();
  const fileInput = useRef<HTMLInputElement>(null);
  const [csv, setCsv] = useState('');
  // The text the preview was made from: confirming imports exactly that.
  const [checked, setChecked] = useState<{ readonly csv: string; readonly result: PlacementImportResult }>();
  const [busy, setBusy] = useState<'check' | 'import' | undefined>();
  const [problem, setProblem] = useState<string | undefined>();

  const check = async (): Promise<void> => {
    setBusy('check');
    setProblem(undefined);
    try {
      setChecked({ csv, result: await importRoster(session.api, csv, true) });
    } catch (error) {
      setChecked(undefined);
      setProblem(messageOf(error, 'The file could not be checked.'));
    } finally {
      setBusy(undefined);
    }
  };

  const confirm = async (): Promise<void> => {
    if (!checked) return;
    setBusy('import');
    setProblem(undefined);
    try {
      const result = await importRoster(session.api, checked.csv, false);
      if (result.written) {
        setChecked(undefined);
        setCsv('');
        props.onImported(importSummary(result));
      } else {
        // Something changed since the check (another import): show the new check.
        setChecked({ csv: checked.csv, result });
      }
    } catch (error) {
      setProblem(messageOf(error, 'The import could not be completed. Nothing was written.'));
    } finally {
      setBusy(undefined);
    }
  };

  const result = checked?.result;
  const stale = checked !== undefined && checked.csv !== csv;
  const problems = result ? problemsByLine(result) : [];
  const changing = result ? result.rows.filter((r) => r.action !== 'unchanged') : [];

  return (
    <section className={styles.section} aria-labelledby="roster-import-heading">
      <Text block as="h2" id="roster-import-heading" size={500} weight="semibold">
        Import from your placement system
      </Text>
      <Text className={styles.muted}>
        Paste the CSV export or choose the file. The first line names the columns (any order); the required ones are{' '}
        {REQUIRED_COLUMNS.join(', ')}. All the columns: <span className={styles.code}>{CSV_HEADER}</span>. A row for a
        trainee, programme and term start already on the roster updates that row. Nothing is written until you import
        what the check shows.
      </Text>
      <Field label="CSV export">
        <Textarea
          className={styles.csv}
          resize="vertical"
          rows={narrow ? 5 : 8}
          value={csv}
          onChange={(_e, data) => {
            setCsv(data.value);
          }}
        />
      </Field>
      <input
        ref={fileInput}
        type="file"
        accept=".csv,text/csv"
        className={styles.hiddenInput}
        aria-label="CSV file"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file === undefined) return;
          file.text().then(
            (text) => {
              setCsv(text);
              setProblem(undefined);
            },
            () => {
              setProblem('That file could not be read. Save it as CSV and choose it again.');
            },
          );
        }}
      />
      <div className={styles.actions}>
        <Button onClick={() => fileInput.current?.click()}>Choose a CSV file…</Button>
        <Button appearance="primary" disabled={csv.trim() === '' || busy !== undefined} onClick={() => void check()}>
          {busy === 'check' ? 'Checking…' : 'Check the file'}
        </Button>
      </div>
      {problem === undefined ? null : <ErrorNotice message={problem} />}
      {result === undefined ? null : (
        <div aria-live="polite" className={styles.section} data-roster-preview="">
          <Text block as="h3" size={400} weight="semibold">
            {result.written ? 'Imported' : 'What the import would do'}
          </Text>
          <Text role="status">{importSummary(result)}</Text>
          {stale ? <Text>The text has changed since this check: check it again before importing.</Text> : null}
          {problems.length > 0 ? (
            <ul className={styles.problems} aria-label="Problems by line">
              {problems.map((p) => (
                <li key={p.line} data-problem-line={p.line}>
                  <Text>
                    Line {p.line}: {p.messages.join('; ')}
                  </Text>
                </li>
              ))}
            </ul>
          ) : null}
          {changing.length > 0 ? (
            narrow ? (
              <ul className={styles.cards} aria-label="Rows the import changes">
                {changing.map((r) => (
                  <li key={r.line} className={styles.card}>
                    <Text weight="semibold">
                      Line {r.line}: {ACTION_LABELS[r.action]} — {r.row.trainee.name}
                    </Text>
                    <Text>
                      {r.row.programme} · {r.row.school}
                    </Text>
                    <Text>{staffLine(r.row)}</Text>
                    <Text className={styles.muted}>{term(r.row)}</Text>
                  </li>
                ))}
              </ul>
            ) : (
              <Table aria-label="Rows the import changes" size="small">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Line</TableHeaderCell>
                    <TableHeaderCell>What</TableHeaderCell>
                    <TableHeaderCell>Trainee</TableHeaderCell>
                    <TableHeaderCell>Programme</TableHeaderCell>
                    <TableHeaderCell>School</TableHeaderCell>
                    <TableHeaderCell>Named staff</TableHeaderCell>
                    <TableHeaderCell>Term</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {changing.map((r) => (
                    <TableRow key={r.line}>
                      <TableCell>{r.line}</TableCell>
                      <TableCell>{ACTION_LABELS[r.action]}</TableCell>
                      <TableCell className={styles.wrap}>{r.row.trainee.name}</TableCell>
                      <TableCell className={styles.wrap}>{r.row.programme}</TableCell>
                      <TableCell className={styles.wrap}>{r.row.school}</TableCell>
                      <TableCell className={styles.wrap}>{staffLine(r.row)}</TableCell>
                      <TableCell>{term(r.row)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )
          ) : null}
          <div className={styles.actions}>
            <Button
              appearance="primary"
              disabled={!canConfirm(result) || stale || busy !== undefined}
              onClick={() => void confirm()}
            >
              {busy === 'import'
                ? 'Importing…'
                : `Import ${String(changing.length)} ${changing.length === 1 ? 'row' : 'rows'}`}
            </Button>
            <Button
              disabled={busy !== undefined}
              onClick={() => {
                setChecked(undefined);
              }}
            >
              Cancel
            </Button>
          </div>
        </div>
      )}
    </section>
  );
}

const FORM_FIELDS: readonly (keyof RowForm)[] = [
  'school',
  'schoolContactEmail',
  'provider',
  'mentorUpns',
  'mentorNames',
  'tutorUpn',
  'tutorName',
  'professionalMentorUpn',
  'professionalMentorName',
  'programmeLeadUpn',
  'programmeLeadName',
  'termEnd',
];

/**
 * Edit a row's details (its trainee, programme and term start identify it and stay). Saving sends
 * the version the form was opened on; if someone else changed the row first, the dialog shows it
 * as it now is and the edit starts again from there.
 */
function EditRowDialog(props: {
  readonly row: PlacementRow;
  readonly open: boolean;
  readonly onClose: (sentence?: string) => void;
}) {
  const session = useSession();
  const styles = useRosterStyles();
  const [row, setRow] = useState(props.row);
  const [form, setForm] = useState<RowForm>(() => formOfRow(props.row));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const [conflict, setConflict] = useState<string | undefined>();
  const [gone, setGone] = useState(false);

  const save = async (): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    setConflict(undefined);
    try {
      const saved = await updateRosterRow(session.api, row, inputOfForm(row, form));
      props.onClose(`Saved the row for ${saved.trainee.name}.`);
    } catch (error) {
      if (error instanceof ConflictError) {
        const now = await currentRow(session.api, row).catch(() => undefined);
        setConflict(conflictSentence(row, now));
        if (now === undefined) {
          setGone(true);
          setBusy(false);
          return;
        }
        setRow(now);
        setForm(formOfRow(now));
      } else setProblem(messageOf(error, 'The row could not be saved.'));
    }
    setBusy(false);
  };

  return (
    <Dialog
      modalType="modal"
      open={props.open}
      onOpenChange={(_e, data) => {
        if (!data.open) props.onClose();
      }}
    >
      <DialogSurface>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <DialogBody>
            <DialogTitle>Edit the row for {row.trainee.name}</DialogTitle>
            <DialogContent className={styles.dialogFields}>
              <Text className={styles.wrap}>
                {row.trainee.id} · {row.programme} · from {formatDate(row.startsOn)}
              </Text>
              {conflict === undefined ? null : (
                <div data-roster-conflict="">
                  <ErrorNotice title="Changed by someone else" message={conflict} />
                  {gone ? null : (
                    <Text block className={styles.wrap}>
                      Now: {row.school} · {staffLine(row)} · {term(row)}
                    </Text>
                  )}
                </div>
              )}
              {problem === undefined ? null : <ErrorNotice message={problem} />}
              {FORM_FIELDS.map((key) => (
                <Field key={key} label={FORM_LABELS[key]}>
                  <Input
                    value={form[key]}
                    onChange={(_e, data) => {
                      setForm((f) => ({ ...f, [key]: data.value }));
                    }}
                  />
                </Field>
              ))}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit" disabled={busy || gone || !formChanged(row, form)}>
                {busy ? 'Saving…' : 'Save'}
              </Button>
              <Button
                onClick={() => {
                  props.onClose();
                }}
              >
                Cancel
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

function RemoveRowDialog(props: {
  readonly row: PlacementRow;
  readonly open: boolean;
  readonly onClose: (sentence?: string) => void;
}) {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const [current, setCurrent] = useState<PlacementRow | undefined>();
  const row = current ?? props.row;

  const remove = async (): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    try {
      await removeRosterRow(session.api, row);
      props.onClose(`Removed the row for ${row.trainee.name}.`);
      return;
    } catch (error) {
      if (error instanceof ConflictError) {
        const now = await currentRow(session.api, row).catch(() => undefined);
        setProblem(conflictSentence(row, now));
        if (now === undefined) {
          setBusy(false);
          return;
        }
        setCurrent(now);
      } else setProblem(messageOf(error, 'The row could not be removed.'));
    }
    setBusy(false);
  };

  return (
    <Dialog
      modalType="alert"
      open={props.open}
      onOpenChange={(_e, data) => {
        if (!data.open) props.onClose();
      }}
    >
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Remove the row for {row.trainee.name}?</DialogTitle>
          <DialogContent>
            <Text block>
              {row.programme} · {row.school} · {term(row)}
            </Text>
            <Text block>{staffLine(row)}</Text>
            <Text block>
              Cases already open keep their people. Without a row, this trainee’s mentor and tutor can no longer raise a
              concern about them, and a new case needs the row again.
            </Text>
            {problem === undefined ? null : <ErrorNotice message={problem} />}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" disabled={busy} onClick={() => void remove()}>
              {busy ? 'Removing…' : 'Remove'}
            </Button>
            <Button
              onClick={() => {
                props.onClose();
              }}
            >
              Keep it
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
