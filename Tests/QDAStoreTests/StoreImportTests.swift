import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

@Suite struct StoreImportTests {
  func unit(_ id: String, _ text: String, date: String = "2020-01-01")
    -> UnitDraft
  {
    UnitDraft(
      id: id, kind: "case", date: date, texts: [("request", text)],
      attributes: [("channel", "chat")], contentHash: "\(id)|\(text)|\(date)")
  }

  func autoCode(_ store: Store) throws {
    _ = try store.replaceAutoCodings(
      codebook: CodebookDraft(
        hash: "h", id: "c", title: "C", version: "1", path: "c.yml",
        codes: [.init(id: "t.a", theme: "t", themeName: "T", name: "A")])
    ) { unit in
      [
        CodingDraft(
          unit: unit.id, code: "t.a", rule: "r", field: "request", span: 0..<1)
      ]
    }
  }

  @Test func reimportOfUnchangedFileDoesNothing() throws {
    try withStore { store in
      let first = try importUnits(
        store, [unit("A", "x"), unit("B", "y")], hash: "1")
      #expect(first.added == 2)
      let again = try importUnits(store, [], hash: "1")
      #expect(again.isUnchanged)
      #expect(again.unchanged == 2)
    }
  }

  /// Records when an import asks for a hash made while its file is read:
  /// how many units it had taken by then.
  final class HashProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = 0
    private var asked: [Int] = []

    /// The units taken before each request for the hash.
    var requests: [Int] { lock.withLock { asked } }

    /// Hands out `units` one by one, counting them.
    func units(_ units: [UnitDraft]) -> () -> UnitDraft? {
      var iterator = units.makeIterator()
      return {
        self.lock.withLock { self.taken += 1 }
        return iterator.next()
      }
    }

    /// A hash that records when it is asked for, then gives `value` (or
    /// throws when `nil`).
    func hash(_ value: String?) -> @Sendable () throws -> String {
      {
        self.lock.withLock { self.asked.append(self.taken) }
        guard let value else { throw CocoaError(.fileReadUnknown) }
        return value
      }
    }
  }

  @Test func aHashMadeWhileReadingIsAwaitedOnlyWhereNeeded() throws {
    try withStore { store in
      func draft(_ probe: HashProbe, _ hash: String?) -> SourceDraft {
        SourceDraft(
          name: "r", path: "r.csv", kind: "reports",
          contentHash: probe.hash(hash), settings: "s")
      }
      func storedHash() throws -> String? {
        try store.read {
          try String.fetchOne($0, sql: "SELECT contentHash FROM source")
        }
      }
      // A new source: asked for once every unit was taken (the end, nil,
      // is the third), and stored.
      let first = HashProbe()
      let added = try store.importSource(
        draft(first, "h1"),
        units: first.units([unit("A", "x"), unit("B", "y")]))
      #expect(added.added == 2)
      #expect(first.requests == [3])
      #expect(try storedHash() == "h1")
      // The same name again: asked for before any unit, to find the file
      // unchanged.
      let second = HashProbe()
      let unchanged = try store.importSource(
        draft(second, "h1"), units: second.units([unit("A", "x")]))
      #expect(unchanged.isUnchanged)
      #expect(second.requests == [0])
      let third = HashProbe()
      let changed = try store.importSource(
        draft(third, "h2"), units: third.units([unit("A", "x2")]))
      #expect(changed.changed == 1 && changed.removed == 1)
      #expect(third.requests == [0])
      #expect(try storedHash() == "h2")
    }
    // A hash that fails at the end fails the import, which writes nothing.
    try withStore { store in
      let probe = HashProbe()
      #expect(throws: (any Error).self) {
        try store.importSource(
          SourceDraft(
            name: "r", path: "r.csv", kind: "reports",
            contentHash: probe.hash(nil), settings: "s"),
          units: probe.units([unit("A", "x")]))
      }
      #expect(probe.requests == [2])
      let sources = try store.read {
        try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM source")
      }
      #expect(sources == 0)
    }
  }

  /// A first load has its query indexes whatever the order of its ids.
  ///
  /// It writes them as it goes while the ids ascend, and drops them to
  /// build them at the end when they do not (`UnitOrder`): either way
  /// the indexes are there as defined and agree with their tables, and the
  /// connection's cache is as it was. Each unit's attributes are packed in
  /// its row, whatever the order, and their names are recorded. A load
  /// that fails, before or after its ids went out of order, leaves all
  /// this as it was.
  @Test func aFirstLoadHasItsQueryIndexesInAnyOrder() throws {
    let ids = (1...300).map { "C" + String(1000 + $0) }
    var generator = SeededGenerator(seed: 20_261_206)
    let orders = [
      ids, ids.shuffled(using: &generator), ids.reversed(),
      Array(ids[150...] + ids[..<150]),
    ]
    func check(_ store: Store, units: Int) throws {
      let (indexes, integrity, cache, counts, attributes, names) =
        try store.read { db in
          (
            try String.fetchAll(
              db,
              sql: """
                SELECT sql FROM sqlite_master
                WHERE type = 'index' AND name = 'unit_byKind'
                ORDER BY name
                """),
            try String.fetchAll(db, sql: "PRAGMA integrity_check"),
            try Int.fetchOne(db, sql: "PRAGMA cache_size"),
            try Int.fetchAll(
              db,
              sql: """
                SELECT COUNT(*) FROM unit WHERE attributes = '7:channel4:chat'
                UNION ALL
                SELECT COUNT(*) FROM unit INDEXED BY unit_byKind WHERE kind = 'case'
                """),
            try String.fetchAll(
              db,
              sql: """
                SELECT unitId || ' ' || name || ' ' || position || ' ' || value
                FROM unitAttribute ORDER BY unitId
                """),
            try String.fetchAll(db, sql: "SELECT name FROM attributeName")
          )
        }
      #expect(indexes == Store.secondaryIndexes.map(\.sql))
      #expect(integrity == ["ok"])
      #expect(cache == -Store.cacheKiB)
      #expect(counts == [units, units])
      // Every unit's one attribute, as the view unpacks it.
      #expect(attributes == ids.prefix(units).map { "\($0) channel 0 chat" })
      #expect(names == (units > 0 ? ["channel"] : []))
    }
    for order in orders {
      try withStore { store in
        try importUnits(store, order.map { unit($0, "text of \($0)") })
        try check(store, units: 300)
      }
    }
    try withStore { store in
      struct Stop: Error {}
      var failing = [unit("B", "x"), unit("A", "y")].makeIterator()
      #expect(throws: Stop.self) {
        _ = try store.importSource(
          SourceDraft(
            name: "r", path: "r.csv", kind: "reports", contentHash: "1",
            settings: "s"),
          units: { failing.next() }, finish: { throw Stop() })
      }
      try check(store, units: 0)
      #expect(throws: StoreError.self) {
        try importUnits(
          store, ["C2", "C1", "C3", "C1"].map { unit($0, "text") })
      }
      try check(store, units: 0)
      try importUnits(store, orders[1].map { unit($0, "text of \($0)") })
      try check(store, units: 300)
    }
  }

  /// Codings of units stored out of order of their ids are gathered and
  /// written in key order at the end, with a larger cache (`UnitOrder`):
  /// the same codings and tally as of the same units stored in order, the
  /// gathering table gone and the connection's cache given back after.
  @Test func codingUnitsOutOfOrderWritesWhatInOrderWrites() throws {
    var generator = SeededGenerator(seed: 20_261_207)
    let ids = (1...300).map { "C" + String(1000 + $0) }
    var results: [[String]] = []
    for order in [ids, ids.shuffled(using: &generator), ids.reversed()] {
      try withStore { store in
        try importUnits(
          store,
          order.map {
            unit($0, "text of \($0)", date: "2020-0\($0.count % 9 + 1)-01")
          })
        // Twice: the second run replaces the first's codings.
        try autoCode(store)
        try autoCode(store)
        let (cache, integrity, temporary, rows) = try store.read { db in
          (
            try Int.fetchOne(db, sql: "PRAGMA cache_size"),
            try String.fetchAll(db, sql: "PRAGMA integrity_check"),
            try Int.fetchOne(
              db, sql: "SELECT COUNT(*) FROM temp.sqlite_master"),
            try String.fetchAll(
              db,
              sql: """
                SELECT unitId || ' ' || codeId || ' ' || ruleId || ' ' || fieldId
                  || ' ' || spanStart || ' ' || spanEnd
                FROM codingRow ORDER BY unitId
                """)
              + String.fetchAll(
                db,
                sql: """
                  SELECT dimension || ' ' || ifnull(code, '-') || ' '
                    || ifnull(value, '-') || ' ' || units
                  FROM tally WHERE dimension <> 'stamp' ORDER BY 1
                  """)
          )
        }
        #expect(cache == -Store.cacheKiB)
        #expect(integrity == ["ok"])
        #expect(temporary == 0)
        results.append(rows)
      }
    }
    #expect(results[0].count > 300)
    #expect(results[1] == results[0])
    #expect(results[2] == results[0])
  }

  /// The attribute groupings of a tally, read from each unit's packed
  /// attributes (`PackedAttributes`) whether or not the units' rows are in
  /// id order, are the same counts, which are those of the units'
  /// attributes and codings: units with no value or no coding, two
  /// attributes, two codes.
  @Test func attributeTalliesAreTheSameInAnyOrderOfTheUnits() throws {
    let channels = ["chat", "dm", "phone"]
    func draft(_ index: Int) -> UnitDraft {
      var attributes: [(name: String, value: String)] = []
      if index % 7 != 0 { attributes.append(("channel", channels[index % 3])) }
      if index % 5 != 0 { attributes.append(("region", "r\(index % 2)")) }
      return UnitDraft(
        id: "C\(1000 + index)", kind: "case", date: "2020-01-01",
        texts: [("request", "text \(index)")], attributes: attributes,
        contentHash: "\(index)")
    }
    // The last units by id have no codings: their attributes come after
    // every coding.
    func codes(_ index: Int) -> [String] {
      guard index <= 295 else { return [] }
      return (index % 2 == 0 ? ["t.a"] : []) + (index % 3 == 0 ? ["t.b"] : [])
    }
    // What the tally must hold for each attribute: units per value, and
    // codings per code and value ("-" for no value).
    var expected: [String: Int] = [:]
    for index in 1...300 {
      let unit = draft(index)
      for name in ["channel", "region"] {
        let value = unit.attributes.first { $0.name == name }?.value ?? "-"
        expected["attribute:\(name) - \(value)", default: 0] += 1
        for code in codes(index) {
          expected["attribute:\(name) \(code) \(value)", default: 0] += 1
        }
      }
    }
    var generator = SeededGenerator(seed: 20_261_208)
    let indexes = Array(1...300)
    for order in [
      indexes, indexes.shuffled(using: &generator), indexes.reversed(),
    ] {
      try withStore { store in
        try importUnits(store, order.map(draft))
        let index = Dictionary(
          uniqueKeysWithValues: indexes.map { ("C\(1000 + $0)", $0) })
        _ = try store.replaceAutoCodings(
          codebook: CodebookDraft(
            hash: "h", id: "c", title: "C", version: "1", path: "c.yml",
            codes: ["a", "b"].map {
              .init(id: "t.\($0)", theme: "t", themeName: "T", name: $0)
            })
        ) { unit in
          codes(index[unit.id]!).map {
            CodingDraft(
              unit: unit.id, code: $0, rule: "r", field: "request", span: nil)
          }
        }
        let rows = try store.read { db in
          try Row.fetchAll(
            db,
            sql: """
              SELECT dimension || ' ' || ifnull(code, '-') || ' ' || ifnull(value, '-'),
                     units
              FROM tally WHERE dimension LIKE 'attribute:%'
              """)
        }
        let tallied = Dictionary(
          uniqueKeysWithValues: rows.map { ($0[0] as String, $0[1] as Int) })
        #expect(tallied == expected, "\(order.prefix(3))")
        // The sort of gathered codings gives back its helper thread.
        #expect(
          try store.read { try Int.fetchOne($0, sql: "PRAGMA threads") } == 0)
      }
    }
  }

  @Test func changedRowReplacesTheUnitAndDropsOnlyItsAutoCodings() throws {
    try withStore { store in
      _ = try importUnits(store, [unit("A", "x"), unit("B", "y")], hash: "1")
      try autoCode(store)
      let summary = try importUnits(
        store, [unit("A", "x2"), unit("B", "y")], hash: "2")
      #expect(summary.changed == 1)
      #expect(summary.unchanged == 1)
      #expect(summary.droppedAutoCodings == 1)
      let codings = try store.exportedCodings(coder: "auto", filter: .init())
      #expect(codings.map(\.unit) == ["B"])
      #expect(
        try store.exportedUnits(.init()).map { $0.texts[0].value } == [
          "x2", "y",
        ])
    }
  }

  @Test func rowsGoneFromTheFileAreRemoved() throws {
    try withStore { store in
      _ = try importUnits(store, [unit("A", "x"), unit("B", "y")], hash: "1")
      let summary = try importUnits(
        store, [unit("B", "y"), unit("C", "z")], hash: "2")
      #expect(summary.removed == 1)
      #expect(summary.added == 1)
      #expect(try store.exportedUnits(.init()).map(\.id) == ["B", "C"])
    }
  }

  @Test func failureInsideTheImportRollsEverythingBack() throws {
    try withStore { store in
      _ = try importUnits(store, [unit("A", "x")], hash: "1")
      struct Stop: Error {}
      var units = [unit("A", "changed"), unit("B", "y")].makeIterator()
      #expect(throws: Stop.self) {
        _ = try store.importSource(
          SourceDraft(
            name: "r", path: "r.csv", kind: "reports", contentHash: "2",
            settings: "s"),
          units: { units.next() }, finish: { throw Stop() })
      }
      #expect(
        try store.exportedUnits(.init()).map { $0.texts[0].value } == ["x"])
    }
  }

  @Test func countsByCodeMonthAndAttribute() throws {
    try withStore { store in
      _ = try importUnits(
        store,
        [
          unit("A", "x", date: "2020-01-05"),
          unit("B", "y", date: "2020-02-01"),
        ], hash: "1")
      try autoCode(store)
      #expect(try store.currentCodes().map(\.id) == ["t.a"])
      #expect(
        try store.unitCounts(.init(), grouping: .month).map(\.units) == [1, 1])
      let byMonth = try store.codedCounts(
        coder: "auto", filter: .init(), grouping: .month)
      #expect(byMonth.map(\.group) == ["2020-01", "2020-02"])
      let byChannel = try store.codedCounts(
        coder: "auto", filter: .init(), grouping: .attribute("channel"))
      #expect(byChannel == [GroupCount(key: "t.a", group: "chat", units: 2)])
      #expect(
        try store.codedCounts(coder: "auto", filter: .init(kinds: ["turn"]))
          .isEmpty)
    }
  }

  func draft(_ id: String, _ text: String, line: Int) -> UnitDraft {
    var unit = unit(id, text)
    unit.line = line
    return unit
  }

  struct Duplicates: Error {}

  /// Imports `units` as source `r`; returns the duplicates reported.
  func importing(_ store: Store, _ units: [UnitDraft], hash: String) throws
    -> [String]
  {
    var reported: [String] = []
    var iterator = units.makeIterator()
    do {
      _ = try store.importSource(
        SourceDraft(
          name: "r", path: "r.csv", kind: "reports", contentHash: hash,
          settings: "s"),
        units: { iterator.next() },
        finish: { if !reported.isEmpty { throw Duplicates() } },
        duplicate: { unit, firstLine in
          reported.append(
            "\(unit.id)@\(unit.line ?? 0) first \(firstLine ?? 0)")
        })
    } catch is Duplicates {}
    return reported
  }

  /// Ids used twice in one import are found by the database, in a first
  /// import (by the unique index) and in a re-import (whose units may
  /// update rows), and reported with the line of the first.
  @Test func duplicateIDsAreFoundInFirstImportsAndReimports() throws {
    try withStore { store in
      let first = try importing(
        store,
        [
          draft("A", "x", line: 2), draft("B", "y", line: 3),
          draft("A", "z", line: 4),
        ],
        hash: "1")
      #expect(first == ["A@4 first 2"])
      #expect(try store.unitCount() == 0, "the failed import wrote nothing")
      let clean = try importing(
        store, [draft("A", "x", line: 2), draft("B", "y", line: 3)], hash: "2")
      #expect(clean.isEmpty)
      let again = try importing(
        store,
        [
          draft("B", "y", line: 2), draft("A", "new", line: 3),
          draft("B", "again", line: 4),
        ],
        hash: "3")
      #expect(again == ["B@4 first 2"])
      #expect(
        try store.exportedUnits(.init()).map { $0.texts[0].value } == [
          "x", "y",
        ])
      // Without a handler, a duplicate throws.
      var units = [draft("C", "c", line: 2), draft("C", "c2", line: 3)]
        .makeIterator()
      #expect(throws: StoreError.self) {
        _ = try store.importSource(
          SourceDraft(
            name: "q", path: "q.csv", kind: "reports", contentHash: "1",
            settings: "s"),
          units: { units.next() })
      }
    }
  }

  @Test func readingAMissingDatabaseCreatesNothing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    #expect(
      throws: StoreError.missingDatabase(path: directory.path("x.sqlite"))
    ) {
      try Store.open(path: directory.path("x.sqlite"), create: false)
    }
    #expect(!FileManager.default.fileExists(atPath: directory.path("x.sqlite")))
  }

  @Test func newFilesHaveLargePagesAndOldFilesKeepTheirs() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    func pageSize(_ store: Store) throws -> Int? {
      try DatabaseQueue(path: store.path).read {
        try Int.fetchOne($0, sql: "PRAGMA page_size")
      }
    }
    let new = try Store.open(path: directory.path("new.sqlite"), create: true)
    defer { new.close() }
    #expect(try pageSize(new) == 16384)
    _ = try importUnits(new, [unit("A1", "a vein blew")], hash: "h1")
    #expect(try pageSize(new) == 16384)

    // A database an older qda made, with SQLite's 4 KiB pages.
    let path = directory.path("old.sqlite")
    try oldDatabase(at: path, upTo: "v4-project-state").close()
    let old = try Store.open(path: path, create: true)
    defer { old.close() }
    _ = try importUnits(old, [unit("A1", "a vein blew")], hash: "h1")
    #expect(try pageSize(old) == 4096)
    #expect(try old.unitCount() == 1)
  }
}

extension StoreImportTests {
  /// Units hashed before v10 keep their codings when their file comes again.
  ///
  /// They were stored with 64-digit hashes; the migration keeps the first
  /// 15 digits, which is what the importers now make of the same content.
  /// A unit whose content did change is still replaced.
  @Test func unitsHashedBeforeVersion10StayUnchanged() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("old.sqlite")
    let full = [
      "a45ff71443ea458c2da3fdba4d77e42982d8008d306149287acda243ab1a639e",
      "276d24f88c3e341bcd8d035179c9bb44f827626a6b4d98d45f8d1bf971d8bd30",
    ]
    let old = try oldDatabase(at: path, upTo: "v9-narrow-query-indexes")
    try old.write { db in
      try db.execute(
        sql: """
          INSERT INTO source VALUES (1, 'r', 'r.csv', 'reports', 'file1', 's', 't');
          INSERT INTO unit (id, sourceId, ordinal, kind, contentHash)
            VALUES ('A', 1, 1, 'case', ?), ('B', 1, 2, 'case', ?);
          INSERT INTO unitText (unitId, field, position, text)
            VALUES ('A', 'request', 0, 'a'), ('B', 'request', 0, 'b');
          INSERT INTO unitSearch (rowid, text) SELECT id, text FROM unitText;
          INSERT INTO codebook VALUES ('h', 'c', 'C', '1', 'c.yml', 1, 'T');
          INSERT INTO code VALUES ('h', 't.a', 't', 'T', 'A', 0);
          INSERT INTO codingRun (id, codebookHash, createdAt) VALUES (1, 'h', 'T');
          INSERT INTO coding (unitId, code, coder, runId) VALUES
            ('A', 't.a', 'auto', 1), ('B', 't.a', 'auto', 1);
          """, arguments: [full[0], full[1]])
    }
    try old.close()
    let store = try Store.open(path: path, create: false)
    defer { store.close() }
    func draft(_ id: String, _ hash: String) -> UnitDraft {
      UnitDraft(
        id: id, kind: "case", texts: [("request", id.lowercased())],
        contentHash: hash)
    }
    let summary = try importUnits(
      store,
      [
        draft("A", String(full[0].prefix(15))),
        draft("B", "0123456789abcde"),
      ],
      hash: "file2")
    #expect(summary.unchanged == 1)
    #expect(summary.changed == 1)
    #expect(summary.droppedAutoCodings == 1)
    #expect(
      try store.exportedCodings(coder: "auto", filter: .init()).map(\.unit)
        == ["A"])
  }
}

extension StoreImportTests {
  /// The texts a unit's range names (`firstText`, `textCount`), in order;
  /// and how many texts no unit's range holds under that unit's id.
  func textsByRange(_ store: Store) throws -> (
    texts: [String: [String]], strays: Int
  ) {
    try store.read { db in
      var texts: [String: [String]] = [:]
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT u.id, t.unitId, t.field, t.text FROM unit u
          JOIN unitText t ON t.id >= u.firstText AND t.id < u.firstText + u.textCount
          ORDER BY u.id, t.id
          """)
      {
        let unit: String = row[0]
        let owner: String = row[1]
        let field: String = row[2]
        let text: String = row[3]
        texts[unit, default: []].append("\(owner) \(field)=\(text)")
      }
      let strays =
        try Int.fetchOne(
          db,
          sql: """
            SELECT COUNT(*) FROM unitText t WHERE NOT EXISTS (
              SELECT 1 FROM unit u
              WHERE u.id = t.unitId AND t.id >= u.firstText
                AND t.id < u.firstText + u.textCount)
            """) ?? -1
      return (texts, strays)
    }
  }

  /// What each draft's texts should read as in ``textsByRange(_:)``.
  func expectedTexts(_ units: [UnitDraft]) -> [String: [String]] {
    Dictionary(
      uniqueKeysWithValues: units.filter { !$0.texts.isEmpty }.map { unit in
        (unit.id, unit.texts.map { "\(unit.id) \($0.name)=\($0.text)" })
      })
  }

  /// Every unit's range of text ids holds its texts, in order, and nothing
  /// else, through first imports, re-imports that change, add and remove
  /// units, and a purge.
  @Test func eachUnitsTextRangeHoldsItsTextsThroughReimports() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try Store.open(path: directory.path("qda.sqlite"), create: true)
    defer { store.close() }
    func draft(_ id: String, _ texts: [String]) -> UnitDraft {
      UnitDraft(
        id: id, kind: "case",
        texts: texts.enumerated().map { ("f\($0.offset)", $0.element) },
        contentHash: "\(id)|\(texts)")
    }
    let first = [
      draft("A", ["a1", "a2"]), draft("B", []), draft("C", ["c1"]),
      draft("D", ["d1", "d2", "d3"]),
    ]
    _ = try importUnits(store, first, hash: "1")
    var found = try textsByRange(store)
    #expect(found.texts == expectedTexts(first))
    #expect(found.strays == 0)
    // A changes (one text fewer), B gains texts, C goes, E comes.
    let second = [
      draft("A", ["a1 again"]), draft("B", ["b1", "b2"]),
      draft("D", ["d1", "d2", "d3"]),
      draft("E", ["e1"]),
    ]
    let summary = try importUnits(store, second, hash: "2")
    #expect(summary.changed == 2)
    #expect(summary.removed == 1)
    found = try textsByRange(store)
    #expect(found.texts == expectedTexts(second))
    #expect(found.strays == 0)
    #expect(try store.search("a1", filter: .init()).map(\.text) == ["a1 again"])
    #expect(try store.search("c1", filter: .init()).isEmpty)
    // Units of another source, then the first source purged.
    var other = [draft("X", ["x1"])].makeIterator()
    _ = try store.importSource(
      SourceDraft(
        name: "o", path: "o.csv", kind: "reports", contentHash: "3",
        settings: "s"),
      units: { other.next() })
    _ = try store.purge(source: "r")
    found = try textsByRange(store)
    #expect(found.texts == ["X": ["X f0=x1"]])
    #expect(found.strays == 0)
    #expect(try store.search("d1", filter: .init()).isEmpty)
    #expect(try store.search("x1", filter: .init()).map(\.unit) == ["X"])
  }

  /// A database made before v11, whose units' texts were numbered in no
  /// particular order, gets each unit's texts numbered consecutively and
  /// its range recorded; search still finds them, and a unit removed
  /// later takes its texts and their index entries with it.
  @Test func aVersion10DatabaseGetsTextRanges() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("old.sqlite")
    let old = try oldDatabaseWithTwoCases(
      at: path, upTo: "v10-short-unit-hashes")
    try old.write { db in
      try db.execute(
        sql: """
          INSERT INTO unitText (id, unitId, field, position, text) VALUES
            (7, 'A', 'services', 1, 'referred to a clinic'),
            (3, 'B', 'request', 0, 'needs naloxone'),
            (5, 'A', 'request', 0, 'asks about testing');
          INSERT INTO unitSearch (rowid, text) SELECT id, text FROM unitText;
          """)
    }
    try old.close()
    let store = try Store.open(path: path, create: false)
    defer { store.close() }
    let found = try textsByRange(store)
    #expect(
      found.texts == [
        "A": [
          "A request=asks about testing", "A services=referred to a clinic",
        ],
        "B": ["B request=needs naloxone"],
      ])
    #expect(found.strays == 0)
    #expect(try store.search("clinic", filter: .init()).map(\.unit) == ["A"])
    #expect(
      try store.storedUnits().map { $0.texts.map(\.text) } == [
        ["asks about testing", "referred to a clinic"], ["needs naloxone"],
      ])
    // B alone comes again: A goes, with its texts and their index entries.
    let summary = try importUnits(
      store,
      [
        UnitDraft(
          id: "B", kind: "case", texts: [("request", "needs naloxone")],
          contentHash: "b")
      ], hash: "file2")
    #expect(summary.removed == 1)
    #expect(try textsByRange(store).strays == 0)
    #expect(try store.search("clinic", filter: .init()).isEmpty)
    #expect(try store.search("naloxone", filter: .init()).map(\.unit) == ["B"])
  }
}
