// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Relative imports that reach into a layer by folder name. */
const layerImport = (layers) => `^\\.{1,2}/(?:.*/)?(?:${layers.join('|')})(?:/|$)`;

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'dist/', 'coverage/', '.trellis-data/', 'src/dev/local-mode/assets/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  // Layer rules (DESIGN.md "Architecture"): a wrong import fails the build.
  {
    files: ['src/domain/**/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$)(?!\\.{1,2}/)',
              message: 'src/domain is pure: no SDKs, no Node built-ins, only zod and other domain modules.',
            },
            {
              regex: layerImport(['store', 'notify', 'cards', 'bot', 'server', 'tab', 'dev', 'procedures-files']),
              message: 'src/domain imports nothing outside src/domain.',
            },
          ],
        },
      ],
    },
  },
  {
    // Domain tests may use the test tools, and still nothing outside the domain.
    files: ['src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: layerImport(['store', 'notify', 'cards', 'bot', 'server', 'tab', 'dev', 'procedures-files']),
              message: 'src/domain imports nothing outside src/domain.',
            },
          ],
        },
      ],
    },
  },
  {
    // notify and cards build on the domain alone; Graph access reaches them through ports.
    files: ['src/notify/**/*.ts', 'src/cards/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: layerImport(['store', 'bot', 'server', 'tab', 'dev']),
              message: 'notify and cards depend on the domain only; bot and server wire them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    // Their tests may start the local Graph emulator from src/dev.
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: layerImport(['bot', 'server', 'tab', 'dev']),
              message: 'store, notify and cards depend on the domain only; bot and server wire them.',
            },
          ],
        },
      ],
    },
  },
  {
    // Procedure files are read beside the domain: the domain validates, this folder reads and places problems.
    files: ['src/procedures-files/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: layerImport(['store', 'notify', 'cards', 'bot', 'server', 'tab', 'dev']),
              message: 'src/procedures-files depends on the domain only; the composition root wires it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/tab/**/*.ts', 'src/tab/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: layerImport(['store', 'notify', 'bot', 'server', 'dev']),
              message: 'The tab talks only to the REST API.',
            },
          ],
        },
      ],
    },
  },
);
