import { randomUUID } from 'node:crypto';
import express, { Router } from 'express';

/**
 * Local mode's stand-in for the Bot Framework connector: the bot's serviceUrl points here when
 * no Teams client (or Playground) is attached, so its replies and proactive cards land somewhere
 * a developer can see them: GET /dev/connector/activities. It implements the few v3 routes the
 * Teams SDK calls to send; it keeps the most recent activities in memory.
 */
export interface RecordedActivity {
  readonly id: string;
  readonly conversationId: string;
  readonly at: string;
  readonly activity: unknown;
}

export interface DevConnector {
  readonly router: Router;
  readonly activities: () => readonly RecordedActivity[];
}

const KEEP = 500;

export function createDevConnector(now: () => Date = () => new Date()): DevConnector {
  const recorded: RecordedActivity[] = [];
  const router = Router();
  // Cards are up to 28 KB; a few of them in one activity stay well inside this.
  router.use(express.json({ limit: '512kb', strict: true }));

  const record = (conversationId: string, activity: unknown): RecordedActivity => {
    const entry = {
      id: randomUUID(),
      conversationId: conversationId.slice(0, 1000),
      at: now().toISOString(),
      activity,
    };
    recorded.push(entry);
    if (recorded.length > KEEP) recorded.splice(0, recorded.length - KEEP);
    return entry;
  };

  router.post('/v3/conversations', (req, res) => {
    const id = `dev-conversation-${randomUUID()}`;
    const body = req.body as { activity?: unknown } | undefined;
    if (body?.activity !== undefined) record(id, body.activity);
    res.status(201).json({
      id,
      activityId: randomUUID(),
      serviceUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`,
    });
  });
  router.post('/v3/conversations/:conversationId/activities', (req, res) => {
    res.status(201).json({ id: record(req.params.conversationId, req.body).id });
  });
  router.post('/v3/conversations/:conversationId/activities/:replyTo', (req, res) => {
    res.status(201).json({ id: record(req.params.conversationId, req.body).id });
  });
  router.put('/v3/conversations/:conversationId/activities/:activityId', (req, res) => {
    res.status(200).json({ id: record(req.params.conversationId, req.body).id });
  });
  router.get('/activities', (_req, res) => {
    res.json({ items: [...recorded].reverse() });
  });
  return { router, activities: () => [...recorded] };
}
