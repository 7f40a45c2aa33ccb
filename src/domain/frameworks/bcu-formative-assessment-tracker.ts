import { frameworkSchema, type Framework } from './framework.js';

/**
 * The BCU ITE Formative Assessment Tracker is the provider's own instrument; its exact items
 * are BCU's to configure (a provider JSON file replaces them without code). The default items
 * follow the eight areas of the ITT Core Content Framework that such trackers are built on,
 * so a case can be recorded before the provider loads its own wording.
 */
export const BCU_TRACKER_ID = 'bcu-ite-formative-assessment-tracker';

export const bcuFormativeAssessmentTracker: Framework = frameworkSchema.parse({
  id: BCU_TRACKER_ID,
  name: 'BCU ITE Formative Assessment Tracker',
  source: 'Default areas; replace with the tracker items in use this year through the provider configuration.',
  configurable: true,
  groups: [
    { code: 'FAT1', title: 'High expectations', items: [] },
    { code: 'FAT2', title: 'How pupils learn', items: [] },
    { code: 'FAT3', title: 'Subject and curriculum', items: [] },
    { code: 'FAT4', title: 'Classroom practice', items: [] },
    { code: 'FAT5', title: 'Adaptive teaching', items: [] },
    { code: 'FAT6', title: 'Assessment', items: [] },
    { code: 'FAT7', title: 'Managing behaviour', items: [] },
    { code: 'FAT8', title: 'Professional behaviours', items: [] },
  ],
});
