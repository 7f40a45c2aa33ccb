import { describe, expect, it } from 'vitest';
import {
  bcuRapidImprovementTargets as bcu,
  midEssexEarlySupport as midEssex,
  rcttpConcernProcedures as rcttp,
} from '../../src/domain/procedures/index.js';
import { DEFAULT_NOTIFY_SETTINGS, namedOffices, notifyConfigFor } from '../../src/app/notifications/settings.js';
import { localNotifySettings, notifySettingsFromEnv } from '../../src/compose/notify-config.js';

describe('notification settings from the environment', () => {
  it('defaults: 07:30, two working days ahead, escalation after three, no mailboxes', () => {
    const problems: string[] = [];
    expect(notifySettingsFromEnv({}, problems)).toEqual(DEFAULT_NOTIFY_SETTINGS);
    expect(problems).toEqual([]);
  });

  it('reads each provider’s course mailbox, the sweep time and the job key', () => {
    const problems: string[] = [];
    const settings = notifySettingsFromEnv(
      {
        TRELLIS_MAIL_FROM: 'trellis@uni.example',
        TRELLIS_COURSE_MAILBOXES: ' bcu = ite.course@bcu.example ; rcttp=office@rcttp.example',
        TRELLIS_COURSE_MAILBOX: 'all@uni.example',
        TRELLIS_SWEEP_AT: '06:45',
        TRELLIS_REVIEW_LEAD_DAYS: '3',
        TRELLIS_ESCALATE_AFTER_DAYS: '5',
        TRELLIS_JOB_KEY: 'k'.repeat(40),
        TRELLIS_OUTLOOK_ORIGINATOR: ' C9B4352B-A76B-43B9-88FF-80EDDDAA243B ',
      },
      problems,
    );
    expect(problems).toEqual([]);
    expect(settings.outlookOriginator).toBe('c9b4352b-a76b-43b9-88ff-80edddaa243b');
    expect(settings).toMatchObject({
      mailFrom: 'trellis@uni.example',
      sweepAt: { hour: 6, minute: 45 },
      leadWorkingDays: 3,
      escalateAfterWorkingDays: 5,
      jobKey: 'k'.repeat(40),
    });
    expect(notifyConfigFor(settings, bcu).courseMailbox).toBe('ite.course@bcu.example');
    expect(notifyConfigFor(settings, rcttp).courseMailbox).toBe('office@rcttp.example');
    expect(notifyConfigFor({ ...settings, courseMailboxes: {} }, bcu).courseMailbox).toBe('all@uni.example');
  });

  it('names every bad value in a sentence', () => {
    const problems: string[] = [];
    notifySettingsFromEnv(
      {
        TRELLIS_MAIL_FROM: 'nope',
        TRELLIS_COURSE_MAILBOXES: 'bcu',
        TRELLIS_SWEEP_AT: '7.30',
        TRELLIS_REVIEW_LEAD_DAYS: '-1',
        TRELLIS_JOB_KEY: 'short',
        TRELLIS_OUTLOOK_ORIGINATOR: 'my-provider',
      },
      problems,
    );
    expect(problems).toEqual([
      'TRELLIS_MAIL_FROM must be an email address, got "nope"',
      'TRELLIS_COURSE_MAILBOXES entries look like "providerId=address", got "bcu"',
      'TRELLIS_SWEEP_AT must be a 24-hour time like 07:30, got "7.30"',
      'TRELLIS_JOB_KEY must be at least 32 characters (a random secret)',
      'TRELLIS_OUTLOOK_ORIGINATOR must be the provider id (a GUID) the Actionable Email Developer Dashboard shows, got "my-provider"',
      'TRELLIS_REVIEW_LEAD_DAYS must be a whole number of working days from 0 to 30, got "-1"',
    ]);
  });

  it('local mode has a demo course mailbox for every provider', () => {
    const settings = localNotifySettings([bcu, rcttp]);
    expect(notifyConfigFor(settings, bcu).courseMailbox).toBe('course.team@bcu.example');
    expect(settings.mailFrom).toBe('trellis@trellis.example');
  });

  it('reads the offices each provider names, and says which named recipients have no address', () => {
    const problems: string[] = [];
    const settings = notifySettingsFromEnv(
      {
        TRELLIS_OFFICE_MAILBOXES:
          ' mid_essex_itt : director = director@mid-essex.example ; mid_essex_itt:relevant_partnership_staff=partners@mid-essex.example;bcu:school',
      },
      problems,
    );
    expect(problems).toEqual([
      'TRELLIS_OFFICE_MAILBOXES entries look like "providerId:office=address", got "bcu:school"',
    ]);
    expect(notifyConfigFor(settings, midEssex).officeMailboxes).toEqual({
      director: 'director@mid-essex.example',
      relevant_partnership_staff: 'partners@mid-essex.example',
    });
    expect(notifyConfigFor(settings, bcu).officeMailboxes).toEqual({});
    const offices = namedOffices(settings, [bcu, rcttp, midEssex]).map(
      (o) => `${o.providerId}:${o.office} ${o.address}`,
    );
    expect(offices.sort()).toEqual(
      [
        `${bcu.provider.id}:school placement`,
        `${rcttp.provider.id}:dfa_school none`,
        // The school accepting the deferred final assessment, once the placement moves there.
        `${rcttp.provider.id}:school placement`,
        'mid_essex_itt:director configured',
        'mid_essex_itt:relevant_partnership_staff configured',
      ].sort(),
    );
  });
});
