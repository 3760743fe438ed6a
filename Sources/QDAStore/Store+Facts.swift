import Foundation
import GRDB

/// What aggregate reports need to know of a unit: its kind, source, date,
/// attributes and one coder's codes, without its texts.
public struct UnitFacts: Sendable {
  /// The unit id.
  public var id: String
  /// `case` or `turn`.
  public var kind: String
  /// The source's row id (see ``Store/sourceIDs()``).
  public var source: Int64
  /// The unit's place in its source.
  public var ordinal: Int
  /// The date, `YYYY-MM-DD`.
  public var date: String?
  /// The attributes, by name, with their position in the source.
  public var attributes: [(name: String, position: Int, value: String)]
  /// The codes the coder applied, by id.
  public var codes: [String]
}

extension Store {
  /// The sources' row ids and names, in import order.
  public func sourceIDs() throws -> [(id: Int64, name: String)] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT id, name FROM source ORDER BY id").map {
        ($0[0], $0[1])
      }
    }
  }

  /// Calls `body` with the facts of every unit, in unit id order.
  ///
  /// Units, codings and attributes are read in three index-ordered scans
  /// merged by unit id, so a report over a million units reads each table
  /// once, sequentially, and holds one unit at a time. The units are read
  /// through their id index when their rows follow id order, as in a file
  /// sorted by id; otherwise that index would look rows up all over the
  /// table, and they are read in row order and sorted by SQLite (a million
  /// units with scattered ids: 3.9 s through the index, 0.9 s sorted; in
  /// id order, 0.36 s through the index, 0.51 s sorted).
  ///
  /// - Parameters:
  ///   - coder: Whose codes ``UnitFacts/codes`` lists.
  ///   - body: Called once per unit.
  /// - Throws: `StoreError`, or what `body` throws.
  public func forEachUnitFacts(
    coder: String, _ body: (UnitFacts) throws -> Void
  ) throws {
    try read { db in
      // `+id`: sorted, rather than read through the id index.
      let order = try Self.rowsLookInIDOrder(db) ? "id" : "+id"
      let units = try Row.fetchCursor(
        db,
        sql:
          "SELECT id, kind, sourceId, ordinal, date FROM unit ORDER BY \(order)"
      )
      // `+coder`: read the (unitId, code, coder) index in order rather than
      // the coder's rows sorted afterwards.
      let codings = try Row.fetchCursor(
        db,
        sql:
          "SELECT unitId, code FROM coding WHERE +coder = ? ORDER BY unitId, code",
        arguments: [coder])
      let attributes = try Row.fetchCursor(
        db,
        sql: """
          SELECT unitId, name, position, value FROM unitAttribute
          ORDER BY unitId, name
          """)
      var coding = try codings.next().map { ($0[0] as String, $0[1] as String) }
      var attribute = try attributes.next().map {
        ($0[0] as String, $0[1] as String, $0[2] as Int, $0[3] as String)
      }
      while let row = try units.next() {
        let id: String = row[0]
        var facts = UnitFacts(
          id: id, kind: row[1], source: row[2], ordinal: row[3], date: row[4],
          attributes: [], codes: [])
        // Rows of the other tables always belong to a unit (foreign keys),
        // so they never run ahead of the unit scan for long.
        while let current = coding, !Self.precedes(id, current.0) {
          if current.0 == id { facts.codes.append(current.1) }
          coding = try codings.next().map { ($0[0], $0[1]) }
        }
        while let current = attribute, !Self.precedes(id, current.0) {
          if current.0 == id {
            facts.attributes.append((current.1, current.2, current.3))
          }
          attribute = try attributes.next().map { ($0[0], $0[1], $0[2], $0[3]) }
        }
        try body(facts)
      }
    }
  }

  /// Whether the unit rows, in row order, look sorted by id: whether the
  /// ids of 65 rows spread evenly over the table ascend.
  ///
  /// Only a way to choose how to read: a table whose rows scatter their ids
  /// passes with a vanishing chance, and one whose ids ascend always does.
  ///
  /// - Throws: A GRDB error.
  static func rowsLookInIDOrder(_ db: Database) throws -> Bool {
    let ids = try String.fetchAll(
      db,
      sql: """
        WITH RECURSIVE
          bounds(low, high) AS (SELECT MIN(rowid), MAX(rowid) FROM unit),
          step(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM step WHERE n < 64)
        SELECT (
          SELECT id FROM unit WHERE rowid >= low + (high - low) * n / 64
          ORDER BY rowid LIMIT 1)
        FROM bounds, step WHERE low IS NOT NULL ORDER BY n
        """)
    return zip(ids, ids.dropFirst()).allSatisfy { !precedes($1, $0) }
  }

  /// Whether `a` sorts before `b` as SQLite's BINARY collation sorts text:
  /// by UTF-8 bytes.
  ///
  /// By their bytes in place: the generic comparison of two strings' UTF-8
  /// views took about 570 instructions for two eight-byte ids.
  @inline(__always)
  static func precedes(_ a: String, _ b: String) -> Bool {
    var a = a
    var b = b
    return a.withUTF8 { a in b.withUTF8 { b in order(a, b) < 0 } }
  }

  /// How the bytes `a` sort against the bytes `b`.
  ///
  /// As SQLite's BINARY collation sorts text: negative before, 0 equal,
  /// positive after.
  static func order(
    _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>
  ) -> Int {
    let common = min(a.count, b.count)
    if common > 0, let a = a.baseAddress, let b = b.baseAddress {
      let order = memcmp(a, b, common)
      if order != 0 { return Int(order) }
    }
    return a.count - b.count
  }
}

extension Store {
  /// Calls `body` with every stored text and attribute value: the unit id,
  /// the field or attribute name, and the value, in unit id order.
  ///
  /// - Throws: `StoreError`, or what `body` throws.
  public func forEachStoredValue(
    _ body: (_ unit: String, _ field: String, _ value: String) throws -> Void
  ) throws {
    try read { db in
      for sql in [
        "SELECT unitId, field, text FROM unitText ORDER BY unitId, position",
        "SELECT unitId, name, value FROM unitAttribute ORDER BY unitId, name",
      ] {
        let rows = try Row.fetchCursor(db, sql: sql)
        while let row = try rows.next() { try body(row[0], row[1], row[2]) }
      }
    }
  }
}
