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
  /// The unit attributes its rules test, which the units are read with.
  public var attributeNames: [String] = []

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
  /// The attributes the reader was asked for that the unit has, in the
  /// order asked (the rules' attributes, for coding).
  public var attributes: [(name: String, value: String)]

  /// Creates a unit.
  public init(
    id: String, kind: String, role: String? = nil,
    texts: [(name: String, text: String)], question: String? = nil,
    attributes: [(name: String, value: String)] = []
  ) {
    self.id = id
    self.kind = kind
    self.role = role
    self.texts = texts
    self.question = question
    self.attributes = attributes
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

/// A coding to write, by numbers: its code and rule by their places in the
/// lists of names the writer is given, for the unit at its own place in a
/// batch (see ``Store/replaceAutoCodingsInBatches(codebook:codes:rules:batchSize:code:didCode:)``).
///
/// Numbers, not names, for codings made on other threads than the one that
/// writes them: a name shared by every thread (a codebook's code or rule
/// id), copied on one core and let go of on another, made the cores
/// contend for its reference count, once per coding.
public struct NumberedCoding: Sendable, Equatable {
  /// The code's index in the codes' names.
  public var code: Int32
  /// The rule's index in the rules' names, or -1 for none (any other
  /// negative number is out of range).
  public var rule: Int32
  /// The field of the matched span.
  public var field: String?
  /// The span, in Unicode scalar offsets of the field's text.
  public var span: Range<Int>?

  /// Creates a numbered coding.
  public init(code: Int, rule: Int?, field: String?, span: Range<Int>?) {
    // Clamped: a number out of range stays out of range, and is refused.
    self.code = Int32(clamping: code)
    self.rule = rule.map { Int32(clamping: $0) } ?? -1
    self.field = field
    self.span = span
  }
}

/// The names of the codes and rules that ``NumberedCoding``s number: a
/// class, so that a writer converting ``CodingDraft``s can add the names
/// it meets while the codings of earlier batches are being written.
private final class CodingNameLists {
  var codes: [String]
  var rules: [String]

  init(codes: [String], rules: [String]) {
    self.codes = codes
    self.rules = rules
  }
}

/// Numbers ``CodingDraft``s by their names, adding names as they come.
private struct DraftNumbering {
  let names: CodingNameLists
  private var codes: [String: Int] = [:]
  private var rules: [String: Int] = [:]

  init(_ names: CodingNameLists) { self.names = names }

  /// The coding by numbers, for unit `unit`.
  ///
  /// - Throws: `StoreError` when the draft names another unit.
  mutating func number(_ draft: CodingDraft, of unit: String, path: String)
    throws -> NumberedCoding
  {
    guard draft.unit == unit else {
      throw StoreError.sqlite(
        path: path,
        message: "a coding of unit \(draft.unit) was made for unit \(unit)")
    }
    let code = Self.index(of: draft.code, in: &codes, &names.codes)
    let rule = draft.rule.map { Self.index(of: $0, in: &rules, &names.rules) }
    return NumberedCoding(
      code: code, rule: rule, field: draft.field, span: draft.span)
  }

  private static func index(
    of name: String, in indices: inout [String: Int], _ names: inout [String]
  ) -> Int {
    if let index = indices[name] { return index }
    names.append(name)
    indices[name] = names.count - 1
    return names.count - 1
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
    let names = CodingNameLists(codes: [], rules: [])
    var numbering = DraftNumbering(names)
    let path = path
    return try withoutForeignKeys {
      try write(keepsTallies: true) { db in
        try replaceAutoCodings(
          in: db, codebook: codebook, names: names, batchSize: 1024,
          start: { batch in
            let codings = batch.units.map(code)
            return {
              try codings.indices.map { index in
                try codings[index].map {
                  try numbering.number($0, of: batch.id(at: index), path: path)
                }
              }
            }
          })
      }
    }
  }

  /// Like ``replaceAutoCodings(codebook:code:)``, but codes the units in
  /// batches on other threads: two batches are coded while this thread
  /// writes the codings of the one before them and reads the one after, so
  /// the coders never wait for the writer.
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
    let names = CodingNameLists(codes: [], rules: [])
    var numbering = DraftNumbering(names)
    let path = path
    // Called only while the codings are written, before this returns.
    return try withoutActuallyEscaping(didCode) { didCode in
      try replaceInBatches(
        codebook: codebook, names: names, batchSize: batchSize,
        code: { code($0.units) }
      ) { batch, codings in
        didCode(batch.units, codings)
        return try codings.indices.map { index in
          try codings[index].map {
            try numbering.number($0, of: batch.id(at: index), path: path)
          }
        }
      }
    }
  }

  /// Like ``replaceAutoCodingsInBatches(codebook:batchSize:code:didCode:)``,
  /// but with codings by numbers: their codes' names are `codes`, their
  /// rules' `rules`, and each unit's codings are the ones at its place in
  /// the batch.
  ///
  /// - Parameters:
  ///   - codebook: The codebook applied, recorded for provenance.
  ///   - codes: The names of the codes, by ``NumberedCoding/code``.
  ///   - rules: The names of the rules, by ``NumberedCoding/rule``.
  ///   - batchSize: How many units one batch holds.
  ///   - code: Returns the codings of each unit of a batch, in order; called
  ///     on another thread, one batch at a time.
  ///   - didCode: Called on this thread with each batch and its codings,
  ///     in order, before they are written.
  /// - Returns: How many codings were written.
  /// - Throws: `StoreError`; nothing is written then.
  public func replaceAutoCodingsInBatches(
    codebook: CodebookDraft, codes: [String], rules: [String],
    batchSize: Int = 1024,
    code: @escaping @Sendable ([StoredUnit]) -> [[NumberedCoding]],
    didCode: ([StoredUnit], [[NumberedCoding]]) -> Void = { _, _ in }
  ) throws -> Int {
    try replaceAutoCodingsInUnitBatches(
      codebook: codebook, codes: codes, rules: rules, batchSize: batchSize,
      code: { code($0.units) }, didCode: { didCode($0.units, $1) })
  }

  /// Like ``replaceAutoCodingsInBatches(codebook:codes:rules:batchSize:code:didCode:)``,
  /// but with each batch as read, a ``UnitBatch``: what `code auto` uses,
  /// which makes no string of a unit on any thread but the reader's.
  ///
  /// - Parameters:
  ///   - codebook: The codebook applied, recorded for provenance.
  ///   - codes: The names of the codes, by ``NumberedCoding/code``.
  ///   - rules: The names of the rules, by ``NumberedCoding/rule``.
  ///   - batchSize: How many units one batch holds.
  ///   - code: Returns the codings of each unit of a batch, in order; called
  ///     on another thread, one batch at a time.
  ///   - didCode: Called on this thread with each batch and its codings,
  ///     in order, before they are written.
  /// - Returns: How many codings were written.
  /// - Throws: `StoreError`; nothing is written then.
  public func replaceAutoCodingsInUnitBatches(
    codebook: CodebookDraft, codes: [String], rules: [String],
    batchSize: Int = 1024,
    code: @escaping @Sendable (UnitBatch) -> [[NumberedCoding]],
    didCode: (UnitBatch, [[NumberedCoding]]) -> Void = { _, _ in }
  ) throws -> Int {
    // Called only while the codings are written, before this returns.
    try withoutActuallyEscaping(didCode) { didCode in
      try replaceInBatches(
        codebook: codebook, names: CodingNameLists(codes: codes, rules: rules),
        batchSize: batchSize, code: code
      ) { batch, codings in
        didCode(batch, codings)
        return codings
      }
    }
  }

  /// Codes batches with `code` on other threads, and writes their codings
  /// (`numbered` on this thread) as they are done.
  private func replaceInBatches<Coding: Sendable>(
    codebook: CodebookDraft, names: CodingNameLists, batchSize: Int,
    code: @escaping @Sendable (UnitBatch) -> [[Coding]],
    numbered: @escaping (UnitBatch, [[Coding]]) throws -> [[NumberedCoding]]
  ) throws -> Int {
    let group = DispatchGroup()
    // A batch still being coded when a write fails is waited for.
    defer { group.wait() }
    return try withoutForeignKeys {
      try write(keepsTallies: true) { db in
        try replaceAutoCodings(
          in: db, codebook: codebook, names: names, batchSize: batchSize,
          start: { units in
            let result = CodingBatch<Coding>()
            group.enter()
            result.done.enter()
            DispatchQueue.global().async {
              result.codings = code(units)
              result.done.leave()
              group.leave()
            }
            return { [path] in
              result.done.wait()
              guard result.codings.count == units.count else {
                throw StoreError.sqlite(
                  path: path,
                  message:
                    "codings were made for \(result.codings.count) units of \(units.count)"
                )
              }
              return try numbered(units, result.codings)
            }
          })
      }
    }
  }

  /// The work of both replacements: `start` begins coding a batch and
  /// returns how to wait for its codings.
  private func replaceAutoCodings(
    in db: Database, codebook: CodebookDraft, names lists: CodingNameLists,
    batchSize: Int,
    start: (UnitBatch) -> () throws -> [[NumberedCoding]]
  ) throws -> Int {
    // The old tally goes; the one counted below replaces it.
    try Self.dropTallies(db)
    let now = ISO8601DateFormatter().string(from: Date())
    try Self.recordAsCurrent(codebook, in: db, at: now)
    // SQLite as Debian builds it overwrites every freed page with zeros
    // (SECURE_DELETE), writing each to the WAL. `auto` codings hold no text
    // of their own, so their pages are freed without the zeros: dropping
    // 1.3 million takes 0.1 s instead of 1.3 s. (`purge` asks for the zeros
    // whatever the build.)
    try Self.withoutZeroingFreedPages(db) {
      // Two ranges of the coder index, not `coderId IS NOT auto`, which
      // SQLite answers by reading every coding (0.16 s for 1.3 million).
      let onlyAuto = try Bool.fetchOne(
        db,
        sql: """
          WITH auto(id) AS (SELECT id FROM codingName WHERE name = 'auto')
          SELECT NOT EXISTS (
              SELECT 1 FROM codingRow WHERE coderId < (SELECT id FROM auto))
            AND NOT EXISTS (
              SELECT 1 FROM codingRow WHERE coderId > (SELECT id FROM auto))
            AND (EXISTS (SELECT 1 FROM auto)
              OR NOT EXISTS (SELECT 1 FROM codingRow))
          """)
      if onlyAuto == true {
        // Emptied at once by dropping the table and making it again: with
        // foreign keys on, SQLite deletes a child table's rows one by one
        // (1.3 million rows: seconds, and 20 MB more memory). The coder
        // index is made at once and filled row by row, while the coding
        // threads work: building it after the rows was a serial 1.6 s at
        // the end, and 8 MB more memory.
        let definition = try String.fetchOne(
          db,
          sql:
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'codingRow'"
        )
        guard let definition else {
          throw StoreError.sqlite(path: path, message: "no coding table")
        }
        try db.execute(sql: "DROP TABLE codingRow")
        try db.execute(sql: definition)
        try db.execute(sql: Self.codingRowIndexSQL)
      } else {
        try db.execute(
          sql: """
            DELETE FROM codingRow
            WHERE coderId = (SELECT id FROM codingName WHERE name = 'auto')
            """)
      }
      // Only `auto` runs name a codebook, and their codings are gone.
      try db.execute(
        sql: "DELETE FROM codingRun WHERE codebookHash IS NOT NULL")
    }
    let run = try Self.startRun(codebookHash: codebook.hash, at: now, in: db)
    var tally = TallyBuilder(groupings: try TallyBuilder.groupings(in: db))
    // `OR FAIL`, and foreign keys off (``withoutForeignKeys(_:)``): a
    // statement of many rows that may have to undo the rows it wrote before
    // a failing one keeps a journal of every page it changes, and copying
    // those pages was a tenth of this transaction's work. A failing row
    // fails the whole transaction here, so there is nothing to undo. Each
    // coding must name the unit it was made for (checked below), which the
    // units read hold: that is what the foreign key checked.
    var names = try CodingNames(db)
    let auto = try names.id(of: "auto")
    let row = "(?, ?, \(auto), ?, ?, ?, ?, ?)"
    var insertCoding = BatchedInsert(
      db,
      head: """
        INSERT OR FAIL INTO codingRow (\(Self.codingRowColumns)) VALUES
        """,
      row: row)
    var written = 0
    // Units are read in file order; codings are keyed by unit id. Once the
    // ids stop ascending, the codings of the units after are gathered in a
    // table of their own and written in key order at the end (see
    // `UnitOrder` and `gatheredCodingsSQL`).
    var order = UnitOrder()
    defer { order.restoreCache(db) }
    var isGathering = false
    // Its statements are prepared when first written, after the table.
    var gathered = BatchedInsert(
      db,
      head: "INSERT INTO temp.gatheredCoding (\(Self.codingRowColumns)) VALUES",
      row: row)
    /// Batches being coded, oldest first.
    var pending: [(units: UnitBatch, wait: () throws -> [[NumberedCoding]])] =
      []
    /// The `codingName` id of each code and rule of `lists`, by index, once
    /// first needed.
    var codeIDs: [Int64?] = []
    var ruleIDs: [Int64?] = []
    func id(
      _ index: Int32, of list: [String], _ ids: inout [Int64?]
    ) throws -> Int64 {
      let index = Int(index)
      if index < ids.count, let id = ids[index] { return id }
      if ids.count <= index {
        ids += repeatElement(nil, count: index + 1 - ids.count)
      }
      let id = try names.id(of: list[index])
      ids[index] = id
      return id
    }
    /// Throws unless each coding's numbers name one of the codes and none
    /// or one of the rules.
    func checkNumbers(of codings: [NumberedCoding]) throws {
      for index in codings.indices {
        let code = Int(codings[index].code)
        let rule = Int(codings[index].rule)
        if !lists.codes.indices.contains(code) {
          throw StoreError.sqlite(
            path: path,
            message:
              "a coding names code number \(code), of \(lists.codes.count) codes"
          )
        }
        if rule != -1, !lists.rules.indices.contains(rule) {
          throw StoreError.sqlite(
            path: path,
            message:
              "a coding names rule number \(rule), of \(lists.rules.count) rules"
          )
        }
      }
    }
    /// Starts coding `next`, then, with more than two batches pending or at
    /// the end (`nil`), writes the oldest.
    func rotate(_ next: UnitBatch?) throws {
      if let next { pending.append((next, start(next))) }
      guard pending.count > 2 || (next == nil && !pending.isEmpty) else {
        return
      }
      let (units, wait) = pending.removeFirst()
      let codings = try wait()
      // By index throughout: a coding read in place is not copied.
      for index in codings.indices {
        try checkNumbers(of: codings[index])
        _ = try order.breaks(at: units.id(at: index), in: db)
        tally.add(
          units.groups(at: index), codes: codings[index], named: lists.codes)
      }
      if !order.isAscending, !isGathering {
        try db.execute(sql: Self.gatheredCodingsSQL.create)
        isGathering = true
      }
      func write(
        _ coding: NumberedCoding, of unit: String,
        to insert: inout BatchedInsert
      ) throws {
        insert.bind(unit)
        insert.bind(try id(coding.code, of: lists.codes, &codeIDs))
        insert.bind(run)
        insert.bind(
          coding.rule == -1
            ? nil : try id(coding.rule, of: lists.rules, &ruleIDs)
        )
        insert.bind(try names.id(ofOptional: coding.field))
        insert.bind(coding.span?.lowerBound)
        insert.bind(coding.span?.upperBound)
        if insert.endRow() { try insert.flush() }
      }
      for unit in codings.indices {
        for index in codings[unit].indices {
          if isGathering {
            try write(
              codings[unit][index], of: units.id(at: unit), to: &gathered)
          } else {
            try write(
              codings[unit][index], of: units.id(at: unit), to: &insertCoding)
          }
          written += 1
        }
      }
    }
    // Read by a thread of its own, while this one writes.
    let batches = try unitBatchesReadAside(
      tally: tally, attributes: codebook.attributeNames, size: batchSize)
    defer { batches.finish() }
    while let batch = try batches.next() { try rotate(batch) }
    while !pending.isEmpty { try rotate(nil) }
    try insertCoding.flush()
    if isGathering {
      try gathered.flush()
      // The sort holds as many rows in memory as the cache holds pages:
      // with the grown cache, a million cases with scattered ids peaked at
      // 143 MB, with the usual one at 70 MB, in the same time.
      order.restoreCache(db)
      // The sort may hand its runs to one more thread: by now the other
      // core is idle. Sorting and writing a million scattered cases'
      // codings in the `sqlite3` shell: 1.65–1.69 s → 1.49–1.51 s.
      try db.execute(sql: "PRAGMA threads = 1")
      defer { try? db.execute(sql: "PRAGMA threads = 0") }
      try db.execute(sql: Self.gatheredCodingsSQL.write)
    }
    try tally.write(to: db)
    return written
  }

  /// The columns of `codingRow` that an auto-coding run writes.
  static let codingRowColumns =
    "unitId, codeId, coderId, runId, ruleId, fieldId, spanStart, spanEnd"

  /// The table where an auto-coding run gathers the codings of units that
  /// came out of id order, and the statement that writes them into
  /// `codingRow` in its key order and drops the table.
  ///
  /// Written as they come, such codings land all over `codingRow`'s B-tree,
  /// whose pages are read back and written out again for nearly each: a
  /// million cases with scattered ids were coded in 9.0 s with a 40 MiB
  /// cache, 17.1 s with 8 MiB. Gathered in a table that only appends, then
  /// sorted by SQLite and written in key order, they visit each page once.
  static let gatheredCodingsSQL = (
    create: """
    CREATE TEMP TABLE gatheredCoding (
      unitId TEXT NOT NULL, codeId INTEGER NOT NULL, coderId INTEGER NOT NULL,
      runId INTEGER NOT NULL, ruleId INTEGER, fieldId INTEGER,
      spanStart INTEGER, spanEnd INTEGER)
    """,
    write: """
    INSERT OR FAIL INTO codingRow (\(codingRowColumns))
      SELECT \(codingRowColumns) FROM temp.gatheredCoding
      ORDER BY unitId, codeId, coderId;
    DROP TABLE temp.gatheredCoding
    """
  )

  /// Runs `body` (which writes in transactions of its own) with foreign key
  /// constraints off, then turns them on again.
  ///
  /// For writes that know the parent of every row they add: SQLite does not
  /// enforce foreign keys then, nor take their actions (cascades), so such
  /// a write deletes dependent rows itself.
  func withoutForeignKeys<T>(_ body: () throws -> T) throws -> T {
    // The setting cannot change inside a transaction, so it is made
    // outside one.
    try queue.writeWithoutTransaction {
      try $0.execute(sql: "PRAGMA foreign_keys = OFF")
    }
    defer {
      try? queue.writeWithoutTransaction {
        try $0.execute(sql: "PRAGMA foreign_keys = ON")
      }
    }
    return try body()
  }

  /// Runs `body` with SQLite's secure delete in its `FAST` mode (freed
  /// pages are not overwritten), then restores the mode it found.
  static func withoutZeroingFreedPages(
    _ db: Database, _ body: () throws -> Void
  ) throws {
    let mode = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 0
    try db.execute(sql: "PRAGMA secure_delete = FAST")
    defer { try? db.execute(sql: "PRAGMA secure_delete = \(mode)") }
    try body()
  }

  /// Records the start of a command that writes codings, and returns the
  /// run id its codings carry.
  ///
  /// - Parameters:
  ///   - codebookHash: The codebook whose rules make the codings (`auto`),
  ///     or `nil` for codings a person or another tool made.
  ///   - now: The time the codings are made, ISO 8601.
  ///   - db: The connection, in the command's transaction.
  /// - Returns: The new run's id.
  /// - Throws: `DatabaseError` when SQLite fails.
  static func startRun(codebookHash: String?, at now: String, in db: Database)
    throws -> Int64
  {
    try db.execute(
      sql: "INSERT INTO codingRun (codebookHash, createdAt) VALUES (?, ?)",
      arguments: [codebookHash, now])
    return db.lastInsertedRowID
  }

  static func recordAsCurrent(
    _ codebook: CodebookDraft, in db: Database, at now: String
  ) throws {
    let sequence =
      try Int.fetchOne(
        db, sql: "SELECT COALESCE(MAX(appliedSequence), 0) + 1 FROM codebook")
      ?? 1
    // Its codes are deleted here rather than by the foreign key's cascade,
    // which does not act while foreign keys are off (auto coding).
    try db.execute(
      sql: "DELETE FROM code WHERE codebookHash = ?", arguments: [codebook.hash]
    )
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

  /// Every unit and its value in each grouping of `tally`, as
  /// ``forEachUnit(_:tally:_:)`` reads them, in batches of `size` units,
  /// read on a thread of its own through a second, read-only connection.
  ///
  /// For a write transaction that leaves units as they are (`code auto`):
  /// in WAL mode the second connection reads the last commit while this one
  /// writes, and the write lock this connection holds from its first
  /// statement keeps any other process from committing in between, so it
  /// reads exactly the units this transaction sees.
  func unitBatchesReadAside(
    tally: TallyBuilder?, attributes: [String], size: Int
  ) throws -> Prefetcher<UnitBatch> {
    let reader = try readingConnection()
    // Two thousand units ahead, as before batches: eight of 256.
    return Prefetcher(batchSize: 1, depth: max(1, 2048 / max(1, size))) {
      [self] yield in
      try reader.read { db in
        try forEachUnitBatch(
          db, tally: tally, attributes: attributes, size: size
        ) { batch in
          guard yield(batch) else { throw ReadingStopped() }
        }
      }
    }
  }

  /// A second connection to the database, read-only, for reading on a
  /// thread of its own.
  ///
  /// - Throws: A GRDB error when it cannot be opened.
  func readingConnection() throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.readonly = true
    configuration.label = "qda-reader"
    configuration.prepareDatabase { db in
      // Sequential scans: a small cache does.
      try db.execute(sql: "PRAGMA cache_size = -2048")
    }
    return try DatabaseQueue(path: path, configuration: configuration)
  }

  /// Runs `fill` in a read transaction of a second connection
  /// (``readingConnection()``), on a thread of its own, a few batches ahead
  /// of the caller, which takes the elements from the prefetcher returned;
  /// `nil` when that connection cannot read, for a caller to read itself.
  ///
  /// For reads that leave the caller's connection free, in a command that
  /// writes nothing meanwhile: the second connection sees the last commit.
  func readAside<Element>(
    _ fill:
      @escaping (Database, _ yield: (consuming Element) -> Bool) throws
      -> Void
  ) -> Prefetcher<Element>? {
    let reader: DatabaseQueue
    do {
      reader = try readingConnection()
      // A connection opens lazily: read once to know it can.
      try reader.read { db in _ = try Int.fetchOne(db, sql: "SELECT 1") }
    } catch {
      return nil
    }
    return Prefetcher(batchSize: 256, depth: 8) { yield in
      try reader.read { db in try fill(db, yield) }
    }
  }

  /// Calls `body` with every unit and its texts, in source and file order.
  func forEachUnit(
    _ db: Database, attributes: [String] = [],
    _ body: (consuming StoredUnit) throws -> Void
  ) throws {
    try forEachUnit(db, tally: nil, attributes: attributes) { unit, _ in
      try body(unit)
    }
  }

  /// Calls `body` with every unit, its texts, its `attributes` and its value
  /// in each grouping of `tally` (none without one), in source and file
  /// order.
  ///
  /// While text ids follow file order (see ``textOrderKey``), units and
  /// texts are read in two sequential scans merged by unit id, three times
  /// faster than a join on a million units; otherwise by the join. The
  /// attributes come packed in the unit's row (``PackedAttributes``).
  func forEachUnit(
    _ db: Database, tally: TallyBuilder?, attributes names: [String] = [],
    _ body: (consuming StoredUnit, UnitGroups) throws -> Void
  ) throws {
    let layout = UnitLayout(tally: tally, attributes: names)
    try withoutActuallyEscaping(body) { body in
      var assembler = UnitAssembler(layout: layout, body: body)
      try readUnits(db, tally: tally, layout: layout, into: &assembler)
    }
  }

  /// Calls `body` with every unit, as ``forEachUnit(_:tally:attributes:_:)``
  /// reads them, in batches of `size` (fewer in the last).
  ///
  /// The texts are copied from where SQLite holds them straight into the
  /// batch's buffer: no string is made of them.
  func forEachUnitBatch(
    _ db: Database, tally: TallyBuilder?, attributes names: [String] = [],
    size: Int, _ body: (UnitBatch) throws -> Void
  ) throws {
    let layout = UnitLayout(tally: tally, attributes: names)
    try withoutActuallyEscaping(body) { body in
      var assembler = BatchAssembler(layout: layout, size: size, body: body)
      try readUnits(db, tally: tally, layout: layout, into: &assembler)
    }
  }

  /// The work of both readers: hands every unit to `sink`, in source and
  /// file order.
  private func readUnits<Sink: UnitSink>(
    _ db: Database, tally: TallyBuilder?, layout: UnitLayout,
    into sink: inout Sink
  ) throws {
    let groupColumns = tally?.valueColumns ?? ""
    /// The values read with each unit, in one array for every unit: a sink
    /// that keeps them copies them (an array per unit was a sixth of the
    /// allocations of reading in batches).
    var values: [String?] = []
    values.reserveCapacity(layout.slotCount)
    /// Reads the values of a unit's groupings, each by `column` from its
    /// place among them, and of its attributes unpacked from `packed`.
    func readValues(
      _ id: String, packed: UnsafeBufferPointer<UInt8>?,
      _ column: (Int) -> String?
    ) throws {
      values.removeAll(keepingCapacity: true)
      for slot in 0..<layout.slotCount {
        values.append(slot < layout.groupCount ? column(slot) : nil)
      }
      if let packed, !layout.unpacker.unpack(packed, into: &values) {
        throw malformedAttributes(of: id)
      }
    }
    let inFileOrder =
      try String.fetchOne(
        db, sql: "SELECT value FROM projectState WHERE key = ?",
        arguments: [Self.textOrderKey]) == "yes"
    if inFileOrder {
      // Unit row ids follow file order too: both are assigned as a
      // source's units are first written, and nothing reorders them.
      var units = try BulkStatement(
        db,
        sql: """
          SELECT u.id, u.kind, u.role, u.sourceId, u.attributes \(groupColumns)
          FROM unit u ORDER BY u.rowid
          """)
      var texts = try BulkStatement(
        db, sql: "SELECT unitId, field, text FROM unitText ORDER BY id")
      var hasText = try texts.step()
      while try units.step() {
        let id = units.string(0) ?? ""
        try units.withBytes(4) { packed in
          try readValues(id, packed: packed) { units.string(5 + Int32($0)) }
        }
        try sink.begin(
          id: id, kind: units.string(1) ?? "",
          role: units.string(2), source: units.int64(3), groups: values)
        while hasText, let id = sink.unitID, texts.column(0, equals: id) {
          let field = texts.string(1) ?? ""
          texts.withBytes(2) {
            sink.append(
              field: field,
              utf8: $0 ?? UnsafeBufferPointer(start: nil, count: 0))
          }
          hasText = try texts.step()
        }
      }
      try sink.end()
      if hasText {
        // A text its unit was not read with: the order is not what the
        // flag says. Throwing rolls back whatever `body` wrote.
        throw StoreError.sqlite(
          path: path,
          message:
            "texts out of file order at unit \(texts.string(0) ?? ""); run `qda purge` or re-import"
        )
      }
      return
    }
    let rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT u.id, u.kind, u.role, u.sourceId, t.field, t.text, u.attributes
          \(groupColumns)
        FROM unit u
        JOIN source s ON s.id = u.sourceId
        LEFT JOIN unitText t ON \(Self.textsOfUnit)
        ORDER BY s.id, u.ordinal, t.position
        """)
    while let row = try rows.next() {
      let id: String = row[0]
      if sink.unitID != id {
        if var packed: String = row[6] {
          try packed.withUTF8 { packed in
            try readValues(id, packed: packed) { row[7 + $0] }
          }
        } else {
          try readValues(id, packed: nil) { row[7 + $0] }
        }
        try sink.begin(
          id: id, kind: row[1], role: row[2], source: row[3], groups: values)
      }
      if let field: String = row[4] {
        var text: String = row[5]
        text.withUTF8 { sink.append(field: field, utf8: $0) }
      }
    }
    try sink.end()
  }
}

/// Which values are read with each unit: its groupings', then those of the
/// attributes asked for that no grouping reads.
private struct UnitLayout {
  let groupCount: Int
  /// How many values are read with a unit: its groupings' and then those of
  /// the attributes without a grouping.
  let slotCount: Int
  /// The attributes the units are read with, and the slot of each one's
  /// value among the values read with a unit (after its groupings').
  let attributes: [(name: String, slot: Int)]
  /// Unpacks the attributes read into their slots.
  let unpacker: AttributeUnpacker

  init(tally: TallyBuilder?, attributes names: [String]) {
    groupCount = tally?.groupings.count ?? 0
    // The attributes asked for that the tally does not read already get
    // slots of their own after the groupings'.
    let tallied = tally?.attributeSlots ?? []
    var read = tallied
    var slots: [Int] = []
    for name in names {
      if let slot = read.first(where: { $0.name == name })?.slot {
        slots.append(slot)
      } else {
        slots.append(groupCount + read.count - tallied.count)
        read.append((name, slots[slots.count - 1]))
      }
    }
    slotCount = groupCount + read.count - tallied.count
    unpacker = AttributeUnpacker(read)
    attributes = zip(names, slots).map { ($0, $1) }
  }

  /// The attributes a unit has, of its values read.
  func attributes(of values: [String?]) -> [(name: String, value: String)] {
    attributes.compactMap { name, slot in values[slot].map { (name, $0) } }
  }

  /// The values of the groupings, of a unit's values read.
  func groups(of values: [String?]) -> [String?] {
    values.count == groupCount ? values : Array(values.prefix(groupCount))
  }
}

/// What units are read into, in source and file order: each is begun, given
/// its texts, and ended when the next begins or the reading ends.
private protocol UnitSink {
  /// The id of the unit being built.
  var unitID: String? { get }
  /// Ends the unit being built and begins the unit `id`, whose values read
  /// are `groups` (see ``UnitLayout``).
  mutating func begin(
    id: String, kind: String, role: String?, source: Int64, groups: [String?]
  ) throws
  /// Adds a text, whose UTF-8 is `text`, to the unit being built.
  mutating func append(field: String, utf8 text: UnsafeBufferPointer<UInt8>)
  /// Ends the unit being built, if any.
  mutating func end() throws
}

/// The question each turn answers, for readers of units in source and file
/// order: the text of the unit just before it in its source, when that unit
/// is the interviewer's turn.
private struct QuestionContext<Text> {
  /// The last unit's source, and its text when it was the interviewer's.
  private var previous: (source: Int64, interviewerText: Text?)?

  /// The question a unit of `kind` in source `source` answers, if any.
  func question(kind: String, source: Int64) -> Text? {
    guard kind == "turn", let previous, previous.source == source else {
      return nil
    }
    return previous.interviewerText
  }

  /// Notes a unit of source `source` and role `role` as the one before the
  /// next; `texts` gives its texts joined, and is called only for the
  /// interviewer's.
  mutating func ended(source: Int64, role: String?, texts: () -> Text) {
    previous = (source, role == "interviewer" ? texts() : nil)
  }
}

/// Builds units from rows in source and file order, with the question each
/// turn answers, and hands each on when the next begins.
private struct UnitAssembler: UnitSink {
  let layout: UnitLayout
  /// Takes each unit and its groupings' values.
  let body: (consuming StoredUnit, UnitGroups) throws -> Void
  private var current: StoredUnit?
  private var currentGroups = UnitGroups(values: [])
  private var currentSource: Int64 = 0
  private var context = QuestionContext<String>()

  init(
    layout: UnitLayout,
    body: @escaping (consuming StoredUnit, UnitGroups) throws -> Void
  ) {
    self.layout = layout
    self.body = body
  }

  var unitID: String? { current?.id }

  mutating func begin(
    id: String, kind: String, role: String?, source: Int64, groups: [String?]
  ) throws {
    try end()
    current = StoredUnit(
      id: id, kind: kind, role: role, texts: [],
      question: context.question(kind: kind, source: source),
      attributes: layout.attributes(of: groups))
    currentSource = source
    currentGroups.values = layout.groups(of: groups)
  }

  mutating func append(field: String, utf8 text: UnsafeBufferPointer<UInt8>) {
    current?.texts.append((field, String(decoding: text, as: UTF8.self)))
  }

  /// Hands the unit being built, if any, over to `body`.
  ///
  /// The unit is moved out, not copied: a copy retains each of its strings,
  /// and the one left behind releases them again, on another thread than
  /// the consumer's.
  mutating func end() throws {
    guard let unit = current.take() else { return }
    context.ended(source: currentSource, role: unit.role) {
      unit.texts.map(\.text).joined(separator: "\n")
    }
    try body(consume unit, currentGroups)
  }
}

/// Builds batches of units from rows in source and file order, with the
/// question each turn answers, as ``UnitAssembler`` builds units, and hands
/// each batch on when it is full.
private struct BatchAssembler: UnitSink {
  let layout: UnitLayout
  /// How many units a batch holds.
  let size: Int
  /// Takes each batch.
  let body: (UnitBatch) throws -> Void
  private var batch: UnitBatch.Builder
  private var currentSource: Int64 = 0
  private var context = QuestionContext<[UInt8]>()

  init(
    layout: UnitLayout, size: Int, body: @escaping (UnitBatch) throws -> Void
  ) {
    self.layout = layout
    self.size = size
    self.body = body
    batch = UnitBatch.Builder(groupCount: layout.groupCount, capacity: size)
  }

  var unitID: String? { batch.lastID }

  mutating func begin(
    id: String, kind: String, role: String?, source: Int64, groups: [String?]
  ) throws {
    try endUnit()
    if batch.count == size { try handOver() }
    batch.begin(
      id: id, kind: kind, role: role,
      question: context.question(kind: kind, source: source),
      attributes: layout.attributes(of: groups), groups: groups)
    currentSource = source
  }

  mutating func append(field: String, utf8 text: UnsafeBufferPointer<UInt8>) {
    batch.appendText(field: field, utf8: text)
  }

  mutating func end() throws {
    try endUnit()
    if batch.count > 0 { try handOver() }
  }

  /// Notes the unit being built, if any, as the one before the next.
  private mutating func endUnit() throws {
    guard batch.lastID != nil else { return }
    context.ended(source: currentSource, role: batch.lastRole) {
      batch.lastTexts(joinedBy: UInt8(ascii: "\n"))
    }
  }

  /// Hands the batch over, and begins another.
  private mutating func handOver() throws {
    let full = UnitBatch(batch)
    batch = UnitBatch.Builder(groupCount: layout.groupCount, capacity: size)
    try body(full)
  }
}

extension Store {
  /// Calls `body` with every unit, its texts, its question context and the
  /// `attributes` it has, in source and file order, `size` units at a time
  /// (fewer in the last batch), from one snapshot.
  ///
  /// - Throws: What `body` throws, or `StoreError`.
  public func forEachUnitBatch(
    size: Int, attributes: [String] = [],
    _ body: ([StoredUnit]) throws -> Void
  ) throws {
    try read { db in
      var batch: [StoredUnit] = []
      batch.reserveCapacity(size)
      try forEachUnit(db, attributes: attributes) { unit in
        batch.append(unit)
        if batch.count >= size {
          try body(batch)
          batch.removeAll(keepingCapacity: true)
        }
      }
      if !batch.isEmpty { try body(batch) }
    }
  }

  /// Every unit with its texts, its question context and the `attributes`
  /// it has, in source and file order.
  public func storedUnits(attributes: [String] = []) throws -> [StoredUnit] {
    try read { db in
      var units: [StoredUnit] = []
      try forEachUnit(db, attributes: attributes) { units.append($0) }
      return units
    }
  }
}

/// Ends a read whose consumer has stopped.
private struct ReadingStopped: Error {}

/// Where a batch's codings land, from the thread that coded it.
private final class CodingBatch<Coding>: @unchecked Sendable {
  /// Written by the coding thread before it leaves `done`; read only after
  /// `done` has been waited for.
  var codings: [[Coding]] = []
  /// Left when `codings` is written.
  let done = DispatchGroup()
}
