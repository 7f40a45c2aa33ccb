import { z } from 'zod';

/**
 * A target framework: what concerns and targets are linked to. The DfE Teachers' Standards
 * are one; a provider's own tracker (BCU ITE Formative Assessment Tracker) is another, with
 * items the provider configures. Both a group (TS4) and an item within it (TS4b) can be
 * cited, as providers' forms do both.
 */
export const frameworkItemSchema = z.strictObject({
  code: z.string().min(1).max(40),
  text: z.string().min(1).max(600),
  /** Applies only to some trainees, e.g. TS3d "if teaching early reading". */
  conditional: z.string().min(1).max(200).optional(),
});

export const frameworkGroupSchema = z.strictObject({
  code: z.string().min(1).max(40),
  title: z.string().min(1).max(600),
  /** Teachers' Standards Part 1 (teaching) or Part 2 (conduct); a provider tracker has none. */
  part: z.enum(['part_1', 'part_2']).optional(),
  items: z.array(frameworkItemSchema).max(200),
});

export const frameworkSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and hyphens'),
  name: z.string().min(1).max(200),
  /** Where the wording comes from, shown beside the catalogue. */
  source: z.string().max(1000).optional(),
  /** A provider's own tracker whose items the provider may replace without code. */
  configurable: z.boolean().default(false),
  groups: z.array(frameworkGroupSchema).min(1).max(100),
});

export type Framework = z.infer<typeof frameworkSchema>;

export interface FrameworkEntry {
  readonly frameworkId: string;
  readonly code: string;
  readonly label: string;
  readonly part: 'part_1' | 'part_2' | undefined;
  /** The group code for an item; the code itself for a group. */
  readonly groupCode: string;
}

/** Every citable code in a framework (groups and their items), in catalogue order. */
export function frameworkEntries(framework: Framework): FrameworkEntry[] {
  return framework.groups.flatMap((group) => [
    { frameworkId: framework.id, code: group.code, label: group.title, part: group.part, groupCode: group.code },
    ...group.items.map((item) => ({
      frameworkId: framework.id,
      code: item.code,
      label: item.text,
      part: group.part,
      groupCode: group.code,
    })),
  ]);
}

export function findFrameworkEntry(framework: Framework, code: string): FrameworkEntry | undefined {
  return frameworkEntries(framework).find((entry) => entry.code === code);
}
