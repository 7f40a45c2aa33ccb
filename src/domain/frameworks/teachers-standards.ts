import catalogue from './teachers-standards.json' with { type: 'json' };
import { frameworkSchema, type Framework } from './framework.js';

/**
 * The DfE Teachers' Standards, Part One (TS1–TS8 with lettered sub-points) and Part Two
 * (personal and professional conduct), from the catalogue shipped beside this file.
 */
export const TEACHERS_STANDARDS_ID = 'teachers-standards';

export const teachersStandards: Framework = frameworkSchema.parse({
  id: TEACHERS_STANDARDS_ID,
  name: "Teachers' Standards",
  source: catalogue.source,
  configurable: false,
  groups: [
    ...catalogue.partOne.standards.map((standard) => ({
      code: standard.code,
      title: standard.title,
      part: 'part_1',
      items: standard.items,
    })),
    ...catalogue.partTwo.groups.map((group) => ({
      code: group.code,
      title: group.title,
      part: 'part_2',
      items: group.items,
    })),
  ],
});
