import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.d.ts', '.run/**', '.tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly', setImmediate: 'readonly' } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // CLIs and scripts talk to a terminal.
    files: ['**/cli/**', 'scripts/**', '**/bench/**', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The OCR protocol core is pure: time, randomness and I/O arrive as events and ctx functions.
    files: ['apps/node-runner/src/ocr/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'fetch', 'process'],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time arrives in events.' },
        { object: 'Math', property: 'random', message: 'Randomness arrives through ctx.' },
      ],
      'no-restricted-imports': ['error', { patterns: ['node:*', 'libp2p', '@libp2p/*', 'ethers', 'pg'] }],
    },
  },
);
