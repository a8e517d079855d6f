import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layering from './eslint-rules/layering.js';

// Browser and Node globals the code uses (read-only).
const GLOBALS = [
  'console', 'process', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'fetch', 'window',
  'document', 'localStorage', 'TextEncoder', 'TextDecoder', 'AbortController', 'performance', 'structuredClone',
  'queueMicrotask', 'EventSource', 'navigator', 'requestAnimationFrame',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-electron/', 'release/', 'coverage/', 'tests/e2e/screenshots/', 'tests/fixtures/lint/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { lathe: layering },
    languageOptions: { globals: Object.fromEntries(GLOBALS.map((name) => [name, 'readonly'])) },
    rules: {
      'lathe/layering': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // One select box for the renderer: Select (ui/primitives.tsx) ends a long value in an ellipsis and puts it whole in
    // the box's title; a bare <select> cut it with no way to read the rest.
    files: ['renderer/src/**/*.tsx'],
    ignores: ['renderer/src/ui/primitives.tsx'],
    // And one look for checkboxes, radios and labels: an inline accent colour or font size (the runs tables' pick boxes,
    // the playground's labels) is a copy of a shared class that drifts from it.
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "JSXOpeningElement[name.name='select']", message: 'Use Select from renderer/src/ui/primitives.tsx: it shows a long value with an ellipsis and whole in its title.' },
        { selector: "JSXAttribute[name.name='style'] Property[key.name=/^(accentColor|fontSize)$/]", message: 'Style a control or its text with the shared classes (components.css: .checkbox on a checkbox or radio, .field-label, .small), not inline.' },
      ],
    },
  },
);
