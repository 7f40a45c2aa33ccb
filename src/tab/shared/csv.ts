/**
 * CSV the course team can open in Excel without surprises: RFC 4180 quoting, CRLF line ends, a
 * byte-order mark so Excel reads UTF-8, and cells that start like a formula (= + - @, or a tab
 * or carriage return) prefixed with a quote so a spreadsheet shows them as text, never runs them.
 */
export type CsvValue = string | number | undefined;

export function csvCell(value: CsvValue): string {
  const text = value === undefined ? '' : String(value);
  const safe = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Saves text or bytes as a file through a temporary link (works in Teams' webview and browsers). */
export function saveFile(content: Blob | string, filename: string, type = 'text/csv;charset=utf-8'): void {
  const blob = typeof content === 'string' ? new Blob(['\ufeff', content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser a moment to start the download before the address is released.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}
