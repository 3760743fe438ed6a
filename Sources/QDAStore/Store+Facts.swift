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
  /// The facts are read by a second connection on a thread of its own
  /// (``readAside(_:)``), a few batches ahead of `body`, which runs on the
  /// caller's: `report` on a million cases took 3.7–4.9 s with both on one
  /// thread, 1.5–2.4 s apart (the same output).
  ///
  /// - Parameters:
  ///   - coder: Whose codes ``UnitFacts/codes`` lists.
  ///   - body: Called once per unit.
  /// - Throws: `StoreError`, or what `body` throws.
  public func forEachUnitFacts(
    coder: String, _ body: (UnitFacts) throws -> Void
  ) throws {
    let path = path
    guard
      let facts = readAside({ db, yield in
        try Self.readUnitFacts(db, path: path, coder: coder) { yield($0) }
      })
    else {
      try read { db in
        try Self.readUnitFacts(db, path: path, coder: coder) {
          try body($0)
          return true
        }
      }
      return
    }
    defer { facts.finish() }
    while let unit = try facts.next() { try body(unit) }
  }

  /// The work of ``forEachUnitFacts(coder:_:)``, in `db` (of the database
  /// at `path`); `body` returns `false` to stop.
  private static func readUnitFacts(
    _ db: Database, path: String, coder: String,
    _ body: (UnitFacts) throws -> Bool
  ) throws {
    // `+id`: sorted, rather than read through the id index.
    let order = try rowsLookInIDOrder(db) ? "id" : "+id"
    var units = try BulkStatement(
      db,
      sql:
        "SELECT id, kind, sourceId, ordinal, date, attributes FROM unit ORDER BY \(order)"
    )
    // The coder's rows in key order, their codes by number: the `coding`
    // view looks up two names a row and sorts each unit's codes by name,
    // 0.83 s for a million units' codings in the `sqlite3` shell, against
    // 0.14 s. `+coderId`: a scan of the key, not the coder's index
    // sorted.
    let names = try CodingNames.all(in: db)
    var codings = try BulkStatement(
      db,
      sql: """
        SELECT unitId, codeId FROM codingRow
        WHERE +coderId = (SELECT id FROM codingName WHERE name = ?)
        ORDER BY unitId
        """)
    codings.bind(coder)
    var codingRows = try KeyedScan(codings)
    while try units.step() {
      let id = units.string(0) ?? ""
      var facts = UnitFacts(
        id: id, kind: units.string(1) ?? "", source: units.int64(2),
        ordinal: Int(units.int64(3)), date: units.string(4),
        attributes: [], codes: [])
      // Rows of the other tables always belong to a unit (foreign keys),
      // so they never run ahead of the unit scan for long.
      try codingRows.advance(through: id) { row, isKey in
        if isKey, let code = names[row.int64(1)] { facts.codes.append(code) }
      }
      if facts.codes.count > 1 { facts.codes.sort(by: precedes) }
      // Packed in the unit's row, in their order; facts hold them by name.
      guard let attributes = PackedAttributes.unpack(units.string(5)) else {
        throw malformedAttributes(of: id, path: path)
      }
      facts.attributes = attributes.enumerated().map {
        ($0.element.name, $0.offset, $0.element.value)
      }
      if facts.attributes.count > 1 {
        facts.attributes.sort { precedes($0.name, $1.name) }
      }
      guard try body(facts) else { return }
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
      let texts = try Row.fetchCursor(
        db,
        sql:
          "SELECT unitId, field, text FROM unitText ORDER BY unitId, position")
      while let row = try texts.next() { try body(row[0], row[1], row[2]) }
      let units = try Row.fetchCursor(
        db,
        sql:
          "SELECT id, attributes FROM unit WHERE attributes IS NOT NULL ORDER BY id"
      )
      while let row = try units.next() {
        let id: String = row[0]
        for (name, value) in try unpackedAttributes(row[1], of: id) {
          try body(id, name, value)
        }
      }
    }
  }
}
