import CSQLiteSetup
import Foundation
import GRDB
import GRDBSQLite

/// Builds the full-text index of a bulk load on a thread of its own while
/// the load's transaction stores the rows, then copies it into the database.
///
/// One connection writes one SQLite file, so the import's writer used to
/// index the texts itself once they were stored: 4 s of a million-case
/// import during which the other core had nothing to do. The builder indexes
/// each text as soon as it is stored, in a private temporary database
/// (SQLite deletes it when its connection closes), in a `unitSearch` table
/// made by the database's own `CREATE` statement, with the same texts in
/// the same order, folded as `qda_fold` folds them (by the tokenizer), and
/// with the merge policy the indexing statement used. So its FTS5 index
/// tables, `%_data` and `%_idx`, hold what that statement would have
/// written, and copying their rows (85 MB for a million cases, 0.2 s) gives
/// the database the same index.
///
/// The copy replaces the database's index entirely, so it serves only a
/// load into a database whose index covers no text: the first import into
/// an empty database (see `importSource`).
final class SearchIndexBuilder: @unchecked Sendable {
  /// Texts added since the last batch was handed over (writer's side).
  private var pending = TextBatch()
  /// The indexing thread's side, which that thread holds rather than the
  /// builder: a builder let go of before ``finish(into:)`` (a load that
  /// failed) stops the thread and waits for it, where a thread that held
  /// its builder waited for texts forever, with its temporary database.
  let indexer: Indexer
  /// Texts per batch handed over.
  static let batchSize = 512

  /// Opens the temporary database and starts the indexing thread.
  ///
  /// - Parameter db: The database whose `unitSearch` table is rebuilt; read
  ///   for that table's `CREATE` statement.
  /// - Throws: `DatabaseError` if the temporary database cannot be made.
  init(for db: Database) throws {
    guard
      let create = try String.fetchOne(
        db,
        sql:
          "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'unitSearch'"
      )
    else {
      throw DatabaseError(
        resultCode: .SQLITE_ERROR, message: "no full-text index to build")
    }
    var configuration = Configuration()
    configuration.label = "qda-search-index"
    configuration.prepareDatabase { db in
      Store.addFoldFunction(db)
      try Self.addFastTokenizer(db)
      // A scratch file: nothing to roll back or to make durable.
      try db.execute(
        sql: """
          PRAGMA journal_mode = OFF;
          PRAGMA synchronous = OFF;
          PRAGMA cache_size = -8192;
          """)
    }
    // An empty path: SQLite's private temporary file, deleted on close.
    let connection = try DatabaseQueue(path: "", configuration: configuration)
    try connection.inDatabase { db in
      try db.execute(sql: Self.withFastTokenizer(create))
      // The settings of the indexing statement in `importSource`.
      try db.execute(sql: Store.bulkIndexSettings)
    }
    indexer = Indexer(connection: connection)
    let thread = Thread { [indexer] in indexer.run() }
    thread.stackSize = 8 << 20
    thread.start()
  }

  /// Stops the thread if the load did not finish, and waits for it.
  deinit { indexer.cancel() }

  /// Registers the FTS5 tokenizer "qda_fast" (`FastTokenizer.c`) with a
  /// connection.
  ///
  /// - Throws: `DatabaseError` if FTS5 refuses it.
  static func addFastTokenizer(_ db: Database) throws {
    let code = qda_register_fast_tokenizer(db.sqliteConnection)
    guard code == SQLITE_OK else {
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code),
        message: "cannot register the tokenizer qda_fast")
    }
  }

  /// The `CREATE` statement of the database's index, with its tokenizer
  /// replaced by "qda_fast" (`FastTokenizer.c`), which makes the tokens
  /// it makes of every text folded by `qda_fold`, from the text unfolded,
  /// a third faster for ASCII and Russian texts.
  ///
  /// The database's own index keeps its tokenizer, so any connection reads
  /// and changes it; a statement naming another tokenizer is kept as it is.
  static func withFastTokenizer(_ create: String) -> String {
    create.replacingOccurrences(
      of: "tokenize = '\(SearchProbe.tokenizer)'", with: "tokenize = 'qda_fast'"
    )
  }

  /// Indexes a text stored with row id `id`; ids must increase.
  ///
  /// Waits while the indexing thread is several batches behind.
  func add(id: Int64, text: String) {
    pending.append(id: id, text: text)
    if pending.count == Self.batchSize { hand() }
  }

  /// Hands the pending texts to the indexing thread.
  private func hand() {
    let batch = pending
    pending = TextBatch()
    indexer.hand(batch)
  }

  /// Hands over the last texts: the thread indexes them and commits (FTS5
  /// writes out the terms it still holds) while the caller goes on, until
  /// ``finish(into:)``.
  func close() {
    if pending.count > 0 { hand() }
    indexer.close()
  }

  /// Indexes the last texts (``close()``, if not called yet), waits for the
  /// thread, and replaces the index tables of `db` by the ones built.
  ///
  /// - Parameter db: The database being loaded, in its transaction.
  /// - Throws: What indexing threw, or `DatabaseError` from the copy.
  func finish(into db: Database) throws {
    close()
    if let failure = indexer.join() { throw failure }
    try indexer.connection.inDatabase { source in
      for table in Self.indexTables {
        try db.execute(sql: "DELETE FROM \(table)")
        try Self.copyRows(of: table, from: source, to: db)
      }
    }
    // Whatever FTS5 had cached of the old index in this connection is
    // forgotten: a rollback to a savepoint it took part in makes it read
    // the index again. The command is the one the indexing statement
    // ends with, and is rolled back and then run for good.
    let resetMerges = Store.defaultIndexSettings
    try db.execute(
      sql:
        "SAVEPOINT qda_search; \(resetMerges) ROLLBACK TO qda_search; RELEASE qda_search;"
    )
    try db.execute(sql: resetMerges)
  }

  /// The FTS5 tables the index lives in: its pages and their terms.
  private static let indexTables = ["unitSearch_data", "unitSearch_idx"]

  /// Copies every row of `table` from `source` into the same table of
  /// `target`, values as they are (each row is inserted while it is the
  /// current row of the reading statement).
  private static func copyRows(
    of table: String, from source: Database, to target: Database
  ) throws {
    let read = try source.makeStatement(sql: "SELECT * FROM \(table)")
    let columns = read.columnCount
    let placeholders = Array(repeating: "?", count: columns).joined(
      separator: ", ")
    let write = try target.makeStatement(
      sql: "INSERT INTO \(table) VALUES (\(placeholders))")
    let reader = read.sqliteStatement
    let writer = write.sqliteStatement
    defer {
      sqlite3_reset(reader)
      sqlite3_reset(writer)
    }
    while true {
      let code = sqlite3_step(reader)
      guard code == SQLITE_ROW else {
        if code == SQLITE_DONE { return }
        throw DatabaseError(
          resultCode: ResultCode(rawValue: code),
          message: String(cString: sqlite3_errmsg(source.sqliteConnection)),
          sql: read.sql)
      }
      for column in 0..<Int32(columns) {
        sqlite3_bind_value(
          writer, column + 1, sqlite3_column_value(reader, column))
      }
      let written = sqlite3_step(writer)
      sqlite3_reset(writer)
      guard written == SQLITE_DONE else {
        throw DatabaseError(
          resultCode: ResultCode(rawValue: written),
          message: String(cString: sqlite3_errmsg(target.sqliteConnection)),
          sql: write.sql)
      }
    }
  }
}

extension SearchIndexBuilder {
  /// What the indexing thread and the writer share: the batches handed over,
  /// the temporary database, and how the thread stands.
  final class Indexer: @unchecked Sendable {
    // Sendable: every variable is read and written under `condition`.

    /// The temporary database the index is built in.
    let connection: DatabaseQueue
    /// The texts handed over and not yet taken, a batch at a time.
    private var ready: [TextBatch] = []
    private let condition = NSCondition()
    private var isClosed = false
    private var isCancelled = false
    private var isRunning = true
    private var failure: Error?
    /// How many batches may wait (65,536 texts, about 10 MB at a million
    /// cases' lengths).
    ///
    /// FTS5 writes the terms it gathers out in bursts (a segment of up to
    /// 32 MB at a time, see `Store.bulkIndexSettings`), during which it
    /// takes no text. With 8 batches waiting the writer soon stopped, then
    /// the reader behind it, and one core idled: in `perf sched`, the
    /// indexing thread alone ran for 0.7-0.8 s of a million cases' 5.3 s
    /// import. With 128 here and 64 batches of units ahead of the writer
    /// (see `importSource(_:readingAhead:finish:duplicate:)`), the others
    /// go on through a burst: import 5.04 → 4.65 s, medians of five side by
    /// side, for 13 MB more at the peak (either depth alone gained little).
    private static let depth = 128

    init(connection: DatabaseQueue) {
      self.connection = connection
    }

    /// Whether the thread has ended.
    var hasEnded: Bool {
      condition.lock()
      defer { condition.unlock() }
      return !isRunning
    }

    /// Hands a batch to the thread; waits while it is ``depth`` batches
    /// behind.
    func hand(_ batch: TextBatch) {
      condition.lock()
      defer { condition.unlock() }
      while ready.count >= Self.depth && isRunning { condition.wait() }
      // A thread that failed takes nothing more; `finish` throws its error.
      guard isRunning else { return }
      ready.append(batch)
      condition.broadcast()
    }

    /// The next batch to index; `nil` once the writer has closed or
    /// cancelled.
    private func take() -> TextBatch? {
      condition.lock()
      defer { condition.unlock() }
      while ready.isEmpty && !isClosed && !isCancelled { condition.wait() }
      if isCancelled || ready.isEmpty { return nil }
      let batch = ready.removeFirst()
      condition.broadcast()
      return batch
    }

    /// The indexing thread's work: every text, in one transaction.
    func run() {
      do {
        try connection.inTransaction { db in
          // The texts are bound where they lie, unfolded: the tokenizer
          // folds them as `qda_fold` does (through the function, SQLite
          // copied every text into its result).
          let insert = try db.makeStatement(
            sql: "INSERT INTO unitSearch (rowid, text) VALUES (?, ?)")
          while let batch = take() {
            try batch.forEachText { id, text in
              let code = Self.step(insert, id: id, text)
              guard code == SQLITE_DONE else {
                throw stepFailure(code, of: insert)
              }
              sqlite3_reset(insert.sqliteStatement)
            }
          }
          condition.lock()
          defer { condition.unlock() }
          return isCancelled ? .rollback : .commit
        }
      } catch {
        condition.lock()
        failure = error
        condition.unlock()
      }
      condition.lock()
      isRunning = false
      ready = []
      condition.broadcast()
      condition.unlock()
    }

    /// No more texts: the thread indexes those handed over and commits.
    func close() {
      condition.lock()
      isClosed = true
      condition.broadcast()
      condition.unlock()
    }

    /// Stops the thread, which rolls back, and waits for it.
    func cancel() {
      condition.lock()
      isCancelled = true
      condition.broadcast()
      condition.unlock()
      _ = join()
    }

    /// Waits for the thread to end; returns what it threw, if anything.
    func join() -> Error? {
      condition.lock()
      defer { condition.unlock() }
      while isRunning { condition.wait() }
      return failure
    }

    /// Binds `id` and the UTF-8 `text` (in place, for this step only) and
    /// steps `insert`; returns SQLite's result code.
    private static func step(
      _ insert: Statement, id: Int64, _ text: UnsafeBufferPointer<UInt8>
    ) -> Int32 {
      let handle = insert.sqliteStatement
      sqlite3_bind_int64(handle, 1, id)
      // An empty text needs an address all the same: NULL would bind NULL.
      let empty: StaticString = ""
      let pointer = UnsafeRawPointer(text.baseAddress ?? empty.utf8Start)
        .assumingMemoryBound(to: CChar.self)
      sqlite3_bind_text(handle, 2, pointer, Int32(text.count), nil)  // static
      let code = sqlite3_step(handle)
      sqlite3_clear_bindings(handle)
      return code
    }
  }
}

/// Texts to index, with their row ids, their UTF-8 one after another in one
/// buffer.
///
/// The writer copies each text in as it stores it, and the indexing thread
/// binds each where it lies. Handed over as strings, each text was made by
/// the reading thread, retained by the writer and released by the indexer:
/// three cores wrote its reference count, and the indexer's first retain of
/// each was a twentieth of its time.
struct TextBatch: Sendable {
  /// Each text's row id.
  private var ids: [Int64] = []
  /// Where each text ends in `bytes`.
  private var ends: [Int] = []
  /// The texts' UTF-8.
  private var bytes: [UInt8] = []

  /// How many texts it holds.
  var count: Int { ids.count }

  /// An empty batch, with room for `capacity` texts.
  init(capacity: Int = SearchIndexBuilder.batchSize) {
    ids.reserveCapacity(capacity)
    ends.reserveCapacity(capacity)
    bytes.reserveCapacity(128 * capacity)
  }

  /// Adds `text`, with row id `id`.
  mutating func append(id: Int64, text: String) {
    var text = text
    text.withUTF8 { bytes.append(contentsOf: $0) }
    ids.append(id)
    ends.append(bytes.count)
  }

  /// Calls `body` with each text's row id and UTF-8, in order.
  func forEachText(
    _ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void
  ) rethrows {
    try bytes.withUnsafeBufferPointer { bytes in
      var start = 0
      for index in ids.indices {
        let end = ends[index]
        try body(ids[index], UnsafeBufferPointer(rebasing: bytes[start..<end]))
        start = end
      }
    }
  }
}
