import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Every answer an API test receives is checked against the OpenAPI document the server serves
 * (GET /api/openapi.json, generated from src/contract): a success must be one the operation
 * documents, with a body its schema accepts; a refusal must be a problem the document's Problem
 * schema accepts. So the document a client reads cannot drift from what the server sends.
 */

interface Operation {
  readonly responses: Readonly<Record<string, { readonly content?: Readonly<Record<string, { schema?: object }>> }>>;
}
interface Document {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components: { readonly schemas: { readonly Problem: object } };
}

interface Checker {
  check(method: string, route: string, status: number, contentType: string, body: unknown): string | undefined;
}

// ajv-formats is CommonJS with a default export; under Node's ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

const checkers = new Map<string, Promise<Checker>>();
/** Checkers by document: the servers of a run serve the same document but for its `servers`. */
const checkersByDocument = new Map<string, Checker>();

/** The checker for the server at baseUrl, from its own document (built once per distinct document). */
export function openApiCheckerFor(baseUrl: string): Promise<Checker> {
  let checker = checkers.get(baseUrl);
  if (checker === undefined) {
    checker = loadChecker(baseUrl);
    checkers.set(baseUrl, checker);
  }
  return checker;
}

async function loadChecker(baseUrl: string): Promise<Checker> {
  const response = await fetch(`${baseUrl}/api/openapi.json`);
  if (!response.ok) throw new Error(`GET /api/openapi.json answered ${String(response.status)}`);
  const { servers: _servers, ...document } = (await response.json()) as Document & { servers?: unknown };
  const key = JSON.stringify(document);
  let checker = checkersByDocument.get(key);
  if (checker === undefined) {
    checker = checkerOf(document);
    checkersByDocument.set(key, checker);
  }
  return checker;
}

function checkerOf(document: Document): Checker {
  // Each schema is compiled when first needed and then checks a few answers: Ajv's optimising
  // pass over the generated code cost more than it saved (half of all compile time).
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, code: { optimize: false } }));
  const problem = ajv.compile(document.components.schemas.Problem);
  const compiled = new Map<object, ValidateFunction>();
  const validatorOf = (schema: object): ValidateFunction => {
    let validate = compiled.get(schema);
    if (validate === undefined) {
      validate = ajv.compile(schema);
      compiled.set(schema, validate);
    }
    return validate;
  };
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  const errorsOf = (validate: ValidateFunction): string =>
    (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
      .join('; ');

  return {
    check(method, route, status, contentType, body) {
      const pathOnly = route.split('?')[0] ?? route;
      // /api/messages is the Bot Framework's endpoint (the Teams SDK's activities), not the REST API.
      if (!pathOnly.startsWith('/api/') || pathOnly === '/api/openapi.json' || pathOnly === '/api/messages')
        return undefined;
      const label = `${method.toUpperCase()} ${pathOnly} → ${String(status)}`;
      if (contentType.startsWith('application/problem+json')) {
        return problem(body)
          ? undefined
          : `${label}: the problem does not match the document's Problem (${errorsOf(problem)})`;
      }
      if (status >= 300) return undefined;
      // Literal segments win over parameters (/api/cases/reports before /api/cases/{caseId}).
      const matches = templates.filter((t) => t.pattern.test(pathOnly));
      const found =
        matches.find((t) => !t.template.includes('{')) ??
        matches.sort((a, b) => b.template.split('{').length - a.template.split('{').length).at(-1);
      if (found === undefined) return `${label}: the document has no such path`;
      const operation = document.paths[found.template]?.[method.toLowerCase()];
      if (operation === undefined) return `${label}: the document has no ${method.toUpperCase()} on ${found.template}`;
      const documented = operation.responses[String(status)];
      if (documented === undefined) return `${label}: the document lists no ${String(status)} for ${found.template}`;
      if (!contentType.startsWith('application/json')) return undefined;
      const schema = documented.content?.['application/json']?.schema;
      if (schema === undefined) return `${label}: the document describes no JSON body for it`;
      const validate = validatorOf(schema);
      return validate(body) ? undefined : `${label}: the body does not match the document (${errorsOf(validate)})`;
    },
  };
}
