import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layering from './eslint-rules/layering.js';

// Browser and Node globals the code uses (read-only).
const GLOBALS = [
  'console', 'process', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'fetch', 'window',
  'document', 'localStorage', 'TextEncoder', 'TextDecoder', 'AbortController', 'performance', 'structuredClone',
  'queueMicrotask', 'EventSource', 'navigator', 'requestAnimationFrame',
];

// One look for the renderer, from the shared classes (styles/base.css, styles/components.css, a page's own CSS), not
// from style={{ }} copies of them that drift: an inline accent colour or font size (the runs tables' pick boxes, the
// playground's labels), and any fixed value (a stack's gap, a grid's columns, a margin, a dialog's button row). What
// stays inline is only what the data decides: a bar's width, a part's share (flex), a series' colour, a grid's column
// count, a custom property such as --range-value. Those are expressions, not literals, so this lets them through.
const INLINE_STYLE_RULES = [
  { selector: "JSXAttribute[name.name='style'] Property[key.name=/^(accentColor|fontSize)$/]", message: 'Style a control or its text with the shared classes (components.css: .checkbox on a checkbox or radio, .field-label, .small), not inline.' },
  { selector: "JSXAttribute[name.name='style'] Property[value.type='Literal']", message: 'A fixed style value belongs in a class (base.css: .stack, .row, .gap-1 to .gap-5, .gap-label, .grid-4, .align-start; components.css: .form-grid-3, .field-row, .dialog-actions, .pre-wrap, .swatch; or the page\'s CSS), not inline. Only values the data decides stay inline.' },
  { selector: "JSXAttribute[name.name='style'] Property[value.type='TemplateLiteral'][value.expressions.length=0]", message: 'A fixed style value belongs in a class (see base.css and components.css), not inline. Only values the data decides stay inline.' },
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
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "JSXOpeningElement[name.name='select']", message: 'Use Select from renderer/src/ui/primitives.tsx: it shows a long value with an ellipsis and whole in its title.' },
        ...INLINE_STYLE_RULES,
      ],
    },
  },
  {
    files: ['renderer/src/ui/primitives.tsx'],
    rules: { 'no-restricted-syntax': ['error', ...INLINE_STYLE_RULES] },
  },
);
