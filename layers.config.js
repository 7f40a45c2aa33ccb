// @ts-check
/**
 * The layers of src/ and which may import which: the one source both the ESLint rule
 * (tools/eslint/layers-rule.js) and the import-graph test (test/house/layers.test.ts) read.
 *
 *   domain ← notify, cards ← app ← server, bot ← compose
 *   text: the one HTML escaper, for notify, cards, server, bot and dev alike
 *   store implements the ports of domain, app and notify (every Graph call lives there)
 *   contract: the wire contract (zod schemas for every request and response) — server
 *   validates with it, the tab infers its types from it, the OpenAPI document comes from it
 *   dev: the embedded default for local runs (emulator, dev sign-in, demo data)
 *
 * `may` names the layers a layer may import besides itself. `packages` limits which npm
 * packages it may import (`false`: any). Tests (`*.test.ts`) and test helpers are outside these
 * rules; test/house/layers.test.ts says so explicitly.
 */

/**
 * Telemetry: Trellis's own code records spans and metrics through `@opentelemetry/api` alone (a
 * no-op until a provider is registered); only compose starts a provider (Application Insights
 * through `@azure/monitor-opentelemetry`, src/compose/telemetry.ts). No other layer may reach
 * the SDK or the exporter.
 */
const TELEMETRY_SDK = [/^@azure\/monitor-opentelemetry/, /^@opentelemetry\/(?!api$)/];

/** @typedef {{ readonly may: readonly string[], readonly forbiddenPackages?: readonly RegExp[], readonly onlyPackages?: readonly RegExp[] }} Layer */

/** @type {Readonly<Record<string, Layer>>} */
export const LAYERS = {
  domain: { may: [], onlyPackages: [/^zod$/] },
  /** Text leaving Trellis for other formats (the one HTML escaper): no imports at all. */
  text: { may: [], onlyPackages: [] },
  notify: { may: ['domain', 'text'], forbiddenPackages: TELEMETRY_SDK },
  cards: { may: ['domain', 'text'], forbiddenPackages: TELEMETRY_SDK },
  contract: { may: ['domain'], onlyPackages: [/^zod$/] },
  /** Procedure files (JSON/YAML) read, located by line and checked: the domain's loader over a folder. */
  'procedures-files': { may: ['domain'] },
  app: {
    may: ['domain', 'notify', 'cards', 'contract'],
    forbiddenPackages: [/^express(\/|$)/, /^@microsoft\//, ...TELEMETRY_SDK],
  },
  store: { may: ['domain', 'app', 'notify'], forbiddenPackages: TELEMETRY_SDK },
  server: { may: ['domain', 'text', 'app', 'notify', 'cards', 'contract'], forbiddenPackages: TELEMETRY_SDK },
  bot: { may: ['domain', 'text', 'app', 'notify', 'cards'], forbiddenPackages: TELEMETRY_SDK },
  dev: { may: ['domain', 'text', 'app', 'notify', 'cards', 'store', 'server'], forbiddenPackages: TELEMETRY_SDK },
  compose: {
    may: ['domain', 'text', 'app', 'notify', 'cards', 'contract', 'store', 'server', 'bot', 'dev', 'procedures-files'],
  },
  tab: { may: ['domain', 'contract'] },
};

/** Tab features import shared parts (src/tab/api, app, shared, host), never each other. */
export const TAB_FEATURES_DIR = 'src/tab/features';
/**
 * Whether the rule above is enforced. It is: what several features need lives in src/tab/shared,
 * and a page that composes features (the case workspace) lives in src/tab/app/pages.
 */
export const TAB_FEATURES_ISOLATED = true;

/** Files the rules skip: tests and their helpers. */
export function isTestFile(file) {
  return /\.test\.tsx?$/.test(file) || /(^|\/)testing\//.test(file) || /(^|\/)test-support\.ts$/.test(file);
}
