import { MigrationInterface, QueryRunner } from 'typeorm';

/** The SQL that applies a migration and the SQL that undoes it. */
export interface MigrationSql {
  readonly up: string;
  readonly down: string;
}

/** A migration that is SQL alone, as the class TypeORM runs, recorded under `name`. */
export function sqlMigration(name: string, sql: MigrationSql): new () => MigrationInterface {
  return class implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(sql.up);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(sql.down);
    }
  };
}

/**
 * `grant_app_role` as `sql` creates it, granting on `tables` too what it grants on the table
 * `after`, which it names once in a list of tables.
 */
export function grantingAlso(sql: string, after: string, tables: readonly string[]): string {
  const listed = new RegExp(`\\b${after}(?=[ ,])`, 'g');
  if ((sql.match(listed) ?? []).length !== 1) throw new Error(`${after} is not listed once`);
  return sql.replace(listed, [after, ...tables].join(', '));
}
