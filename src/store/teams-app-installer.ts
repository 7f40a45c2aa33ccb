import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { TeamsAppInstaller } from '../app/ports.js';
import { classifyGraphError, failureFromError, GraphStoreError } from './graph/errors.js';
import { parseGraphJson } from './graph/graph-json.js';
import { quoteString } from './graph/odata.js';

/**
 * Proactive installation of the Teams app for one person, so the bot can start a 1:1 chat:
 *
 *   POST /users/{upn}/teamwork/installedApps   (409: already installed, which is fine)
 *   GET  /users/{upn}/teamwork/installedApps?$filter=teamsApp/id eq '<app id>'
 *   GET  /users/{upn}/teamwork/installedApps/{installation id}/chat
 *
 * Application permission TeamsAppInstallation.ReadWriteForUser.All. The app id is the one in
 * the tenant's app catalogue (the manifest's id for a sideloaded or organisation app).
 */
const installationsSchema = z.object({ value: z.array(z.object({ id: z.string().min(1) }).loose()) }).loose();
const chatSchema = z.object({ id: z.string().min(1) }).loose();

export class GraphTeamsAppInstaller implements TeamsAppInstaller {
  constructor(
    private readonly client: Client,
    private readonly teamsAppId: string,
  ) {}

  async installFor(upn: string): Promise<{ readonly chatId: string }> {
    const installed = `/users/${encodeURIComponent(upn)}/teamwork/installedApps`;
    const context = `Installing Trellis for a person`;
    try {
      await this.client.api(installed).post({
        'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${encodeURIComponent(this.teamsAppId)}`,
      });
    } catch (error) {
      if (failureFromError(error)?.status !== 409) throw classifyGraphError(error, context);
    }
    let listed: unknown;
    try {
      listed = await this.client
        .api(`${installed}?$filter=${encodeURIComponent(`teamsApp/id eq ${quoteString(this.teamsAppId)}`)}`)
        .get();
    } catch (error) {
      throw classifyGraphError(error, `${context}: reading the installation`);
    }
    const install = parseGraphJson(installationsSchema, listed, context).value[0];
    if (install === undefined) throw new GraphStoreError('not_found', `${context}: no installation after installing`);
    let chat: unknown;
    try {
      chat = await this.client.api(`${installed}/${encodeURIComponent(install.id)}/chat`).get();
    } catch (error) {
      throw classifyGraphError(error, `${context}: reading its chat`);
    }
    return { chatId: parseGraphJson(chatSchema, chat, context).id };
  }
}
