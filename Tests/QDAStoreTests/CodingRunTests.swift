import Foundation
import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

/// Each command that writes codings records its codebook and time once, in
/// a `codingRun`; every coding still exports the codebook that made it.
@Suite struct CodingRunTests {
  func importUnits(_ store: Store, ids: [String]) throws {
    try store.importSource(
      SourceDraft(
        name: "r", path: "r.csv", kind: "reports", contentHash: "r",
        settings: ""),
      drafts: ids.map { id in
        UnitDraft(
          id: id, kind: "case", texts: [("request", "text of \(id)")],
          contentHash: id)
      })
  }

  /// Codes every unit with code `t.a`; `unitOf` gives the unit id each
  /// coding names.
  func code(
    _ store: Store, codebookHash: String,
    unitOf: (String) -> String = { $0 }
  ) throws {
    _ = try store.replaceAutoCodings(
      codebook: CodebookDraft(
        hash: codebookHash, id: "c", title: "C", version: "1", path: "c.yml",
        codes: [.init(id: "t.a", theme: "t", themeName: "T", name: "A")])
    ) { unit in
      [
        CodingDraft(
          unit: unitOf(unit.id), code: "t.a", rule: "r-\(codebookHash)",
          field: "request", span: 0..<4)
      ]
    }
  }

  func runs(_ store: Store) throws -> [String?] {
    try store.read {
      try String?.fetchAll(
        $0, sql: "SELECT codebookHash FROM codingRun ORDER BY id")
    }
  }

  /// `auto` codings carry the codebook applied last, a person's none.
  ///
  /// Recoding leaves one `auto` run, and each manual command adds one.
  @Test func codingsExportTheCodebookOfTheirRun() throws {
    try withStore { store in
      try importUnits(store, ids: ["A", "B"])
      try code(store, codebookHash: "h1")
      try store.addCodings(
        [ManualCoding(unit: "A", code: "t.a", memo: "seen")], coder: "ann")
      try code(store, codebookHash: "h2")
      try store.addCodings([ManualCoding(unit: "B", code: "t.a")], coder: "ann")
      let codings = try store.exportedCodings(coder: nil, filter: .init())
      #expect(
        codings.map { "\($0.unit) \($0.coder) \($0.rule ?? "-")" } == [
          "A ann -", "A auto r-h2", "B ann -", "B auto r-h2",
        ])
      #expect(codings.map(\.codebookHash) == [nil, "h2", nil, "h2"])
      #expect(codings.map(\.memo) == ["seen", nil, nil, nil])
      #expect(codings.map(\.spanStart) == [nil, 0, nil, 0])
      #expect(try runs(store) == [nil, "h2", nil])
    }
  }

  /// An `auto` run keeps a person's codings whether their coder was named
  /// before `auto` was (a database that came with codings, here written
  /// directly) or after.
  @Test func autoRunsKeepManualCodingsOfCodersNamedBeforeOrAfter() throws {
    try withStore { store in
      try importUnits(store, ids: ["A", "B"])
      try store.write { db in
        try db.execute(
          sql: """
            INSERT INTO codingRun (id, codebookHash, createdAt)
              VALUES (1, NULL, '2026-01-01T00:00:00Z');
            INSERT INTO coding (unitId, code, coder, runId)
              VALUES ('A', 't.a', 'ann', 1);
            """)
      }
      func codings() throws -> [String] {
        try store.exportedCodings(coder: nil, filter: .init()).map {
          "\($0.unit) \($0.coder) \($0.rule ?? "-")"
        }
      }
      try code(store, codebookHash: "h1")
      try code(store, codebookHash: "h2")
      #expect(try codings() == ["A ann -", "A auto r-h2", "B auto r-h2"])
      try store.addCodings([ManualCoding(unit: "B", code: "t.a")], coder: "bo")
      try code(store, codebookHash: "h3")
      #expect(
        try codings() == [
          "A ann -", "A auto r-h3", "B auto r-h3", "B bo -",
        ])
    }
  }

  /// `auto` codings are written with foreign keys off (see
  /// `withoutForeignKeys`): what the keys checked is checked by the writer,
  /// what their cascades did is done by hand, and the keys are on again
  /// afterwards.
  @Test func autoCodingKeepsWhatForeignKeysKept() throws {
    try withStore { store in
      try importUnits(store, ids: ["A", "B"])
      try code(store, codebookHash: "h1")
      // The same codebook again: its codes replaced, not doubled.
      try code(store, codebookHash: "h1")
      #expect(
        try store.read {
          try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM code")
        } == 1)
      // A coding that names another unit than the one it was made for
      // fails the run, and the codings stay as they were.
      #expect(throws: StoreError.self) {
        try code(store, codebookHash: "h3", unitOf: { $0 + "x" })
      }
      let codings = try store.exportedCodings(coder: nil, filter: .init())
      #expect(
        codings.map { "\($0.unit) \($0.rule ?? "-")" } == ["A r-h1", "B r-h1"])
      try store.write { db in
        #expect(try Int.fetchOne(db, sql: "PRAGMA foreign_keys") == 1)
        // The cascade acts again: a unit takes its codings with it.
        try db.execute(sql: "DELETE FROM unit WHERE id = 'A'")
      }
      #expect(
        try store.exportedCodings(coder: nil, filter: .init()).map(\.unit)
          == ["B"])
    }
  }

  /// A database written before runs existed (codebook and time in every
  /// coding) is migrated with every coding and its provenance.
  @Test func aVersion7DatabaseKeepsEveryCodingAndItsProvenance() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("old.sqlite")
    let old = try oldDatabaseWithTwoCases(
      at: path, upTo: "v7-search-without-sizes")
    try old.write { db in
      try db.execute(
        sql: """
          INSERT INTO codebook VALUES ('h1', 'c', 'C', '1', 'c.yml', 1, 'T1');
          INSERT INTO code VALUES ('h1', 't.a', 't', 'T', 'A', 0), ('h1', 't.b', 't', 'T', 'B', 1);
          INSERT INTO coding (unitId, code, coder, rule, codebookHash, field, spanStart,
                              spanEnd, memo, createdAt)
            VALUES ('B', 't.b', 'auto', 'rb', 'h1', 'request', 3, 9, NULL, 'T1'),
                   ('A', 't.a', 'auto', 'ra', 'h1', 'services', 0, 2, NULL, 'T1'),
                   ('A', 't.b', 'ann', NULL, NULL, NULL, NULL, NULL, 'why', 'T2'),
                   ('B', 't.a', 'bob', NULL, NULL, NULL, NULL, NULL, NULL, 'T2');
          """)
    }
    try old.close()
    let store = try Store.open(path: path, create: false)
    defer { store.close() }
    let codings = try store.exportedCodings(coder: nil, filter: .init())
    #expect(
      codings == [
        ExportedCoding(
          unit: "A", code: "t.a", coder: "auto", rule: "ra", codebookHash: "h1",
          field: "services", spanStart: 0, spanEnd: 2, memo: nil),
        ExportedCoding(
          unit: "A", code: "t.b", coder: "ann", rule: nil, codebookHash: nil,
          field: nil, spanStart: nil, spanEnd: nil, memo: "why"),
        ExportedCoding(
          unit: "B", code: "t.a", coder: "bob", rule: nil, codebookHash: nil,
          field: nil, spanStart: nil, spanEnd: nil, memo: nil),
        ExportedCoding(
          unit: "B", code: "t.b", coder: "auto", rule: "rb", codebookHash: "h1",
          field: "request", spanStart: 3, spanEnd: 9, memo: nil),
      ])
    let times = try store.read {
      try String.fetchAll(
        $0, sql: "SELECT createdAt FROM codingRun ORDER BY id")
    }
    #expect(times == ["T1", "T2"])
    // The coder index is back (on the table of numbered names, since v12),
    // and SQLite finds the file sound.
    let (index, check) = try store.read { db in
      (
        try String.fetchOne(
          db,
          sql:
            "SELECT tbl_name FROM sqlite_master WHERE name = 'codingRow_byCoderCode'"
        ),
        try String.fetchOne(db, sql: "PRAGMA integrity_check")
      )
    }
    #expect(index == "codingRow")
    #expect(check == "ok")
  }
}
