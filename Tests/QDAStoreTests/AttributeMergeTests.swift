import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

/// Attributes read beside units must be each unit's own, whatever order the
/// units come in: a scan of the attribute table while ids ascend, a seek for
/// an id that does not.
@Suite struct AttributeMergeTests {
  /// Unit `C1000 + index`: a channel unless `index` is a multiple of 7, a
  /// region unless a multiple of 5, and a `zone` (never read) when even.
  func draft(_ index: Int) -> UnitDraft {
    var attributes: [(name: String, value: String)] = []
    if index % 7 != 0 { attributes.append(("channel", "ch\(index % 3)")) }
    if index % 5 != 0 { attributes.append(("region", "рег\(index % 4)")) }
    if index % 2 == 0 { attributes.append(("zone", "z\(index)")) }
    return UnitDraft(
      id: "C\(1000 + index)", kind: "case", texts: [("request", "t\(index)")],
      attributes: attributes, contentHash: "\(index)")
  }

  @Test func everyUnitGetsItsOwnAttributesInAnyOrder() throws {
    let indexes = Array(1...120)
    var generator = SeededGenerator(seed: 20_261_206)
    let orders: [(name: String, indexes: [Int])] = [
      ("ascending", indexes),
      ("ascending with gaps", indexes.filter { $0 % 4 != 1 }),
      ("the last first", [120] + indexes.dropLast()),
      (
        "steps back now and then",
        indexes.flatMap { $0 % 10 == 0 ? [$0, $0 - 5] : [$0] }
      ),
      ("read twice", indexes + indexes),
      ("shuffled", indexes.shuffled(using: &generator)),
      ("descending", indexes.reversed()),
    ]
    try withStore { store in
      // Stored in a shuffled order: the table's key order is its own.
      try importUnits(store, indexes.shuffled(using: &generator).map(draft))
      for order in orders {
        try store.read { db in
          // Names out of order, slots not in the order of names.
          var merge = try AttributeMerge(
            db, names: [("region", 2), ("channel", 0)])
          for index in order.indexes + [100_000] {
            var values: [String?] = [nil, "kept", nil]
            try merge.read("C\(1000 + index)", into: &values)
            let attributes = index < 100_000 ? draft(index).attributes : []
            func value(_ name: String) -> String? {
              attributes.first { $0.name == name }?.value
            }
            #expect(
              values == [value("channel"), "kept", value("region")],
              "\(order.name): unit \(index)")
          }
        }
      }
    }
  }

  @Test func idsCompareAsSQLiteSortsText() throws {
    let texts = [
      "", "a", "A", "a\u{1}", "ab", "b", "C100", "C1000", "C99", "ё", "е",
      "ж", "😀", "\u{7F}", "é", "e\u{301}",
    ]
    let queue = try DatabaseQueue()
    let sorted = try queue.write { db in
      try db.execute(sql: "CREATE TABLE t (text TEXT)")
      for text in texts {
        try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [text])
      }
      return try String.fetchAll(db, sql: "SELECT text FROM t ORDER BY text")
    }
    #expect(sorted.count == texts.count)
    for (index, text) in sorted.enumerated() {
      for (other, otherText) in sorted.enumerated() {
        #expect(
          Store.precedes(text, otherText) == (index < other),
          "\(text.debugDescription) before \(otherText.debugDescription)")
      }
    }
  }
}
