import GRDB

/// What `purge` removed.
public struct PurgeSummary: Sendable, Equatable {
  /// The units removed with the source.
  public var units: Int
  /// The codings removed with them, by every coder.
  public var codings: Int
}

extension Store {
  /// Removes a source with all its units, texts, attributes and codings, and
  /// rewrites the file so that none of its text remains in it: the full-text
  /// index is merged (dropping the deleted entries), the database is vacuumed
  /// and the WAL truncated.
  ///
  /// - Throws: ``StoreError/unknownSource(_:)`` when there is no such source;
  ///   nothing changes then.
  public func purge(source name: String) throws -> PurgeSummary {
    let summary = try write { db -> PurgeSummary in
      guard
        let id = try Int64.fetchOne(
          db, sql: "SELECT id FROM source WHERE name = ?", arguments: [name])
      else { throw StoreError.unknownSource(name) }
      let units =
        try Int.fetchOne(
          db, sql: "SELECT COUNT(*) FROM unit WHERE sourceId = ?",
          arguments: [id]) ?? 0
      let codings =
        try Int.fetchOne(
          db,
          sql: """
            SELECT COUNT(*) FROM codingRow
            WHERE unitId IN (SELECT id FROM unit WHERE sourceId = ?)
            """,
          arguments: [id]) ?? 0
      try db.execute(sql: "PRAGMA secure_delete = ON")
      try db.execute(sql: "DELETE FROM source WHERE id = ?", arguments: [id])
      // Names no coding uses any more go too: a coder who coded only this
      // source leaves no trace of that in the file.
      try db.execute(
        sql: """
          DELETE FROM codingName WHERE id NOT IN (
            SELECT codeId FROM codingRow UNION SELECT coderId FROM codingRow
            UNION SELECT ruleId FROM codingRow WHERE ruleId IS NOT NULL
            UNION SELECT fieldId FROM codingRow WHERE fieldId IS NOT NULL)
          """)
      // And attribute names no other source's units have.
      try Self.pruneAttributeNames(db)
      try db.execute(
        sql: "INSERT INTO unitSearch (unitSearch) VALUES ('optimize')")
      return PurgeSummary(units: units, codings: codings)
    }
    do {
      try queue.writeWithoutTransaction { db in
        try db.execute(sql: "VACUUM")
        try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
      }
    } catch {
      throw Self.translate(error, path: path)
    }
    return summary
  }
}
