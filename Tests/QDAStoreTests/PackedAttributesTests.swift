import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

/// A unit's attributes packed into its row (`unit.attributes`): the format,
/// the import that writes it, the SQL function and the view that read it,
/// and the migrations that made it from rows of their own.
@Suite struct PackedAttributesTests {
  /// Every attribute of `packed`, or `nil` when it is malformed.
  func unpacked(_ packed: String) -> [(String, String)]? {
    var packed = packed
    var attributes: [(String, String)] = []
    let isWellFormed = packed.withUTF8 { bytes in
      PackedAttributes.forEach(in: bytes) { name, value in
        attributes.append(
          (
            String(decoding: name, as: UTF8.self),
            String(decoding: value, as: UTF8.self)
          ))
      }
    }
    return isWellFormed ? attributes : nil
  }

  @Test func namesAndValuesOfAnyTextComeBackAsPacked() throws {
    #expect(PackedAttributes.pack([]) == nil)
    #expect(
      PackedAttributes.pack([("channel", "telegram"), ("hour", "05")])
        == "7:channel8:telegram4:hour2:05")
    let awkward = [
      ("канал", "телеграм"), ("a:b", "1:2"), ("", ""), ("12", "3:x"),
      ("тab\tline\nbreak", String(repeating: "я", count: 300)), ("ё", "👍🏽"),
      (String(repeating: "n", count: 9), String(repeating: "v", count: 10)),
      (String(repeating: "n", count: 99), String(repeating: "v", count: 100)),
      ("long", String(repeating: "x", count: 123_456)),
    ]
    let packed = try #require(PackedAttributes.pack(awkward))
    let back = try #require(unpacked(packed))
    #expect(back.map(\.0) == awkward.map(\.0))
    #expect(back.map(\.1) == awkward.map(\.1))
    #expect(unpacked("")?.isEmpty == true)
    #expect(
      packed.contains("99:" + String(repeating: "n", count: 99) + "100:v"))
    #expect(packed.contains("4:long123456:x"))
  }

  /// A damaged text is told apart, whatever its bytes, and never read
  /// past its end.
  @Test func malformedPackedTextsAreRefused() {
    for bad in [
      "x", "7:channel", "7:channel8:telegra", "3:ab", ":a0:", "1:a", "1a:b0:",
      "-1:a0:", "1:a99999999999999999999:b", "1:a1", "1:a1:", "5:ab",
    ] {
      #expect(unpacked(bad) == nil, "\(bad)")
    }
    // Well formed as far as it goes: the attributes before the fault are
    // handed over, and the whole is refused.
    var seen = 0
    var bad = "1:a1:b1:c"
    let isWellFormed = bad.withUTF8 {
      PackedAttributes.forEach(in: $0) { _, _ in seen += 1 }
    }
    #expect(!isWellFormed)
    #expect(seen == 1)
  }

  @Test func theUnpackerFillsOnlyTheSlotsOfTheNamesItReads() throws {
    let unpacker = AttributeUnpacker([("hour", 3), ("media", 1)])
    var values: [String?] = ["kept", nil, "x", nil]
    var packed = try #require(
      PackedAttributes.pack([("chat", "c"), ("hour", "02"), ("medium", "m")]))
    let isWellFormed = packed.withUTF8 { unpacker.unpack($0, into: &values) }
    #expect(isWellFormed)
    #expect(values == ["kept", nil, "x", "02"])
  }

  /// The packed texts of all units, by unit id.
  func packed(_ store: Store) throws -> [String: String?] {
    try store.read { db in
      var packed: [String: String?] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT id, attributes FROM unit") {
        packed[row[0]] = row[1] as String?
      }
      return packed
    }
  }

  /// The rows of the `unitAttribute` view, as `unit name position value`.
  func viewRows(_ store: Store) throws -> [String] {
    try store.read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT unitId || ' ' || name || ' ' || position || ' ' || value
          FROM unitAttribute ORDER BY unitId, position
          """)
    }
  }

  func unit(_ id: String, _ attributes: [(String, String)], text: String = "t")
    -> UnitDraft
  {
    UnitDraft(
      id: id, kind: "case", texts: [("request", text)],
      attributes: attributes.map { (name: $0.0, value: $0.1) },
      contentHash: "\(id)|\(attributes)|\(text)")
  }

  /// New units, changed ones, units without attributes, awkward names
  /// and values: each row packs its draft's attributes, the view gives
  /// them back a row each, and `attributeName` holds every name that some
  /// unit has, after a re-import or a purge too.
  @Test func importsWriteThePackedTextWithTheUnits() throws {
    try withStore { store in
      _ = try importUnits(
        store,
        [
          unit("B", [("channel", "chat"), ("hour", "03")]),
          unit("A", [("channel", "phone")]), unit("C", []),
          unit(
            "D", [("город", "Санкт-Петербург"), ("x:y", "12:2"), ("e", "")]),
          // A name twice: the first is kept.
          unit("E", [("channel", "one"), ("channel", "two")]),
        ], hash: "1")
      var stored = try packed(store)
      #expect(stored["B"] == "7:channel4:chat4:hour2:03")
      #expect(stored["C"] == .some(nil))
      #expect(stored["E"] == "7:channel3:one")
      #expect(
        try viewRows(store) == [
          "A channel 0 phone", "B channel 0 chat", "B hour 1 03",
          "D город 0 Санкт-Петербург", "D x:y 1 12:2", "D e 2 ",
          "E channel 0 one",
        ])
      let names = try store.read {
        try String.fetchAll($0, sql: "SELECT name FROM attributeName")
      }
      #expect(names == ["channel", "e", "hour", "x:y", "город"])
      // B loses an attribute, C gains one, D is unchanged, A and E go.
      _ = try importUnits(
        store,
        [
          unit("B", [("channel", "chat")], text: "u"),
          unit("C", [("region", "north")]),
          unit(
            "D", [("город", "Санкт-Петербург"), ("x:y", "12:2"), ("e", "")]),
        ], hash: "2")
      stored = try packed(store)
      #expect(stored.keys.sorted() == ["B", "C", "D"])
      #expect(stored["B"] == "7:channel4:chat")
      #expect(stored["C"] == "6:region5:north")
      // `hour` went with A's and B's: no unit has it any more.
      #expect(
        try store.read {
          try String.fetchAll($0, sql: "SELECT name FROM attributeName")
        } == ["channel", "e", "region", "x:y", "город"])
      // A purge leaves the names of the other sources' units alone, and
      // none of its own.
      _ = try importUnits(
        store, [unit("F", [("channel", "x"), ("wave", "2")])], name: "s")
      try store.purge(source: "r")
      #expect(
        try store.read {
          try String.fetchAll($0, sql: "SELECT name FROM attributeName")
        } == ["channel", "wave"])
      try store.purge(source: "s")
      #expect(
        try store.read {
          try Int.fetchOne($0, sql: "SELECT count(*) FROM attributeName")
        } == 0)
    }
  }

  /// `qda_attribute`, which grouped queries read values by: the value, an
  /// empty one, none for a missing name, a `NULL` or a malformed text.
  @Test func theSQLFunctionReadsOneValue() throws {
    try withStore { store in
      let values = try store.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT qda_attribute('7:channel4:chat4:hour2:03', 'hour'),
                   qda_attribute('1:e0:', 'e'),
                   qda_attribute('7:channel4:chat', 'chan'),
                   qda_attribute(NULL, 'hour'),
                   qda_attribute('7:chan', 'chan'),
                   qda_attribute('4:hour2:034:hour2:04', 'hour')
            """
        ).first.map { row in (0..<6).map { row[$0] as String? } }
      }
      #expect(values == ["03", "", nil, nil, nil, "03"])
    }
  }

  /// A database whose units were written before v14 gets their packed
  /// texts from `unitAttribute`, in each unit's order of attributes, and
  /// then (v15) the names in `attributeName` and the table as a view.
  @Test func theMigrationPacksTheAttributesOfStoredUnits() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("old.sqlite")
    let old = try oldDatabaseWithTwoCases(
      at: path, upTo: "v13-search-without-positions")
    try old.write { db in
      try db.execute(
        sql: """
          INSERT INTO unitAttribute (unitId, name, position, value) VALUES
            ('A', 'zeta', 0, 'последний'), ('A', 'alpha', 1, ''),
            ('A', 'hour', 2, '05');
          """)
    }
    try old.close()
    let store = try Store.open(path: path, create: false)
    defer { store.close() }
    let stored = try packed(store)
    #expect(stored["A"] == "4:zeta18:последний5:alpha0:4:hour2:05")
    #expect(stored["B"] == .some(nil))
    #expect(
      try viewRows(store) == [
        "A zeta 0 последний", "A alpha 1 ", "A hour 2 05",
      ])
    let names = try store.read {
      try String.fetchAll($0, sql: "SELECT name FROM attributeName")
    }
    #expect(names == ["alpha", "hour", "zeta"])
  }

  /// A packed text damaged in the file stops the read with the unit named,
  /// on both of the units' read paths, and `code auto` writes nothing.
  @Test func aDamagedPackedTextIsReportedNotMisread() throws {
    for inFileOrder in [true, false] {
      try withStore { store in
        _ = try importUnits(
          store,
          [unit("A", [("channel", "chat")]), unit("B", [("channel", "x")])],
          hash: "1")
        try store.write { db in
          try db.execute(
            sql: "UPDATE unit SET attributes = '7:chan' WHERE id = 'B'")
          try db.execute(
            sql: "UPDATE projectState SET value = ? WHERE key = ?",
            arguments: [inFileOrder ? "yes" : "no", Store.textOrderKey])
        }
        #expect {
          _ = try store.replaceAutoCodings(
            codebook: CodebookDraft(
              hash: "h", id: "c", title: "C", version: "1", path: "c.yml",
              codes: [.init(id: "t.a", theme: "t", themeName: "T", name: "A")])
          ) { unit in
            [
              CodingDraft(
                unit: unit.id, code: "t.a", rule: "r", field: nil, span: nil)
            ]
          }
        } throws: { error in
          "\(error)".contains("unit B has malformed packed attributes")
        }
        let codings = try store.read {
          try Int.fetchOne($0, sql: "SELECT count(*) FROM codingRow")
        }
        #expect(codings == 0, "in file order: \(inFileOrder)")
        // The other readers of whole units say the same.
        func namesB(_ error: any Error) -> Bool {
          "\(error)".contains("unit B has malformed packed attributes")
        }
        #expect(
          performing: { try store.forEachUnitFacts(coder: "auto") { _ in } },
          throws: namesB)
        #expect(
          performing: { _ = try store.exportedUnits(.init()) }, throws: namesB)
        #expect(
          performing: { try store.forEachStoredValue { _, _, _ in } },
          throws: namesB)
      }
    }
  }
}
