import { describe, expect, it } from 'vitest';
import { pathTemplateOf, resourceUnitsOf } from './telemetry.js';

describe('Graph telemetry', () => {
  it('names a request by its path with every id, name and address replaced', () => {
    expect(pathTemplateOf('/v1.0/sites/contoso.sharepoint.com,1,2/lists/abc-123/items/42/fields')).toBe(
      '/v1.0/sites/{id}/lists/{id}/items/{id}/fields',
    );
    expect(pathTemplateOf('/v1.0/users/evie.marshall@trainee.kestrel-scitt.example/sendMail')).toBe(
      '/v1.0/users/{id}/sendMail',
    );
    expect(pathTemplateOf('/v1.0/$batch')).toBe('/v1.0/$batch');
    expect(pathTemplateOf('/v1.0/users/Evie%20Marshall/events')).toBe('/v1.0/users/{id}/events');
  });

  it('prices SharePoint requests as SharePoint does, and other workloads at nothing', () => {
    const list = '/v1.0/sites/s/lists/l';
    expect(resourceUnitsOf('GET', `${list}/items/7`)).toBe(1);
    expect(resourceUnitsOf('GET', `${list}/items`, '?$filter=fields/CaseId eq x')).toBe(2);
    expect(resourceUnitsOf('GET', '/v1.0/sites/s/lists', '?$select=id')).toBe(2);
    expect(resourceUnitsOf('GET', `${list}/items/delta`, '?token=abc')).toBe(1);
    expect(resourceUnitsOf('GET', `${list}/items/delta`, '?token=latest')).toBe(2);
    expect(resourceUnitsOf('GET', `${list}/items/delta`)).toBe(2);
    expect(resourceUnitsOf('POST', `${list}/items`)).toBe(2);
    expect(resourceUnitsOf('PATCH', `${list}/items/7/fields`)).toBe(2);
    expect(resourceUnitsOf('DELETE', `${list}/items/7`)).toBe(2);
    expect(resourceUnitsOf('POST', '/v1.0/sites/s/permissions')).toBe(5);
    expect(resourceUnitsOf('GET', `${list}/items/7`, '?$expand=fields,permissions')).toBe(5);
    expect(resourceUnitsOf('POST', '/v1.0/users/u/sendMail')).toBe(0);
    expect(resourceUnitsOf('POST', '/v1.0/teams/t/channels/c/messages')).toBe(0);
    const batch = JSON.stringify({
      requests: [
        { id: '1', method: 'GET', url: '/sites/s/lists/l/items?$filter=x' },
        { id: '2', method: 'POST', url: '/sites/s/lists/l/items' },
        { id: '3', method: 'GET', url: '/sites/s/lists/l/items/9' },
        { id: '4', method: 'POST', url: '/users/u/sendMail' },
      ],
    });
    expect(resourceUnitsOf('POST', '/v1.0/$batch', '', batch)).toBe(5);
    expect(resourceUnitsOf('POST', '/v1.0/$batch', '', 'not json')).toBe(0);
  });
});
