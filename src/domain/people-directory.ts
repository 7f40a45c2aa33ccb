/**
 * The organisation's directory of people (Entra ID in a tenant, the Graph emulator locally),
 * as a port the domain owns: the new-case wizard looks up the trainee and the
 * people around them instead of typing addresses. src/store/directory.ts implements it.
 */

/** Someone a case could name: their sign-in name is the id a case records for them. */
export interface DirectoryPerson {
  /** Sign-in name (user principal name), lower case. */
  readonly upn: string;
  readonly name: string;
  /** Where mail reaches them: their mail address, or the sign-in name when they have none; lower case. */
  readonly email: string;
  readonly jobTitle: string | undefined;
}

export interface PeopleDirectory {
  /**
   * People whose name has a word starting with `text`, or whose mail address starts with it
   * (case-insensitive); at most `limit` of them, in no particular order.
   */
  search(text: string, limit: number): Promise<readonly DirectoryPerson[]>;
}
