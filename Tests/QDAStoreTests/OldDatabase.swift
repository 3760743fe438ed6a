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
