import type { Database } from "../client.js";

/**
 * A statement built once per database handle. Drizzle's query builder costs several times the query
 * itself (about 100 KB of short-lived objects and 2 ms of CPU for a one-row read of a wide table), so the
 * reads every evaluation makes are prepared; inside a transaction the builder is still used.
 */
export function preparedPerDatabase<T>(prepare: (db: Database) => T): (db: Database) => T {
  const statements = new WeakMap<Database, T>();
  return (db) => {
    let statement = statements.get(db);
    if (!statement) {
      statement = prepare(db);
      statements.set(db, statement);
    }
    return statement;
  };
}
