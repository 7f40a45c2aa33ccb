import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { classifyGraphError } from './graph/errors.js';
import { getAllPages, parseGraphJson, pathSegment } from './graph/graph-json.js';

/**
 * Who can open the Trellis site outside Trellis, as far as Microsoft Graph can tell.
 *
 * Anyone the SharePoint site lets in can read every list row, whatever Trellis's own rules say,
 * so the site must be restricted to the course team and administrators. Graph v1.0 cannot list a
 * SharePoint site's own groups (its Owners, Members and Visitors) or their members: the site's
 * and lists' `permissions` resources list only the applications granted access, and a library's
 * sharing permissions name SharePoint groups without their members. What Graph can tell, with the
 * permissions Trellis already has (`Sites.Selected` on the site, `Directory.Read.All`):
 *
 *   GET /sites/{site}/drive?$select=id,owner        a team's site (connected to a Microsoft 365
 *                                                   group): the library's owner is that group
 *   GET /groups/{id}/members, /groups/{id}/owners   then everyone the group lets into the site
 *   GET /servicePrincipals(appId='{app}')?$select=id
 *   GET /servicePrincipals/{id}/appRoleAssignedTo   who holds one of Trellis's roles (CourseTeam,
 *                                                   Admin), directly or through a group's members
 *
 * So for a team's site the check is real: the group's members and owners who hold no Trellis
 * role are people who can read every case outside Trellis. For any other site it says plainly
 * that the site's members were not checked.
 */

type SiteAudience =
  | {
      readonly kind: 'group';
      readonly groupId: string;
      /** Members and owners of the site's group, counted once. */
      readonly people: number;
      /** Object ids of those who hold no Trellis role: they can open every list outside Trellis. */
      readonly outsiders: readonly string[];
    }
  | { readonly kind: 'not_group_connected' }
  | { readonly kind: 'unknown'; readonly reason: string };

const driveSchema = z
  .object({
    owner: z
      .object({ group: z.object({ id: z.string() }).loose().optional() })
      .loose()
      .nullish(),
  })
  .loose();
const directoryObjectSchema = z.object({ id: z.string(), '@odata.type': z.string().optional() }).loose();
const servicePrincipalSchema = z.object({ id: z.string() }).loose();
const assignmentSchema = z
  .object({ principalId: z.string(), principalType: z.string().nullish(), appRoleId: z.string() })
  .loose();

/** Graph's "default access" role: an assignment without one of the app's own roles. */
const DEFAULT_ACCESS = '00000000-0000-0000-0000-000000000000';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function getJson(client: Client, path: string, context: string): Promise<unknown> {
  try {
    return (await client.api(path).get()) as unknown;
  } catch (error) {
    throw classifyGraphError(error, context);
  }
}

async function membersOf(client: Client, groupId: string, relation: 'members' | 'owners'): Promise<string[]> {
  const group = pathSegment(groupId, 'groupId');
  const objects = await getAllPages(
    client,
    `/groups/${group}/${relation}?$select=id&$top=999`,
    directoryObjectSchema,
    `Reading the ${relation} of the site's group`,
  );
  // Only people read lists: a service principal or a nested group is not a person signing in.
  return objects
    .filter((o) => o['@odata.type'] === undefined || o['@odata.type'] === '#microsoft.graph.user')
    .map((o) => o.id.toLowerCase());
}

/** Everyone holding one of the app's roles: users assigned directly, and the members of groups assigned. */
async function roleHolders(client: Client, appId: string): Promise<Set<string>> {
  const sp = parseGraphJson(
    servicePrincipalSchema,
    await getJson(client, `/servicePrincipals(appId='${appId}')?$select=id`, "Reading Trellis's service principal"),
    "Reading Trellis's service principal",
  );
  const assignments = await getAllPages(
    client,
    `/servicePrincipals/${pathSegment(sp.id, 'servicePrincipalId')}/appRoleAssignedTo`,
    assignmentSchema,
    "Reading who holds Trellis's roles",
  );
  const holders = new Set<string>();
  for (const assignment of assignments) {
    if (assignment.appRoleId === DEFAULT_ACCESS) continue;
    if (assignment.principalType === 'Group')
      for (const id of await membersOf(client, assignment.principalId, 'members')) holders.add(id);
    else holders.add(assignment.principalId.toLowerCase());
  }
  return holders;
}

/**
 * What Graph can tell about who besides the course team and administrators can open the site.
 * Never throws: a check Graph refuses (a permission the tenant did not grant) answers `unknown`
 * with the reason, for the caller to report.
 */
export async function checkSiteAudience(
  client: Client,
  options: { readonly siteId: string; readonly appId: string },
): Promise<SiteAudience> {
  try {
    if (!GUID.test(options.appId)) return { kind: 'unknown', reason: 'the app id is not a GUID' };
    const site = pathSegment(options.siteId, 'siteId');
    const drive = parseGraphJson(
      driveSchema,
      await getJson(client, `/sites/${site}/drive?$select=id,owner`, "Reading the site's document library"),
      "Reading the site's document library",
    );
    const groupId = drive.owner?.group?.id;
    if (groupId === undefined) return { kind: 'not_group_connected' };
    const [members, owners, holders] = await Promise.all([
      membersOf(client, groupId, 'members'),
      membersOf(client, groupId, 'owners'),
      roleHolders(client, options.appId),
    ]);
    const people = [...new Set([...members, ...owners])];
    return { kind: 'group', groupId, people: people.length, outsiders: people.filter((id) => !holders.has(id)) };
  } catch (error) {
    return { kind: 'unknown', reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The lines provisioning prints (and logs) about the site's audience: ids and counts only. */
export function describeSiteAudience(audience: SiteAudience): { readonly warn: boolean; readonly lines: string[] } {
  switch (audience.kind) {
    case 'group':
      return audience.outsiders.length === 0
        ? {
            warn: false,
            lines: [
              `site audience: the site belongs to Microsoft 365 group ${audience.groupId}; all ${String(audience.people)} of its members and owners hold a Trellis role`,
            ],
          }
        : {
            warn: true,
            lines: [
              `WARNING site audience: ${String(audience.outsiders.length)} of the ${String(audience.people)} members and owners of Microsoft 365 group ${audience.groupId}, which the site belongs to, hold neither the CourseTeam nor the Admin role, and can open every list outside Trellis: move Trellis to a site of its own or remove them (object ids: ${audience.outsiders.join(', ')})`,
            ],
          };
    case 'not_group_connected':
      return {
        warn: false,
        lines: [
          "site audience: not checked: the site is not a Microsoft 365 group's site, and Microsoft Graph cannot list a SharePoint site's own members; check Site settings > Site permissions yourself",
        ],
      };
    case 'unknown':
      return {
        warn: true,
        lines: [`WARNING site audience: not checked: ${audience.reason}`],
      };
  }
}
