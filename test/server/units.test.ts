import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outboxPage, signInPage } from '../../src/dev/local-mode/pages.js';
import type { EmulatorInspection } from '../../src/dev/graph-emulator/index.js';
import { parseDotEnv, serverConfigFromEnv } from '../../src/compose/config.js';
import { html } from '../../src/server/http/html.js';
import { escapeHtml } from '../../src/text/html.js';
import { ConfigError } from '../../src/compose/graph-config.js';
import { buildReport, reportCsv } from '../../src/app/views/reports.js';
import { parseLocalDate } from '../../src/domain/calendar/index.js';
import { SEED_PROCEDURES } from '../../src/domain/procedures/index.js';

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</textarea><svg/onload=alert(1)>',
  '&lt;already escaped&gt;',
  'javascript:alert(1)',
  '<!-- --><iframe srcdoc="<script>x</script>">',
];

describe('escapeHtml', () => {
  it.each(HOSTILE)('escapes %s', (text) => {
    const out = escapeHtml(text);
    expect(out).not.toMatch(/[<>"']/);
    expect(
      out
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&'),
    ).toBe(text);
  });

  it('never lets a markup character through, for any string', () => {
    fc.assert(fc.property(fc.string(), (text) => !/[<>"']/.test(escapeHtml(text))));
  });

  it('escapes every interpolation in the html template, including attributes and lists', () => {
    const out = html`<p title="${HOSTILE[1] ?? ''}">${HOSTILE.map((h) => html`<b>${h}</b>`)}</p>`.value;
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<img');
    expect(out).toContain('<b>&lt;script&gt;');
  });
});

describe('dev pages escape what they show', () => {
  it('renders hostile mail in a sandboxed srcdoc, escaped', () => {
    const inspection: EmulatorInspection = {
      mails: [
        {
          id: 'm1',
          mailbox: 'course@provider.example',
          sentDateTime: '2026-11-23T10:00:00Z',
          saveToSentItems: true,
          subject: HOSTILE[0] ?? '',
          bodyContentType: 'html',
          bodyContent: '<p>Hello</p><script>steal()</script>" onload="x',
          toRecipients: [HOSTILE[1] ?? ''],
          ccRecipients: [],
          bccRecipients: [],
          attachments: [
            { name: 'form.pdf', contentType: 'application/pdf', size: 2048, contentBytes: 'JVBERi0=', isInline: false },
          ],
          internetMessageHeaders: [],
          message: {},
        },
      ],
      events: [
        {
          mailbox: 'tutor@x',
          event: { subject: HOSTILE[2], start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' } },
        },
      ],
      installs: [],
      channelMessages: [],
      activityNotifications: [],
      counters: { total: 0, batchSubRequests: 0, byRoute: {}, resourceUnits: 0, faultsInjected: 0, since: '' },
    };
    const page = outboxPage(inspection);
    expect(page).toContain('<iframe class="mail" sandbox=""');
    expect(page).not.toContain('<script>steal()');
    expect(page).toContain(
      'srcdoc="&lt;p&gt;Hello&lt;/p&gt;&lt;script&gt;steal()&lt;/script&gt;&quot; onload=&quot;x"',
    );
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain("' onmouseover='");
    expect(page).toContain('/dev/outbox/mails/m1/attachments/0');
  });

  it('renders personas escaped', () => {
    const page = signInPage(
      [
        {
          upn: 'a@b.example',
          name: HOSTILE[0] ?? '',
          provider: HOSTILE[1] ?? '',
          title: 'T',
          roles: [],
          programmes: [],
        },
      ],
      '2026-11-23',
    );
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
  });
});

describe('server configuration', () => {
  const tenant = {
    GRAPH_TENANT_ID: '11111111-2222-3333-4444-555555555555',
    GRAPH_CLIENT_ID: '66666666-7777-8888-9999-000000000000',
    GRAPH_CLIENT_SECRET: 'secret',
    GRAPH_SITE_ID: 'contoso.sharepoint.com,11111111-2222-3333-4444-555555555555,66666666-7777-8888-9999-000000000000',
    PUBLIC_URL: 'https://trellis.contoso.example/',
  };

  it('is local mode with no GRAPH_* variables', () => {
    expect(serverConfigFromEnv({})).toEqual({
      mode: 'local',
      port: 3978,
      scheduler: true,
      dataDir: '.trellis-data',
      publicUrl: 'http://localhost:3978',
      accessLogRetentionDays: 365,
      paceSends: false,
    });
    expect(serverConfigFromEnv({ PORT: '4000', TRELLIS_DATA_DIR: '/tmp/x' })).toMatchObject({
      port: 4000,
      dataDir: '/tmp/x',
    });
    expect(serverConfigFromEnv({ TRELLIS_PACE_SENDS: 'ON' })).toMatchObject({ paceSends: true });
    expect(() => serverConfigFromEnv({ TRELLIS_PACE_SENDS: 'slow' })).toThrow(/TRELLIS_PACE_SENDS must be/);
  });

  it('runs the scheduler in the process unless TRELLIS_SCHEDULER is off, and refuses anything else', () => {
    expect(serverConfigFromEnv({ TRELLIS_SCHEDULER: 'off' })).toMatchObject({ scheduler: false });
    expect(serverConfigFromEnv({ TRELLIS_SCHEDULER: 'On' })).toMatchObject({ scheduler: true });
    expect(serverConfigFromEnv({ ...tenant, TRELLIS_SCHEDULER: 'off' })).toMatchObject({
      mode: 'tenant',
      scheduler: false,
    });
    expect(() => serverConfigFromEnv({ TRELLIS_SCHEDULER: 'sometimes' })).toThrow(
      /TRELLIS_SCHEDULER must be "on" or "off"/,
    );
  });

  it('keeps the access log for TRELLIS_ACCESS_LOG_RETENTION_DAYS, a year by default, never under 30 days', () => {
    expect(serverConfigFromEnv({ TRELLIS_ACCESS_LOG_RETENTION_DAYS: '730' })).toMatchObject({
      accessLogRetentionDays: 730,
    });
    expect(serverConfigFromEnv({ ...tenant, TRELLIS_ACCESS_LOG_RETENTION_DAYS: '90' })).toMatchObject({
      mode: 'tenant',
      accessLogRetentionDays: 90,
    });
    for (const bad of ['7', 'a year', '-1', '1.5'])
      expect(() => serverConfigFromEnv({ TRELLIS_ACCESS_LOG_RETENTION_DAYS: bad })).toThrow(
        /TRELLIS_ACCESS_LOG_RETENTION_DAYS must be a whole number of days from 30/,
      );
  });

  it('shares a Graph emulator another process runs when TRELLIS_LOCAL_GRAPH_URL names it', () => {
    expect(
      serverConfigFromEnv({ TRELLIS_DATA_DIR: '/tmp/x', TRELLIS_LOCAL_GRAPH_URL: 'https://localhost:8443/' }),
    ).toMatchObject({
      mode: 'local',
      sharedGraph: { baseUrl: 'https://localhost:8443', caCertPath: path.join('/tmp/x', 'graph', 'cert.pem') },
    });
    expect(
      serverConfigFromEnv({ TRELLIS_LOCAL_GRAPH_URL: 'https://localhost:8443', TRELLIS_LOCAL_GRAPH_CA: '/etc/ca.pem' }),
    ).toMatchObject({ sharedGraph: { caCertPath: '/etc/ca.pem' } });
    expect(() => serverConfigFromEnv({ TRELLIS_LOCAL_GRAPH_URL: 'http://localhost:8443' })).toThrow(/https/);
    expect(() => serverConfigFromEnv({ TRELLIS_LOCAL_GRAPH_URL: 'localhost' })).toThrow(/not an address/);
  });

  it('is tenant mode with them, defaulting the token settings from the Graph app', () => {
    const config = serverConfigFromEnv(tenant);
    expect(config).toMatchObject({
      mode: 'tenant',
      publicUrl: 'https://trellis.contoso.example',
      auth: {
        tenantId: tenant.GRAPH_TENANT_ID,
        clientId: tenant.GRAPH_CLIENT_ID,
        audiences: [
          `api://trellis.contoso.example/${tenant.GRAPH_CLIENT_ID}`,
          `api://${tenant.GRAPH_CLIENT_ID}`,
          tenant.GRAPH_CLIENT_ID,
        ],
      },
      courseTeamProgrammes: 'all',
    });
    // The manifest's resource is the first audience: the tab's NAA scope is built from it.
    expect(serverConfigFromEnv({ ...tenant, ENTRA_AUDIENCE: 'api://custom/x' })).toMatchObject({
      auth: { audiences: ['api://custom/x', tenant.GRAPH_CLIENT_ID] },
    });
    expect(
      serverConfigFromEnv({ ...tenant, TRELLIS_COURSE_TEAM_PROGRAMMES: 'PGCE Primary; PGCE Secondary' }),
    ).toMatchObject({ courseTeamProgrammes: ['PGCE Primary', 'PGCE Secondary'] });
  });

  it('names every missing or bad value on its own line', () => {
    let error: unknown;
    try {
      serverConfigFromEnv({
        GRAPH_TENANT_ID: 'nope',
        PORT: 'abc',
        ENTRA_CLIENT_ID: 'x',
        PUBLIC_URL: 'http://insecure.example',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'GRAPH_CLIENT_ID is missing',
      'GRAPH_CLIENT_SECRET is missing',
      'GRAPH_SITE_ID is missing',
      'GRAPH_TENANT_ID must be a GUID',
      'ENTRA_TENANT_ID must be a GUID',
      'ENTRA_CLIENT_ID must be a GUID',
      'PUBLIC_URL must be an https',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('reads .env files', () => {
    expect(
      parseDotEnv('# comment\nexport A=1\nB="two words"\nC=\'x#y\'\nD=plain # trailing\n\nbad line\nE="line\\nbreak"'),
    ).toEqual({ A: '1', B: 'two words', C: 'x#y', D: 'plain', E: 'line\nbreak' });
  });
});

describe('report CSV', () => {
  it('neutralises spreadsheet formulas and quotes commas', () => {
    const report = buildReport({
      summaries: [],
      procedures: SEED_PROCEDURES,
      today: parseLocalDate('2026-11-23'),
      states: [],
      period: { from: undefined, to: undefined },
    });
    const csv = reportCsv({
      ...report,
      overdueReviewsByTutor: [{ personId: 'a@b', name: '=HYPERLINK("x"), evil', count: 1, references: [] }],
    });
    expect(csv).toContain(`overdue_reviews_by_tutor,a@b,"'=HYPERLINK(""x""), evil",1`);
  });
});
