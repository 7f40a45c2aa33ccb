import type { Actor } from '../domain/case/types.js';

/** Who is calling: the domain's Actor plus what access needs that the domain does not. */
export interface Caller {
  readonly actor: Actor;
  /** Programmes whose cases a course-team member sees ('all' for every programme). */
  readonly programmes: CourseTeamProgrammes;
}

/** Programmes whose cases a course-team member sees: a list, or every programme. */
export type CourseTeamProgrammes = readonly string[] | 'all';
