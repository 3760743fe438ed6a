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

  /// Codings by numbers are written as the drafts that name them are.
  ///
  /// The same rows, names and tally. A batch whose numbers
  /// name no code or rule, or whose codings are for another number of
  /// units, is refused, and the codings and tally before it stay.
  @Test func numberedCodingsAreWrittenAsTheDraftsTheyNumber() throws {
    let codebook = CodebookDraft(
      hash: "h", id: "c", title: "C", version: "1", path: "c.yml",
      codes: ["t.a", "t.b"].map {
        .init(id: $0, theme: "t", themeName: "T", name: $0)
      })
    let codes = ["t.a", "t.b"]
    let rules = ["r0", "r1", "r2"]
    let units = ["u1", "u2", "u3"].map { id in
      UnitDraft(
        id: id, kind: "case", line: 2,
        texts: [("request", "text of \(id)"), ("services", "done")],
        contentHash: id)
    }
    /// Unit `index`'s codings, by numbers.
    @Sendable func numbered(_ index: Int) -> [NumberedCoding] {
      switch index {
      case 0:
        [
          NumberedCoding(code: 0, rule: 2, field: "request", span: 0..<4),
          NumberedCoding(code: 1, rule: nil, field: nil, span: nil),
        ]
      case 1: []
      default:
        [NumberedCoding(code: 1, rule: 0, field: "services", span: 1..<3)]
      }
    }
    func written(_ store: Store) throws -> [String] {
      try rows(
        store,
        """
        SELECT unitId, code, coder, rule, field, spanStart, spanEnd FROM coding
        ORDER BY unitId, code
        """)
        + rows(store, "SELECT name FROM codingName ORDER BY name")
        + rows(
          store,
          "SELECT dimension, code, value, units FROM tally ORDER BY 1, 2, 3"
        )
    }
    var expected: [String] = []
    try withStore { store in
      try importUnits(store, units, hash: "r")
      _ = try store.replaceAutoCodingsInBatches(
        codebook: codebook,
        code: { batch in
          batch.indices.map { index in
            numbered(index).map {
              CodingDraft(
                unit: batch[index].id, code: codes[Int($0.code)],
                rule: $0.rule < 0 ? nil : rules[Int($0.rule)], field: $0.field,
                span: $0.span)
            }
          }
        })
      expected = try written(store)
    }
    #expect(
      Array(expected.prefix(3)) == [
        "u1 t.a auto r2 request 0 4", "u1 t.b auto - - - -",
        "u3 t.b auto r0 services 1 3",
      ])
    // Three units (no month), one coded t.a and two t.b.
    for row in ["none - - 3", "none t.a - 1", "none t.b - 2", "month t.b - 2"] {
      #expect(expected.contains(row), "\(expected)")
    }
    try withStore { store in
      try importUnits(store, units, hash: "r")
      var seen: [Int] = []
      let count = try store.replaceAutoCodingsInBatches(
        codebook: codebook, codes: codes, rules: rules, batchSize: 2,
        code: { batch in
          // Batches of two: the second batch's unit is the third.
          batch.map { numbered($0.id == "u3" ? 2 : $0.id == "u2" ? 1 : 0) }
        }, didCode: { batch, _ in seen.append(batch.count) })
      #expect(count == 3)
      #expect(seen == [2, 1])
      #expect(try written(store) == expected)

      /// Every unit coded with `coding`.
      func each(_ coding: NumberedCoding)
        -> @Sendable ([StoredUnit]) -> [[NumberedCoding]]
      {
        { units in units.map { _ in [coding] } }
      }
      let refusals: [(String, @Sendable ([StoredUnit]) -> [[NumberedCoding]])] =
        [
          (
            "code number 2, of 2 codes",
            each(NumberedCoding(code: 2, rule: 0, field: nil, span: nil))
          ),
          (
            "rule number 3, of 3 rules",
            each(NumberedCoding(code: 0, rule: 3, field: nil, span: nil))
          ),
          (
            "rule number -2, of 3 rules",
            each(NumberedCoding(code: 0, rule: -2, field: nil, span: nil))
          ),
          (
            "code number 2147483647, of 2 codes",
            each(NumberedCoding(code: 1 << 32, rule: 0, field: nil, span: nil))
          ),
          (
            "codings were made for 2 units of 3",
            { Array($0.map { _ in [NumberedCoding]() }.dropLast()) }
          ),
        ]
      for (message, refused) in refusals {
        #expect {
          _ = try store.replaceAutoCodingsInBatches(
            codebook: codebook, codes: codes, rules: rules, code: refused)
        } throws: { error in
          (error as? StoreError)?.description.contains(message) == true
        }
        #expect(try written(store) == expected)
      }
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
