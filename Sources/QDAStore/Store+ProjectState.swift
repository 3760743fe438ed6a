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
    try write(keepsTallies: true) { db in
      try db.execute(
        sql:
          "INSERT INTO projectState (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        arguments: [key, value])
    }
  }

  /// A fingerprint of the stored units: it changes whenever an import, a
  /// re-import or a removal changes what units there are or what they say.
  public func dataFingerprint() throws -> String {
    try dataFingerprintAndUnitCount().fingerprint
  }

  /// ``dataFingerprint()`` and the number of units, read together: counting
  /// a million units reads an index of them whole (60 ms), so a caller that
  /// needs both counts once.
  public func dataFingerprintAndUnitCount() throws -> (
    fingerprint: String, units: Int
  ) {
    try read { db in
      let sources = try Row.fetchAll(
        db, sql: "SELECT id, contentHash, settings FROM source ORDER BY id")
      let units = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM unit") ?? 0
      let fingerprint =
        "units=\(units);"
        + sources.map { row -> String in
          let id: Int64 = row[0]
          let hash: String = row[1]
          let settings: String = row[2]
          return "\(id):\(hash):\(settings)"
        }.joined(separator: ";")
      return (fingerprint, units)
    }
  }

  /// How many units each code was applied to by `auto`, by code id.
  public func autoCodingCounts() throws -> [String: Int] {
    try read { db in
      var counts: [String: Int] = [:]
      let rows = try Row.fetchCursor(
        db,
        sql: """
          SELECT (SELECT name FROM codingName WHERE id = codeId), COUNT(*)
          FROM codingRow
          WHERE coderId = (SELECT id FROM codingName WHERE name = 'auto')
          GROUP BY codeId
          """
      )
      while let row = try rows.next() { counts[row[0]] = row[1] }
      return counts
    }
  }

  /// Replaces all of a coder's codings with `codings`, in one transaction.
  ///
  /// - Throws: `StoreError` naming unknown units and codes; nothing changes then.
  public func replaceCodings(
    of coder: String, with codings: [ManualCoding], path: String?
  ) throws {
    try write(keepsTallies: coder != "auto") { db in
      try db.execute(
        sql: """
          DELETE FROM codingRow
          WHERE coderId = (SELECT id FROM codingName WHERE name = ?)
          """, arguments: [coder])
      _ = try addCodings(in: db, codings, coder: coder, path: path)
    }
  }
}
