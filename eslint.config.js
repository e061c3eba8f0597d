import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const LIB_INTERNALS = {
  group: ['**/libs/*/*/**', '!**/libs/*/index.js', '!**/libs/*/testing.js'],
  message: 'Import another lib through its index.js (or testing.js in tests), not its internals.',
};
// Production code never loads test helpers: they live outside the libs' index files.
// The public schema's scalar fields and enums are declared through libs/graphql-fields, so that
// every one carries a description and a model reads as a table.
const SCALARS = '/^(Float|Int|ID|String|Boolean|Date|GraphQLISODateTime|GraphQLJSON)$/';
const GRAPHQL_DECLARATIONS = [
  {
    selector: `Decorator > CallExpression[callee.name='Field'] > ArrowFunctionExpression[body.type='Identifier'][body.name=${SCALARS}]`,
    message: 'A scalar field: use the libs/graphql-fields shorthand (FloatField, IntField, ...).',
  },
  {
    selector:
      "Decorator > CallExpression[callee.name='Field'][arguments.0.type='ObjectExpression']",
    message: 'A field of a reflected type: use the libs/graphql-fields shorthand for its scalar.',
  },
  {
    selector: "CallExpression[callee.name='registerEnumType']",
    message: 'Register a GraphQL enum with registerDocumentedEnum (libs/graphql-fields).',
  },
];
const TEST_HELPERS = {
  group: ['**/testing.js'],
  message: 'Test helpers (testing.js) are for specs and test/ only.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      '*.config.js',
      'eslint.config.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: 'error',
      curly: 'error',
      // A function longer than a screen is several steps that want names.
      'max-lines-per-function': ['error', { max: 120 }],
      'no-restricted-imports': ['error', { patterns: [LIB_INTERNALS, TEST_HELPERS] }],
      'no-restricted-syntax': ['error', ...GRAPHQL_DECLARATIONS],
    },
  },
  {
    // The shorthands themselves.
    files: ['libs/graphql-fields/fields.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Specs and test helpers may use a lib's test entry point (libs/<lib>/testing.ts).
    files: ['**/*.spec.ts', 'test/**/*.ts', 'libs/**/testing.ts', 'libs/testing/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [LIB_INTERNALS] }],
    },
  },
  {
    // Scripts the API serves to a browser: plain JavaScript, outside the TypeScript project.
    files: ['libs/platform/graphiql/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'script' },
  },
  {
    // Plain Node scripts that run before the build (apps/cli/build-if-stale.mjs).
    files: ['apps/**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'max-lines-per-function': 'off',
    },
  },
);
