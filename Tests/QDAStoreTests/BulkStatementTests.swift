import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

/// Texts bound to a bulk statement are kept in a buffer of its own and bound
/// in place for the one step that reads them: every row must store exactly
/// its own texts, empty ones, NULs and NULLs included.
@Suite struct BulkStatementTests {
  @Test func everyRowStoresTheTextsBoundToIt() throws {
    let queue = try DatabaseQueue()
    var generator = SeededGenerator(seed: 7)
    let pieces = ["", "a", "naloxone", "ночью", "ё", "😀", "\u{0}", "'", "%"]
    var rows: [(Int64, String?, String, String?)] = []
    for id in 0..<2_000 {
      func text() -> String {
        generator.text(of: pieces, counts: 0...30)
      }
      rows.append(
        (
          Int64(id), Bool.random(using: &generator) ? nil : text(), text(),
          id % 3 == 0 ? nil : text()
        ))
    }
    try queue.write { db in
      try db.execute(sql: "CREATE TABLE t (id INTEGER, a TEXT, b TEXT, c TEXT)")
      var insert = try BulkStatement(
        db, sql: "INSERT INTO t (id, a, b, c) VALUES (?, ?, ?, ?)")
      for (id, a, b, c) in rows {
        insert.bind(id)
        insert.bind(a)
        insert.bind(b)
        insert.bind(c)
        try insert.execute()
      }
      // A query's texts stay bound while it steps.
      var query = try BulkStatement(
        db, sql: "SELECT id FROM t WHERE b = ? AND id >= ? ORDER BY id")
      let wanted = rows[17].2
      query.bind(wanted)
      query.bind(Int64(0))
      var found: [Int64] = []
      while try query.step() { found.append(query.int64(0)) }
      #expect(found == rows.filter { $0.2 == wanted }.map(\.0))
    }
    // Read as bytes: GRDB's strings end at a NUL.
    let stored = try queue.read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT id, CAST(a AS BLOB), CAST(b AS BLOB), CAST(c AS BLOB)
          FROM t ORDER BY id
          """
      ).map { row -> (Int64, String?, String, String?) in
        func text(_ index: Int) -> String? {
          (row[index] as Data?).map { String(decoding: $0, as: UTF8.self) }
        }
        return (row[0], text(1), text(2) ?? "", text(3))
      }
    }
    #expect(stored.count == rows.count)
    for (row, expected) in zip(stored, rows) {
      #expect(
        row.0 == expected.0 && row.1 == expected.1 && row.2 == expected.2
          && row.3 == expected.3, "\(row) \(expected)")
    }
  }
}
