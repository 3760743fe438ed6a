import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

/// The `coding` view over codings stored with numbered names.
///
/// Since v12 codings are stored with their names as numbers (`codingRow`,
/// `codingName`), and the `coding` view gives them back with the names.
/// What reads or writes `coding` — qda's own queries, a researcher's
/// `sqlite3` session — must see the table it saw before.
@Suite struct CodingViewTests {
  /// Two units, coded by `auto` through the store's bulk writer.
  func codedStore(_ body: (Store) throws -> Void) throws {
    try withStore { store in
      try importUnits(
        store,
        ["u1", "u2"].map { id in
          UnitDraft(
            id: id, kind: "case", line: 2,
            texts: [("request", "text of \(id)")], contentHash: id)
        }, hash: "r")
      _ = try store.replaceAutoCodingsInBatches(
        codebook: CodebookDraft(
          hash: "h", id: "c", title: "C", version: "1", path: "c.yml",
          codes: ["t.a", "t.b"].map {
            .init(id: $0, theme: "t", themeName: "T", name: $0)
          }),
        code: { batch in
          batch.map { unit in
            [
              CodingDraft(
                unit: unit.id, code: "t.a", rule: "r1", field: "request",
                span: 0..<4)
            ]
          }
        })
      try body(store)
    }
  }

  func rows(_ store: Store, _ sql: String) throws -> [String] {
    try store.read { db in
      try Row.fetchAll(db, sql: sql).map { row in
        row.databaseValues.map { $0.isNull ? "-" : "\($0.storage.value ?? "")" }
          .joined(separator: " ")
      }
    }
  }

  @Test func theViewGivesTheNamesTheBulkWriterNumbered() throws {
    try codedStore { (store: Store) throws in
      #expect(
        try rows(store, "SELECT * FROM coding ORDER BY unitId")
          == [
            "u1 t.a auto 1 r1 request 0 4 -", "u2 t.a auto 1 r1 request 0 4 -",
          ])
      // Each name once, whatever the number of codings that use it.
      #expect(
        try rows(store, "SELECT name FROM codingName ORDER BY name")
          == ["auto", "r1", "request", "t.a"])
      #expect(
        try rows(store, "SELECT COUNT(*) FROM codingRow WHERE ruleId IS NULL")
          == ["0"])
    }
  }

  /// An outside tool inserts, updates and deletes through the view, with
  /// the conflict handling it names, and new names are numbered once.
  @Test func writesThroughTheViewReachTheTable() throws {
    try codedStore { (store: Store) throws in
      try store.write { db in
        try db.execute(
          sql: """
            INSERT INTO codingRun (codebookHash, createdAt) VALUES (NULL, 'now');
            INSERT INTO coding (unitId, code, coder, runId, memo)
              VALUES ('u1', 't.b', 'ann', last_insert_rowid(), 'first');
            INSERT INTO coding (unitId, code, coder, runId, field)
              VALUES ('u2', 't.b', 'ann', 2, 'request');
            """)
      }
      #expect(
        try rows(
          store,
          "SELECT unitId, code, coder, field, memo FROM coding WHERE coder = 'ann'"
        )
          == ["u1 t.b ann - first", "u2 t.b ann request -"])
      #expect(
        try rows(store, "SELECT COUNT(*), COUNT(DISTINCT name) FROM codingName")
          == ["6 6"])

      // A second coding of the same unit, code and coder is refused, and
      // the statement changes nothing, not even the names it brought;
      // `OR IGNORE` passes over it.
      #expect(throws: StoreError.self) {
        try store.write { db in
          try db.execute(
            sql: """
              INSERT INTO coding (unitId, code, coder, runId, field, memo)
                VALUES ('u1', 't.b', 'ann', 2, 'services', 'second')
              """)
        }
      }
      #expect(
        try rows(
          store, "SELECT COUNT(*) FROM codingName WHERE name = 'services'")
          == ["0"])
      try store.write { db in
        try db.execute(
          sql: """
            INSERT OR IGNORE INTO coding (unitId, code, coder, runId, memo)
              VALUES ('u1', 't.b', 'ann', 2, 'second')
            """)
        try db.execute(
          sql:
            "UPDATE coding SET memo = 'edited' WHERE unitId = 'u2' AND coder = 'ann'"
        )
        try db.execute(
          sql: "DELETE FROM coding WHERE unitId = 'u1' AND coder = 'auto'")
      }
      #expect(
        try rows(
          store, "SELECT unitId, code, coder, memo FROM coding ORDER BY 1, 3")
          == ["u1 t.b ann first", "u2 t.b ann edited", "u2 t.a auto -"])
      #expect(try store.coders() == ["auto", "ann"])
      #expect(try store.autoCodingCounts() == ["t.a": 1])
    }
  }

  /// A purge takes the names that only the purged codings used: a coder
  /// who coded only that source leaves no name behind.
  @Test func aPurgeTakesTheNamesOnlyItsCodingsUsed() throws {
    try codedStore { (store: Store) throws in
      try importUnits(
        store,
        [
          UnitDraft(
            id: "v1", kind: "case", line: 2, texts: [("services", "text")],
            contentHash: "v1")
        ], hash: "o", name: "other")
      try store.write { db in
        try db.execute(
          sql: """
            INSERT INTO coding (unitId, code, coder, runId, field)
              VALUES ('u1', 't.b', 'ann', 1, 'request'),
                     ('v1', 't.a', 'bob', 1, 'services');
            """)
      }
      _ = try store.purge(source: "r")
      #expect(
        try rows(store, "SELECT name FROM codingName ORDER BY name")
          == ["bob", "services", "t.a"])
      #expect(try rows(store, "SELECT unitId, coder FROM coding") == ["v1 bob"])
    }
  }

  /// The view seeks a coder's codes in the coder index; reading every
  /// coding scans the table rather than the index (which would look up
  /// every row in the table); counting a coder's codings reads the index
  /// alone.
  @Test func queriesUseTheIndexesTheyNeed() throws {
    try codedStore { (store: Store) throws in
      func plan(_ sql: String) throws -> String {
        try rows(store, "EXPLAIN QUERY PLAN \(sql)").joined(separator: "\n")
      }
      let seek = try plan(
        "SELECT unitId FROM coding WHERE coder = 'auto' AND code = 't.a'")
      #expect(seek.contains("codingRow_byCoderCode (coderId=? AND codeId=?)"))
      let all = try plan("SELECT * FROM \(Store.everyCodingSQL)")
      #expect(!all.contains("codingRow_byCoderCode"), "\(all)")
      #expect(all.contains("SCAN r"), "\(all)")
      let count = try plan(
        """
        SELECT COUNT(*) FROM codingRow
        WHERE coderId = (SELECT id FROM codingName WHERE name = 'auto')
        """)
      #expect(
        count.contains("COVERING INDEX codingRow_byCoderCode"), "\(count)")
    }
  }
}
