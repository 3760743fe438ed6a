import Foundation
import GRDB

/// A source to import: one file.
public struct SourceDraft: Sendable {
  /// The source's name, unique in the database.
  public var name: String
  /// The file's path as given.
  public var path: String
  /// `reports` or `transcript`.
  public var kind: String
  /// The SHA-256 of the file's bytes, when it is known as the import
  /// starts (see ``contentHashWhenReady``).
  public var contentHash: String
  /// Gives the SHA-256 of the file's bytes when it is made while the file
  /// is read (on another thread); ``contentHash`` is not used then.
  ///
  /// The import waits for it only where it must: as it starts when a source
  /// of the same name exists (an unchanged file is left as it is), and
  /// otherwise as it ends.
  public var contentHashWhenReady: (@Sendable () throws -> String)?
  /// The import settings (column mapping and the like), so that a re-import
  /// with other settings is not mistaken for an unchanged file.
  public var settings: String

  /// Creates a source draft.
  public init(
    name: String, path: String, kind: String, contentHash: String,
    settings: String
  ) {
    self.name = name
    self.path = path
    self.kind = kind
    self.contentHash = contentHash
    self.settings = settings
  }

  /// Creates a source draft whose hash is made while the file is read.
  public init(
    name: String, path: String, kind: String,
    contentHash: @escaping @Sendable () throws -> String, settings: String
  ) {
    self.init(
      name: name, path: path, kind: kind, contentHash: "", settings: settings)
    contentHashWhenReady = contentHash
  }

  /// The SHA-256 of the file's bytes, waited for if it is being made.
  ///
  /// - Throws: What ``contentHashWhenReady`` throws.
  func resolvedContentHash() throws -> String {
    try contentHashWhenReady?() ?? contentHash
  }
}

/// A unit to import.
public struct UnitDraft: Sendable {
  /// The unit id (`C017`, `worker-3:12`).
  public var id: String
  /// `case` or `turn`.
  public var kind: String
  /// The date, `YYYY-MM-DD`.
  public var date: String?
  /// The speaker, for turns.
  public var speaker: String?
  /// The speaker's role, for turns.
  public var role: String?
  /// The start time in seconds, for timed turns.
  public var startTime: Double?
  /// The end time in seconds, for timed turns.
  public var endTime: Double?
  /// The line of the file where the unit starts.
  public var line: Int?
  /// The text fields, in order.
  public var texts: [(name: String, text: String)]
  /// The attributes, in order.
  public var attributes: [(name: String, value: String)]
  /// A hash of everything above, to tell a changed unit: the first 15
  /// hexadecimal digits of a SHA-256 as qda's importers make it (short
  /// enough to be kept in the string itself, and a third of the size of
  /// a unit's row in the database), though any string will do.
  public var contentHash: String

  /// Creates a unit draft.
  public init(
    id: String, kind: String, date: String? = nil, speaker: String? = nil,
    role: String? = nil,
    startTime: Double? = nil, endTime: Double? = nil, line: Int? = nil,
    texts: [(name: String, text: String)],
    attributes: [(name: String, value: String)] = [],
    contentHash: String
  ) {
    self.id = id
    self.kind = kind
    self.date = date
    self.speaker = speaker
    self.role = role
    self.startTime = startTime
    self.endTime = endTime
    self.line = line
    self.texts = texts
    self.attributes = attributes
    self.contentHash = contentHash
  }
}

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
  /// The source's name.
  public var source: String
  /// Whether the file was unchanged since the last import (nothing was done).
  public var isUnchanged = false
  /// Units new in this import.
  public var added = 0
  /// Units whose content changed and were replaced.
  public var changed = 0
  /// Units that were already there as they are.
  public var unchanged = 0
  /// Units no longer in the file, removed with their codings.
  public var removed = 0
  /// `auto` codings dropped because their unit changed.
  public var droppedAutoCodings = 0
}

extension Store {
  /// Imports a source's units in one transaction.
  ///
  /// Re-importing an unchanged file (same bytes, same settings) does nothing.
  /// Otherwise each unit is added, kept, or replaced when its content changed
  /// (its `auto` codings are dropped; manual codings stay), and units no
  /// longer in the file are removed. If `units` throws, nothing is written.
  ///
  /// - Parameters:
  ///   - source: The source.
  ///   - units: Returns the next unit, `nil` at the end; called until `nil`.
  ///   - finish: Called after the last unit, inside the transaction; throwing
  ///     rolls the import back (used for problems found while reading).
  ///   - duplicate: Called with a unit whose id an earlier unit of the same
  ///     import has, and the line of that one; the unit is skipped (the
  ///     caller reports it, and `finish` then throws). Without it, such a
  ///     unit throws `StoreError.unitConflict`. Found by the unit table's
  ///     unique index, so no id is kept in memory.
  /// - Returns: What was done.
  /// - Throws: What `units`, `finish` or `duplicate` throw, or `StoreError`;
  ///   nothing is written then.
  public func importSource(
    _ source: SourceDraft, units: () throws -> UnitDraft?,
    finish: () throws -> Void = {},
    duplicate: ((_ unit: UnitDraft, _ firstLine: Int?) throws -> Void)? = nil
  ) throws -> ImportSummary {
    try withBulkLoadSettingsIfEmpty {
      try write { db in
        try importSource(
          in: db, source, units: units, finish: finish, duplicate: duplicate)
      }
    }
  }

  /// Imports a source as ``importSource(_:units:finish:duplicate:)`` does,
  /// with its units made on a thread of their own while this one writes.
  ///
  /// The read-ahead is made here rather than by the caller: `Prefetcher` is
  /// generic, and only in this module is it compiled for `UnitDraft`;
  /// elsewhere each unit went through its unspecialised code, which looks
  /// up types at run time.
  ///
  /// - Parameters:
  ///   - source: The source.
  ///   - units: Returns the next unit, `nil` at the end; called on the
  ///     other thread, until `nil`, and never after this returns.
  ///   - finish: Called after the last unit, inside the transaction.
  ///   - duplicate: Called with a unit whose id an earlier unit of the same
  ///     import has, and the line of that one.
  /// - Returns: What was done.
  /// - Throws: As ``importSource(_:units:finish:duplicate:)``.
  public func importSource(
    _ source: SourceDraft,
    readingAhead units: @escaping () throws -> UnitDraft?,
    finish: () throws -> Void = {},
    duplicate: ((_ unit: UnitDraft, _ firstLine: Int?) throws -> Void)? = nil
  ) throws -> ImportSummary {
    // 64 batches of 256 units ahead: the reader goes on while the writer
    // waits for the full-text indexer (see `SearchIndexBuilder.depth`).
    let drafts = Prefetcher<UnitDraft>(depth: 64, produce: units)
    defer { drafts.finish() }
    return try importSource(
      source, units: { try drafts.next() }, finish: finish,
      duplicate: duplicate)
  }

  /// Imports a source whose units are all at hand, as
  /// ``importSource(_:units:finish:duplicate:)`` does.
  ///
  /// - Throws: `StoreError`; nothing is written then.
  @discardableResult
  public func importSource(_ source: SourceDraft, drafts: [UnitDraft]) throws
    -> ImportSummary
  {
    var iterator = drafts.makeIterator()
    return try importSource(source, units: { iterator.next() })
  }

  /// Runs `body` (one transaction) with a rollback journal instead of the
  /// WAL, and foreign keys off, when this process created the file and it
  /// holds no unit yet: the first import of a new database.
  ///
  /// In WAL mode every page of a bulk load is written twice, to the WAL and
  /// again when the WAL is checkpointed into the file as the connection
  /// closes. A rollback journal keeps only pages that existed before the
  /// transaction, which here are the empty schema's few, so the new pages
  /// go to the file once: a million cases import 1.5 s faster. The
  /// transaction is as atomic (a crash leaves a journal that rolls it back
  /// at the next open), and no other connection can be reading a file this
  /// process has just made. The WAL is restored after the transaction,
  /// whether it committed or not.
  ///
  /// Foreign keys off: a statement that may fail a foreign key keeps a
  /// journal of every page it changes, to undo itself (see `UnitWriter`).
  /// A first import writes each unit's source, and each text after its
  /// unit, and deletes no row that anything refers to.
  func withBulkLoadSettingsIfEmpty<T>(_ body: () throws -> T) throws -> T {
    guard isNewlyCreated,
      try read({
        try Bool.fetchOne($0, sql: "SELECT EXISTS (SELECT 1 FROM unit)")
      })
        == false
    else { return try body() }
    // Kept in WAL mode if it cannot change (another process opened the file).
    try? setJournalMode("delete")
    defer { try? setJournalMode("wal") }
    return try withoutForeignKeys(body)
  }

  /// Sets the journal mode, outside any transaction; SQLite keeps the mode
  /// it has when it cannot change it (another connection is open).
  private func setJournalMode(_ mode: String) throws {
    do {
      try queue.writeWithoutTransaction { db in
        _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = \(mode)")
      }
    } catch {
      throw Self.translate(error, path: path)
    }
  }

  /// Imports a source inside a transaction that the caller holds.
  func importSource(
    in db: Database, _ source: SourceDraft, units: () throws -> UnitDraft?,
    finish: () throws -> Void = {},
    duplicate: ((_ unit: UnitDraft, _ firstLine: Int?) throws -> Void)? = nil
  ) throws -> ImportSummary {
    do {
      var summary = ImportSummary(source: source.name)
      let now = ISO8601DateFormatter().string(from: Date())
      let existing = try Row.fetchOne(
        db, sql: "SELECT id, contentHash, settings FROM source WHERE name = ?",
        arguments: [source.name])
      // A new source's hash, if it is still being made, is written at the end.
      var contentHash =
        existing != nil || source.contentHashWhenReady == nil
        ? try source.resolvedContentHash() : nil
      if let existing, existing["contentHash"] == contentHash,
        existing["settings"] == source.settings
      {
        summary.isUnchanged = true
        summary.unchanged =
          try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM unit WHERE sourceId = ?",
            arguments: [existing["id"] as Int64]) ?? 0
        return summary
      }
      let sourceID: Int64
      if let existing {
        sourceID = existing["id"]
        try db.execute(
          sql: """
            UPDATE source SET path = ?, kind = ?, contentHash = ?, settings = ?, importedAt = ?
            WHERE id = ?
            """,
          arguments: [
            source.path, source.kind, contentHash, source.settings, now,
            sourceID,
          ])
      } else {
        try db.execute(
          sql: """
            INSERT INTO source (name, path, kind, contentHash, settings, importedAt)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            source.name, source.path, source.kind, contentHash ?? "",
            source.settings, now,
          ])
        sourceID = db.lastInsertedRowID
      }
      var previous: [String: String] = [:]
      let rows = try Row.fetchCursor(
        db, sql: "SELECT id, contentHash FROM unit WHERE sourceId = ?",
        arguments: [sourceID])
      while let row = try rows.next() {
        previous[row["id"]] = row["contentHash"]
      }
      // A first load into an empty database writes its query indexes as
      // it goes while the ids come in ascending order, as most files have
      // them: each index entry is then appended, which costs less than
      // building the index from the rows at the end (a million cases:
      // import 5.50 -> 5.24 s, CPU 9.20 -> 8.76 s, medians of five side by
      // side). At the first id out of order it drops them, to build them
      // once from sorted data after the rows are in (and grows the cache,
      // see `UnitOrder`). A rollback restores them.
      let isBulkLoad =
        try Bool.fetchOne(
          db, sql: "SELECT NOT EXISTS (SELECT 1 FROM unit)") ?? false
      var order = UnitOrder()
      var hasDroppedIndexes = false
      defer { order.restoreCache(db) }
      let firstTextID =
        try Int64.fetchOne(
          db, sql: "SELECT ifnull(max(id), 0) + 1 FROM unitText")
        ?? 1
      // A bulk load's texts are indexed on a thread of their own as they
      // are stored; other imports index theirs at the end (below).
      let searchIndex =
        isBulkLoad && indexesSearchAside
        ? try SearchIndexBuilder(for: db) : nil
      var writer = try UnitWriter(
        db, firstTextID: firstTextID, searchIndex: searchIndex)
      /// A unit with the id of an earlier unit of this import.
      func isDuplicate(_ unit: UnitDraft, firstLine: Int?) throws {
        guard let duplicate else {
          throw StoreError.unitConflict(
            path: source.path, line: unit.line, unit: unit.id,
            source: source.name)
        }
        try duplicate(unit, firstLine)
      }
      let findOwner = try db.makeStatement(
        sql: """
          SELECT s.id, s.name, u.line FROM unit u JOIN source s ON s.id = u.sourceId
          WHERE u.id = ?
          """)
      /// A new unit whose id is taken: by an earlier unit of this source
      /// (a duplicate, which `duplicate` may skip), or by a unit of another.
      func conflict(_ unit: UnitDraft, _ error: DatabaseError) throws {
        guard let owner = try Row.fetchOne(findOwner, arguments: [unit.id])
        else { throw error }
        if owner[0] == sourceID {
          try isDuplicate(unit, firstLine: owner[2])
          return
        }
        throw StoreError.unitConflict(
          path: source.path, line: unit.line, unit: unit.id,
          source: owner[1])
      }
      // Only a re-import needs to know which old units are still there (and
      // which ids it has seen: its units may update rows, which the unique
      // index does not stop).
      var seen: [String: Int?] = [:]
      var ordinal = 0
      // Made once: passed as a local function, a closure was made for each
      // unit, copying the source's strings into it.
      let onConflict: UnitWriter.Conflict = { try conflict($0, $1) }
      while true {
        let next: UnitDraft?
        do {
          next = try units()
        } catch {
          // The units read before the bad one are written first: an error
          // among them (a duplicate id) comes first, as it did in the file.
          summary.added += try writer.flush(onConflict: onConflict)
          throw error
        }
        // Moved out, not copied (a copy retains every string the unit holds).
        guard let unit = consume next else { break }
        ordinal += 1
        if !previous.isEmpty {
          if let firstLine = seen[unit.id] {
            try isDuplicate(unit, firstLine: firstLine)
            continue
          }
          seen[unit.id] = unit.line
        }
        if try order.breaks(at: unit.id, in: db), isBulkLoad {
          for index in Store.secondaryIndexes {
            try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)")
          }
          hasDroppedIndexes = true
        }
        if let hash = previous[unit.id] {
          if hash == unit.contentHash {
            try writer.setOrdinal(unit.id, ordinal)
            summary.unchanged += 1
            continue
          }
          summary.added += try writer.flush(onConflict: onConflict)
          summary.droppedAutoCodings += try writer.replace(
            unit, ordinal: ordinal)
          summary.changed += 1
        } else {
          summary.added += try writer.insert(
            consume unit, sourceID: sourceID, ordinal: ordinal,
            onConflict: onConflict)
        }
      }
      summary.added += try writer.flush(onConflict: onConflict)
      // The sorts that follow hold as many rows in memory as the cache
      // holds pages: with the grown cache, peak RSS 243 MB.
      order.restoreCache(db)
      try writer.writeAttributeNames()
      try finish()
      if contentHash == nil {
        contentHash = try source.resolvedContentHash()
        try db.execute(
          sql: "UPDATE source SET contentHash = ? WHERE id = ?",
          arguments: [contentHash, sourceID])
      }
      // The indexing thread writes out its last terms while this one
      // builds the query indexes (0.3 s at a million cases).
      searchIndex?.close()
      if hasDroppedIndexes {
        for index in Store.secondaryIndexes { try db.execute(sql: index.sql) }
      }
      if !previous.isEmpty {
        // A changed file re-imported: its new texts land after other
        // sources', and its rows may have moved.
        try db.execute(
          sql: "UPDATE projectState SET value = 'no' WHERE key = ?",
          arguments: [Store.textOrderKey])
      }
      if let searchIndex {
        try searchIndex.finish(into: db)
      } else {
        // Index the new texts in one statement (see the v5 migration), with
        // the bulk settings; the defaults then apply again. The texts are
        // folded by `qda_fold`, which gives what the delete trigger's SQL
        // (`foldSQL`) gives, faster.
        try db.execute(
          sql: """
            \(Store.bulkIndexSettings)
            INSERT INTO unitSearch (rowid, text)
              SELECT id, qda_fold(text) FROM unitText WHERE id >= ?;
            \(Store.defaultIndexSettings)
            """,
          arguments: [firstTextID])
      }
      for id in previous.keys where seen[id] == nil {
        try db.execute(sql: "DELETE FROM unit WHERE id = ?", arguments: [id])
        summary.removed += 1
      }
      if summary.removed > 0 || summary.changed > 0 {
        try Self.pruneAttributeNames(db)
      }
      return summary
    }
  }
}

extension Store {
  /// Drops from `attributeName` the names no unit has any more, after units
  /// were removed or changed: a column a re-exported file no longer has,
  /// or a purged source's, would otherwise stay a grouping of the tally and
  /// a trace in the file of data that is gone.
  ///
  /// A name still in use is found at its first unit, so the scan reads to
  /// the end only for the names that go.
  static func pruneAttributeNames(_ db: Database) throws {
    try db.execute(
      sql: """
        DELETE FROM attributeName WHERE NOT EXISTS (
          SELECT 1 FROM unit
          WHERE attributes IS NOT NULL
            AND qda_attribute(attributes, attributeName.name) IS NOT NULL)
        """)
  }

  /// How FTS5 indexes a bulk load: segments merge only when 256 pile up on
  /// a level (not 4 or 16), and terms are gathered in memory up to 32 MB
  /// (not 1 MB) before each is written out as a segment.
  ///
  /// Each flush writes every term it holds, so a million cases' texts
  /// flushed megabyte by megabyte write most of the vocabulary a few hundred
  /// times over. In the `sqlite3` shell, indexing those 2 million texts
  /// takes 7.2 s with the defaults, 4.3 s without merging and 2.7 s with
  /// the larger buffer too (which holds 43 MB more at its fullest); searches
  /// are as fast.
  static let bulkIndexSettings = """
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('automerge', 0);
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('crisismerge', 256);
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('hashsize', 33554432);
    """

  /// FTS5's own settings, which apply to every later change of the index.
  static let defaultIndexSettings = """
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('automerge', 4);
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('crisismerge', 16);
    INSERT INTO unitSearch (unitSearch, rank) VALUES ('hashsize', 1048576);
    """

  /// The indexes that serve queries rather than constraints: a bulk load
  /// drops and rebuilds them.
  static let secondaryIndexes: [(name: String, sql: String)] = [
    ("unit_byKind", "CREATE INDEX unit_byKind ON unit(kind)")
  ]
}

/// Prepared statements for writing units, reused across rows.
///
/// New units are written in batches (``BatchedInsert``): a unit (its
/// attributes packed in its row) and its texts are bound when they come and
/// written with the rest of their batch. A batch whose units clash with units already stored is
/// written again a unit at a time, so that each clashing unit is told to
/// `onConflict` in file order and the others are written as before.
private struct UnitWriter {
  var insertUnit: BatchedInsert
  let updateUnit: Statement
  let updateOrdinal: Statement
  var insertText: BatchedInsert
  let deleteTexts: Statement
  let deleteAutoCodings: Statement
  let db: Database
  /// The row id of the next text: given explicitly, so every text this
  /// import writes has an id at or above the one it started with.
  var nextTextID: Int64
  /// Where a bulk load's texts are indexed as they are stored.
  let searchIndex: SearchIndexBuilder?
  /// The row id of the last unit written: new units take the ones after it.
  private var lastUnitRowID: Int64
  /// The new units bound and not yet written, with their source and
  /// ordinal, and the id of the first one's first text.
  private var queued: [(unit: UnitDraft, sourceID: Int64, ordinal: Int)] = []
  private var queuedTextID: Int64
  /// The attribute names of the units written, for `attributeName`, and
  /// those of the last unit, whose successors mostly have the same.
  private var attributeNames: Set<String> = []
  private var lastAttributeNames: [String] = []

  /// What a writer is told of a new unit whose id is taken: it throws to
  /// end the import, or returns to leave the unit out.
  typealias Conflict = (UnitDraft, DatabaseError) throws -> Void

  init(
    _ db: Database, firstTextID: Int64, searchIndex: SearchIndexBuilder?
  ) throws {
    self.db = db
    nextTextID = firstTextID
    queuedTextID = firstTextID
    self.searchIndex = searchIndex
    lastUnitRowID =
      try Int64.fetchOne(db, sql: "SELECT ifnull(max(rowid), 0) FROM unit") ?? 0
    // Tens of rows per statement, not hundreds: 512 units and 1,024 texts
    // per statement took 1.2 % fewer instructions on 20,000 cases
    // (callgrind) but a million cases 0.9 s longer to import (medians of
    // four runs side by side). A statement that overwrites more than 1 MiB
    // of pages spills its journal to a file, and every later statement's
    // journal goes there too.
    // `OR FAIL`: with foreign keys off (a first import, see
    // `withBulkLoadSettingsIfEmpty`), a statement that cannot abort half
    // way keeps no journal of the pages it changes, copying which was a
    // tenth of this thread's work. A unit whose id is taken fails its
    // statement after the rows before it; `flush` takes those out again.
    insertUnit = BatchedInsert(
      db,
      head: """
        INSERT OR FAIL INTO unit (id, sourceId, ordinal, kind, date, speaker, role, startTime, endTime,
                          line, contentHash, firstText, textCount, attributes) VALUES
        """,
      row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    updateUnit = try db.makeStatement(
      sql: """
        UPDATE unit SET ordinal = ?, kind = ?, date = ?, speaker = ?, role = ?, startTime = ?,
                        endTime = ?, line = ?, contentHash = ?, firstText = ?, textCount = ?,
                        attributes = ?
        WHERE id = ?
        """)
    updateOrdinal = try db.makeStatement(
      sql: "UPDATE unit SET ordinal = ? WHERE id = ?")
    insertText = BatchedInsert(
      db,
      head:
        "INSERT OR FAIL INTO unitText (id, unitId, field, position, text) VALUES",
      row: "(?, ?, ?, ?, ?)", rowsPerStep: 128)
    deleteTexts = try db.makeStatement(
      sql: """
        DELETE FROM unitText
        WHERE id >= (SELECT firstText FROM unit WHERE id = ?1)
          AND id < (SELECT firstText + textCount FROM unit WHERE id = ?1)
        """)
    deleteAutoCodings = try db.makeStatement(
      sql: """
        DELETE FROM codingRow
        WHERE unitId = ? AND coderId = (SELECT id FROM codingName WHERE name = 'auto')
        """)
  }

  /// Records the names of the attributes written in `attributeName`.
  mutating func writeAttributeNames() throws {
    let insert = try db.makeStatement(
      sql: "INSERT OR IGNORE INTO attributeName (name) VALUES (?)")
    for name in attributeNames.sorted() {
      try insert.execute(arguments: [name])
    }
    attributeNames.removeAll()
  }

  /// Notes the names of `attributes` for ``writeAttributeNames()``.
  private mutating func note(_ attributes: [(name: String, value: String)]) {
    guard
      !attributes.elementsEqual(lastAttributeNames, by: { $0.name == $1 })
    else { return }
    lastAttributeNames = attributes.map(\.name)
    attributeNames.formUnion(lastAttributeNames)
  }

  /// Queues a new unit, and writes the queue when it is full.
  ///
  /// - Returns: How many units were written (0 while the queue fills).
  mutating func insert(
    _ unit: consuming UnitDraft, sourceID: Int64, ordinal: Int,
    onConflict: Conflict
  ) throws -> Int {
    var isFull = bindUnit(unit, sourceID: sourceID, ordinal: ordinal)
    isFull = bindContent(unit) || isFull
    // Moved in, not copied: a copy retains every string the unit holds.
    queued.append((consume unit, sourceID, ordinal))
    return isFull ? try flush(onConflict: onConflict) : 0
  }

  /// Writes the queued units.
  ///
  /// - Returns: How many were written: all of them, but those whose id was
  ///   taken and that `onConflict` left out.
  mutating func flush(onConflict: Conflict) throws -> Int {
    guard !queued.isEmpty else { return 0 }
    defer {
      queued.removeAll(keepingCapacity: true)
      queuedTextID = nextTextID
    }
    do {
      try insertUnit.flush()
      lastUnitRowID = db.lastInsertedRowID
    } catch let error as DatabaseError
      where error.resultCode == .SQLITE_CONSTRAINT
    {
      // The units before the clashing one were written: out again (they
      // have no texts, attributes or codings yet), then the batch again,
      // a unit at a time.
      try db.execute(
        sql: "DELETE FROM unit WHERE rowid > ?", arguments: [lastUnitRowID])
      insertText.discard()
      nextTextID = queuedTextID
      return try insertEach(onConflict: onConflict)
    }
    try insertText.flush()
    queued.withUnsafeBufferPointer { queued in
      var id = queuedTextID
      for index in queued.indices {
        indexTexts(of: queued[index].unit, from: &id)
      }
    }
    return queued.count
  }

  /// Writes the queued units one by one, leaving out those `onConflict`
  /// leaves out.
  private mutating func insertEach(onConflict: Conflict) throws -> Int {
    var written = 0
    for (unit, sourceID, ordinal) in queued {
      _ = bindUnit(unit, sourceID: sourceID, ordinal: ordinal)
      do {
        try insertUnit.flush()
        lastUnitRowID = db.lastInsertedRowID
      } catch let error as DatabaseError
        where error.resultCode == .SQLITE_CONSTRAINT
      {
        try onConflict(unit, error)
        continue
      }
      let firstTextID = nextTextID
      try writeContent(unit)
      var id = firstTextID
      indexTexts(of: unit, from: &id)
      written += 1
    }
    return written
  }

  /// Replaces a changed unit; returns how many `auto` codings were dropped.
  ///
  /// The queue must be empty (``flush(onConflict:)``).
  mutating func replace(_ unit: UnitDraft, ordinal: Int) throws -> Int {
    precondition(queued.isEmpty)
    // The old texts go first, found by the range the unit row still names.
    try deleteTexts.execute(arguments: [unit.id])
    try updateUnit.execute(arguments: [
      ordinal, unit.kind, unit.date, unit.speaker, unit.role, unit.startTime,
      unit.endTime, unit.line, unit.contentHash, nextTextID, unit.texts.count,
      PackedAttributes.pack(unit.attributes), unit.id,
    ])
    note(unit.attributes)
    try deleteAutoCodings.execute(arguments: [unit.id])
    let dropped = db.changesCount
    let firstTextID = nextTextID
    try writeContent(unit)
    var id = firstTextID
    indexTexts(of: unit, from: &id)
    queuedTextID = nextTextID
    return dropped
  }

  func setOrdinal(_ id: String, _ ordinal: Int) throws {
    try updateOrdinal.execute(arguments: [ordinal, id])
  }

  /// Binds a unit's row; returns whether the batch is full.
  private mutating func bindUnit(
    _ unit: UnitDraft, sourceID: Int64, ordinal: Int
  ) -> Bool {
    insertUnit.bind(unit.id)
    insertUnit.bind(sourceID)
    insertUnit.bind(ordinal)
    insertUnit.bind(unit.kind)
    insertUnit.bind(unit.date)
    insertUnit.bind(unit.speaker)
    insertUnit.bind(unit.role)
    insertUnit.bind(unit.startTime)
    insertUnit.bind(unit.endTime)
    insertUnit.bind(unit.line)
    insertUnit.bind(unit.contentHash)
    // Its texts are bound next, numbered from here.
    insertUnit.bind(nextTextID)
    insertUnit.bind(unit.texts.count)
    note(unit.attributes)
    if unit.attributes.isEmpty {
      insertUnit.bind(nil as String?)
    } else {
      insertUnit.bindText { PackedAttributes.append(unit.attributes, to: &$0) }
    }
    return insertUnit.endRow()
  }

  /// Binds a unit's texts, numbered from `nextTextID`, and attributes;
  /// returns whether either batch is full.
  private mutating func bindContent(_ unit: UnitDraft) -> Bool {
    var isFull = false
    // Through buffers: the strings are read where they are. An array's
    // subscript hands out a copy of each pair, which retains its strings,
    // and they were made on the reading thread (perf: 1 % of the import).
    unit.texts.withUnsafeBufferPointer { texts in
      for position in texts.indices {
        insertText.bind(nextTextID)
        insertText.bind(unit.id)
        insertText.bind(texts[position].name)
        insertText.bind(position)
        insertText.bind(texts[position].text)
        isFull = insertText.endRow() || isFull
        nextTextID += 1
      }
    }
    return isFull
  }

  /// Writes a unit's texts at once.
  private mutating func writeContent(_ unit: UnitDraft) throws {
    _ = bindContent(unit)
    try insertText.flush()
  }

  /// Hands a unit's written texts to the search index, numbered from `id`
  /// on; `id` ends past them.
  ///
  /// A unit is taken where it lies (a batch's units are read through a
  /// buffer): a copy of it would retain each of its strings.
  private func indexTexts(of unit: UnitDraft, from id: inout Int64) {
    guard let searchIndex else { return }
    unit.texts.withUnsafeBufferPointer { texts in
      for index in texts.indices {
        searchIndex.add(id: id, text: texts[index].text)
        id += 1
      }
    }
  }

}
