import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

/// A bulk load indexes its texts on a thread of its own, into a temporary
/// database whose index rows are then copied in (`SearchIndexBuilder`).
@Suite struct SearchIndexBuilderTests {
  /// Units with random texts in English and Russian, with `ё`, accents and
  /// punctuation: enough text (about 2.5 MB) for FTS5 to flush its pending
  /// terms several times and merge segments.
  static func units(count: Int, seed: UInt64) -> [UnitDraft] {
    var random = SeededGenerator(seed: seed)
    let pieces = [
      "naloxone ", "Overdose ", "café ", "HIV ", "тест ", "ещё ", "Всё ",
      "ЁЛКА ", "врач ", "Помощь, ", "abscess. ", "\n", "line-break ",
      "шприц ", "PrEP ", "x\(Int.random(in: 0..<5000, using: &random)) ",
    ]
    return (0..<count).map { index in
      let id = String(format: "C%05d", index)
      return UnitDraft(
        id: id, kind: "case", date: "2020-01-01",
        texts: [
          ("request", random.text(of: pieces, counts: 5...40)),
          ("services", random.text(of: pieces, counts: 0...30)),
        ],
        attributes: [("channel", "chat")], contentHash: "\(id)-\(seed)")
    }
  }

  func load(
    _ store: Store, _ units: [UnitDraft], hash: String = "1",
    failingAt failure: Int? = nil
  ) throws {
    var iterator = units.makeIterator()
    var count = 0
    _ = try store.importSource(
      SourceDraft(
        name: "r", path: "r.csv", kind: "reports", contentHash: hash,
        settings: "s"),
      units: {
        count += 1
        if count == failure { throw CocoaError(.fileReadCorruptFile) }
        return iterator.next()
      })
  }

  /// Every row of the full-text index's tables, as text.
  func indexRows(_ store: Store) throws -> [String: [String]] {
    try store.read { db in
      var rows: [String: [String]] = [:]
      for table in ["unitSearch_data", "unitSearch_idx", "unitSearch_config"] {
        rows[table] = try Row.fetchAll(
          db, sql: "SELECT * FROM \(table) ORDER BY 1, 2"
        )
        .map(\.description)
      }
      return rows
    }
  }

  func integrityCheck(_ store: Store) throws {
    try store.write { db in
      try db.execute(
        sql: "INSERT INTO unitSearch (unitSearch) VALUES ('integrity-check')")
    }
  }

  func hits(_ store: Store, _ query: String) throws -> [String] {
    try store.search(query, filter: .init()).map { "\($0.unit) \($0.field)" }
  }

  /// The texts handed to the indexing thread come back as they went in,
  /// empty ones too, in a batch with only empty ones (no buffer at all).
  @Test func aTextBatchGivesBackItsTexts() {
    let texts: [(Int64, String)] = [
      (3, "Naloxone"), (4, ""), (9, "ВИЧ и гепатит"), (10, "🙂 x"),
    ]
    for sample in [texts, [(1, ""), (2, "")]] {
      var batch = TextBatch()
      for (id, text) in sample { batch.append(id: id, text: text) }
      #expect(batch.count == sample.count)
      var back: [(Int64, String)] = []
      batch.forEachText { id, text in
        back.append((id, String(decoding: text, as: UTF8.self)))
      }
      #expect(back.map(\.0) == sample.map(\.0))
      #expect(back.map(\.1) == sample.map(\.1))
    }
  }

  @Test func theIndexBuiltAsideIsTheIndexTheLoadBuiltItself() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let units = Self.units(count: 12_000, seed: 7)
    let aside = try Store.open(
      path: directory.path("aside.sqlite"), create: true)
    defer { aside.close() }
    let after = try Store.open(
      path: directory.path("after.sqlite"), create: true)
    defer { after.close() }
    after.indexesSearchAside = false
    try load(aside, units)
    try load(after, units)
    let rows = try indexRows(aside)
    #expect(rows == (try indexRows(after)))
    // The index spans many pages (64 without token positions): the
    // comparison covers more than a page's worth of terms.
    #expect((rows["unitSearch_data"]?.count ?? 0) > 40)
    try integrityCheck(aside)
    for query in [
      "naloxone", "еще", "ВСЁ", "cafe", "ёлка", "\"помощь abscess\"",
    ] {
      #expect(try hits(aside, query) == (try hits(after, query)), "\(query)")
    }
    #expect(try hits(aside, "елка").count > 1000)
  }

  /// A search before the load had FTS5 read the empty index in this
  /// connection: what it kept of it must not hide the copied index, nor
  /// be written back over it by the deletions of a later import.
  @Test func aSearchBeforeTheLoadSeesTheCopiedIndex() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("qda.sqlite")
    // A file that this process did not create: the load keeps the WAL.
    try Store.open(path: path, create: true).close()
    do {
      let store = try Store.open(path: path, create: false)
      defer { store.close() }
      // Straight to the index: `search` joins the empty tables first.
      let matches = try store.read { db in
        try Int.fetchOne(
          db,
          sql:
            "SELECT count(*) FROM unitSearch WHERE unitSearch MATCH 'naloxone'")
      }
      #expect(matches == 0)
      let units = Self.units(count: 3000, seed: 11)
      try load(store, units)
      #expect(
        try hits(store, "naloxone") == Self.fields(of: units, with: "naloxone"))
      try integrityCheck(store)
      // Re-imported without its first half: the delete trigger writes to
      // the index.
      let kept = Array(units.dropFirst(1500))
      try load(store, kept, hash: "2")
      try integrityCheck(store)
      #expect(
        try hits(store, "naloxone") == Self.fields(of: kept, with: "naloxone"))
    }
  }

  /// "unit field" for every field of `units` with the word `word`, in order.
  static func fields(of units: [UnitDraft], with word: String) -> [String] {
    units.flatMap { unit in
      unit.texts.filter { $0.text.contains(word) }.map {
        "\(unit.id) \($0.name)"
      }
    }
  }

  /// A load that fails lets its builder go without finishing it: the
  /// indexing thread must end then, not wait for texts forever.
  @Test func aBuilderLetGoOfStopsItsThread() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try Store.open(path: directory.path("q.sqlite"), create: true)
    defer { store.close() }
    let indexer = try store.write { db in
      let builder = try SearchIndexBuilder(for: db)
      for id in 1...5_000 {
        builder.add(id: Int64(id), text: "шприц naloxone \(id)")
      }
      #expect(!builder.indexer.hasEnded)
      return builder.indexer
    }
    #expect(indexer.hasEnded)
    #expect(try hits(store, "шприц").isEmpty)
  }

  @Test func aFailedLoadLeavesTheIndexAsItWas() throws {
    try withStore { store in
      let before = try indexRows(store)
      let units = Self.units(count: 3000, seed: 13)
      #expect(throws: (any Error).self) {
        try load(store, units, failingAt: 2500)
      }
      #expect(try indexRows(store) == before)
      try load(store, units)
      try integrityCheck(store)
      #expect(try hits(store, "шприц").count > 100)
    }
  }
}
