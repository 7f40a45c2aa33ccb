import { Router, type Response } from 'express';
import JSZip from 'jszip';
import type { UseCaseDeps } from '../../app/deps.js';
import {
  exportSourcesOf,
  personExport,
  traineeExport,
  type SubjectExport,
} from '../../app/data-protection/subject-export.js';
import type { OutboxPort } from '../../notify/ports.js';
import { callerOf } from '../auth/authenticate.js';

/**
 * Subject access exports as zip files: GET /api/trainees/:upn/export (a trainee's record) and
 * GET /api/people/:upn/export (what Trellis holds about a member of staff). Who may ask, and
 * what each gets, is decided in src/app/data-protection; this edge only packs the files.
 */
export function dataProtectionRouter(deps: UseCaseDeps & { readonly outbox?: OutboxPort }): Router {
  const router = Router();
  const sources = exportSourcesOf(deps, deps.outbox);

  router.get('/trainees/:upn/export', async (req, res) => {
    await sendZip(res, await traineeExport(deps, sources, callerOf(res), req.params.upn));
  });
  router.get('/people/:upn/export', async (req, res) => {
    await sendZip(res, await personExport(deps, sources, callerOf(res), req.params.upn));
  });
  return router;
}

async function sendZip(res: Response, exported: SubjectExport): Promise<void> {
  const zip = new JSZip();
  // A fixed date on every entry: the same record exports to the same bytes.
  const date = new Date(Date.UTC(2000, 0, 1));
  for (const file of exported.files) zip.file(file.path, file.content, { date });
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  const name = `trellis-export-${exported.subject.replace(/[^a-z0-9._-]+/g, '-').slice(0, 80)}.zip`;
  res.status(200).type('application/zip').attachment(name).set('Cache-Control', 'private, no-store').send(bytes);
}
