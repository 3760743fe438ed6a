import GRDB

extension Store {
  /// A value `qda run` keeps between runs (hashes of coder files, the qda version).
  public func projectState(_ key: String) throws -> String? {
    try read { db in
      try String.fetchOne(
        db, sql: "SELECT value FROM projectState WHERE key = ?",
        arguments: [key])
    }
  }

  /// Stores a value `qda run` keeps between runs; writes only when it changes.
  public func setProjectState(_ key: String, _ value: String) throws {
    guard try projectState(key) != value else { return }
    try write { db in
      try db.execute(
        sql:
          "INSERT INTO projectState (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        arguments: [key, value])
    }
  }

  /// Replaces all of a coder's codings with `codings`, in one transaction.
  ///
  /// - Throws: `StoreError` naming unknown units and codes; nothing changes then.
  public func replaceCodings(
    of coder: String, with codings: [ManualCoding], path: String?
  ) throws {
    try write { db in
      try db.execute(
        sql: "DELETE FROM coding WHERE coder = ?", arguments: [coder])
      _ = try addCodings(in: db, codings, coder: coder, path: path)
    }
  }
}
