import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

/// Tallies (counts written by `code auto`) must give exactly what counting
/// the codings gives, and must never outlive the data they count.
@Suite struct StoreTallyTests {
  /// The tally's table of counts counts what a dictionary counts, through
  /// many doublings and keys that collide in their low bits.
  @Test func packedCountsCountWhatADictionaryCounts() {
    var random = SeededGenerator(seed: 7)
    var counts = PackedCounts()
    var expected: [Int: Int] = [:]
    for _ in 0..<20_000 {
      let key = Int(random.next() % 3_000) << 26 | Int(random.next() % 4)
      counts.add(key)
      expected[key, default: 0] += 1
    }
    var found: [Int: Int] = [:]
    counts.forEachKey { found[$0] = $1 }
    // Counted as mismatches, so that a failure says how many, not all.
    #expect(found.count == expected.count)
    #expect(expected.filter { found[$0.key] != $0.value }.count == 0)
    #expect(counts.count == expected.count)
  }

  /// The tally's numbering of strings gives each string one number, in
  /// the order first met, through the table's doublings; strings that
  /// differ by a byte, by case or by script get numbers of their own.
  @Test func stringNumberingNumbersEachStringOnce() {
    var random = SeededGenerator(seed: 11)
    var numbering = StringNumbering()
    var expected: [String: Int] = [:]
    var order: [String] = []
    let stems = ["2020-0", "phone", "Phone", "телефон", "chat", ""]
    for _ in 0..<5_000 {
      let string =
        stems[Int(random.next() % UInt64(stems.count))]
        + String(random.next() % 200)
      if expected[string] == nil {
        order.append(string)
        expected[string] = order.count
      }
      #expect(numbering.number(of: string) == expected[string])
    }
    #expect(numbering.strings == order)
    #expect(order.count > 500)
    #expect(numbering.number(of: "") == order.count + 1)
  }

  /// Strings looked up by their own bytes: a long string made anew for
  /// each look-up, and freed after it, may be stored where one with other
  /// characters was; it must still get its own number.
  @Test func stringsMadeAndFreedOneAfterAnotherKeepTheirNumbers() {
    var random = SeededGenerator(seed: 5)
    var numbering = StringNumbering()
    var expected: [String: Int] = [:]
    let long = String(repeating: "a long attribute value ", count: 2)
    for _ in 0..<20_000 {
      // Same length, other characters: the storage a freed one leaves is
      // the size the next one needs.
      let string = long + String(1_000 + random.next() % 300)
      let number = numbering.number(of: string)
      #expect(number == expected[string, default: expected.count + 1])
      expected[string] = number
      // Small strings are their own bytes.
      let small = "m" + String(random.next() % 50)
      let smallNumber = numbering.number(of: small)
      #expect(smallNumber == expected[small, default: expected.count + 1])
      expected[small] = smallNumber
    }
    #expect(numbering.strings.count == expected.count)
  }

  /// Work reports over three months (one undated), some with a channel.
  func importReports(_ store: Store, name: String = "reports", count: Int = 60)
    throws
  {
    var iterator = (0..<count).map { index in
      UnitDraft(
        id: "\(name)-\(index)", kind: "case",
        date: index % 7 == 0 ? nil : "2020-0\(1 + index % 3)-1\(index % 10)",
        line: index + 2,
        texts: [
          ("request", "request \(index)"), ("services", "services \(index)"),
        ],
        attributes: index % 5 == 0
          ? [] : [("channel", ["chat", "direct", "phone"][index % 3])],
        contentHash: "\(name)\(index)")
    }.makeIterator()
    _ = try store.importSource(
      SourceDraft(
        name: name, path: name + ".csv", kind: "reports", contentHash: name,
        settings: ""),
      units: { iterator.next() })
  }

  /// An interview: turns with speakers and roles, one without text.
  func importInterview(_ store: Store) throws {
    let turns: [(String, String, String?)] = [
      ("Ann", "interviewer", "How do clients reach you?"),
      ("Bob", "participant", "Mostly by chat, at night."),
      ("Ann", "interviewer", "And then?"),
      ("Bob", "participant", nil),
      ("Cid", "participant", "By phone."),
    ]
    var iterator = turns.enumerated().map { index, turn in
      UnitDraft(
        id: "i:\(index)", kind: "turn", speaker: turn.0, role: turn.1,
        line: index + 1, texts: turn.2.map { [("text", $0)] } ?? [],
        attributes: index == 1 ? [("site", "north")] : [],
        contentHash: "i\(index)")
    }.makeIterator()
    _ = try store.importSource(
      SourceDraft(
        name: "interview", path: "interview.txt", kind: "transcript",
        contentHash: "i", settings: ""),
      units: { iterator.next() })
  }

  /// Codes a unit by the digits and words of its texts: every unit gets
  /// some of three codes, a few none.
  func codeAll(_ store: Store) throws {
    _ = try store.replaceAutoCodings(
      codebook: CodebookDraft(
        hash: "h", id: "c", title: "C", version: "1", path: "c.yml",
        codes: ["t.a", "t.b", "t.c"].map {
          .init(id: $0, theme: "t", themeName: "T", name: $0)
        })
    ) { unit in
      let text = unit.texts.map(\.text).joined(separator: " ")
      let number = Int(text.filter(\.isNumber).prefix(2)) ?? text.count
      return [("t.a", 2), ("t.b", 3), ("t.c", 4)].compactMap { code, divisor in
        number % divisor == 0
          ? CodingDraft(
            unit: unit.id, code: code, rule: "r", field: unit.texts.first?.name,
            span: 0..<1) : nil
      }
    }
  }

  let groupings: [UnitGrouping] = [
    .none, .month, .speaker, .role, .attribute("channel"), .attribute("site"),
    .attribute("nothing"),
  ]

  /// Every count, from the tally when there is one.
  func counts(_ store: Store) throws -> [[GroupCount]] {
    try groupings.flatMap { grouping in
      [
        try store.unitCounts(.init(), grouping: grouping),
        try store.codedCounts(
          coder: "auto", filter: .init(), grouping: grouping),
      ]
    }
  }

  func tallyRows(_ store: Store) throws -> Int {
    try store.read {
      try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tally") ?? 0
    }
  }

  @Test func tallyGivesWhatCountingTheCodingsGives() throws {
    try withStore { store in
      try importReports(store)
      try importInterview(store)
      try codeAll(store)
      #expect(try tallyRows(store) > 0)
      let tallied = try counts(store)
      try store.write { try Store.dropTallies($0) }
      #expect(try tallyRows(store) == 0)
      let counted = try counts(store)
      #expect(tallied == counted)
      // The counts are not trivially empty: every grouping has groups, and
      // months, channels and speakers more than one.
      for (index, grouping) in groupings.enumerated() {
        #expect(!counted[2 * index].isEmpty, "\(grouping)")
        #expect(!counted[2 * index + 1].isEmpty, "\(grouping)")
      }
      #expect(counted[2].count == 4)  // three months and undated
      #expect(Set(counted[8].map(\.group)) == ["chat", "direct", "phone", nil])
      #expect(Set(counted[4].map(\.group)) == ["Ann", "Bob", "Cid", nil])
    }
  }

  @Test func everyWriteThatMayChangeCountsDropsTheTally() throws {
    try withStore { store in
      try importReports(store)
      try codeAll(store)
      let before = try store.unitCounts(.init(), grouping: .month)
      // Another source: the months gain units.
      try importReports(store, name: "more", count: 14)
      #expect(try tallyRows(store) == 0)
      let after = try store.unitCounts(.init(), grouping: .month)
      #expect(
        after.reduce(0) { $0 + $1.units } == before.reduce(0) { $0 + $1.units }
          + 14)
      // Coded again: a tally again, which a removed coding drops.
      try codeAll(store)
      let coded = try store.codedCounts(
        coder: "auto", filter: .init(), grouping: .attribute("channel"))
      let first = try #require(
        try store.codings(ofUnit: "reports-2").first { $0.coder == "auto" })
      try store.removeCoding(unit: "reports-2", code: first.code, coder: "auto")
      #expect(try tallyRows(store) == 0)
      let fewer = try store.codedCounts(
        coder: "auto", filter: .init(), grouping: .attribute("channel"))
      #expect(
        fewer.reduce(0) { $0 + $1.units } == coded.reduce(0) { $0 + $1.units }
          - 1)
    }
  }

  @Test func aTallyIsNotUsedAfterWritesMadeOutsideQDA() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("qda.sqlite")
    var store = try Store.open(path: path, create: true)
    try importReports(store)
    try codeAll(store)
    let units = try store.unitCounts(.init()).first?.units
    let coded = try store.codedCounts(coder: "auto", filter: .init())
    store.close()
    // As the sqlite3 shell would: one more unit, one coding fewer.
    let outside = try DatabaseQueue(path: path)
    try outside.write { db in
      try db.execute(
        sql: """
          INSERT INTO unit (id, sourceId, ordinal, kind, contentHash)
            VALUES ('extra', 1, 999, 'case', 'x');
          DELETE FROM coding WHERE (unitId, code, coder) =
            (SELECT unitId, code, coder FROM coding LIMIT 1);
          """)
    }
    try outside.close()
    store = try Store.open(path: path, create: false)
    defer { store.close() }
    #expect(try tallyRows(store) > 0)
    #expect(try store.unitCounts(.init()).first?.units == units.map { $0 + 1 })
    #expect(
      try store.codedCounts(coder: "auto", filter: .init()).reduce(0) {
        $0 + $1.units
      } == coded.reduce(0) { $0 + $1.units } - 1)
  }

  /// The stamp is checked once per change: a write by another connection
  /// while the store is open makes it be checked again.
  @Test func aTallyIsCheckedAgainAfterAnotherConnectionWrites() throws {
    try withStore { store, path in
      try importReports(store)
      try codeAll(store)
      let units = try #require(try store.unitCounts(.init()).first?.units)
      #expect(store.lastTallyCheck != nil)
      #expect(try store.unitCounts(.init()).first?.units == units)
      let outside = try DatabaseQueue(path: path)
      try outside.write { db in
        try db.execute(
          sql: """
            INSERT INTO unit (id, sourceId, ordinal, kind, contentHash)
              VALUES ('extra', 1, 999, 'case', 'x')
            """)
      }
      try outside.close()
      #expect(try store.unitCounts(.init()).first?.units == units + 1)
      #expect(
        try store.read { try store.talliedUnitCounts($0, grouping: .none) }
          == nil)
    }
  }

  /// Recoding frees the old `auto` codings' pages without SQLite's secure
  /// delete, then gives the connection back the mode it had: whether the
  /// coding table is dropped (only `auto` codings) or emptied row by row (a
  /// manual coding stays).
  @Test func recodingLeavesSecureDeleteAsItWas() throws {
    for hasManualCoding in [false, true] {
      for mode in [0, 1] {
        try withStore { store in
          try importReports(store)
          try codeAll(store)
          try store.write { db in
            try db.execute(sql: "PRAGMA secure_delete = \(mode)")
            if hasManualCoding {
              try db.execute(
                sql: """
                  INSERT INTO codingRun (codebookHash, createdAt) VALUES (NULL, 'now');
                  INSERT INTO coding (unitId, code, coder, runId)
                    VALUES ('reports-1', 't.a', 'ann', last_insert_rowid())
                  """)
            }
          }
          let before = try store.read {
            try String.fetchAll(
              $0, sql: "SELECT unitId || code FROM coding WHERE coder = 'auto'")
          }
          try codeAll(store)
          let (after, manual, auto) = try store.read { db in
            (
              try Int.fetchOne(db, sql: "PRAGMA secure_delete"),
              try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM coding WHERE coder = 'ann'"),
              try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM coding WHERE coder = 'auto'")
            )
          }
          #expect(after == mode)
          #expect(manual == (hasManualCoding ? 1 : 0))
          #expect(auto == before.count)
        }
      }
    }
  }

  @Test func speakersOfUnitsThatAreNotTurnsAreTallied() throws {
    try withStore { store in
      try importUnits(
        store,
        [
          UnitDraft(
            id: "c1", kind: "case", speaker: "Ann", role: "client",
            texts: [("text", "12")], contentHash: "1"),
          UnitDraft(
            id: "c2", kind: "case", texts: [("text", "24")], contentHash: "2"),
        ], hash: "r", name: "refi", kind: "refi")
      try codeAll(store)
      let tallied = try counts(store)
      try store.write { try Store.dropTallies($0) }
      #expect(tallied == (try counts(store)))
      #expect(
        try store.unitCounts(.init(), grouping: .speaker).map(\.group) == [
          nil, "Ann",
        ])
    }
  }

  @Test func unchangedImportsStateWritesAndOtherCodersKeepTheTally() throws {
    try withStore { store in
      try importReports(store)
      try codeAll(store)
      let rows = try tallyRows(store)
      let before = try counts(store)
      try store.setProjectState("some-key", "some value")
      // The same file again: nothing changes, so the tally stays.
      try importReports(store)
      try store.addCodings(
        [
          ManualCoding(unit: "reports-1", code: "t.a", memo: nil),
          ManualCoding(unit: "reports-3", code: "t.b", memo: nil),
        ], coder: "ann")
      try store.removeCoding(unit: "reports-1", code: "t.a", coder: "ann")
      try store.replaceCodings(
        of: "bob",
        with: [ManualCoding(unit: "reports-5", code: "t.c", memo: nil)],
        path: nil)
      #expect(try tallyRows(store) == rows)
      // Still true, and still used: the stamp did not change.
      #expect(try counts(store) == before)
      #expect(
        try store.read { try store.talliedCodedCounts($0, grouping: .month) }
          != nil)
      try store.write { try Store.dropTallies($0) }
      #expect(try counts(store) == before)
      #expect(
        try store.codedCounts(coder: "ann", filter: .init()).map(\.units) == [1]
      )
    }
  }

  @Test func scopedAndOtherCodersCountsIgnoreTheTally() throws {
    try withStore { store in
      try importReports(store)
      try importInterview(store)
      try codeAll(store)
      let cases = UnitFilter(kinds: ["case"])
      let scoped = try store.unitCounts(cases, grouping: .month)
      #expect(scoped.reduce(0) { $0 + $1.units } == 60)
      let reports = UnitFilter(sources: ["reports"])
      let coded = try store.codedCounts(
        coder: "auto", filter: reports, grouping: .month)
      try store.write { try Store.dropTallies($0) }
      #expect(try store.unitCounts(cases, grouping: .month) == scoped)
      #expect(
        try store.codedCounts(coder: "auto", filter: reports, grouping: .month)
          == coded)
    }
  }

  @Test func unitsReadInFileOrderMatchUnitsReadByTheJoin() throws {
    try withStore { store in
      try importInterview(store)
      try importReports(store, count: 12)
      let fast = try store.storedUnits()
      try store.write { db in
        try db.execute(
          sql: "UPDATE projectState SET value = 'no' WHERE key = ?",
          arguments: [Store.textOrderKey])
      }
      let joined = try store.storedUnits()
      #expect(fast.count == 17)
      #expect(fast.map(\.id) == joined.map(\.id))
      #expect(fast.map(\.question) == joined.map(\.question))
      #expect(
        fast.map { $0.texts.map { "\($0.name)=\($0.text)" } }
          == joined.map { $0.texts.map { "\($0.name)=\($0.text)" } })
      #expect(fast[1].question == "How do clients reach you?")
      #expect(fast[3].texts.isEmpty)
    }
  }

  /// `code auto` reads units in batches of bytes: each batch must hold the
  /// units, questions, attributes and grouping values read one by one, in
  /// both ways of reading and whatever the batch size, a question included
  /// when the turn it belongs to begins a batch.
  @Test func unitBatchesHoldTheUnitsReadOneByOne() throws {
    try withStore { store in
      try importInterview(store)
      try importReports(store, count: 12)
      /// The units read one by one and in batches of `size`, with their
      /// grouping values, as comparable strings.
      func read(size: Int) throws -> (single: [String], batched: [String]) {
        try store.read { db in
          let tally = TallyBuilder(
            groupings: try TallyBuilder.groupings(in: db))
          var single: [String] = []
          try store.forEachUnit(
            db, tally: tally, attributes: ["site", "channel"]
          ) { unit, groups in
            single.append(Self.describe(unit, groups: groups.values[...]))
          }
          var batched: [String] = []
          try store.forEachUnitBatch(
            db, tally: tally, attributes: ["site", "channel"], size: size
          ) { batch in
            #expect(batch.count <= size)
            for (index, unit) in batch.units.enumerated() {
              #expect(batch.id(at: index) == unit.id)
              batched.append(
                Self.describe(unit, groups: batch.groups(at: index)))
            }
          }
          return (single, batched)
        }
      }
      for size in [1, 2, 5, 1024] {
        let (single, batched) = try read(size: size)
        #expect(single.count == 17)
        #expect(batched == single)
      }
      #expect(
        try read(size: 1).batched[1]
          == "i:1 turn participant | text=Mostly by chat, at night."
          + " | question=How do clients reach you? | site=north"
          + " | groups=-,-,Bob,participant,-,north")
      try store.write { db in
        try db.execute(
          sql: "UPDATE projectState SET value = 'no' WHERE key = ?",
          arguments: [Store.textOrderKey])
      }
      for size in [1, 3] {
        let (single, batched) = try read(size: size)
        #expect(batched == single)
      }
    }
  }

  /// A unit and its grouping values as one line.
  static func describe(_ unit: StoredUnit, groups: ArraySlice<String?>)
    -> String
  {
    ([
      "\(unit.id) \(unit.kind) \(unit.role ?? "-")",
      unit.texts.map { "\($0.name)=\($0.text)" }.joined(separator: ", "),
    ] + (unit.question.map { ["question=\($0)"] } ?? [])
      + unit.attributes.map { "\($0.name)=\($0.value)" }
      + ["groups=" + groups.map { $0 ?? "-" }.joined(separator: ",")])
      .joined(separator: " | ")
  }

  @Test func textsOutOfTheOrderTheFlagClaimsAreAnErrorNotWrongUnits() throws {
    try withStore { store in
      try importReports(store, count: 6)
      try codeAll(store)
      let codings = try store.exportedCodings(coder: nil, filter: .init())
      // Give the first unit's texts the highest ids, then claim file order.
      try store.write { db in
        try db.execute(
          sql: """
            UPDATE unitText SET id = id + 1000 WHERE unitId = 'reports-0';
            UPDATE projectState SET value = 'yes' WHERE key = '\(Store.textOrderKey)';
            """)
      }
      #expect(throws: StoreError.self) { try store.storedUnits() }
      // Recoding reads the units on a thread and connection of its own: the
      // error comes from there, and the codings stay as they were.
      #expect(throws: StoreError.self) { try codeAll(store) }
      #expect(
        try store.exportedCodings(coder: nil, filter: .init()).map(\.unit)
          == codings.map(\.unit))
      #expect(!codings.isEmpty)
    }
  }
}
