// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

import { layersPlugin } from './tools/eslint/layers-rule.js';

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
    files: ['eslint.config.js', 'layers.config.js', 'tools/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  // Layer rules (ARCHITECTURE.md "Layers"): a wrong import fails the build. The same arrows are
  // checked over the whole import graph by test/house/layers.test.ts.
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { trellis: layersPlugin },
    rules: { 'trellis/layers': 'error' },
  },
);
