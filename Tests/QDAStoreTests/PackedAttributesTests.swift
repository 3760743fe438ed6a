import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

/// A unit's attributes packed into its row (`unit.attributes`): the format,
/// and that the packed text always says what `unitAttribute` says.
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

  /// The packed texts of all units, by unit id, and what `unitAttribute`
  /// holds packed the same way, in position order.
  func packedAndRows(_ store: Store) throws -> (
    packed: [String: String?], rows: [String: String?]
  ) {
    try store.read { db in
      var packed: [String: String?] = [:]
      var rows: [String: String?] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT id, attributes FROM unit") {
        packed[row[0]] = row[1] as String?
        let attributes = try Row.fetchAll(
          db,
          sql:
            "SELECT name, value FROM unitAttribute WHERE unitId = ? ORDER BY position",
          arguments: [row[0] as String]
        ).map { ($0[0] as String, $0[1] as String) }
        rows[row[0]] = PackedAttributes.pack(attributes)
      }
      return (packed, rows)
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

  /// New units, changed ones, units in and out of id order, units
  /// without attributes: each row packs what its attribute rows say.
  @Test func importsWriteThePackedTextWithTheRows() throws {
    try withStore { store in
      _ = try importUnits(
        store,
        [
          unit("B", [("channel", "chat"), ("hour", "03")]),
          unit("A", [("channel", "phone")]), unit("C", []),
          unit("D", [("город", "Санкт-Петербург"), ("x:y", "1:2")]),
        ], hash: "1")
      var (packed, rows) = try packedAndRows(store)
      #expect(packed == rows)
      #expect(packed["B"] == "7:channel4:chat4:hour2:03")
      #expect(packed["C"] == .some(nil))
      // B loses an attribute, C gains one, D is unchanged, A goes.
      _ = try importUnits(
        store,
        [
          unit("B", [("channel", "chat")], text: "u"),
          unit("C", [("channel", "group")]),
          unit("D", [("город", "Санкт-Петербург"), ("x:y", "1:2")]),
        ], hash: "2")
      (packed, rows) = try packedAndRows(store)
      #expect(packed == rows)
      #expect(packed.keys.sorted() == ["B", "C", "D"])
      #expect(packed["B"] == "7:channel4:chat")
      #expect(packed["C"] == "7:channel5:group")
    }
  }

  /// A database whose units were written before v14 gets their packed
  /// texts from `unitAttribute`, in each unit's order of attributes.
  @Test func theMigrationPacksTheAttributesOfStoredUnits() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("old.sqlite")
    let old = try oldDatabase(at: path, upTo: "v13-search-without-positions")
    try old.write { db in
      try db.execute(
        sql: """
          INSERT INTO source VALUES (1, 'r', 'r.csv', 'reports', 'file1', 's', 't');
          INSERT INTO unit (id, sourceId, ordinal, kind, contentHash)
            VALUES ('A', 1, 1, 'case', 'a'), ('B', 1, 2, 'case', 'b');
          INSERT INTO unitAttribute (unitId, name, position, value) VALUES
            ('A', 'zeta', 0, 'последний'), ('A', 'alpha', 1, ''),
            ('A', 'hour', 2, '05');
          """)
    }
    try old.close()
    let store = try Store.open(path: path, create: false)
    defer { store.close() }
    let (packed, rows) = try packedAndRows(store)
    #expect(packed == rows)
    #expect(packed["A"] == "4:zeta18:последний5:alpha0:4:hour2:05")
    #expect(packed["B"] == .some(nil))
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
      }
    }
  }
}
