import { z } from 'zod';
import { TRAINEE_VIEW_HIDES } from '../app/access.js';
import { HTTP_PROBLEM_CODES } from './http/problem.js';
import { APP_ERROR_CODES } from '../app/errors.js';
import { CASE_COMMAND_ROUTES } from './routes/case-routes.js';
import { CASE_COMMANDS } from '../app/cases/case-commands.js';
import { reportQuerySchema } from '../app/cases/get-report.js';
import { listCasesQuerySchema } from '../app/cases/list-cases.js';
import { openCaseRequestSchema } from '../app/cases/open-case.js';
import { PEOPLE_SEARCH_LIMIT, peopleQuerySchema } from '../app/cases/search-people.js';

/**
 * OpenAPI 3.1 generated from the same zod schemas that validate requests (`z.toJSONSchema`),
 * so the document cannot drift from what the server accepts.
 */
type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const problemSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri-reference' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'A sentence a person can act on.' },
    code: { type: 'string', enum: [...HTTP_PROBLEM_CODES, ...APP_ERROR_CODES] },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
    current: { type: 'object', description: 'On 412: the case as it is now.' },
  },
};

const peopleSchema: JsonSchema = {
  type: 'object',
  required: ['people'],
  properties: {
    people: {
      type: 'array',
      items: {
        type: 'object',
        required: ['upn', 'name', 'email', 'jobTitle'],
        properties: {
          upn: { type: 'string', description: 'Sign-in name, lower case: the id a case records for the person.' },
          name: { type: 'string' },
          email: {
            type: 'string',
            description: 'Their mail address (the sign-in name when they have none), lower case.',
          },
          jobTitle: { type: ['string', 'null'] },
        },
      },
    },
  },
};

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const json = (description: string, ref = 'Case') => ({
  description,
  headers:
    ref === 'Case'
      ? { ETag: { schema: { type: 'string' }, description: '"v<version>": send it back in If-Match' } }
      : undefined,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});

const queryParameters = (schema: z.ZodObject) =>
  Object.entries(toSchema(schema).properties as Record<string, JsonSchema>).map(([name, s]) => ({
    name,
    in: 'query',
    required: false,
    schema: s,
  }));

const caseIdParameter = { name: 'caseId', in: 'path', required: true, schema: { type: 'string' } };
const ifMatch = {
  name: 'If-Match',
  in: 'header',
  required: true,
  schema: { type: 'string' },
  description: 'The ETag of the case as you last read it ("v<version>"), or *.',
};

const errors = {
  '400': problem('Malformed JSON, wrong types, unknown or missing fields'),
  '401': problem('No token, or a token that is expired, for another audience/tenant, or badly signed'),
  '404': problem('No such case, or one you may not see'),
};

export function openApiDocument(options: { readonly serverUrl: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {
    '/api/health': {
      get: {
        summary: 'Is the server up; which mode; where Graph is (local mode)',
        security: [],
        responses: { '200': { description: 'OK' } },
      },
    },
    '/api/openapi.json': {
      get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } },
    },
    '/api/me': {
      get: {
        summary:
          'Who you are (name, upn, app roles, course-team programmes), what the tab should offer you (`can`: openCases, seeReports, configureChannelTab) and today in England',
        responses: { '200': { description: 'You' }, '401': errors['401'] },
      },
    },
    '/api/procedures': {
      get: {
        summary: 'The procedures this server runs',
        responses: { '200': { description: 'Procedures' }, '401': errors['401'] },
      },
    },
    '/api/procedures/{id}': {
      get: {
        summary: 'One procedure definition in full',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The procedure' },
          '401': errors['401'],
          '404': problem('No such procedure'),
        },
      },
    },
    '/api/frameworks/{id}': {
      get: {
        summary: "A standards catalogue (Teachers' Standards, a provider tracker)",
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The framework' },
          '401': errors['401'],
          '404': problem('No such framework'),
        },
      },
    },
    '/api/cases': {
      get: {
        summary:
          'Cases you may see, filtered and paged; `today` is the server’s date in England (the dev clock in local mode)',
        parameters: queryParameters(listCasesQuerySchema),
        responses: { '200': { description: 'A page of case summaries' }, '400': errors['400'], '401': errors['401'] },
      },
      post: {
        summary: 'Open a case',
        requestBody: { required: true, content: { 'application/json': { schema: toSchema(openCaseRequestSchema) } } },
        responses: {
          '201': json('The opened case'),
          '400': errors['400'],
          '401': errors['401'],
          '403': problem('You may not raise a concern under this procedure'),
          '413': problem('Body too large'),
          '422': problem('A rule of the procedure is broken'),
        },
      },
    },
    '/api/cases/{caseId}': {
      get: {
        summary: 'A case in full, with what can be done next',
        parameters: [caseIdParameter],
        responses: { '200': json('The case'), '401': errors['401'], '404': errors['404'] },
      },
    },
    '/api/cases/{caseId}/events': {
      get: {
        summary: 'The event trail',
        parameters: [caseIdParameter],
        responses: { '200': { description: 'Events' }, '401': errors['401'], '404': errors['404'] },
      },
    },
    '/api/cases/{caseId}/form': {
      get: {
        summary: 'The form document as HTML',
        parameters: [caseIdParameter],
        responses: {
          '200': { description: 'HTML', content: { 'text/html': {} } },
          '401': errors['401'],
          '404': errors['404'],
        },
      },
    },
    '/api/cases/{caseId}/form.pdf': {
      get: {
        summary: "The completed form as a PDF laid out like the provider's own paperwork",
        parameters: [caseIdParameter],
        responses: {
          '200': { description: 'PDF', content: { 'application/pdf': {} } },
          '401': errors['401'],
          '404': errors['404'],
        },
      },
    },
    '/api/notifications': {
      get: {
        summary: 'Notifications that could not be delivered, on cases of your programmes (course team); ?state=failed',
        parameters: [{ name: 'state', in: 'query', required: false, schema: { type: 'string', enum: ['failed'] } }],
        responses: {
          '200': { description: 'Failed notifications' },
          '400': errors['400'],
          '401': errors['401'],
          '403': problem('For the course team'),
        },
      },
    },
    '/api/notifications/{key}/retry': {
      post: {
        summary: 'Send a failed notification again (course team)',
        parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '202': { description: 'Queued and being sent' },
          '401': errors['401'],
          '403': problem('For the course team'),
          '404': problem('No such failed notification that you may see'),
          '409': problem('It is not in a state that can be retried'),
        },
      },
    },
    '/api/jobs/review-sweep': {
      post: {
        summary:
          'Run the review-due sweep now (course team; or X-Trellis-Job-Key for an external scheduler in tenant mode)',
        responses: {
          '200': { description: 'What the sweep did' },
          '401': errors['401'],
          '403': problem('For the course team'),
          '503': problem('Graph is throttling; try again after Retry-After'),
        },
      },
    },
    '/api/people': {
      get: {
        summary: `People in the organisation's directory (Microsoft Graph) whose name has a word starting with the text, or whose email address starts with it: at most ${PEOPLE_SEARCH_LIMIT}, sorted by name, for picking the trainee and the people of a new case. For the course team (of at least one programme) and admins, who open cases from the tab`,
        parameters: queryParameters(peopleQuerySchema).map((p) => ({ ...p, required: true })),
        responses: {
          '200': {
            description: 'The people found',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/People' } } },
          },
          '400': problem('The search text is missing, shorter than 2 or longer than 100 characters once trimmed'),
          '401': errors['401'],
          '403': problem('Only the course team and admins look people up in the directory'),
          '503': problem('The directory is busy or unreachable; try again after Retry-After'),
        },
      },
    },
    '/api/reports': {
      get: {
        summary: 'Cohort report (course team); ?format=csv for CSV',
        parameters: queryParameters(reportQuerySchema),
        responses: {
          '200': { description: 'Report (JSON or CSV)' },
          '401': errors['401'],
          '403': problem('Reports are for the course team'),
        },
      },
    },
  };
  for (const route of CASE_COMMAND_ROUTES) {
    const path = `/api/cases/{caseId}${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    const definition = CASE_COMMANDS[route.command];
    let body = toSchema(definition.schema);
    for (const name of route.pathParams ?? []) {
      const { [name]: _dropped, ...properties } = body.properties as Record<string, unknown>;
      body = { ...body, properties, required: (body.required as string[] | undefined)?.filter((r) => r !== name) };
    }
    paths[path] = {
      ...paths[path],
      [route.method]: {
        operationId: route.command,
        summary: definition.summary,
        parameters: [
          caseIdParameter,
          ...(route.pathParams ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
          ifMatch,
        ],
        requestBody: { required: route.command !== 'resume', content: { 'application/json': { schema: body } } },
        responses: {
          '200': json('The case after the change'),
          ...errors,
          '403': problem('The procedure gives this to someone else'),
          '409': problem('Not possible in the case’s current state'),
          '412': problem(
            'The case changed since you read it (an acknowledgement alone does not count): `current` holds it now',
          ),
          '413': problem('Body too large'),
          '415': problem('The body is not JSON'),
          '422': problem('A rule of the procedure is broken'),
          '428': problem('If-Match is missing'),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trellis REST API',
      version: '0.1.0',
      description: [
        'Trainee support procedures run inside Microsoft Teams and Outlook.',
        'Every request but health and this document needs `Authorization: Bearer <Entra access token>` (local mode: a dev token from POST /dev/sign-in).',
        'Errors are application/problem+json with a stable `code`. Writes need `If-Match` with the case ETag.',
        `A trainee sees their own case in the trainee view, which hides: ${TRAINEE_VIEW_HIDES.join('; ')}.`,
      ].join('\n\n'),
    },
    servers: [{ url: options.serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Problem: problemSchema,
        Case: { type: 'object', description: 'A case with derived information (see GET /api/cases/{caseId}).' },
        People: peopleSchema,
      },
    },
    paths,
  };
}
