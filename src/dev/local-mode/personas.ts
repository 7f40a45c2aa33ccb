/**
 * The demo people of local mode, for each of the five seed providers and the example SCITT whose
 * procedure is only a file (examples/procedures, loaded with TRELLIS_PROCEDURES_DIR): course
 * leader (course team), tutors, school mentors, professional mentor and trainees. Names are
 * invented, with addresses on reserved `.example` domains so nothing can reach a real mailbox.
 * A provider's people are offered only while its procedure runs.
 */
export interface DemoPerson {
  readonly upn: string;
  readonly name: string;
}

export interface DemoProvider {
  readonly key: string;
  readonly procedureId: string;
  readonly providerName: string;
  readonly programme: string;
  readonly school: string;
  readonly subject: string | undefined;
  readonly phase: string;
  readonly referencePrefix: string;
  /** The course team member who signs in with the CourseTeam app role. */
  readonly courseTeam: DemoPerson & { readonly title: string };
  /** Staff by procedure role id; the first person is the one put on new cases. */
  readonly staff: Readonly<Record<string, readonly DemoPerson[]>>;
  readonly trainees: readonly DemoPerson[];
}

const p = (name: string, domain: string, local?: string): DemoPerson => ({
  name,
  upn: `${
    local ??
    name
      .toLowerCase()
      .replace(/^dr /, '')
      .replace(/[^a-z ]/g, '')
      .trim()
      .replace(/\s+/g, '.')
  }@${domain}`,
});

const BCU = 'bcu.example';
const RCTTP = 'rcttp.example';
const UNI = 'northgate-uni.example';
const BF = 'brightfutures.example';
const ME = 'mid-essex-itt.example';
const KS = 'kestrel-scitt.example';

export const DEMO_PROVIDERS: readonly DemoProvider[] = [
  {
    key: 'bcu',
    procedureId: 'bcu-rapid-improvement-targets',
    providerName: 'Birmingham City University ITE',
    programme: 'PGCE Primary and Early Years 2026/27',
    school: 'Hollybank Primary School, Birmingham',
    subject: undefined,
    phase: 'Primary',
    referencePrefix: 'BCU-RIT',
    courseTeam: { ...p('Mark Whitfield', BCU), title: 'Course leader' },
    staff: {
      course_leader: [p('Mark Whitfield', BCU)],
      tutor: [p('Helen Okafor', BCU), p('David Mensah', BCU)],
      mentor: [p('Gareth Evans', 'hollybank.example'), p('Laura Bennett', 'stannes-primary.example')],
      senior_school_leader: [p('Rachel Donnelly', 'hollybank.example')],
      professional_development_tutor: [p('Siobhan Kelly', BCU)],
    },
    trainees: [
      p('Priya Sharma', 'mail.bcu.example'),
      p('Tom Fletcher', 'mail.bcu.example'),
      p('Aisha Rahman', 'mail.bcu.example'),
      p('Callum Reid', 'mail.bcu.example'),
      p('Megan Hughes', 'mail.bcu.example'),
      p('Daniel Osei', 'mail.bcu.example'),
    ],
  },
  {
    key: 'rcttp',
    procedureId: 'rcttp-concern-procedures',
    providerName: 'RCTTP',
    programme: 'RCTTP Secondary 2026/27',
    school: 'Riverside Academy, Rochdale',
    subject: 'Mathematics',
    phase: 'Secondary',
    referencePrefix: 'RCTTP',
    courseTeam: { ...p('Joanna Price', RCTTP), title: 'Course leader' },
    staff: {
      course_leader: [p('Joanna Price', RCTTP)],
      programme_manager: [p('Stephen Clarke', RCTTP)],
      partnership_tutor: [p('Fiona MacLeod', RCTTP), p('Anil Kapoor', RCTTP)],
      mentor: [p('Owen Griffiths', 'riverside-academy.example'), p('Hannah Whitaker', 'riverside-academy.example')],
      professional_mentor: [p('Nadia Hussain', 'riverside-academy.example')],
      executive_group_chair: [p('Dr Alan Marsh', RCTTP)],
      partnership_administrator: [p('Kerry Walsh', RCTTP)],
    },
    trainees: [
      p('Jack Thompson', 'trainee.rcttp.example'),
      p('Sophie Turner', 'trainee.rcttp.example'),
      p('Ravi Patel', 'trainee.rcttp.example'),
      p('Ellie Morgan', 'trainee.rcttp.example'),
      p("Liam O'Connor", 'trainee.rcttp.example'),
      p('Zara Ahmed', 'trainee.rcttp.example'),
    ],
  },
  {
    key: 'northgate',
    procedureId: 'enhanced-support',
    providerName: 'University partnership',
    programme: 'PGCE Secondary 2026/27',
    school: 'St Michael’s Church of England High School',
    subject: 'English',
    phase: 'Secondary',
    referencePrefix: 'ESP',
    courseTeam: { ...p('Dr Catherine Lloyd', UNI), title: 'Course leader' },
    staff: {
      course_leader: [p('Dr Catherine Lloyd', UNI)],
      tutor: [p('Ben Harrison', UNI), p('Amara Nwosu', UNI)],
      mentor: [p('Sarah Collins', 'stmichaels.example')],
      professional_mentor: [p('Michael Byrne', 'stmichaels.example')],
      partnership_tutor: [p('Gemma Roberts', UNI)],
    },
    trainees: [
      p('Olivia Clarke', 'students.northgate-uni.example'),
      p('Harry Wilson', 'students.northgate-uni.example'),
      p('Fatima Begum', 'students.northgate-uni.example'),
      p('George Evans', 'students.northgate-uni.example'),
      p('Chloe Davies', 'students.northgate-uni.example'),
    ],
  },
  {
    key: 'brightfutures',
    procedureId: 'bright-futures-support',
    providerName: 'Bright Futures SCITT',
    programme: 'Bright Futures SCITT Primary 2026/27',
    school: 'Meadowbank Primary School',
    subject: undefined,
    phase: 'Primary',
    referencePrefix: 'BF',
    courseTeam: { ...p('Paul Ashworth', BF), title: 'SCITT Director' },
    staff: {
      director: [p('Paul Ashworth', BF)],
      lead: [p('Karen Jenkins', BF)],
      mentor: [p('Emma Shaw', 'meadowbank.example'), p('Rhys Parry', 'meadowbank.example')],
      professional_mentor: [p('Deborah Lane', 'meadowbank.example')],
    },
    trainees: [
      p('Lucy Bradshaw', 'trainee.brightfutures.example'),
      p('Mohammed Ali', 'trainee.brightfutures.example'),
      p('Jessica Price', 'trainee.brightfutures.example'),
      p('Nathan Cole', 'trainee.brightfutures.example'),
      p('Grace Edwards', 'trainee.brightfutures.example'),
    ],
  },
  {
    key: 'mid-essex',
    procedureId: 'mid-essex-early-support',
    providerName: 'Mid-Essex ITT',
    programme: 'Mid-Essex ITT Secondary 2026/27',
    school: 'Chelmer Valley School',
    subject: 'Science',
    phase: 'Secondary',
    referencePrefix: 'MEITT-ESP',
    courseTeam: { ...p('Julia Hart', ME), title: 'Director' },
    staff: {
      director: [p('Julia Hart', ME)],
      course_tutor: [p('Andrew Fox', ME)],
      professional_mentor: [p('Samantha Reed', 'chelmervalley.example')],
      mentor: [p('Peter Wong', 'chelmervalley.example')],
      lead_subject_mentor: [p('Claire Dunn', ME)],
    },
    trainees: [
      p('Amelia Brooks', 'trainee.mid-essex-itt.example'),
      p('Joshua King', 'trainee.mid-essex-itt.example'),
      p('Isabelle Ward', 'trainee.mid-essex-itt.example'),
      p('Ryan Mitchell', 'trainee.mid-essex-itt.example'),
      p('Hollie Stevens', 'trainee.mid-essex-itt.example'),
    ],
  },
  {
    key: 'kestrel',
    procedureId: 'kestrel-scitt-cause-for-concern',
    providerName: 'Kestrel Schools SCITT',
    programme: 'Kestrel SCITT Primary 2026/27',
    school: 'Larkfield Primary School',
    subject: undefined,
    phase: 'Primary',
    referencePrefix: 'KS-CFC',
    courseTeam: { ...p('Naomi Fraser', KS), title: 'SCITT programme lead' },
    staff: {
      programme_lead: [p('Naomi Fraser', KS)],
      link_tutor: [p('Owen Pritchard', KS)],
      mentor: [p('Bethany Cole', 'larkfield-primary.example')],
      professional_mentor: [p('Imogen Stairs', 'larkfield-primary.example')],
      director: [p('Dr Colin Ashby', KS)],
    },
    trainees: [
      p('Evie Marshall', 'trainee.kestrel-scitt.example'),
      p('Samir Haddad', 'trainee.kestrel-scitt.example'),
      p('Poppy Lin', 'trainee.kestrel-scitt.example'),
    ],
  },
];

export const ADMIN_PERSONA = { upn: 'trellis.admin@trellis.example', name: 'Trellis Administrator' } as const;

export interface Persona {
  readonly upn: string;
  readonly name: string;
  readonly provider: string;
  /** What they are, in the provider's words ("Class teacher/mentor", "Trainee"). */
  readonly title: string;
  /** Entra app roles the dev token carries. */
  readonly roles: readonly ('CourseTeam' | 'Admin')[];
  readonly programmes: readonly string[];
}

/**
 * Everyone you can sign in as, by provider; role titles come from each procedure's own labels.
 * `runs` says which procedures this Trellis runs: the people of the others are left out.
 */
export function personas(
  roleLabel: (procedureId: string, roleId: string) => string,
  runs: (procedureId: string) => boolean = () => true,
): Persona[] {
  const out: Persona[] = [];
  for (const provider of DEMO_PROVIDERS) {
    if (!runs(provider.procedureId)) continue;
    const seen = new Set<string>();
    const add = (person: DemoPerson, title: string, courseTeam: boolean): void => {
      if (seen.has(person.upn)) return;
      seen.add(person.upn);
      out.push({
        upn: person.upn,
        name: person.name,
        provider: provider.providerName,
        title,
        roles: courseTeam ? ['CourseTeam'] : [],
        programmes: courseTeam ? [provider.programme] : [],
      });
    };
    add(provider.courseTeam, `${provider.courseTeam.title} (course team)`, true);
    for (const [role, people] of Object.entries(provider.staff))
      for (const person of people) add(person, roleLabel(provider.procedureId, role), false);
    for (const trainee of provider.trainees) add(trainee, roleLabel(provider.procedureId, 'trainee'), false);
  }
  out.push({
    upn: ADMIN_PERSONA.upn,
    name: ADMIN_PERSONA.name,
    provider: 'Trellis',
    title: 'Administrator (sees every case)',
    roles: ['Admin'],
    programmes: [],
  });
  return out;
}
