/** The server's logger port: structured lines, so a host (App Service, Container Apps) can query them. */
export interface Logger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

function line(level: string, message: string, fields: Readonly<Record<string, unknown>> | undefined): string {
  return `${JSON.stringify({ at: new Date().toISOString(), level, message, ...fields })}\n`;
}

export function jsonLogger(write: (text: string) => void = (text) => process.stderr.write(text)): Logger {
  return {
    info: (message, fields) => {
      write(line('info', message, fields));
    },
    warn: (message, fields) => {
      write(line('warn', message, fields));
    },
    error: (message, fields) => {
      write(line('error', message, fields));
    },
  };
}

/** Keeps lines in memory: for tests that assert something was (or was not) logged. */
export function memoryLogger(): Logger & {
  readonly lines: { level: string; message: string; fields?: Readonly<Record<string, unknown>> }[];
} {
  const lines: { level: string; message: string; fields?: Readonly<Record<string, unknown>> }[] = [];
  const push = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    lines.push({ level, message, ...(fields === undefined ? {} : { fields }) });
  };
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
