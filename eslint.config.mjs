// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tally/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The domain is plain TypeScript: no framework, no ORM, no database driver.
    files: ['libs/reports/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nestjs/*',
                'typeorm',
                'pg',
                'express',
                'class-validator',
                'class-transformer',
              ],
              message: 'domain/ imports no framework',
            },
            {
              group: ['@tally/*', '../../*'],
              message: 'domain/ depends on nothing outside itself',
            },
          ],
        },
      ],
    },
  },
  {
    // The event store knows nothing of reports.
    files: ['libs/event-store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tally/reports', '@tally/reports/*', '**/reports/**'],
              message: 'libs/event-store knows nothing of reports',
            },
          ],
        },
      ],
    },
  },
);
