import GRDB

@testable import QDAStore

/// A database file migrated only up to `migration`, as an older qda left
/// it, for tests that fill it and open it with the current schema.
func oldDatabase(at path: String, upTo migration: String) throws
  -> DatabaseQueue
{
  var configuration = Configuration()
  configuration.prepareDatabase { db in Store.addFoldFunction(db) }
  let old = try DatabaseQueue(path: path, configuration: configuration)
  try Store.migrator.migrate(old, upTo: migration)
  return old
}

/// ``oldDatabase(at:upTo:)`` holding the source `r` and its cases `A` and
/// `B` (content hashes `a` and `b`), which tests of a migration fill with
/// the rows of its time.
func oldDatabaseWithTwoCases(at path: String, upTo migration: String) throws
  -> DatabaseQueue
{
  let old = try oldDatabase(at: path, upTo: migration)
  try old.write { db in
    try db.execute(
      sql: """
        INSERT INTO source VALUES (1, 'r', 'r.csv', 'reports', 'file1', 's', 't');
        INSERT INTO unit (id, sourceId, ordinal, kind, contentHash)
          VALUES ('A', 1, 1, 'case', 'a'), ('B', 1, 2, 'case', 'b');
        """)
  }
  return old
}
