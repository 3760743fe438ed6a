import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

/// New rows are written many to a statement (`BatchedInsert`); an import
/// whose batch holds a clashing id writes that batch again a unit at a time.
@Suite struct BatchedInsertTests {
  @Test func everyRowIsWrittenAsBound() throws {
    let queue = try DatabaseQueue()
    var generator = SeededGenerator(seed: 11)
    let pieces = ["", "a", "naloxone", "ночью", "ё", "😀", "\u{0}", "'", "?"]
    var rows: [(Int64?, String?, Double?, String)] = []
    for index in 0..<1_000 {
      rows.append(
        (
          index % 5 == 0 ? nil : Int64(index) - 500,
          Bool.random(using: &generator)
            ? nil : generator.text(of: pieces, counts: 0...20),
          index % 7 == 0 ? nil : Double(index) / 8,
          generator.text(of: pieces, counts: 0...20)
        ))
    }
    var flushes = 0
    try queue.write { db in
      try db.execute(sql: "CREATE TABLE t (a INTEGER, b TEXT, c REAL, d TEXT)")
      var insert = BatchedInsert(
        db, head: "INSERT INTO t (a, b, c, d) VALUES", row: "(?, ?, ?, ?)",
        rowsPerStep: 7)
      for (index, (a, b, c, d)) in rows.enumerated() {
        insert.bind(a)
        insert.bind(b)
        insert.bind(c)
        insert.bind(d)
        // Flushed when full, and now and then before.
        if insert.endRow() || index % 97 == 0 {
          try insert.flush()
          flushes += 1
        }
        #expect(insert.pendingRows < 7)
      }
      try insert.flush()
      try insert.flush()  // nothing left: nothing written
    }
    #expect(flushes > rows.count / 7)
    // Read as bytes: GRDB's strings end at a NUL.
    let stored = try queue.read { db in
      try Row.fetchAll(
        db,
        sql:
          "SELECT a, CAST(b AS BLOB), c, CAST(d AS BLOB) FROM t ORDER BY rowid"
      ).map { row -> (Int64?, String?, Double?, String) in
        func text(_ index: Int) -> String? {
          (row[index] as Data?).map { String(decoding: $0, as: UTF8.self) }
        }
        return (row[0], text(1), row[2], text(3) ?? "")
      }
    }
    #expect(stored.count == rows.count)
    for (row, expected) in zip(stored, rows) {
      #expect(
        row.0 == expected.0 && row.1 == expected.1 && row.2 == expected.2
          && row.3 == expected.3, "\(row) \(expected)")
    }
  }

  @Test func aFailingBatchWritesNoneOfItsRows() throws {
    let queue = try DatabaseQueue()
    try queue.write { db in
      try db.execute(sql: "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)")
      var insert = BatchedInsert(
        db, head: "INSERT INTO t (id, n) VALUES", row: "(?, ?)")
      for (id, n) in [("a", 1), ("b", 2), ("a", 3), ("c", 4)] {
        insert.bind(id)
        insert.bind(n)
        _ = insert.endRow()
      }
      #expect(throws: DatabaseError.self) { try insert.flush() }
      #expect(insert.pendingRows == 0)
      #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == 0)
      insert.bind("b")
      insert.bind(5)
      _ = insert.endRow()
      try insert.flush()
      #expect(
        try Row.fetchAll(db, sql: "SELECT id, n FROM t").map(\.description)
          == ["[id:\"b\" n:5]"])
    }
  }

  /// Units with two texts and an attribute or none; a word of each text
  /// names its unit and field, so a search finds exactly that text.
  func draft(_ index: Int, id: String? = nil) -> UnitDraft {
    let id = id ?? String(format: "U%04d", index)
    return UnitDraft(
      id: id, kind: "case", date: "2020-01-01", line: index + 2,
      texts: [
        ("request", "asks w\(index)r ночью"),
        ("services", index % 4 == 0 ? "" : "gave w\(index)s naloxone"),
      ],
      attributes: index % 3 == 0 ? [] : [("channel", "chat \(index % 2)")],
      contentHash: "\(id)-\(index)")
  }

  /// Ids used again within a batch, across the boundary of two batches, far
  /// apart and in the last unit: each is reported in file order with the
  /// line of its first use, and every other unit is written as a unit at a
  /// time would write it: in order, with its texts numbered on from the
  /// last, and indexed for search.
  @Test func clashingIDsAreFoundInEveryBatchAndTheRestWritten() throws {
    let count = 700
    var units = (0..<count).map { draft($0) }
    let duplicates = [5: 3, 64: 63, 65: 63, 128: 127, 300: 10, count - 1: 0]
    for (index, first) in duplicates {
      units[index] = draft(index, id: units[first].id)
    }
    try withStore { store in
      var reported: [String] = []
      var iterator = units.makeIterator()
      let summary = try store.importSource(
        SourceDraft(
          name: "r", path: "r.csv", kind: "reports", contentHash: "1",
          settings: "s"),
        units: { iterator.next() },
        duplicate: { unit, firstLine in
          reported.append(
            "\(unit.id)@\(unit.line ?? 0) first \(firstLine ?? 0)")
        })
      #expect(
        reported
          == duplicates.keys.sorted().map {
            "\(units[$0].id)@\($0 + 2) first \(duplicates[$0]! + 2)"
          })
      let kept = units.indices.filter { duplicates[$0] == nil }
      #expect(summary.added == kept.count)
      let stored = try store.read { db in
        try Row.fetchAll(
          db, sql: "SELECT id, ordinal, line FROM unit ORDER BY ordinal")
      }
      #expect(stored.map { $0["id"] as String } == kept.map { units[$0].id })
      #expect(stored.map { $0["ordinal"] as Int } == kept.map { $0 + 1 })
      #expect(stored.map { $0["line"] as Int } == kept.map { $0 + 2 })
      let texts = try store.read { db in
        try Row.fetchAll(
          db, sql: "SELECT id, unitId, field, text FROM unitText ORDER BY id")
      }
      let expectedTexts = kept.flatMap { index in
        units[index].texts.map { (units[index].id, $0.name, $0.text) }
      }
      #expect(texts.map { $0["id"] as Int } == Array(1...expectedTexts.count))
      #expect(
        texts.map {
          "\($0["unitId"] as String) \($0["field"] as String) \($0["text"] as String)"
        }
          == expectedTexts.map { "\($0.0) \($0.1) \($0.2)" })
      let attributes = try store.read { db in
        try Row.fetchAll(
          db,
          sql: "SELECT unitId, value FROM unitAttribute ORDER BY unitId, name")
      }
      #expect(
        attributes.map { "\($0["unitId"] as String)=\($0["value"] as String)" }
          == kept.flatMap { index in
            units[index].attributes.map { "\(units[index].id)=\($0.value)" }
          }.sorted())
      // Each kept unit's range of text ids holds its texts and no other,
      // also where a batch was written again unit by unit.
      let ranges = try store.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT u.id, group_concat(t.field, ',') AS fields FROM unit u
            LEFT JOIN unitText t
              ON t.id >= u.firstText AND t.id < u.firstText + u.textCount
              AND t.unitId = u.id
            GROUP BY u.id ORDER BY u.ordinal
            """)
      }
      #expect(
        ranges.map { "\($0["id"] as String) \($0["fields"] as String? ?? "")" }
          == kept.map { "\(units[$0].id) request,services" })
      #expect(
        try store.read {
          try Int.fetchOne($0, sql: "SELECT SUM(textCount) FROM unit")
        } == expectedTexts.count)
      // Each kept text is found by its own word; a left-out one is not.
      for index in [0, 3, 63, 64, 127, 299, 300, count - 2, count - 1] {
        let hits = try store.search("w\(index)r", filter: .init())
        if duplicates[index] == nil {
          #expect(hits.map(\.unit) == [units[index].id], "w\(index)r")
        } else {
          #expect(hits.isEmpty, "w\(index)r")
        }
      }
      // FTS5 checks its index against the texts, and throws if they differ.
      try store.write { db in
        try db.execute(
          sql: "INSERT INTO unitSearch (unitSearch) VALUES ('integrity-check')")
      }
    }
  }

  /// A unit whose id another source holds ends the import, with its line;
  /// nothing of the import is kept, whichever error comes first in the file.
  @Test func anIDOfAnotherSourceEndsTheImportAtItsLine() throws {
    try withStore { store in
      var first = [draft(1000)].makeIterator()
      _ = try store.importSource(
        SourceDraft(
          name: "q", path: "q.csv", kind: "reports", contentHash: "1",
          settings: "s"),
        units: { first.next() })
      var units = (0..<200).map { draft($0) }
      units[90] = draft(90, id: "U1000")
      // Without a bad row, and with one after the clash, read before the
      // clash's batch is written: the clash, earlier in the file, is the
      // error either way.
      for badRow in [nil, 100] {
        var iterator = units.makeIterator()
        var read = 0
        #expect(
          throws: StoreError.unitConflict(
            path: "r.csv", line: 92, unit: "U1000", source: "q")
        ) {
          _ = try store.importSource(
            SourceDraft(
              name: "r", path: "r.csv", kind: "reports", contentHash: "1",
              settings: "s"),
            units: {
              read += 1
              if read == badRow { throw CocoaError(.fileReadCorruptFile) }
              return iterator.next()
            })
        }
        #expect(try store.unitCount() == 1)
      }
    }
  }
}
