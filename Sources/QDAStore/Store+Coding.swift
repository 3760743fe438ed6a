import Foundation
import GRDB

/// A codebook as the database records it.
public struct CodebookDraft: Sendable {
  /// A code of the codebook.
  public struct CodeEntry: Sendable {
    /// The qualified code id, `theme.code`.
    public var id: String
    /// The theme id.
    public var theme: String
    /// The theme's name.
    public var themeName: String
    /// The code's name.
    public var name: String

    /// Creates a code entry.
    public init(id: String, theme: String, themeName: String, name: String) {
      self.id = id
      self.theme = theme
      self.themeName = themeName
      self.name = name
    }
  }

  /// The SHA-256 of the codebook file.
  public var hash: String
  /// The codebook's id.
  public var id: String
  /// Its title.
  public var title: String
  /// Its version.
  public var version: String
  /// The file it was loaded from.
  public var path: String
  /// Its codes in codebook order.
  public var codes: [CodeEntry]

  /// Creates a codebook draft.
  public init(
    hash: String, id: String, title: String, version: String, path: String,
    codes: [CodeEntry]
  ) {
    self.hash = hash
    self.id = id
    self.title = title
    self.version = version
    self.path = path
    self.codes = codes
  }
}

/// A unit as stored, with its texts.
public struct StoredUnit: Sendable {
  /// The unit id.
  public var id: String
  /// The unit kind.
  public var kind: String
  /// The speaker's role, for turns.
  public var role: String?
  /// The text fields in order.
  public var texts: [(name: String, text: String)]
  /// The text of the turn just before this one in its document, when that
  /// turn is the interviewer's (the question this turn answers).
  public var question: String?

  /// Creates a unit.
  public init(
    id: String, kind: String, role: String? = nil,
    texts: [(name: String, text: String)], question: String? = nil
  ) {
    self.id = id
    self.kind = kind
    self.role = role
    self.texts = texts
    self.question = question
  }
}

/// A coding to write.
public struct CodingDraft: Sendable {
  /// The unit id.
  public var unit: String
  /// The qualified code id.
  public var code: String
  /// The rule that made it.
  public var rule: String?
  /// The field of the matched span.
  public var field: String?
  /// The span, in Unicode scalar offsets of the field's text.
  public var span: Range<Int>?

  /// Creates a coding draft.
  public init(
    unit: String, code: String, rule: String?, field: String?, span: Range<Int>?
  ) {
    self.unit = unit
    self.code = code
    self.rule = rule
    self.field = field
    self.span = span
  }
}

extension Store {
  /// Replaces every `auto` coding with the codings `code` gives for each unit,
  /// in one transaction, and records the codebook as the current one.
  ///
  /// - Parameters:
  ///   - codebook: The codebook applied, recorded for provenance.
  ///   - code: Returns the codings of one unit.
  /// - Returns: How many codings were written.
  /// - Throws: `StoreError`; nothing is written then.
  public func replaceAutoCodings(
    codebook: CodebookDraft, code: (StoredUnit) -> [CodingDraft]
  ) throws -> Int {
    try write { db in
      try replaceAutoCodings(
        in: db, codebook: codebook, batchSize: 1024,
        start: { units in
          let codings = units.map(code)
          return { codings }
        }, didCode: { _, _ in })
    }
  }

  /// Like ``replaceAutoCodings(codebook:code:)``, but codes the units in
  /// batches on other threads: a batch is coded while this thread writes
  /// the codings of the one before and reads the one after.
  ///
  /// - Parameters:
  ///   - codebook: The codebook applied, recorded for provenance.
  ///   - batchSize: How many units one batch holds.
  ///   - code: Returns the codings of each unit of a batch, in order; called
  ///     on another thread, one batch at a time.
  ///   - didCode: Called on this thread with each batch and its codings,
  ///     in order, before they are written.
  /// - Returns: How many codings were written.
  /// - Throws: `StoreError`; nothing is written then.
  public func replaceAutoCodingsInBatches(
    codebook: CodebookDraft, batchSize: Int = 1024,
    code: @escaping @Sendable ([StoredUnit]) -> [[CodingDraft]],
    didCode: ([StoredUnit], [[CodingDraft]]) -> Void = { _, _ in }
  ) throws -> Int {
    let group = DispatchGroup()
    // A batch still being coded when a write fails is waited for.
    defer { group.wait() }
    return try write { db in
      try replaceAutoCodings(
        in: db, codebook: codebook, batchSize: batchSize,
        start: { units in
          let result = CodingBatch()
          group.enter()
          DispatchQueue.global().async {
            result.codings = code(units)
            group.leave()
          }
          return {
            group.wait()
            return result.codings
          }
        }, didCode: didCode)
    }
  }

  /// The work of both replacements: `start` begins coding a batch and
  /// returns how to wait for its codings.
  private func replaceAutoCodings(
    in db: Database, codebook: CodebookDraft, batchSize: Int,
    start: ([StoredUnit]) -> () -> [[CodingDraft]],
    didCode: ([StoredUnit], [[CodingDraft]]) -> Void
  ) throws -> Int {
    let now = ISO8601DateFormatter().string(from: Date())
    try Self.recordAsCurrent(codebook, in: db, at: now)
    let onlyAuto = try Bool.fetchOne(
      db, sql: "SELECT NOT EXISTS (SELECT 1 FROM coding WHERE coder != 'auto')")
    if onlyAuto == true {
      // Emptied at once (SQLite drops the pages), and the coder index is
      // built after the rows, from sorted data.
      try db.execute(sql: "DELETE FROM coding")
      try db.execute(sql: "DROP INDEX IF EXISTS coding_byCoderCode")
    } else {
      try db.execute(sql: "DELETE FROM coding WHERE coder = 'auto'")
    }
    let insertCoding = try db.makeStatement(
      sql: """
        INSERT INTO coding (unitId, code, coder, rule, codebookHash, field, spanStart, spanEnd,
                            createdAt)
        VALUES (?, ?, 'auto', ?, ?, ?, ?, ?, ?)
        """)
    var written = 0
    var batch: [StoredUnit] = []
    batch.reserveCapacity(batchSize)
    var pending: (units: [StoredUnit], wait: () -> [[CodingDraft]])?
    /// Starts coding `next` (if any), then writes the batch coded before.
    func rotate(_ next: [StoredUnit]?) throws {
      let finished = pending.map { ($0.units, $0.wait()) }
      pending = next.map { ($0, start($0)) }
      guard let (units, codings) = finished else { return }
      didCode(units, codings)
      for coding in codings.joined() {
        try insertCoding.execute(arguments: [
          coding.unit, coding.code, coding.rule, codebook.hash, coding.field,
          coding.span?.lowerBound, coding.span?.upperBound, now,
        ])
        written += 1
      }
    }
    try forEachUnit(db) { unit in
      batch.append(unit)
      if batch.count == batchSize {
        try rotate(batch)
        batch.removeAll(keepingCapacity: true)
      }
    }
    try rotate(batch.isEmpty ? nil : batch)
    try rotate(nil)
    if onlyAuto == true {
      try db.execute(sql: Self.codingIndexSQL)
    }
    return written
  }

  /// The coder index, as the first migration made it.
  static let codingIndexSQL =
    "CREATE INDEX coding_byCoderCode ON coding(coder, code, unitId)"

  static func recordAsCurrent(
    _ codebook: CodebookDraft, in db: Database, at now: String
  ) throws {
    let sequence =
      try Int.fetchOne(
        db, sql: "SELECT COALESCE(MAX(appliedSequence), 0) + 1 FROM codebook")
      ?? 1
    try db.execute(
      sql: "DELETE FROM codebook WHERE hash = ?", arguments: [codebook.hash])
    try db.execute(
      sql: """
        INSERT INTO codebook (hash, id, title, version, path, appliedSequence, loadedAt)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        codebook.hash, codebook.id, codebook.title, codebook.version,
        codebook.path, sequence, now,
      ])
    let insertCode = try db.makeStatement(
      sql: """
        INSERT INTO code (codebookHash, id, theme, themeName, name, position)
        VALUES (?, ?, ?, ?, ?, ?)
        """)
    for (position, entry) in codebook.codes.enumerated() {
      try insertCode.execute(arguments: [
        codebook.hash, entry.id, entry.theme, entry.themeName, entry.name,
        position,
      ])
    }
  }

  /// Calls `body` with every unit and its texts, in source and file order.
  func forEachUnit(_ db: Database, _ body: (StoredUnit) throws -> Void) throws {
    let rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT u.id, u.kind, u.role, t.field, t.text, u.sourceId
        FROM unit u
        JOIN source s ON s.id = u.sourceId
        LEFT JOIN unitText t ON t.unitId = u.id
        ORDER BY s.id, u.ordinal, t.position
        """)
    var current: StoredUnit?
    var currentSource: Int64?
    var previous: (source: Int64, role: String?, text: String)?
    while let row = try rows.next() {
      let id: String = row[0]
      if current?.id != id {
        if let unit = current, let source = currentSource {
          try body(unit)
          previous = (
            source, unit.role, unit.texts.map(\.text).joined(separator: "\n")
          )
        }
        let source: Int64 = row[5]
        let role: String? = row[2]
        let question =
          previous.flatMap {
            $0.source == source && $0.role == "interviewer" ? $0.text : nil
          }
        current = StoredUnit(
          id: id, kind: row[1], role: role, texts: [],
          question: row[1] == "turn" ? question : nil)
        currentSource = source
      }
      if let field: String = row[3] { current?.texts.append((field, row[4])) }
    }
    if let current { try body(current) }
  }
}

extension Store {
  /// Every unit with its texts and its question context, in source and file order.
  public func storedUnits() throws -> [StoredUnit] {
    try read { db in
      var units: [StoredUnit] = []
      try forEachUnit(db) { units.append($0) }
      return units
    }
  }
}

/// Where a batch's codings land, from the thread that coded it.
private final class CodingBatch: @unchecked Sendable {
  /// Written by the coding thread before it leaves the group; read only
  /// after the group has been waited for.
  var codings: [[CodingDraft]] = []
}
