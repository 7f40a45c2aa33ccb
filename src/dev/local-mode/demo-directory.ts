import { randomBytes } from 'node:crypto';
import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphError } from '@microsoft/microsoft-graph-client';
import type { Persona } from './personas.js';

/**
 * Local mode's directory: every demo persona plus people who are on no case yet (more provider
 * staff, school mentors on the schools' own domains, trainees), created on the Graph emulator
 * through `POST /users` like a tenant's accounts, so the new-case wizard's people search has
 * someone to find. Loaded at every start: people already there are left as they are.
 */
export interface DirectoryEntry {
  readonly upn: string;
  readonly name: string;
  /** Absent: the mail address is the sign-in name; null: the account has no mailbox. */
  readonly mail?: string | null;
  readonly jobTitle: string | null;
  readonly department?: string;
}

const entry = (
  name: string,
  upn: string,
  jobTitle: string | null,
  extra: Partial<DirectoryEntry> = {},
): DirectoryEntry => ({ name, upn, jobTitle, ...extra });

/** People in the demo providers' and schools' directories who are not demo personas. */
export const DIRECTORY_EXTRAS: readonly DirectoryEntry[] = [
  // Birmingham City University and its partnership schools
  entry('Dr Karen Osborne', 'k.osborne@bcu.example', 'Head of Department', {
    department: 'Birmingham City University ITE',
  }),
  entry('Jaspreet Singh', 'j.singh@bcu.example', 'Partnership lead', { department: 'Birmingham City University ITE' }),
  entry('Yvonne Adebayo', 'yvonne.adebayo@bcu.example', 'Placement administrator', {
    department: 'Birmingham City University ITE',
  }),
  entry('Martin Cooper', 'martin.cooper@bcu.example', 'Senior lecturer in primary education', {
    department: 'Birmingham City University ITE',
  }),
  entry("Siobhan O'Neill", 'soneill@oakfield-primary.example', 'Class teacher/mentor', {
    mail: 'siobhan.oneill@oakfield-primary.example',
  }),
  entry('Tariq Mahmood', 'tariq.mahmood@oakfield-primary.example', 'Assistant headteacher'),
  entry('Joanne Pearce', 'joanne.pearce@elmwood-juniors.example', 'Class teacher/mentor'),
  entry('Ben Carter', 'ben.carter@hollybank.example', 'Year 2 teacher'),
  entry('Ella Whitmore', 'ella.whitmore@mail.bcu.example', 'Trainee teacher'),
  entry('Kwame Boateng', 'kwame.boateng@mail.bcu.example', 'Trainee teacher'),
  entry('Niamh Gallagher', 'niamh.gallagher@mail.bcu.example', 'Trainee teacher'),
  entry('Oscar Lindqvist', 'oscar.lindqvist@mail.bcu.example', 'Trainee teacher', { mail: null }),
  // RCTTP
  entry('Lorraine Francis', 'l.francis@rcttp.example', 'Headteacher, partnership school'),
  entry('Graham Booth', 'graham.booth@rcttp.example', 'Quality assurance lead', { department: 'RCTTP' }),
  entry('Imran Qureshi', 'imran.qureshi@riverside-academy.example', 'Head of mathematics'),
  entry('Sinead McCarthy', 'sinead.mccarthy@kingsway-academy.example', 'Subject mentor'),
  entry('Paul Jennings', 'paul.jennings@kingsway-academy.example', 'Professional mentor'),
  entry('Aidan Walsh', 'aidan.walsh@trainee.rcttp.example', 'Trainee teacher'),
  entry('Maya Chen', 'maya.chen@trainee.rcttp.example', null),
  entry('Connor McAllister', 'connor.mcallister@trainee.rcttp.example', 'Trainee teacher'),
  // The university partnership (Enhanced Support)
  entry('Dr Rebecca Hale', 'rebecca.hale@northgate-uni.example', 'Programme director', {
    department: 'School of Education',
  }),
  entry('Tom Ashby', 'tom.ashby@northgate-uni.example', 'Senior lecturer in English education', {
    department: 'School of Education',
  }),
  entry('Lucy Fernandes', 'lucy.fernandes@stmichaels.example', 'Head of English'),
  entry("Mark O'Brien", 'mark.obrien@harbour-high.example', 'Subject mentor'),
  entry('Jade Robinson', 'jade.robinson@students.northgate-uni.example', 'Trainee teacher'),
  entry('Samuel Adeyemi', 'samuel.adeyemi@students.northgate-uni.example', 'Trainee teacher'),
  entry('Freya Lawson', 'freya.lawson@students.northgate-uni.example', 'Trainee teacher'),
  // Bright Futures SCITT
  entry('Alison Hughes', 'alison.hughes@brightfutures.example', 'SCITT administrator', {
    department: 'Bright Futures SCITT',
  }),
  entry('Gemma Lloyd', 'gemma.lloyd@meadowbank.example', 'Reception teacher'),
  entry('Daniel Price', 'daniel.price@elmwood-juniors.example', 'Class teacher/mentor'),
  entry('Holly Bishop', 'holly.bishop@trainee.brightfutures.example', 'Trainee teacher'),
  entry('Arjun Nair', 'arjun.nair@trainee.brightfutures.example', 'Trainee teacher'),
  // Mid-Essex ITT
  entry('Victoria Stone', 'victoria.stone@mid-essex-itt.example', 'Quality and partnership manager', {
    department: 'Mid-Essex ITT',
  }),
  entry('Richard Hale', 'richard.hale@chelmervalley.example', 'Head of science'),
  entry('Priya Desai', 'priya.desai@chelmervalley.example', 'Subject mentor'),
  entry('Leo Fraser', 'leo.fraser@trainee.mid-essex-itt.example', 'Trainee teacher'),
  entry('Sophie Kaur', 'sophie.kaur@trainee.mid-essex-itt.example', 'Trainee teacher'),
];

/** The personas (whom dev sign-in offers) and the extras, once each by sign-in name. */
export function demoDirectory(personas: readonly Persona[]): DirectoryEntry[] {
  const byUpn = new Map<string, DirectoryEntry>();
  for (const persona of personas) {
    // "Course leader (course team)" → "Course leader".
    const jobTitle = persona.title.replace(/\s*\(.*\)$/, '').trim();
    byUpn.set(
      persona.upn.toLowerCase(),
      entry(persona.name, persona.upn, jobTitle === '' ? null : jobTitle, { department: persona.provider }),
    );
  }
  for (const extra of DIRECTORY_EXTRAS)
    if (!byUpn.has(extra.upn.toLowerCase())) byUpn.set(extra.upn.toLowerCase(), extra);
  return [...byUpn.values()];
}

/** The body of Graph's create user for an entry (a random password: nobody signs in with it). */
export function createUserBody(person: DirectoryEntry): Record<string, unknown> {
  const [given = '', ...rest] = person.name.replace(/^Dr\s+/, '').split(/\s+/);
  const alias = (person.upn.split('@')[0] ?? '').replace(/[^A-Za-z0-9._-]/g, '').slice(0, 64) || 'user';
  return {
    accountEnabled: true,
    displayName: person.name,
    mailNickname: alias,
    userPrincipalName: person.upn,
    passwordProfile: { password: randomBytes(18).toString('base64url'), forceChangePasswordNextSignIn: true },
    givenName: given === '' ? null : given,
    surname: rest.length === 0 ? null : rest.join(' '),
    mail: person.mail === undefined ? person.upn : person.mail,
    jobTitle: person.jobTitle,
    ...(person.department === undefined ? {} : { department: person.department }),
  };
}

export interface DirectoryLoadResult {
  readonly created: number;
  readonly existing: number;
}

/** Creates at most this many accounts at once. */
const CONCURRENT_CREATES = 8;

function isTakenAnswer(error: unknown): boolean {
  return error instanceof GraphError && error.statusCode === 400 && /already exists/i.test(error.message);
}

/**
 * Creates the entries the directory does not have yet. One read when everyone is there; a
 * sign-in name someone else just took (a re-sent create, another start) counts as existing.
 */
export async function loadDemoDirectory(
  client: Client,
  people: readonly DirectoryEntry[],
): Promise<DirectoryLoadResult> {
  const listed: unknown = await client.api('/users?$select=userPrincipalName&$top=999').get();
  const value =
    typeof listed === 'object' && listed !== null && 'value' in listed && Array.isArray(listed.value)
      ? (listed.value as unknown[])
      : [];
  const present = new Set(
    value.map((u) =>
      typeof u === 'object' && u !== null && 'userPrincipalName' in u && typeof u.userPrincipalName === 'string'
        ? u.userPrincipalName.toLowerCase()
        : '',
    ),
  );
  const missing = people.filter((p) => !present.has(p.upn.toLowerCase()));
  let created = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < missing.length) {
      const person = missing[next];
      next += 1;
      if (person === undefined) continue;
      try {
        await client.api('/users').post(createUserBody(person));
        created += 1;
      } catch (error) {
        if (!isTakenAnswer(error)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_CREATES, missing.length) }, worker));
  return { created, existing: people.length - created };
}
