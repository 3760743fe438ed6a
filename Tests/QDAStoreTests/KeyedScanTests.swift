import GRDB
import Testing

@testable import QDAStore

/// A keyed scan hands over each row once, in order, up to and including the
/// key asked for, and says which rows have that key.
@Suite struct KeyedScanTests {
  @Test func rowsAreVisitedOnceUpToEachKey() throws {
    let queue = try DatabaseQueue()
    try queue.write { db in
      try db.execute(
        sql: """
          CREATE TABLE t (k TEXT, n INTEGER);
          INSERT INTO t VALUES ('a', 1), ('a', 2), ('b', 3), ('d', 4), ('e', 5),
            ('ё', 6);
          """)
      var scan = try KeyedScan(
        BulkStatement(db, sql: "SELECT k, n FROM t ORDER BY k, n"))
      var seen: [String] = []
      for key in ["a", "a", "c", "d", "e"] {
        try scan.advance(through: key) { row, isKey in
          seen.append("\(key):\(row.int64(1))\(isKey ? "=" : "<")")
        }
      }
      #expect(seen == ["a:1=", "a:2=", "c:3<", "d:4=", "e:5="])
      #expect(scan.hasRow)
      var rest: [Int64] = []
      try scan.finish { rest.append($0.int64(1)) }
      #expect(rest == [6])
      #expect(!scan.hasRow)
    }
  }
}
