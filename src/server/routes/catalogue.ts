import * as contract from '../../contract/index.js';
import { itemsOf } from '../../contract/common.js';
import { reply } from '../http/reply.js';
import { Router } from 'express';
import type { Framework } from '../../domain/frameworks/framework.js';
import type { Procedure } from '../../domain/procedure/schema.js';
import { notFound } from '../http/problem.js';

/** The procedures this server runs and the frameworks (standards catalogues) they cite. */
export function frameworksOf(procedures: readonly Procedure[]): Framework[] {
  const byId = new Map<string, Framework>();
  for (const procedure of procedures) for (const framework of procedure.frameworks) byId.set(framework.id, framework);
  return [...byId.values()];
}

export function catalogueRouter(procedures: readonly Procedure[]): Router {
  const router = Router();
  router.get('/procedures', (_req, res) => {
    reply(res, itemsOf(contract.procedureSummary), {
      items: procedures.map((p) => ({
        id: p.id,
        version: p.version,
        name: p.name,
        provider: p.provider,
        confidential: p.confidential,
        frameworks: p.frameworks.map((f) => ({ id: f.id, name: f.name })),
        stages: p.stages.map((s) => ({ id: s.id, title: s.title, formality: s.formality, openable: s.openable })),
      })),
    });
  });
  router.get('/procedures/:id', (req, res) => {
    const procedure = procedures.find((p) => p.id === req.params.id);
    if (!procedure)
      throw notFound(`There is no procedure "${req.params.id.slice(0, 80)}". GET /api/procedures lists them.`);
    reply(res, contract.procedure, procedure);
  });
  router.get('/frameworks', (_req, res) => {
    reply(res, itemsOf(contract.frameworkSummary), {
      items: frameworksOf(procedures).map((f) => ({ id: f.id, name: f.name, configurable: f.configurable })),
    });
  });
  router.get('/frameworks/:id', (req, res) => {
    const framework = frameworksOf(procedures).find((f) => f.id === req.params.id);
    if (!framework)
      throw notFound(`There is no framework "${req.params.id.slice(0, 80)}". GET /api/frameworks lists them.`);
    reply(res, contract.framework, framework);
  });
  return router;
}
