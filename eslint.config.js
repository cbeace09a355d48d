// Lint: typescript-eslint's type-aware recommended rules over every TypeScript file the project
// typechecks (tsconfig.json); formatting is prettier's job (`npm run format:check`), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'dist/', 'cdk8s.out/', 'test-output/', 'bench-output/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A `let` read by a callback defined before its one assignment (a logger that exists only once
      // the app does) cannot be a `const`: the callback may run first.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Passing on what a task rejected with, or an AbortSignal's reason, keeps the caller's error.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      // A leading underscore marks a binding kept on purpose: a rest sibling that drops a field, an
      // unused tuple position, a parameter an interface requires.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // The two plain-JavaScript entry points run before dependencies or TypeScript exist.
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false },
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
);
