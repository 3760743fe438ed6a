import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

@Suite struct StoreSearchTests {
  func unit(_ id: String, _ text: String) -> UnitDraft {
    UnitDraft(
      id: id, kind: "case", date: "2020-01-01",
      texts: [("request", text), ("services", "answered \(id)")],
      contentHash: "\(id)|\(text)")
  }

  func hits(_ store: Store, _ query: String) throws -> [String] {
    try store.search(query, filter: .init()).map { "\($0.unit) \($0.field)" }
  }

  @Test func aChangedUnitIsFoundByItsNewTextOnly() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try Store.open(path: directory.path("qda.sqlite"), create: true)
    defer { store.close() }
    try importUnits(
      store, [unit("A", "needs naloxone"), unit("B", "asks about тест")],
      hash: "1")
    #expect(try hits(store, "naloxone") == ["A request"])
    #expect(try hits(store, "answered") == ["A services", "B services"])
    try importUnits(
      store, [unit("A", "needs a needle"), unit("B", "asks about тест")],
      hash: "2")
    #expect(try hits(store, "naloxone").isEmpty)
    #expect(try hits(store, "needle") == ["A request"])
    #expect(try hits(store, "тест") == ["B request"])
    try importUnits(store, [unit("B", "asks about тест")], hash: "3")
    #expect(try hits(store, "needle").isEmpty)
    #expect(try hits(store, "answered") == ["B services"])
  }

  @Test func searchFoldsYoAndMarksTheMatchInTheOriginalText() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try Store.open(path: directory.path("qda.sqlite"), create: true)
    defer { store.close() }
    try importUnits(store, [unit("A", "Ещё раз: всё хорошо")], hash: "1")
    let found = try store.search("еще", filter: .init())
    #expect(found.map(\.text) == ["Ещё раз: всё хорошо"])
    #expect(found.map(\.matches) == [[0..<3]])
    #expect(try hits(store, "ВСЁ") == ["A request"])
  }

  /// A database written by the previous schema (texts without row ids and a
  /// full-text index with its own copy) is migrated with its index intact.
  @Test func aVersion4DatabaseIsMigratedAndStaysSearchable() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("old.sqlite")
    let old = try oldDatabaseWithTwoCases(at: path, upTo: "v4-project-state")
    try old.write { db in
      try db.execute(
        sql: """
          INSERT INTO unitText VALUES ('A', 'request', 0, 'Ещё naloxone');
          INSERT INTO unitText VALUES ('B', 'request', 0, 'a needle');
          """)
    }
    try old.close()
    let store = try Store.open(path: path, create: false)
    defer { store.close() }
    #expect(try hits(store, "еще") == ["A request"])
    #expect(try hits(store, "needle") == ["B request"])
    try importUnits(store, [unit("C", "more naloxone")], hash: "2")
    #expect(try hits(store, "naloxone") == ["C request"])
  }
}

extension StoreSearchTests {
  /// Hits come in source and file order, whether text ids still follow it
  /// (sources imported once) or not (a source re-imported with its rows
  /// moved and changed); a limit gives the first hits of that order.
  @Test func hitsKeepFileOrderAfterReimportsAndLimitsTakeTheFirst() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try Store.open(path: directory.path("qda.sqlite"), create: true)
    defer { store.close() }
    func source(_ name: String, _ units: [UnitDraft], hash: String) throws {
      var iterator = units.makeIterator()
      _ = try store.importSource(
        SourceDraft(
          name: name, path: "\(name).csv", kind: "reports", contentHash: hash,
          settings: "s"),
        units: { iterator.next() })
    }
    try source("r", [unit("A", "bus one"), unit("B", "bus two")], hash: "1")
    try source("q", [unit("Q", "bus three")], hash: "1")
    #expect(try hits(store, "bus") == ["A request", "B request", "Q request"])
    #expect(
      try store.search("bus", filter: .init(), limit: 2).map(\.unit) == [
        "A", "B",
      ])
    // B moves first and A changes: their texts now sit after Q's.
    try source("r", [unit("B", "bus two"), unit("A", "bus four")], hash: "2")
    #expect(try hits(store, "bus") == ["B request", "A request", "Q request"])
    #expect(
      try store.search("bus", filter: .init(), limit: 2).map(\.unit) == [
        "B", "A",
      ])
    #expect(try store.search("bus", filter: .init(), limit: 0).isEmpty)
  }
}

extension StoreSearchTests {
  /// Recoding empties the table at once when all codings are `auto` (and
  /// rebuilds the coder index); manual codings stay when there are some.
  @Test func recodingKeepsManualCodingsAndTheCoderIndex() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try Store.open(path: directory.path("qda.sqlite"), create: true)
    defer { store.close() }
    try importUnits(store, [unit("A", "x"), unit("B", "y")], hash: "1")
    let codebook = CodebookDraft(
      hash: "h", id: "c", title: "C", version: "1", path: "c.yml",
      codes: [.init(id: "t.a", theme: "t", themeName: "T", name: "A")])
    func recode(_ units: Set<String>) throws {
      _ = try store.replaceAutoCodingsInBatches(
        codebook: codebook, batchSize: 1,
        code: { batch in
          batch.map { unit in
            units.contains(unit.id)
              ? [
                CodingDraft(
                  unit: unit.id, code: "t.a", rule: "r", field: nil, span: nil)
              ]
              : []
          }
        })
    }
    func codings() throws -> [String] {
      try store.exportedCodings(coder: nil, filter: .init()).map {
        "\($0.unit) \($0.coder)"
      }
    }
    func coderIndex() throws -> String? {
      try store.read { db in
        try String.fetchOne(
          db,
          sql:
            "SELECT sql FROM sqlite_master WHERE name = 'codingRow_byCoderCode'"
        )
      }
    }
    try recode(["A", "B"])
    try recode(["B"])
    #expect(try codings() == ["B auto"])
    #expect(try coderIndex() == Store.codingRowIndexSQL)
    try store.addCodings([ManualCoding(unit: "A", code: "t.a")], coder: "ann")
    try recode(["A"])
    #expect(try codings() == ["A ann", "A auto"])
    #expect(try coderIndex() == Store.codingRowIndexSQL)
  }
}

extension StoreSearchTests {
  /// `qda_fold` indexes the texts and the delete trigger's SQL unindexes
  /// them: both must give the same text for every text, or deleting a text
  /// would leave its words in the index.
  @Test func theFoldFunctionGivesWhatTheTriggersSQLGives() throws {
    let queue = try DatabaseQueue()
    try queue.inDatabase { Store.addFoldFunction($0) }
    let pieces = ["ё", "Ё", "е", "Е", "ж", "a", " ", "\u{0}", "é", "😀", "ёЁ"]
    var random = SeededGenerator(seed: 7)
    var texts = ["", "ё", "Ё", "ёё", "no yo at all", "Ещё раз: всё хорошо"]
    for _ in 0..<500 {
      texts.append(
        (0..<(random.next() % 12)).map { _ in
          pieces[Int(random.next() % UInt64(pieces.count))]
        }.joined())
    }
    try queue.read { db in
      for text in texts {
        let row = try Row.fetchOne(
          db, sql: "SELECT qda_fold(?), \(Store.foldSQL("?"))",
          arguments: [text, text])
        let folded: String? = row?[0]
        #expect(folded == row?[1], "\(text.debugDescription)")
        // (GRDB reads a text only up to a NUL.)
        if !text.contains("\u{0}") {
          #expect(folded == Store.fold(text), "\(text.debugDescription)")
        }
      }
      let others = try Row.fetchOne(
        db,
        sql: "SELECT qda_fold(NULL) IS NULL, qda_fold(12), typeof(qda_fold(12))"
      )
      #expect(others?[0] == true)
      #expect(others?[1] == "12")
      #expect(others?[2] == "text")
    }
  }
}

extension StoreSearchTests {
  /// A database made before v9 gets the narrow query index, and the
  /// look-up it serves (is there a unit of this kind) seeks it rather than
  /// scanning; its attributes end packed in their units' rows (v14), their
  /// names in `attributeName` and their table a view (v15).
  @Test func aVersion8DatabaseGetsTheNarrowQueryIndexes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("old.sqlite")
    let old = try oldDatabase(at: path, upTo: "v8-coding-runs")
    try old.write { db in
      try db.execute(
        sql: """
          INSERT INTO source VALUES (1, 'r', 'r.csv', 'reports', 'h', 's', 't');
          INSERT INTO unit (id, sourceId, ordinal, kind, date, contentHash)
            VALUES ('A', 1, 1, 'case', '2020-01-02', 'a'), ('B', 1, 2, 'turn', NULL, 'b');
          INSERT INTO unitAttribute VALUES ('A', 'channel', 0, 'phone');
          INSERT INTO unitAttribute VALUES ('B', 'region', 0, 'north');
          """)
    }
    try old.close()
    let store = try Store.open(path: path, create: false)
    defer { store.close() }
    try store.read { db in
      let indexes = try String.fetchAll(
        db,
        sql: """
          SELECT sql FROM sqlite_master
          WHERE type = 'index' AND tbl_name = 'unit'
            AND name NOT LIKE 'sqlite_autoindex%' AND name != 'unit_bySource'
          ORDER BY name DESC
          """)
      #expect(indexes == Store.secondaryIndexes.map(\.sql))
      func plan(_ sql: String) throws -> String {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)")
          .map { $0["detail"] as String }.joined(separator: "; ")
      }
      #expect(
        try plan("SELECT EXISTS (SELECT 1 FROM unit WHERE kind = 'turn')")
          .contains("USING COVERING INDEX unit_byKind (kind=?)"))
      #expect(
        try String.fetchAll(
          db, sql: "SELECT type FROM sqlite_master WHERE name = 'unitAttribute'"
        )
          == ["view"])
      #expect(
        try String.fetchAll(
          db,
          sql:
            "SELECT unitId || name || position || value FROM unitAttribute ORDER BY 1"
        )
          == ["Achannel0phone", "Bregion0north"])
      #expect(
        try String.fetchAll(db, sql: "SELECT attributes FROM unit ORDER BY id")
          == ["7:channel5:phone", "6:region5:north"])
    }
    #expect(
      try store.read { try TallyBuilder.groupings(in: $0) }
        == [
          .none, .month, .speaker, .role, .attribute("channel"),
          .attribute("region"),
        ])
  }
}

extension StoreSearchTests {
  /// `YoFolding.firstYo` passes eight bytes at a time: it must find the
  /// first `ё` or `Ё` wherever it lies, across the words it reads, among
  /// the letters that share its second byte (`с` is D1 81, `Б` D0 91).
  @Test func theFirstYoIsFoundWhereverItLies() {
    let pieces = ["ё", "Ё", "с", "Б", "е", "a", " ", "ab", "abc", "é"]
    var random = SeededGenerator(seed: 11)
    for _ in 0..<4_000 {
      let text = random.text(of: pieces, counts: 0...23)
      let bytes = Array(text.utf8)
      let expected = bytes.indices.dropLast().first {
        (bytes[$0] == 0xD1 && bytes[$0 + 1] == 0x91)
          || (bytes[$0] == 0xD0 && bytes[$0 + 1] == 0x81)
      }
      let found = bytes.withUnsafeBufferPointer { YoFolding.firstYo(in: $0) }
      #expect(found == expected, "\(text.debugDescription)")
      var folded = bytes
      if let first = found {
        folded.withUnsafeMutableBufferPointer {
          YoFolding.fold($0, from: first)
        }
      }
      #expect(
        String(decoding: folded, as: UTF8.self) == Store.fold(text),
        "\(text.debugDescription)")
    }
  }
}
