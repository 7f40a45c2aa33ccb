import { z } from 'zod';
import { API_ROUTES, problemBody, type RouteSpec } from './api.js';

const BINARY_TYPES: ReadonlySet<string> = new Set(['application/pdf', 'application/zip']);

/**
 * OpenAPI 3.1 generated from the contract (api.ts) with zod's JSON Schema output: every request
 * and every answer is described, from the same schemas the server parses and checks with.
 * Wire shapes are the schemas' input side (what travels as JSON).
 */
type JsonSchema = Record<string, unknown>;

export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonSchema;
  return rest;
}

export interface OpenApiOptions {
  readonly serverUrl: string;
  /** Every `code` a problem may carry. */
  readonly problemCodes: readonly string[];
  /** What the trainee view leaves out, for the description. */
  readonly traineeViewHides: readonly string[];
  /** What the staff view (school staff and tutors on the case) leaves out, for the description. */
  readonly staffViewHides: readonly string[];
}

function queryParameters(route: RouteSpec): unknown[] {
  if (!route.query) return [];
  const schema = toJsonSchema(route.query);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: route.queryRequired === true,
    schema: s,
  }));
}

function operation(route: RouteSpec): Record<string, unknown> {
  const parameters = [
    ...(route.pathParams ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...queryParameters(route),
    ...(route.ifMatch
      ? [
          {
            name: 'If-Match',
            in: 'header',
            required: true,
            schema: { type: 'string' },
            description: 'The ETag of the case as you last read it ("v<version>"), or *.',
          },
        ]
      : []),
  ];
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, spec]) => {
      const content: Record<string, unknown> = {};
      if (spec.schema) content['application/json'] = { schema: toJsonSchema(spec.schema) };
      // Files (a form PDF, an export's zip) are bytes; the rest of the non-JSON answers are text.
      if (spec.contentType)
        content[spec.contentType] = BINARY_TYPES.has(spec.contentType)
          ? { schema: { type: 'string', format: 'binary' } }
          : {};
      if (Number(status) >= 400)
        content['application/problem+json'] = { schema: { $ref: '#/components/schemas/Problem' } };
      return [
        status,
        {
          description: spec.description,
          ...(spec.etag
            ? {
                headers: {
                  ETag: { schema: { type: 'string' }, description: '"v<version>": send it back in If-Match' },
                },
              }
            : {}),
          ...(Object.keys(content).length > 0 ? { content } : {}),
        },
      ];
    }),
  );
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.public ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.bodyRequired === true,
            content: { 'application/json': { schema: toJsonSchema(route.body) } },
          },
        }
      : {}),
    responses,
  };
}

/**
 * The operations depend on the contract alone: generated once a process, and shared (read-only)
 * by every document built from it.
 */
let contractPaths: Readonly<Record<string, Record<string, unknown>>> | undefined;

function pathsOfContract(): Readonly<Record<string, Record<string, unknown>>> {
  if (contractPaths === undefined) {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of API_ROUTES) paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
    contractPaths = paths;
  }
  return contractPaths;
}

export function openApiDocument(options: OpenApiOptions): JsonSchema {
  const paths = pathsOfContract();
  const problemSchema = toJsonSchema(problemBody);
  const properties = problemSchema.properties as Record<string, JsonSchema>;
  properties.code = { type: 'string', enum: [...options.problemCodes] };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Trellis REST API',
      version: '0.1.0',
      description: [
        'Trainee support procedures run inside Microsoft Teams and Outlook.',
        'Every request but health, client-config and this document needs `Authorization: Bearer <Entra access token>` (local mode: a dev token from POST /dev/sign-in).',
        'Errors are application/problem+json with a stable `code`. Writes need `If-Match` with the case ETag.',
        `A trainee sees their own case in the trainee view, which hides: ${options.traineeViewHides.join('; ')}.`,
        `School staff and tutors named on a case see it in the staff view, which hides: ${options.staffViewHides.join('; ')}.`,
      ].join('\n\n'),
    },
    servers: [{ url: options.serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: problemSchema },
    },
    paths,
  };
}
