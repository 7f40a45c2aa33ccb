import express, { Router } from 'express';
import { z } from 'zod';
import { londonDateOf } from '../../domain/calendar/index.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { HttpProblem, invalidRequest, notFound } from '../../server/http/problem.js';
import type { EmulatorInspection } from '../graph-emulator/index.js';
import type { DevClock } from './dev-clock.js';
import type { DevKeys } from './dev-keys.js';
import { createRequire } from 'node:module';
import path from 'node:path';
import { actionableCardOf } from '../../notify/email.js';
import { outboxPage, safeReturnTo, SIGN_IN_JS, signInPage, type ChatActivity } from './pages.js';

/** The Adaptive Cards browser bundle, served to the outbox page from our own origin (the CSP allows no other). */
const ADAPTIVE_CARDS_BUNDLE = createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.min.js');
const OUTBOX_SCRIPT = path.join(import.meta.dirname, 'assets', 'outbox.js');
import { personas as demoPersonas, type Persona } from './personas.js';

/**
 * `/dev`: only mounted in local mode (createApp gets no dev routes in tenant mode, so every
 * /dev address is a 404 there). A stable surface for scripts and the tab's dev build.
 */
export interface DevRouteDeps {
  readonly keys: DevKeys;
  readonly clock: DevClock;
  /** Real time: what tokens are signed (and checked) against, whatever the dev clock says. */
  readonly realNow: () => Date;
  readonly procedures: readonly Procedure[];
  /** What the emulator holds: at once when it runs in this process, over HTTPS when it is shared. */
  readonly inspect: () => EmulatorInspection | Promise<EmulatorInspection>;
  /** What the bot sent through the dev connector (1:1 cards, replies), shown on the outbox page. */
  readonly chatActivities?: () => readonly ChatActivity[];
}

const signInSchema = z.strictObject({ upn: z.string().trim().min(1).max(320) });
const clockSchema = z.strictObject({ now: z.union([z.iso.datetime({ offset: true }), z.iso.date()]) });

export function devRouter(deps: DevRouteDeps): Router {
  const router = Router();
  const roleLabel = (procedureId: string, roleId: string): string =>
    deps.procedures.find((p) => p.id === procedureId)?.roles.find((r) => r.id === roleId)?.label ?? roleId;
  const people: readonly Persona[] = demoPersonas(roleLabel, (id) => deps.procedures.some((p) => p.id === id));
  const clockView = () => ({
    now: deps.clock.now().toISOString(),
    today: londonDateOf(deps.clock.now()),
    offsetMs: deps.clock.offsetMs,
  });

  router.use(express.json({ limit: '16kb', strict: true }));

  router.get('/assets/sign-in.js', (_req, res) => {
    res.type('text/javascript').send(SIGN_IN_JS);
  });
  router.get('/assets/outbox.js', (_req, res) => {
    res.type('text/javascript').sendFile(OUTBOX_SCRIPT);
  });
  router.get('/assets/adaptivecards.js', (_req, res) => {
    res.type('text/javascript').sendFile(ADAPTIVE_CARDS_BUNDLE);
  });
  router.get('/personas', (_req, res) => {
    res.json({ items: people });
  });
  router.get('/sign-in', (req, res) => {
    res.type('html').send(signInPage(people, londonDateOf(deps.clock.now()), safeReturnTo(req.query.returnTo)));
  });
  router.post('/sign-in', async (req, res) => {
    const parsed = signInSchema.safeParse(req.body ?? {});
    if (!parsed.success)
      throw invalidRequest('Send {"upn": "<a demo person’s sign-in name>"}; GET /dev/personas lists them.');
    const persona = people.find((p) => p.upn === parsed.data.upn.toLowerCase());
    if (!persona) throw notFound(`"${parsed.data.upn}" is not a demo person; GET /dev/personas lists them.`);
    const token = await deps.keys.sign(
      { upn: persona.upn, name: persona.name, roles: persona.roles, programmes: persona.programmes },
      deps.realNow(),
    );
    res.json({ token, persona });
  });
  router.get('/clock', (_req, res) => {
    res.json(clockView());
  });
  router.post('/clock', async (req, res) => {
    const parsed = clockSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidRequest('Send {"now": "2027-01-15"} or {"now": "2027-01-15T09:00:00Z"}.');
    const value = parsed.data.now;
    const instant = new Date(value.length === 10 ? `${value}T09:00:00Z` : value);
    if (Number.isNaN(instant.getTime())) throw invalidRequest('That is not a date.');
    await deps.clock.set(instant);
    res.json(clockView());
  });
  router.get('/outbox', async (req, res) => {
    const inspection = await deps.inspect();
    if (req.query.format !== 'json' && req.accepts(['json', 'html']) === 'html') {
      res.type('html').send(outboxPage(inspection, deps.chatActivities?.() ?? []));
      return;
    }
    const { counters: _counters, ...outbox } = inspection;
    // Chat activities as JSON: GET /dev/connector/activities. An actionable email's card is also given parsed.
    res.json({
      ...outbox,
      mails: outbox.mails.map((mail) => {
        const actionableCard = mail.bodyContentType === 'html' ? actionableCardOf(mail.bodyContent) : undefined;
        return actionableCard === undefined ? mail : { ...mail, actionableCard };
      }),
    });
  });
  router.get('/outbox/mails/:mailId/attachments/:index', async (req, res) => {
    const mail = (await deps.inspect()).mails.find((m) => m.id === req.params.mailId);
    const attachment = mail?.attachments[Number(req.params.index)];
    if (!attachment) throw notFound('There is no such attachment.');
    const safeName = attachment.name.replace(/[^A-Za-z0-9 ._-]/g, '_');
    res.type('application/octet-stream').attachment(safeName).send(Buffer.from(attachment.contentBytes, 'base64'));
  });
  router.use((req, _res, next) => {
    next(
      req.method === 'GET' || req.method === 'POST'
        ? notFound(`There is no dev page at ${req.path.slice(0, 200)}.`)
        : new HttpProblem(405, 'method_not_allowed', 'Method not allowed', 'Dev routes take GET and POST.'),
    );
  });
  return router;
}
